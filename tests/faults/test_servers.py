"""The fault matrix, database rows: a Redis server frozen, MariaDB killed during a query,
PostgreSQL restarted, a host name that does not resolve.

Each test runs throwaway copies (tests/faults/copies.py), opens the console on them and runs
`opsconsole check --json` while the part fails, then lets the part come back and expects the
same console, never restarted, to show live figures again. The shared lab is never touched.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from console.app import OpsConsoleApp
from console.data.models import FleetHealth
from console.screens.instance import InstanceScreen
from tests.faults.conftest import SCREEN, StartCopy, run_check, visible
from tests.faults.fault_config import (
    POSTGRES_NAME,
    REDIS_NAME,
    TIMEOUTS,
    Parts,
    write_settings,
)
from tests.helpers import wait_until
from widgets.fleet_tree import FleetTree
from widgets.status_bar import StatusBar

pytestmark = [pytest.mark.lab, pytest.mark.timeout(120)]

WITHIN_S = 30.0
"""Hang guard for each wait: far above every timeout in the fault config (a few seconds)."""


def health(app: OpsConsoleApp, name: str) -> FleetHealth | None:
    return app.screen.query_one(FleetTree).health_of(name)


def checked_after(app: OpsConsoleApp, name: str, moment: datetime) -> bool:
    """The fleet has a probe of `name` newer than `moment` (its row kept updating)."""
    result = health(app, name)
    return result is not None and result.reading.fetched_at > moment


def answered(app: OpsConsoleApp, name: str) -> bool:
    """The fleet shows a probe of `name` that got an answer (`ok`, or `warn` when the machine
    is busy: a slow probe is a figure, not a fault)."""
    result = health(app, name)
    return result is not None and result.reading.error is None and result.state != "down"


def fleet_error(app: OpsConsoleApp, name: str) -> str:
    result = health(app, name)
    error = None if result is None else result.reading.error
    return "" if error is None else f"{error.kind}: {error.message}"


async def open_instance(app: OpsConsoleApp, pilot, name: str) -> InstanceScreen:  # type: ignore[no-untyped-def]
    app.open_instance(name)
    await wait_until(
        pilot, lambda: isinstance(app.screen, InstanceScreen) and bool(app.screen.loaded), WITHIN_S
    )
    screen = app.screen
    assert isinstance(screen, InstanceScreen)
    return screen


def failing(screen: InstanceScreen) -> tuple[str, ...]:
    return screen.query_one(StatusBar).failing


async def test_a_frozen_redis_times_out_in_place_and_recovers_on_sigcont(
    start: StartCopy, fault_root: Path
) -> None:
    redis, postgres = start("redis"), start("postgres")
    settings = write_settings(fault_root, Parts(redis=redis, postgres=postgres))
    probe_s, query_s = TIMEOUTS["probe_s"], TIMEOUTS["query_s"]
    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        await wait_until(pilot, lambda: answered(app, REDIS_NAME), WITHIN_S)

        await asyncio.to_thread(redis.freeze)
        await wait_until(pilot, lambda: "timeout" in fleet_error(app, REDIS_NAME), WITHIN_S)
        frozen_seen = datetime.now().astimezone()
        assert fleet_error(app, REDIS_NAME) == f"timeout: no answer within {probe_s:.1f}s"
        # the other instance's row kept updating while Redis hung
        await wait_until(pilot, lambda: checked_after(app, POSTGRES_NAME, frozen_seen), WITHIN_S)
        assert answered(app, POSTGRES_NAME)

        check = await run_check(settings)
        assert check.rows[REDIS_NAME]["state"] == "down"
        assert check.error(REDIS_NAME) == f"timeout: no answer within {probe_s:.1f}s"
        assert check.answered(POSTGRES_NAME)
        assert check.code == 1

        screen = await open_instance(app, pilot, REDIS_NAME)
        await wait_until(pilot, lambda: failing(screen) == ("redis timeout",), WITHIN_S)
        assert f"timeout: no answer within {query_s:.1f}s" in visible(app)

        await asyncio.to_thread(redis.thaw)
        await wait_until(pilot, lambda: failing(screen) == (), WITHIN_S)
        assert "timeout" not in visible(app)
        assert "redis_version" in visible(app) or "version" in visible(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: answered(app, REDIS_NAME), WITHIN_S)
        assert app.worker_errors == []

    check = await run_check(settings)
    assert check.answered(REDIS_NAME)
    assert check.answered(POSTGRES_NAME)
