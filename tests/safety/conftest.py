"""Safety fixtures: a lab DataLayer with its own audit log (the change and outbound tests), and
the Sales/CRM Redis cluster as the console reaches it (tests/data/conftest.py's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from console.config import Settings
from console.data.layer import DataLayer
from tests.data.conftest import market  # noqa: F401  (a fixture, shared with tests/data)


@pytest.fixture
async def audited(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[DataLayer, Path]]:
    """A DataLayer on the lab whose audit log is this test's own file."""
    log = tmp_path / "audit.jsonl"
    console = msgspec.structs.replace(settings.console, audit_log=str(log))
    layer = DataLayer(replace(settings, console=console))
    try:
        yield layer, log
    finally:
        await layer.close()
