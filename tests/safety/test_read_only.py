"""Read-only mode on the lab: with write credentials configured, a confirmed DELETE, kill or
EXPIRE is refused by the data layer and nothing reaches the server (the row, the session and
the key are still there); each refusal is audited and names its cause; reads still run."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncmy
import msgspec
import pytest
from redis.asyncio import Redis

from console.analysis.ttl_audit import remediation_plan
from console.config import Settings, with_read_only_flag
from console.data.layer import DataLayer
from console.inventory import Instance
from console.lab import topology
from console.safety.confirm import YES, Consent, batch_action, change_action, kill_action
from console.safety.redisguard import plan_redis
from console.safety.sqlguard import plan
from tests.data.conftest import lab_admin
from tests.safety.test_confirmed_changes import mysql_victim, named, password

__all__ = ["lab_admin"]  # a fixture of the data tests
pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"
MARKET = "luckyus-isales-market"
FLAG = "read-only: this console was started with --read-only"


def entries(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture(params=["flag", "file"])
def read_only(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Settings:
    """The lab's settings made read-only by `--read-only` or by `[console] read_only = true`,
    with this test's own audit log; write credentials stay configured."""
    console = msgspec.structs.replace(settings.console, audit_log=str(tmp_path / "audit.jsonl"))
    own = replace(settings, console=console)
    if request.param == "flag":
        return with_read_only_flag(own)
    return replace(own, console=msgspec.structs.replace(console, read_only=True))


@pytest.fixture
async def layer(read_only: Settings) -> AsyncIterator[DataLayer]:
    async with DataLayer(read_only) as data:
        yield data


def reason(settings: Settings) -> str:
    if settings.read_only_flag:
        return FLAG
    return f"read-only: [console] read_only = true in {settings.path}"


async def mysql_admin(lab_dir: Path) -> Any:
    return await asyncmy.connect(
        host=topology.HOST,
        port=topology.MARIADB_PORT,
        user=topology.MYSQL_ADMIN_USER,
        password=password(lab_dir, "mysql-admin.pass"),
        database="salesorder",
        autocommit=True,
    )


async def rows_with(conn: Any, order_no: str) -> int:
    async with conn.cursor() as cursor:
        await cursor.execute("SELECT COUNT(*) FROM orders WHERE order_no = %s", (order_no,))
        (count,) = await cursor.fetchone()
    return int(count)


async def test_a_confirmed_delete_is_refused_and_the_row_stays(
    layer: DataLayer, read_only: Settings, lab_dir: Path
) -> None:
    instance = named(read_only, SALESORDER)
    assert instance.write_secret is not None  # write credentials are configured
    order_no = f"RO-{secrets.token_hex(6)}"
    admin = await mysql_admin(lab_dir)
    try:
        async with admin.cursor() as cursor:
            await cursor.execute(
                "INSERT INTO orders (order_no, member_id, store_id, amount, status, channel, "
                "created_at, updated_at) VALUES (%s, 1, 1, 1.00, 'PAID', 'app', NOW(), NOW())",
                (order_no,),
            )
        statement = f"DELETE FROM orders WHERE order_no = '{order_no}'"
        offered = await layer.queries.action(instance, statement)
        assert offered is not None and offered.value is None and offered.error is not None
        assert offered.error.kind == "refused" and offered.error.message == reason(read_only)
        # an action built elsewhere (the guard's own), with every confirmation: still refused
        action = change_action(instance, plan(statement, "mysql"))
        assert action is not None and action.classification == "destructive"
        done = await layer.queries.execute(instance, Consent(action, (YES, SALESORDER)))
        assert done.value is None and done.error is not None
        assert done.error.kind == "refused" and reason(read_only) in done.error.message
        assert await rows_with(admin, order_no) == 1  # nothing reached the server
    finally:
        async with admin.cursor() as cursor:
            await cursor.execute("DELETE FROM orders WHERE order_no = %s", (order_no,))
        admin.close()
    refusals = entries(Path(read_only.console.audit_log))
    assert [e["outcome"] for e in refusals] == ["refused", "refused"]
    assert all(e["error"] == reason(read_only) and order_no in e["statement"] for e in refusals)


async def test_a_confirmed_kill_is_refused_and_the_session_runs_on(
    layer: DataLayer, read_only: Settings, lab_dir: Path
) -> None:
    instance = named(read_only, SALESORDER)
    conn, session, task = await mysql_victim(lab_dir)
    try:
        offered = await layer.queries.kill(instance, session, "salesorder_app: SELECT SLEEP(60)")
        assert offered.value is None and offered.error is not None
        assert offered.error.kind == "refused" and offered.error.message == reason(read_only)
        action = kill_action(instance, session, False, "")
        done = await layer.queries.execute(instance, Consent(action, (YES, SALESORDER)))
        assert done.error is not None and done.error.kind == "refused"
        assert not task.done()  # the session's query still runs: no KILL was sent
    finally:
        task.cancel()
        conn.close()
    outcomes = [(e["statement"], e["outcome"]) for e in entries(Path(read_only.console.audit_log))]
    assert outcomes == [(f"KILL {session}", "refused")] * 2


async def test_expire_and_the_ttl_fix_are_refused_and_the_key_keeps_no_ttl(
    layer: DataLayer, read_only: Settings, lab_admin: Redis
) -> None:
    key = f"opsconsole:test:readonly:{secrets.token_hex(4)}"
    await lab_admin.set(key, "1")
    try:
        instance = (await layer.fleet()).by_name(MARKET)
        assert instance is not None and instance.write_secret is not None
        offered = await layer.queries.action(instance, ["EXPIRE", key, "600"])
        assert offered is not None and offered.error is not None
        assert offered.error.message == reason(read_only)
        fix = remediation_plan(
            MARKET, (key,), keys_without_ttl=1, ttl_s=600, jitter_s=60, production=True,
            complete=True,
        )  # fmt: skip
        offered_fix = await layer.queries.remediation(instance, fix)
        assert offered_fix is not None and offered_fix.error is not None
        assert offered_fix.error.kind == "refused"
        verdicts = [plan_redis(list(c.command), production=True) for c in fix.commands]
        batch = batch_action(instance, "Set a TTL on 1 keys", verdicts, "")
        assert batch is not None
        done = await layer.queries.execute(instance, Consent(batch, (YES, MARKET)))
        assert done.error is not None and done.error.kind == "refused"
        assert await lab_admin.ttl(key) == -1  # no EXPIRE reached the server
    finally:
        await lab_admin.delete(key)


async def test_reads_still_run(layer: DataLayer, read_only: Settings) -> None:
    instance = named(read_only, SALESORDER)
    rows = await layer.queries.query(instance, "SELECT id FROM orders LIMIT 1")
    assert rows.error is None and rows.value is not None and rows.value.rows
    refused = await layer.queries.query(instance, "DELETE FROM orders WHERE id = -1")
    assert refused.error is not None and refused.error.message.startswith(reason(read_only))


async def test_without_read_only_the_same_action_is_offered(
    settings: Settings, tmp_path: Path
) -> None:
    """The control: the refusals above come from the mode, not from the lab or the action."""
    console = msgspec.structs.replace(settings.console, audit_log=str(tmp_path / "audit.jsonl"))
    async with DataLayer(replace(settings, console=console)) as data:
        instance: Instance = named(settings, SALESORDER)
        offered = await data.queries.action(instance, "DELETE FROM orders WHERE id = -1")
        assert data.queries.read_only() is None
    assert offered is not None and offered.value is not None and offered.error is None
