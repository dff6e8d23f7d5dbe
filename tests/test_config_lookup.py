"""Where the config is found, and where each user's files go (issue 13, items 1 and 2).

Order: --config, $OPSCONSOLE_CONFIG, ./config.toml, $XDG_CONFIG_HOME/opsconsole/config.toml
(~/.config), /etc/opsconsole/config.toml; none: one message listing every place looked.
The machine's /etc location is pointed at a tmp file here (monkeypatch), so a config a team
test or an admin put in /etc cannot change what these tests see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import console.config
from console.cli.config import template_text
from console.config import find_config, load_settings
from console.errors import ConfigError
from console.services.ttl_audit import state_path


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Every place a config may be, none of them holding one yet; the test runs in `cwd`."""
    cwd, home, xdg = tmp_path / "cwd", tmp_path / "home", tmp_path / "xdg-config"
    for folder in (cwd, home, xdg):
        folder.mkdir()
    system = tmp_path / "etc" / "opsconsole" / "config.toml"
    monkeypatch.setattr(console.config, "SYSTEM_CONFIG", system)
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("OPSCONSOLE_CONFIG", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    return {
        "cwd": cwd / "config.toml",
        "home": home / ".config" / "opsconsole" / "config.toml",
        "xdg": xdg / "opsconsole" / "config.toml",
        "system": system,
        "explicit": tmp_path / "explicit.toml",
    }


def _put(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template_text(), encoding="utf-8")
    return path


def test_each_place_is_found_in_order_and_the_first_that_exists_wins(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _put(places["system"])
    assert find_config(None).path == places["system"]
    _put(places["home"])
    assert find_config(None).path == places["home"]  # ~/.config without $XDG_CONFIG_HOME
    monkeypatch.setenv("XDG_CONFIG_HOME", str(places["xdg"].parents[1]))
    assert find_config(None).path == places["system"]  # $XDG_CONFIG_HOME replaces ~/.config
    _put(places["xdg"])
    assert find_config(None).path == places["xdg"]
    _put(places["cwd"])
    assert find_config(None) == console.config.ConfigSource(places["cwd"], "the current folder")
    monkeypatch.setenv("OPSCONSOLE_CONFIG", str(places["explicit"]))
    assert find_config(None).path == places["explicit"]  # named: used even before it exists
    assert find_config("other.toml").path == Path("other.toml")
    assert find_config("other.toml").how == "--config"


def test_no_config_anywhere_lists_every_place_looked(places: dict[str, Path]) -> None:
    with pytest.raises(ConfigError) as caught:
        find_config(None)
    message = str(caught.value)
    assert "config.toml: file: not found" in message
    assert "--config not given" in message and "$OPSCONSOLE_CONFIG not set" in message
    for where in ("cwd", "home", "system"):
        assert str(places[where]) in message
    assert "opsconsole config init" in message


def test_per_user_files_go_to_the_xdg_folders_unless_the_config_names_one(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings(_put(places["system"]))
    home = Path.home()
    assert settings.output_dir == home / ".local" / "share" / "opsconsole"
    assert settings.state_dir == home / ".local" / "state" / "opsconsole"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert settings.output_dir == tmp_path / "data" / "opsconsole"
    assert state_path(settings, "luckyus-isales market") == (
        tmp_path / "state" / "opsconsole" / "redis-audit" / "luckyus-isales_market.state.json"
    )
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the XDG spec ignores relative ones
    assert settings.output_dir == home / ".local" / "share" / "opsconsole"


def test_relative_paths_in_a_config_resolve_against_its_own_folder(
    places: dict[str, Path],
) -> None:
    path = _put(places["system"])
    text = path.read_text().replace(
        "[console]\n", '[console]\noutput_dir = "out"\nstate_dir = "~/st"\n'
    )
    text = text.replace('cache_dir = "/var/cache/opsconsole"', 'cache_dir = "cache"')
    text = text.replace(
        'secret = "secretsmanager:opsconsole/redis-ro"', 'secret = "file:secrets/redis.pass"'
    )
    path.write_text(text)
    settings = load_settings(path)  # from another folder: the paths stay the config's
    folder = places["system"].parent
    assert settings.output_dir == folder / "out"
    assert settings.state_dir == Path.home() / "st"  # ~ is each user's own home
    assert settings.aws_cache_dir == folder / "cache"
    assert settings.redis_secret == f"file:{folder / 'secrets' / 'redis.pass'}"
