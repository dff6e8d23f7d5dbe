"""Processes on a living lab: active sessions first, longest-running on top, idle ones counted.

The lab's workload keeps a pool of mostly idle sessions on MariaDB and PostgreSQL with five of
them running SLEEP / pg_sleep; the server lists the idle ones too. Pressed through the real
instance screen, the table must show the running ones first and count the idle ones apart.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from console.config import Settings
from console.data.models import Process
from console.formatting.sessions import process_is_idle
from console.lab import manager, workload
from tests.helpers import mounted, wait_until
from tests.screens.conftest import app_for
from widgets.process_table import ProcessTable

pytestmark = pytest.mark.lab


def _shown(table: ProcessTable) -> list[int]:
    return [int(row.key.value or 0) for row in table.ordered_rows]


def _listed(table: ProcessTable) -> tuple[Process, ...]:
    return table.reading.value or () if table.reading is not None else ()


def _busy_pool(table: ProcessTable, user: str) -> bool:
    """The workload's pool is in the reading: some of it running, more of it idle."""
    mine = [p for p in _listed(table) if p.user == user]
    running = [p for p in mine if "sleep(" in (p.query or "").lower() and p.time_s >= 1]
    return len(running) >= 2 and sum(process_is_idle(p) for p in mine) >= 5


@pytest.mark.parametrize(
    ("instance", "user"),
    [
        ("aws-luckyus-salesorder-rw", workload.MYSQL_ACCOUNT[0]),
        ("aws-luckyus-dify-rw", workload.PG_ACCOUNT[0]),
    ],
)
async def test_running_sessions_come_first_and_idle_ones_are_counted(
    settings: Settings, tmp_path: Path, lab_dir: Path, instance: str, user: str
) -> None:
    assert await asyncio.to_thread(manager.workload, lab_dir, True, print)
    # every session: a heavy load from another test must not push the pool past the row limit
    console = msgspec.structs.replace(settings.console, row_limit=2000)
    app = app_for(replace(settings, console=console), tmp_path, instance=instance, pane="processes")
    async with app.run_test(size=(160, 50)) as pilot:
        table = await mounted(pilot, ProcessTable)
        await wait_until(pilot, lambda: _busy_pool(table, user), within_s=30)
        # no await from here on: the rows are the reading on screen, compared in one go
        listed = _listed(table)
        active = [p for p in listed if not process_is_idle(p)]
        idle = [p for p in listed if process_is_idle(p)]
        assert _shown(table) == [p.id for p in sorted(active, key=lambda p: (-p.time_s, p.id))]
        top = next(p for p in listed if p.id == _shown(table)[0])
        assert top.time_s == max(p.time_s for p in active)
        assert not {p.id for p in idle} & set(_shown(table))
        assert f"+ {len(idle)} idle hidden · h shows them" in str(table.border_title)
        assert app.focused is table  # the tab's keys act at once, no Tab press first
        await pilot.press("h")
        listed = _listed(table)
        shown = _shown(table)
        tail = [p.id for p in listed if process_is_idle(p)]
        assert sorted(shown[len(shown) - len(tail) :]) == sorted(tail) and len(tail) >= 5
        assert "idle shown · h hides them" in str(table.border_title)
        assert app.worker_errors == []
