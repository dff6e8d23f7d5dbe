"""The fault matrix, database rows: a Redis server frozen, MariaDB killed during a query,
PostgreSQL restarted, a host name that does not resolve.

Each test runs throwaway copies (tests/faults/copies.py), opens the console on them and runs
`opsconsole check --json` while the part fails, then lets the part come back and expects the
same console, never restarted, to show live figures again. The shared lab is never touched.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from console.app import OpsConsoleApp
from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import Reading
from tests.faults.copies import Copy, StartCopy, running_sleeps
from tests.faults.fault_config import (
    MYSQL_NAME,
    POSTGRES_NAME,
    REDIS_NAME,
    TIMEOUTS,
    UNRESOLVABLE_NAME,
    Parts,
    write_settings,
)
from tests.faults.seen import (
    SCREEN,
    WITHIN_S,
    answered,
    checked_after,
    failing,
    fleet_error,
    open_instance,
    painted,
    run_check,
    shows,
)
from tests.helpers import wait_until

pytestmark = [pytest.mark.lab, pytest.mark.timeout(120)]


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
        await shows(pilot, app, f"timeout: no answer within {query_s:.1f}s")

        await asyncio.to_thread(redis.thaw)
        await wait_until(pilot, lambda: failing(screen) == (), WITHIN_S)
        assert "timeout" not in await painted(pilot, app)
        await shows(pilot, app, "version")
        await pilot.press("escape")
        await wait_until(pilot, lambda: answered(app, REDIS_NAME), WITHIN_S)
        assert app.worker_errors == []

    check = await run_check(settings)
    assert check.answered(REDIS_NAME)
    assert check.answered(POSTGRES_NAME)


async def kill_during_a_query(settings: Settings, mariadb: Copy) -> Reading[Any]:
    """Start a 30 s statement through the data layer, kill -9 the server while it runs."""
    instance = settings.fleet.by_name(MYSQL_NAME)
    assert instance is not None
    layer = DataLayer(settings)
    try:
        query = asyncio.create_task(layer._sources.mysql.select(instance, "SELECT SLEEP(30)", 1))
        deadline = time.monotonic() + WITHIN_S
        while not await asyncio.to_thread(running_sleeps, mariadb):
            assert time.monotonic() < deadline, "the statement never started"
            assert not query.done(), query.result()
            await asyncio.sleep(0.05)
        await asyncio.to_thread(mariadb.kill)
        reading: Reading[Any] = await query
    finally:
        await layer.close()
    return reading


async def test_mariadb_killed_during_a_query_says_so_and_recovers_on_restart(
    start: StartCopy, fault_root: Path
) -> None:
    mariadb, redis = start("mariadb"), start("redis")
    settings = write_settings(fault_root, Parts(mariadb=mariadb, redis=redis))
    refused = f"unreachable: connection refused (127.0.0.1:{mariadb.port})"
    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        await wait_until(pilot, lambda: answered(app, MYSQL_NAME), WITHIN_S)

        reading = await kill_during_a_query(settings, mariadb)
        killed_at = datetime.now().astimezone()
        assert reading.error is not None
        assert reading.error.kind == "unreachable"
        assert reading.error.message == "server closed the connection during the query (2013)"

        await wait_until(pilot, lambda: fleet_error(app, MYSQL_NAME) == refused, WITHIN_S)
        await wait_until(pilot, lambda: checked_after(app, REDIS_NAME, killed_at), WITHIN_S)
        assert answered(app, REDIS_NAME)

        check = await run_check(settings)
        assert check.error(MYSQL_NAME) == refused
        assert check.rows[MYSQL_NAME]["state"] == "down"
        assert check.answered(REDIS_NAME)

        screen = await open_instance(app, pilot, MYSQL_NAME)
        await wait_until(pilot, lambda: failing(screen) == ("mysql unreachable",), WITHIN_S)
        await shows(pilot, app, refused)

        await asyncio.to_thread(mariadb.start)
        await wait_until(pilot, lambda: failing(screen) == (), WITHIN_S)
        assert "connection refused" not in await painted(pilot, app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: answered(app, MYSQL_NAME), WITHIN_S)
        assert app.worker_errors == []

    assert (await run_check(settings)).answered(MYSQL_NAME)


async def test_postgres_restarted_shows_refused_while_down_and_recovers(
    start: StartCopy, fault_root: Path
) -> None:
    postgres, redis = start("postgres"), start("redis")
    settings = write_settings(fault_root, Parts(postgres=postgres, redis=redis))
    refused = f"unreachable: connection refused (127.0.0.1:{postgres.port})"
    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        await wait_until(pilot, lambda: answered(app, POSTGRES_NAME), WITHIN_S)
        screen = await open_instance(app, pilot, POSTGRES_NAME)
        await pilot.press("2")  # Processes: its pooled connections die with the server
        await wait_until(pilot, lambda: "processes" in screen.loaded, WITHIN_S)
        assert failing(screen) == ()

        await asyncio.to_thread(postgres.stop)
        await wait_until(pilot, lambda: failing(screen) == ("postgres unreachable",), WITHIN_S)
        await shows(pilot, app, refused)
        check = await run_check(settings)
        assert check.error(POSTGRES_NAME) == refused
        assert check.answered(REDIS_NAME)

        await asyncio.to_thread(postgres.start)
        await wait_until(pilot, lambda: failing(screen) == (), WITHIN_S)
        assert "connection refused" not in await painted(pilot, app)

        # a restart between two polls: the pool's connections are dead, the next poll is not
        await asyncio.to_thread(postgres.stop)
        await asyncio.to_thread(postgres.start)
        restarted_at = datetime.now().astimezone()
        await pilot.press("escape")
        await wait_until(pilot, lambda: checked_after(app, POSTGRES_NAME, restarted_at), WITHIN_S)
        await wait_until(pilot, lambda: answered(app, POSTGRES_NAME), WITHIN_S)
        assert app.worker_errors == []

    assert (await run_check(settings)).answered(POSTGRES_NAME)


async def test_an_unresolvable_host_says_host_not_found_while_the_rest_answer(
    start: StartCopy, fault_root: Path
) -> None:
    redis = start("redis")
    settings = write_settings(fault_root, Parts(redis=redis, unresolvable_mysql=True))
    not_found = "unreachable: host not found (Name or service not known)"
    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        await wait_until(pilot, lambda: fleet_error(app, UNRESOLVABLE_NAME) != "", WITHIN_S)
        assert fleet_error(app, UNRESOLVABLE_NAME) == not_found
        await wait_until(pilot, lambda: answered(app, REDIS_NAME), WITHIN_S)

        screen = await open_instance(app, pilot, UNRESOLVABLE_NAME)
        await wait_until(pilot, lambda: failing(screen) == ("mysql unreachable",), WITHIN_S)
        await shows(pilot, app, not_found)
        assert app.worker_errors == []

    check = await run_check(settings)
    assert check.error(UNRESOLVABLE_NAME) == not_found
    assert check.rows[UNRESOLVABLE_NAME]["state"] == "down"
    assert check.answered(REDIS_NAME)
