"""`[record]` in config.toml: its defaults, its folder, and a wrong value named."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import load_settings
from console.errors import ConfigError
from tests.conftest import ROOT

CONFIG = ROOT / "config.toml"


def _with(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.read_text() + "\n[record]\n" + section)
    return path


def test_record_defaults_and_folder_in_the_state_dir(tmp_path: Path) -> None:
    settings = load_settings(_with(tmp_path, 'output_dir = ""\n'), "lab")
    record = settings.record
    assert (record.fleet_interval_s, record.detail_interval_s) == (60.0, 5.0)
    assert (record.instances, record.on_view) == ((), False)
    assert settings.record_dir == settings.state_dir / "recordings"


def test_record_options_are_read(tmp_path: Path) -> None:
    section = (
        'detail_interval_s = 2\ninstances = ["aws-luckyus-salesorder-rw"]\n'
        'output_dir = "recs"\nkeep_hours = 6\nmax_bytes = 1000000\non_view = true\n'
    )
    settings = load_settings(_with(tmp_path, section), "lab")
    record = settings.record
    assert record.detail_interval_s == 2.0
    assert record.instances == ("aws-luckyus-salesorder-rw",)
    assert (record.keep_hours, record.max_bytes, record.on_view) == (6.0, 1_000_000, True)
    assert settings.record_dir == tmp_path / "recs"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("detail_interval_s = 0", "record.detail_interval_s"),
        ('on_view = "yes"', "record.on_view"),
        ("keep_hourz = 3", "record.keep_hourz"),
    ],
)
def test_a_wrong_record_option_is_named(tmp_path: Path, line: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_settings(_with(tmp_path, line + "\n"), "lab")
