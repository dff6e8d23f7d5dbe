"""`redis-audit --resume` reads the partial scan the service kept; without one it says why and
starts over (the lab tests cover saving and resuming a real scan)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import Settings, load_settings
from console.services import ttl_audit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings() -> Settings:
    """The lab profile's settings, read from the file only (these tests reach no server)."""
    return load_settings(ROOT / "config.toml", "lab")


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "redis-audit" / "luckyus-isales-market.state.json"
    monkeypatch.setattr(ttl_audit, "state_path", lambda _settings, _name: path)
    return path


def test_a_kept_scan_is_read_back(state: Path, settings: Settings) -> None:
    state.parent.mkdir()
    state.write_text('{"version": 1}', encoding="utf-8")
    assert ttl_audit.saved_scan(settings, "luckyus-isales-market") == ('{"version": 1}', None)


def test_no_kept_scan_says_where_it_looked(state: Path, settings: Settings) -> None:
    checkpoint, why_not = ttl_audit.saved_scan(settings, "luckyus-isales-market")
    assert checkpoint is None
    assert why_not == f"no saved scan in {state}: starting from the beginning"


def test_an_unreadable_state_says_why(state: Path, settings: Settings) -> None:
    state.mkdir(parents=True)  # a folder where the file should be
    checkpoint, why_not = ttl_audit.saved_scan(settings, "luckyus-isales-market")
    assert checkpoint is None and why_not is not None
    assert why_not.startswith(f"cannot read {state} (Is a directory)")


def test_the_state_file_is_named_safely(settings: Settings) -> None:
    path = ttl_audit.state_path(settings, "luckyus/../x y")
    assert (
        path.parent == settings.state_dir / "redis-audit"
    )  # the user's own, not the shared output
    assert path.name == "luckyus_.._x_y.state.json"
