"""SVG snapshots of the instance widgets from deterministic data (fixed times, fixed clock)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests import factories
from tests.instance_harness import process_harness, redis_info_harness, server_status_harness
from widgets.process_table import ProcessTable
from widgets.status_panel import ServerStatusPanel

SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES)
def test_process_table(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(
        process_harness(count=30, idle=5), terminal_size=size, press=["down", "down"]
    )


def test_process_table_stale(snap_compare: Callable[..., bool]) -> None:
    async def fail(pilot: Pilot[None]) -> None:
        pilot.app.query_one(ProcessTable).reading = factories.failed()

    assert snap_compare(process_harness(), terminal_size=(80, 24), run_before=fail)


@pytest.mark.parametrize("size", SIZES)
def test_server_status_panel(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(server_status_harness(replica=True), terminal_size=size)


def test_server_status_panel_stale(snap_compare: Callable[..., bool]) -> None:
    async def fail(pilot: Pilot[None]) -> None:
        pilot.app.query_one(ServerStatusPanel).reading = factories.failed()

    assert snap_compare(server_status_harness(), terminal_size=(80, 24), run_before=fail)


@pytest.mark.parametrize("size", SIZES)
def test_redis_info_panel(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(redis_info_harness(), terminal_size=size)
