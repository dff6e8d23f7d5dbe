"""The MySQL source against the lab's MariaDB: figures, processes, lock chains, digests, faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncmy
import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.inventory import Instance
from console.lab import topology

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"


def salesorder(settings: Settings) -> Instance:
    instance = settings.fleet.by_name(SALESORDER)
    assert instance is not None
    return instance


@pytest.fixture
async def admin(lab_dir: Path) -> AsyncIterator[Any]:
    """Open admin connections to the lab's MariaDB (test setup only: the console never does)."""
    password = (lab_dir / "secrets" / "mysql-admin.pass").read_text().strip()
    opened: list[Any] = []

    async def connect() -> Any:
        conn = await asyncmy.connect(
            host=topology.HOST,
            port=topology.MARIADB_PORT,
            user=topology.MYSQL_ADMIN_USER,
            password=password,
            database="salesorder",
            autocommit=False,
        )
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


async def test_status_reports_the_server(data: DataLayer, settings: Settings) -> None:
    reading = await data.mysql.status(salesorder(settings))
    assert reading.error is None, reading.error
    status = reading.value
    assert status is not None
    assert "MariaDB" in status.version
    assert status.connections >= 1 and status.max_connections >= status.connections
    assert status.uptime_s > 0
    assert status.cache_hit_ratio is None or 0 <= status.cache_hit_ratio <= 1
    assert status.is_replica is False and status.replication_lag_s is None


async def test_processlist_shows_a_session_with_its_query_masked(
    data: DataLayer, settings: Settings, admin: Any
) -> None:
    conn = await admin()
    async with conn.cursor() as cursor:
        task = asyncio.create_task(
            cursor.execute("SELECT SLEEP(3), 'jane.doe@example.com' AS contact")
        )
        await asyncio.sleep(0.5)
        reading = await data.mysql.processlist(salesorder(settings), 100)
        await task
    assert reading.value is not None, reading.error
    [mine] = [p for p in reading.value if p.query and "SLEEP(3)" in p.query]
    assert mine.id == conn.thread_id()
    assert "jane.doe" not in (mine.query or "") and "***@example.com" in (mine.query or "")
    assert mine.db == "salesorder"
    assert 0.2 <= mine.time_s < 3.0  # ~0.5 s, in milliseconds on MariaDB: not a whole "0 s"
    assert not any(p.query and "opsconsole" in p.query for p in reading.value)


async def test_lock_wait_chain_is_visible(data: DataLayer, settings: Settings, admin: Any) -> None:
    holder, waiter = await admin(), await admin()
    async with holder.cursor() as cursor:
        await cursor.execute("BEGIN")
        await cursor.execute("UPDATE orders SET status = status WHERE id = 100")
    async with waiter.cursor() as cursor:
        blocked = asyncio.create_task(
            cursor.execute("UPDATE orders SET status = status WHERE id = 100")
        )
        await asyncio.sleep(0.5)
        reading = await data.mysql.processlist(salesorder(settings), 100)
        waits = await data.mysql.lock_waits(salesorder(settings), 100)
        await holder.rollback()
        await blocked
    await waiter.rollback()
    assert reading.value is not None, reading.error
    by_id = {p.id: p for p in reading.value}
    assert by_id[waiter.thread_id()].blocked_by == (holder.thread_id(),)
    assert by_id[holder.thread_id()].trx_age_s is not None
    assert waits.value is not None
    assert (waiter.thread_id(), holder.thread_id()) in {
        (w.waiting, w.blocking) for w in waits.value
    }


async def test_digests_variables_and_explain(data: DataLayer, settings: Settings) -> None:
    instance = salesorder(settings)
    digests = await data.mysql.digests(instance, 10)
    assert digests.value, digests.error
    assert len(digests.value) <= 10
    assert digests.value == tuple(sorted(digests.value, key=lambda d: -d.total_time_s))
    variables = await data.mysql.variables(instance, "max_connections", 10)
    assert variables.value is not None and variables.value[0].value.isdigit()
    plan = await data.mysql.explain(instance, "SELECT * FROM orders WHERE status = 'paid'")
    assert plan.value is not None, plan.error
    assert "rows" in plan.value.columns and (plan.value.estimated_rows or 0) > 0


async def test_health_of_every_mysql_name_on_one_server(
    data: DataLayer, settings: Settings
) -> None:
    results = await data.sweep(settings.fleet.of_kind("mysql"))
    assert len(results) == 61
    assert {r.state for r in results} <= {"ok", "warn"}, [r.reading.error for r in results]


async def test_wrong_password_is_auth_and_never_shown(
    data: DataLayer, settings: Settings, tmp_path: Path
) -> None:
    secret = tmp_path / "wrong.pass"
    secret.write_text("Wr0ngPassw0rd-xyz")
    wrong = replace(salesorder(settings), secret=f"file:{secret}")
    reading = await data.mysql.status(wrong)
    assert reading.error is not None and reading.error.kind == "auth"
    assert "Wr0ngPassw0rd-xyz" not in str(reading.error)


async def test_closed_port_is_unreachable_fast(
    data: DataLayer, settings: Settings, closed_port: int
) -> None:
    reading = await data.health(replace(salesorder(settings), port=closed_port))
    assert reading.error is not None and reading.error.kind == "unreachable"
    assert reading.elapsed_s < settings.timeouts.probe_s


async def test_silent_port_times_out_within_the_timeout(
    data: DataLayer, settings: Settings, silent_port: int
) -> None:
    started = time.monotonic()
    reading = await data.health(replace(salesorder(settings), port=silent_port))
    assert reading.error is not None and reading.error.kind == "timeout"
    assert time.monotonic() - started <= settings.timeouts.probe_s + 0.5


async def test_numeric_settings_are_not_mistaken_for_phones(
    data: DataLayer, settings: Settings
) -> None:
    reading = await data.mysql.variables(salesorder(settings), "max_binlog_size", 5)
    assert reading.value is not None
    assert reading.value[0].value == "1073741824"


async def test_explain_of_a_write_is_the_plan_of_its_select_and_deletes_nothing(
    data: DataLayer, settings: Settings
) -> None:
    """MariaDB refuses EXPLAIN DELETE in a read-only session: its SELECT equivalent is planned."""
    before = await data.queries.query(salesorder(settings), "SELECT COUNT(*) FROM orders")
    reading = await data.mysql.explain(salesorder(settings), "DELETE FROM orders WHERE id > 10")
    assert reading.value is not None, reading.error
    assert "SELECT" in reading.value.note and (reading.value.estimated_rows or 0) > 0
    after = await data.queries.query(salesorder(settings), "SELECT COUNT(*) FROM orders")
    assert before.value is not None and after.value is not None
    assert after.value.rows == before.value.rows


@pytest.mark.parametrize(
    "statement",
    [
        "EXPLAIN ANALYZE DELETE FROM orders",
        "DELETE o FROM orders o JOIN orders r ON r.id = o.id",
        "UPDATE orders SET status = 'x' WHERE id = 1; DROP TABLE orders",
        "DROP TABLE orders",
    ],
)
async def test_explain_of_anything_else_is_refused_before_sending(
    data: DataLayer, settings: Settings, statement: str
) -> None:
    reading = await data.mysql.explain(salesorder(settings), statement)
    assert reading.error is not None
    assert reading.error.kind == "refused"
