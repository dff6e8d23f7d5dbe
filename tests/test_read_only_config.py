"""The read-only switch as a user sets it: `[console] read_only = true` in config.toml, or
`--read-only` before or after the verb; the flag turns it on, never off, and each says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.cli import build_parser
from console.cli.common import settings_loader
from console.config import Settings, load_settings
from tests.helpers import run_opsconsole as opsconsole

ROOT = Path(__file__).resolve().parents[1]
FLAG = "read-only: this console was started with --read-only"


def config(tmp_path: Path, read_only: bool) -> Path:
    """The shipped config.toml, with or without `read_only = true` in its [console] table."""
    text = (ROOT / "config.toml").read_text()
    if read_only:
        text = text.replace("[console]\n", "[console]\nread_only = true\n", 1)
    path = tmp_path / ("read-only.toml" if read_only else "config.toml")
    path.write_text(text)
    return path


def loaded(*argv: str) -> Settings:
    return settings_loader(build_parser().parse_args(list(argv)))()


def test_the_config_setting_makes_the_console_read_only_and_names_the_file(
    tmp_path: Path,
) -> None:
    on = load_settings(config(tmp_path, read_only=True))
    assert on.console.read_only
    assert on.read_only_reason == f"read-only: [console] read_only = true in {on.path}"
    off = load_settings(config(tmp_path, read_only=False))
    assert not off.console.read_only and off.read_only_reason is None


@pytest.mark.parametrize(
    "argv",
    [
        ("--read-only", "plan", "--instance", "x", "SELECT 1"),
        ("plan", "--read-only", "--instance", "x", "SELECT 1"),
        ("--read-only",),
    ],
)
def test_the_flag_before_or_after_the_verb_makes_it_read_only(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    settings = loaded("--config", str(config(tmp_path, read_only=False)), *argv)
    assert settings.console.read_only and settings.read_only_reason == FLAG


def test_without_the_flag_the_file_decides(tmp_path: Path) -> None:
    path = str(config(tmp_path, read_only=True))
    assert loaded("--config", path, "plan", "--instance", "x", "S").console.read_only
    plain = loaded(
        "--config", str(config(tmp_path, read_only=False)), "plan", "--instance", "x", "S"
    )
    assert not plain.console.read_only and plain.read_only_reason is None


def test_a_string_for_the_switch_is_a_config_error(tmp_path: Path) -> None:
    """`read_only = "no"` must not be read as a yes or a no: the file says which key."""
    path = config(tmp_path, read_only=False)
    path.write_text(path.read_text().replace("[console]\n", '[console]\nread_only = "no"\n', 1))
    from console.errors import ConfigError

    with pytest.raises(ConfigError, match="read_only"):
        load_settings(path)


def test_config_check_says_whether_changes_may_run_and_what_made_it_read_only(
    tmp_path: Path,
) -> None:
    """Before a refusal surprises someone mid-incident, `config check` names the cause."""
    import json

    on = config(tmp_path, read_only=True)
    record = json.loads(opsconsole("--config", str(on), "config", "check", "--json").stdout)
    assert record["read_only"] == f"read-only: [console] read_only = true in {on}"
    off = str(config(tmp_path, read_only=False))
    flagged = opsconsole("--config", off, "config", "check", "--read-only").stdout
    assert f"changes: {FLAG}" in flagged
    plain = opsconsole("--config", off, "config", "check").stdout
    assert "changes: allowed after confirmation (not read-only)" in plain
