"""Shared fixtures: the live lab (started once per session), lab settings, a fresh DataLayer."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from console.config import Settings, load_settings

if TYPE_CHECKING:
    from console.data.layer import DataLayer

ROOT = Path(__file__).resolve().parents[1]
LAB_DIR = Path(os.environ.get("OPSCONSOLE_LAB_DIR", ROOT / ".lab"))


@pytest.fixture(scope="session")
def lab_dir() -> Path:
    """The local lab, brought up once for the whole test session (idempotent)."""
    from console.lab import manager

    if not manager.up(LAB_DIR, lambda line: print(line, file=sys.stderr)):
        pytest.fail("the lab did not come up: see the lines above")
    return LAB_DIR


@pytest.fixture(scope="session")
def settings(lab_dir: Path) -> Settings:
    """config.toml with the lab profile, as `opsconsole --profile lab` loads it."""
    return load_settings(ROOT / "config.toml", "lab")


@pytest.fixture
async def data(settings: Settings) -> AsyncIterator[DataLayer]:
    """A DataLayer whose pools belong to this test's event loop."""
    from console.data.layer import DataLayer

    layer = DataLayer(settings)
    try:
        yield layer
    finally:
        await layer.close()
