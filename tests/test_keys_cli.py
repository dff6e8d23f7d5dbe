"""`[keymap]` and `opsconsole keys` as a user meets them: a CLI run in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_opsconsole as opsconsole
from tests.test_startup_imports import loaded_by

ROOT = Path(__file__).resolve().parents[1]


def config_with(tmp_path: Path, keymap: str) -> Path:
    """The shipped config.toml (lab profile) with these lines in its [keymap] table."""
    path = tmp_path / "config.toml"
    text = (ROOT / "config.toml").read_text()
    path.write_text(text.replace("[keymap]\n", f"[keymap]\n{keymap}\n", 1))
    return path


def test_an_unknown_id_stops_the_console_with_exit_2_before_any_screen(tmp_path: Path) -> None:
    config = config_with(tmp_path, '"fleet.refresh" = "R"')
    result = opsconsole("--config", str(config))  # the TUI, the default verb
    assert result.returncode == 2
    assert result.stdout == ""  # no screen was drawn
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"opsconsole: {config}: keymap: unknown binding id 'fleet.refresh'")
    assert "'screen.refresh'" in line


def test_keys_lists_a_remapped_key_with_its_default(tmp_path: Path) -> None:
    config = config_with(tmp_path, '"screen.pause" = "P"')
    result = opsconsole("--config", str(config), "keys")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "KEY", "WHERE", "WHAT", "IT", "DOES"]
    [pause] = [line for line in lines if line.startswith("screen.pause ")]
    assert "P (default p)" in pause and "Pause or resume" in pause
    [refresh] = [line for line in lines if line.startswith("screen.refresh ")]
    assert refresh.split()[1] == "r" and "default" not in refresh


def test_keys_json_has_every_id_with_the_key_in_force(tmp_path: Path) -> None:
    config = config_with(tmp_path, 'app.quit = "Q"')  # unquoted: a TOML dotted key
    result = opsconsole("--config", str(config), "keys", "--json")
    assert result.returncode == 0, result.stderr
    items = {item["id"]: item for item in json.loads(result.stdout)}
    assert (items["app.quit"]["key"], items["app.quit"]["default"]) == ("Q", "q")
    assert items["screen.back"]["key"] == "escape"
    assert {"app.alerts", "process.kill", "cost.more"} <= set(items)
    assert all(item["help"] for item in items.values())


def test_keys_lists_without_loading_textual() -> None:
    """The registry is plain data: the listing (and the config check) never import the UI."""
    modules = loaded_by("--config", str(ROOT / "config.toml"), "keys")
    assert {"console.keymap", "console.config"} <= modules
    assert not [name for name in modules if name == "textual" or name.startswith("widgets")]
