"""The lab's living workload, seen through the console's own readings (lab).

On: its pooled sessions (idle ones and running SLEEP / pg_sleep) are in the MariaDB and
PostgreSQL process lists, and its Redis clients make ops/s; off: all of them are gone. The test
leaves the workload on, as every other test expects a living lab.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import Process
from console.inventory import Instance
from console.lab import manager, topology, workload

pytestmark = pytest.mark.lab
MYSQL, POSTGRES, REDIS = "aws-luckyus-salesorder-rw", "aws-luckyus-dify-rw", "luckyus-auth-session"


def _emit(line: str) -> None:
    sys.stderr.write(line + "\n")


def _instance(settings: Settings, name: str) -> Instance:
    instance = settings.fleet.by_name(name)
    assert instance is not None
    return instance


def _auth_redis(lab_dir: Path) -> Instance:
    """luckyus-auth-session as Prometheus discovery names it (read-only account)."""
    port = next(s.port for s in topology.redis_servers() if s.group == "Auth")
    secret = f"file:{lab_dir}/secrets/redis-ro.pass"
    return Instance(
        kind="redis",
        name=REDIS,
        group="Auth",
        env="production",
        host=topology.HOST,
        port=port,
        user=topology.REDIS_RO_USER,
        secret=secret,
    )


async def _until(
    probe: Callable[[], Awaitable[bool]], within_s: float, seen: list[str] | None = None
) -> None:
    """Poll until `probe` holds (a predicate wait, never a fixed sleep); `seen` says what the
    probe last saw, for the failure message."""
    deadline = time.monotonic() + within_s
    while not await probe():
        assert time.monotonic() < deadline, f"condition not met in time; last seen: {seen}"
        await asyncio.sleep(0.5)


async def _switch(lab_dir: Path, on: bool) -> None:
    assert await asyncio.to_thread(manager.workload, lab_dir, on, _emit)


@pytest.fixture
async def workload_left_on(lab_dir: Path) -> AsyncIterator[None]:
    yield
    await _switch(lab_dir, True)


async def _sessions(data: DataLayer, instance: Instance, user: str) -> list[Process]:
    source = data.mysql if instance.kind == "mysql" else data.postgres
    reading = await source.processlist(instance, 500)
    assert reading.value is not None, reading.error
    return [p for p in reading.value if p.user == user]


async def test_workload_shows_in_process_lists_and_redis_and_goes_when_off(
    data: DataLayer, settings: Settings, lab_dir: Path, workload_left_on: None
) -> None:
    mysql, postgres = _instance(settings, MYSQL), _instance(settings, POSTGRES)
    redis = _auth_redis(lab_dir)
    sql_users = ((mysql, workload.MYSQL_ACCOUNT[0]), (postgres, workload.PG_ACCOUNT[0]))
    await _switch(lab_dir, True)

    for instance, user in sql_users:

        async def pooled(instance: Instance = instance, user: str = user) -> bool:
            mine = await _sessions(data, instance, user)
            sleeping = [p for p in mine if "sleep(" in (p.query or "").lower()]
            idle = [p for p in mine if p.command in ("Sleep", "idle")]
            return len(mine) >= workload.POOL_SIZE - 2 and bool(sleeping) and len(idle) >= 5

        await _until(pooled, 40)

    seen: list[str] = []

    async def redis_busy() -> bool:
        info = await data.redis.info(redis)
        clients = await data.redis.clients(redis, 200)
        assert info.value is not None and clients.value is not None
        ours = [c for c in clients.value if c.name == workload.REDIS_CLIENT_NAME]
        names = sorted({c.name for c in clients.value})
        seen[:] = [f"ops/s {info.value.ops_per_s}, client names {names}"]
        return info.value.ops_per_s > 0 and len(ours) >= 1

    await _until(redis_busy, 40, seen)

    await _switch(lab_dir, False)
    for instance, user in sql_users:

        async def gone(instance: Instance = instance, user: str = user) -> bool:
            return await _sessions(data, instance, user) == []

        await _until(gone, 10)
    clients = await data.redis.clients(redis, 200)
    assert clients.value is not None
    assert workload.REDIS_CLIENT_NAME not in {c.name for c in clients.value}
    status = await asyncio.to_thread(manager.workload_status, lab_dir)
    assert (status.healthy, status.pid) == (False, None)
