"""Confirmed changes on the lab: kills that really end sessions, writes on the write credential,
and every way a consent can fall short refused before anything is sent, all of it audited."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncmy
import asyncpg
import msgspec
import pytest
from redis.asyncio import Redis

from console.config import Settings
from console.data.layer import DataLayer
from console.inventory import Instance
from console.lab import topology
from console.safety.confirm import YES, Consent
from tests.helpers import offered

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"
DIFY = "aws-luckyus-dify-rw"


def entries(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def named(settings: Settings, name: str) -> Instance:
    instance = settings.fleet.by_name(name)
    assert instance is not None
    return instance


def password(lab_dir: Path, secret: str) -> str:
    return (lab_dir / "secrets" / secret).read_text().strip()


async def mysql_victim(lab_dir: Path) -> tuple[Any, int, asyncio.Task[Any]]:
    """An application session running a long query: its connection, id and the running query."""
    conn = await asyncmy.connect(
        host=topology.HOST,
        port=topology.MARIADB_PORT,
        user="salesorder_app",
        password=password(lab_dir, "mysql-app.pass"),
        database="salesorder",
    )
    session = conn.thread_id()

    async def runaway() -> Any:
        async with conn.cursor() as cursor:
            await cursor.execute("SELECT SLEEP(60)")
            return await cursor.fetchall()

    task = asyncio.create_task(runaway())
    await asyncio.sleep(0.3)
    return conn, session, task


async def test_a_confirmed_kill_ends_the_runaway_query_and_is_audited(
    audited: tuple[DataLayer, Path], settings: Settings, lab_dir: Path
) -> None:
    data, log = audited
    instance = named(settings, SALESORDER)
    conn, session, task = await mysql_victim(lab_dir)
    try:
        reading = await data.queries.kill(instance, session, "salesorder_app: SELECT SLEEP(60)")
        action = reading.value
        assert action is not None, reading.error
        assert action.statement == f"KILL {session}"
        assert action.confirmations == 2  # the lab's names are production
        done = await data.queries.execute(instance, Consent(action, (YES, SALESORDER)))
        assert done.error is None, done.error
        with pytest.raises(asyncmy.errors.OperationalError):
            await asyncio.wait_for(task, 10)  # the server closed the victim's connection
    finally:
        task.cancel()
        conn.close()
    [entry] = entries(log)
    assert entry["statement"] == f"KILL {session}"
    assert entry["classification"] == "destructive"
    assert entry["confirmations"] == 2 and entry["outcome"] == "ok"
    assert entry["instance"] == SALESORDER and entry["user"]


@pytest.mark.parametrize(
    ("answers", "why"),
    [
        ((), "needs 2 confirmations, got 0"),
        ((YES,), "needs 2 confirmations, got 1"),
        ((YES, "aws-luckyus-salesorder"), "the instance name, typed exactly"),
        (("no", SALESORDER), "first confirmation was not given"),
    ],
)
async def test_a_kill_without_both_confirmations_is_refused_and_the_query_runs_on(
    audited: tuple[DataLayer, Path],
    settings: Settings,
    lab_dir: Path,
    answers: tuple[str, ...],
    why: str,
) -> None:
    data, log = audited
    instance = named(settings, SALESORDER)
    conn, session, task = await mysql_victim(lab_dir)
    try:
        action = (await data.queries.kill(instance, session, "")).value
        assert action is not None
        done = await data.queries.execute(instance, Consent(action, answers))
        assert done.error is not None and done.error.kind == "refused"
        assert why in done.error.message
        await asyncio.sleep(0.3)
        assert not task.done()  # nothing was sent: the query still runs
    finally:
        task.cancel()
        conn.close()
    [entry] = entries(log)
    assert entry["outcome"] == "refused" and why in entry["error"]


async def test_a_consent_for_one_instance_does_not_run_on_another(
    audited: tuple[DataLayer, Path], settings: Settings
) -> None:
    data, _ = audited
    other = named(settings, "aws-luckyus-salespayment-rw")
    action = offered(
        await data.queries.action(named(settings, SALESORDER), "DELETE FROM orders WHERE id = -1")
    )
    assert action is not None
    done = await data.queries.execute(other, Consent(action, (YES, other.name)))
    assert done.error is not None
    assert "confirmed for aws-luckyus-salesorder-rw" in done.error.message


async def test_an_edited_action_is_refused(
    audited: tuple[DataLayer, Path], settings: Settings
) -> None:
    """A screen cannot swap the text after the prompts: the data layer judges it again."""
    data, _ = audited
    instance = named(settings, SALESORDER)
    action = offered(
        await data.queries.action(instance, "UPDATE orders SET status = 'x' WHERE id = -1")
    )
    assert action is not None and action.confirmations == 1
    swapped = replace(action, statement="DROP TABLE orders")
    done = await data.queries.execute(instance, Consent(swapped, (YES,)))
    assert done.error is not None and done.error.kind == "refused"
    forged = replace(action, statement="KILL 1", kill=1)
    done = await data.queries.execute(instance, Consent(forged, (YES,)))
    assert done.error is not None and done.error.kind == "refused"


async def test_a_confirmed_write_runs_on_the_write_credential(
    audited: tuple[DataLayer, Path], settings: Settings
) -> None:
    data, log = audited
    instance = named(settings, SALESORDER)
    statement = "UPDATE orders SET status = status WHERE id = 1"
    assert (await data.queries.query(instance, statement)).error is not None  # a read refuses it
    action = offered(await data.queries.action(instance, statement))
    assert action is not None and action.classification == "write"
    done = await data.queries.execute(instance, Consent(action, (YES,)))
    assert done.error is None, done.error
    assert done.value is not None and done.value.affected is not None
    assert entries(log)[-1]["outcome"] == "ok"


async def test_stacked_statements_are_refused_by_the_server_too(
    data: DataLayer, settings: Settings
) -> None:
    """Past the guard, the read connection itself refuses a second statement (multi off)."""
    reading = await data._sources.mysql.select(
        named(settings, SALESORDER), "SELECT 1; SELECT 2", 10
    )
    assert reading.error is not None and reading.error.kind == "query"


async def test_no_write_credential_keeps_the_instance_read_only(
    audited: tuple[DataLayer, Path], settings: Settings
) -> None:
    data, _ = audited
    instance = replace(named(settings, SALESORDER), write_secret=None, write_user=None)
    action = offered(
        await data.queries.action(instance, "UPDATE orders SET status = status WHERE id = 1")
    )
    assert action is not None
    done = await data.queries.execute(instance, Consent(action, (YES,)))
    assert done.error is not None
    assert "no write credential is configured" in done.error.message


async def test_rds_kills_go_through_mysql_rds_kill(
    settings: Settings, lab_dir: Path, audited: tuple[DataLayer, Path]
) -> None:
    """RDS is detected (its mysql.rds_kill procedure, as RDS defines it) and used to kill."""
    data, _ = audited
    admin = await asyncmy.connect(
        host=topology.HOST,
        port=topology.MARIADB_PORT,
        user=topology.MYSQL_ADMIN_USER,
        password=password(lab_dir, "mysql-admin.pass"),
        autocommit=True,
    )
    async with admin.cursor() as cursor:
        await cursor.execute(
            "CREATE OR REPLACE PROCEDURE mysql.rds_kill(IN thread BIGINT) KILL thread"
        )
    conn, session, task = await mysql_victim(lab_dir)
    instance = named(settings, SALESORDER)
    try:
        action = (await data.queries.kill(instance, session, "")).value
        assert action is not None and action.statement == f"CALL mysql.rds_kill({session})"
        done = await data.queries.execute(instance, Consent(action, (YES, SALESORDER)))
        assert done.error is None, done.error
        with pytest.raises(asyncmy.errors.OperationalError):
            await asyncio.wait_for(task, 10)
    finally:
        task.cancel()
        conn.close()
        async with admin.cursor() as cursor:
            await cursor.execute("DROP PROCEDURE IF EXISTS mysql.rds_kill")
        admin.close()


async def test_postgres_kill_terminates_the_backend(
    audited: tuple[DataLayer, Path], settings: Settings, lab_dir: Path
) -> None:
    data, log = audited
    instance = named(settings, DIFY)
    victim = await asyncpg.connect(
        host=topology.HOST,
        port=topology.POSTGRES_PORT,
        user="dify_app",
        password=password(lab_dir, "postgres-app.pass"),
        database=instance.database,
    )
    pid = victim.get_server_pid()
    task = asyncio.create_task(victim.fetch("SELECT pg_sleep(60)"))
    await asyncio.sleep(0.3)
    try:
        action = (await data.queries.kill(instance, pid, "")).value
        assert action is not None
        assert action.statement == f"SELECT pg_terminate_backend({pid})"
        done = await data.queries.execute(instance, Consent(action, (YES, DIFY)))
        assert done.error is None, done.error
        with pytest.raises((asyncpg.PostgresError, asyncpg.exceptions.ConnectionDoesNotExistError)):
            await asyncio.wait_for(task, 10)
    finally:
        task.cancel()
        victim.terminate()
    assert entries(log)[-1]["statement"] == f"SELECT pg_terminate_backend({pid})"


async def test_redis_client_kill_disconnects_the_client(
    audited: tuple[DataLayer, Path], lab_dir: Path
) -> None:
    data, _ = audited
    fleet = await data.fleet()
    instance = next(i for i in fleet.instances if i.kind == "redis")
    victim = Redis(
        host=instance.host,
        port=instance.port,
        username=topology.REDIS_ADMIN_USER,
        password=password(lab_dir, "redis-admin.pass"),
    )
    client_id = int(await victim.client_id())
    try:
        action = (await data.queries.kill(instance, client_id, "")).value
        assert action is not None and action.command == ("CLIENT", "KILL", "ID", str(client_id))
        done = await data.queries.execute(instance, Consent(action, (YES, instance.name)))
        assert done.error is None, done.error
        assert done.value is not None and done.value.reply == ("(integer) 1",)
        clients = await data.redis.clients(instance, 500)
        assert clients.value is not None
        assert client_id not in {c.id for c in clients.value}
    finally:
        await victim.aclose()


async def test_heavy_warnings_follow_the_thresholds(settings: Settings) -> None:
    instance = named(settings, SALESORDER)
    statement = "SELECT * FROM orders"
    quiet = DataLayer(settings)
    strict_options = msgspec.structs.replace(settings.console, heavy_rows=1, heavy_sessions=0)
    strict = DataLayer(replace(settings, console=strict_options))
    try:
        assert await quiet.queries.heavy(instance, statement) == ()
        warnings = await strict.queries.heavy(instance, statement)
        assert any("EXPLAIN estimates" in w for w in warnings)
        assert any("sessions are active" in w for w in warnings)
        staging = replace(instance, env="staging")
        assert await strict.queries.heavy(staging, statement) == ()
    finally:
        await quiet.close()
        await strict.close()
