"""The PostgreSQL source against the lab: figures, sessions, lock chains, digests, faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import LockWait, Process
from console.inventory import Instance
from console.lab import topology

pytestmark = pytest.mark.lab
DIFY = "aws-luckyus-dify-rw"
T = TypeVar("T")
Connect = Callable[[], Awaitable["asyncpg.Connection[asyncpg.Record]"]]


def dify(settings: Settings) -> Instance:
    instance = settings.fleet.by_name(DIFY)
    assert instance is not None
    return instance


async def eventually(probe: Callable[[], Awaitable[T | None]], within_s: float = 5.0) -> T:
    """Poll `probe` until it returns something (a predicate wait, never a fixed sleep)."""
    deadline = time.monotonic() + within_s
    while True:
        found = await probe()
        if found is not None:
            return found
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


@pytest.fixture
async def admin(lab_dir: Path) -> AsyncIterator[Connect]:
    """Open admin connections to dify (test setup only: the console never does).

    Not the dify_app role: the lab's `scenario clear` terminates every dify_app session.
    """
    password = (lab_dir / "secrets" / "postgres-admin.pass").read_text().strip()
    opened: list[asyncpg.Connection[asyncpg.Record]] = []

    async def connect() -> asyncpg.Connection[asyncpg.Record]:
        conn = await asyncpg.connect(
            host=topology.HOST,
            port=topology.POSTGRES_PORT,
            user=topology.POSTGRES_ADMIN_USER,
            password=password,
            database="dify",
            server_settings={"application_name": "opsconsole-tests"},
        )
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.terminate()


async def session(data: DataLayer, instance: Instance, pid: int) -> Process | None:
    reading = await data.postgres.processlist(instance, 100)
    assert reading.value is not None, reading.error
    return next((p for p in reading.value if p.id == pid), None)


async def test_health_and_status_report_the_server(data: DataLayer, settings: Settings) -> None:
    instance = dify(settings)
    health = await data.health(instance)
    assert health.value is not None, health.error
    assert health.value.state in ("ok", "warn") and health.value.max_connections == 100
    assert (health.value.connections or 0) >= 1
    reading = await data.postgres.status(instance)
    status = reading.value
    assert status is not None, reading.error
    assert status.version.startswith("15.")
    assert status.uptime_s > 0
    assert 1 <= status.connections <= status.max_connections == 100
    assert 0 <= status.running <= status.connections
    assert status.qps is not None and status.qps > 0  # since stats reset: the seed ran
    assert status.cache_hit_ratio is not None and 0 < status.cache_hit_ratio <= 1
    assert status.is_replica is False and status.replication_lag_s is None
    again = await data.postgres.status(instance)
    assert again.value is not None and again.value.qps is not None and again.value.qps >= 0


async def test_processlist_shows_a_session_with_its_query_masked(
    data: DataLayer, settings: Settings, admin: Connect
) -> None:
    conn = await admin()
    pid = conn.get_server_pid()
    sleeping = asyncio.create_task(conn.fetch("SELECT pg_sleep(30), 'jane.doe@example.com' AS who"))

    async def active() -> Process | None:
        found = await session(data, dify(settings), pid)
        return found if found is not None and found.command == "active" else None

    mine = await eventually(active)
    sleeping.cancel()
    assert mine.user == topology.POSTGRES_ADMIN_USER and mine.db == "dify"
    assert mine.host == "127.0.0.1"
    assert mine.query is not None and "pg_sleep(30)" in mine.query
    assert "jane.doe" not in mine.query and "***@example.com" in mine.query
    assert mine.time_s >= 0 and mine.state == "Timeout:PgSleep" and mine.blocked_by == ()
    reading = await data.postgres.processlist(dify(settings), 100)
    assert reading.value is not None
    assert not any(p.query and "/* opsconsole */" in p.query for p in reading.value)
    with pytest.raises(asyncio.CancelledError):
        await sleeping


async def test_lock_wait_chain_is_visible(
    data: DataLayer, settings: Settings, admin: Connect
) -> None:
    holder, waiter = await admin(), await admin()
    await holder.execute("BEGIN; LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE")
    blocked = asyncio.create_task(waiter.fetchval("SELECT count(*) FROM tenants"))

    async def waiting() -> Process | None:
        found = await session(data, dify(settings), waiter.get_server_pid())
        return found if found is not None and found.blocked_by else None

    try:
        mine = await eventually(waiting)
        waits = await data.postgres.lock_waits(dify(settings), 100)
        holding = await session(data, dify(settings), holder.get_server_pid())
    finally:
        await holder.execute("ROLLBACK")
    assert await blocked == 12
    assert mine.blocked_by == (holder.get_server_pid(),)
    assert mine.state == "Lock:relation" and mine.trx_age_s is not None
    assert holding is not None and holding.command == "idle in transaction"
    assert waits.value is not None, waits.error
    [edge] = [w for w in waits.value if w.waiting == waiter.get_server_pid()]
    assert edge == LockWait(waiter.get_server_pid(), holder.get_server_pid(), edge.wait_s,
                            "tenants AccessShareLock")  # fmt: skip
    assert edge.wait_s is not None and edge.wait_s >= 0


async def test_digests_variables_and_explain(data: DataLayer, settings: Settings) -> None:
    instance = dify(settings)
    digests = await data.postgres.digests(instance, 10)
    assert digests.value, digests.error
    assert len(digests.value) <= 10
    assert digests.value == tuple(sorted(digests.value, key=lambda d: -d.total_time_s))
    assert all(d.calls >= 1 and d.total_time_s >= d.avg_time_s >= 0 for d in digests.value)
    assert not any("@gmail.com" in d.text and "***@" not in d.text for d in digests.value)
    variables = await data.postgres.variables(instance, "max_conn%", 10)
    assert variables.value is not None, variables.error
    assert [(v.name, v.value) for v in variables.value] == [("max_connections", "100")]
    failsafe = await data.postgres.variables(instance, "vacuum_failsafe_age", 1)
    assert failsafe.value is not None and failsafe.value[0].value == "1600000000"  # not a phone
    some = await data.postgres.variables(instance, "%", 5)
    assert some.value is not None and len(some.value) == 5
    plan = await data.postgres.explain(
        instance, "SELECT * FROM messages WHERE user_email = 'bob.smith@example.com';"
    )
    assert plan.value is not None, plan.error
    assert plan.value.columns == ("QUERY PLAN",) and plan.value.estimated_rows is not None
    text = "\n".join(row[0] for row in plan.value.rows)
    assert "bob.smith" not in text and "***@example.com" in text


async def test_explain_never_runs_the_statement(data: DataLayer, settings: Settings) -> None:
    started = time.monotonic()
    for smuggled in ("ANALYZE SELECT pg_sleep(2)", "(ANALYZE) SELECT pg_sleep(2)"):
        reading = await data.postgres.explain(dify(settings), smuggled)
        assert reading.error is not None and reading.error.kind == "refused", reading.error
    assert time.monotonic() - started < 1


async def test_digests_without_the_extension_is_a_query_error(
    data: DataLayer, settings: Settings
) -> None:
    bare = replace(dify(settings), name="postgres-maintenance-db", database="postgres")
    reading = await data.postgres.digests(bare, 10)
    assert reading.error is not None and reading.error.kind == "query"
    assert "pg_stat_statements is not installed" in reading.error.message


async def test_explain_against_a_stuck_table_times_out_and_recovers(
    data: DataLayer, settings: Settings, admin: Connect
) -> None:
    holder = await admin()
    await holder.execute("BEGIN; LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE")
    started = time.monotonic()
    try:
        reading = await data.postgres.explain(dify(settings), "SELECT * FROM tenants")
    finally:
        await holder.execute("ROLLBACK")
    assert reading.error is not None and reading.error.kind == "timeout", reading.error
    assert time.monotonic() - started <= settings.timeouts.query_s + 1
    after = await data.postgres.status(dify(settings))
    assert after.value is not None, after.error


async def test_cancel_mid_query_propagates_and_the_connection_is_not_reused(
    data: DataLayer, settings: Settings, admin: Connect
) -> None:
    holder, observer = await admin(), await admin()
    await holder.execute("BEGIN; LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE")
    explaining = asyncio.create_task(data.postgres.explain(dify(settings), "SELECT * FROM tenants"))

    async def stuck_console_backend() -> int | None:
        pid: int | None = await observer.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'opsconsole'"
            " AND wait_event_type = 'Lock' LIMIT 1"
        )
        return pid

    pid = await eventually(stuck_console_backend)
    explaining.cancel()
    with pytest.raises(asyncio.CancelledError):
        await explaining
    await holder.execute("ROLLBACK")

    async def gone() -> bool | None:
        alive = await observer.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid)
        return True if alive == 0 else None

    assert await eventually(gone)


async def test_wrong_password_is_auth_and_never_shown(
    data: DataLayer, settings: Settings, tmp_path: Path
) -> None:
    secret = tmp_path / "wrong.pass"
    secret.write_text("Wr0ngPg-Passw0rd-xyz")
    wrong = replace(dify(settings), name="dify-wrong-password", secret=f"file:{secret}")
    reading = await data.postgres.status(wrong)
    assert reading.error is not None and reading.error.kind == "auth", reading.error
    assert "Wr0ngPg-Passw0rd-xyz" not in str(reading.error)


async def test_closed_port_is_unreachable_fast(
    data: DataLayer, settings: Settings, closed_port: int
) -> None:
    reading = await data.health(replace(dify(settings), name="dify-closed", port=closed_port))
    assert reading.error is not None and reading.error.kind == "unreachable", reading.error
    assert reading.elapsed_s < settings.timeouts.probe_s


async def test_silent_port_times_out_within_the_timeout(
    data: DataLayer, settings: Settings, silent_port: int
) -> None:
    silent = replace(dify(settings), name="dify-silent", port=silent_port)
    started = time.monotonic()
    reading = await data.postgres.status(silent)
    assert reading.error is not None and reading.error.kind == "timeout", reading.error
    assert time.monotonic() - started <= settings.timeouts.query_s + 1


async def test_explain_of_an_update_plans_its_select_with_the_largest_node(
    data: DataLayer, settings: Settings
) -> None:
    reading = await data.postgres.explain(
        dify(settings), "UPDATE conversations SET name = 'x' WHERE id IS NOT NULL"
    )
    assert reading.value is not None, reading.error
    assert reading.value.note  # a stand-in's plan says so
    # the guard's LIMIT 100 tops the plan; the scan below it is what the estimate reports
    assert (reading.value.estimated_rows or 0) > 100
