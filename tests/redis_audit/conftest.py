"""Fixtures of the audit tests: the lab's Sales/CRM Redis (isales-market) with a namespace of
known keys seeded per test, and throwaway redis-servers for what needs a server of its own."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.data.conftest import closed_port, lab_admin, market, sales_port
from tests.redis_audit.server import Server, start_server

# the data tests' fixtures: a port nothing listens on, the Sales/CRM Redis (read-only, admin)
__all__ = ["closed_port", "lab_admin", "market", "sales_port"]

EMAILS = tuple(f"jane.doe{n}@example.com" for n in range(4))
PHONES = tuple(f"+1415555{n:04d}" for n in range(3))
CARD = "4111111111111111"


@dataclass(frozen=True)
class Seeded:
    """A namespace of known keys: {prefix: (keys, keys without TTL)} as the audit shows them."""

    namespace: str
    expected: dict[str, tuple[int, int]]
    raw_pii: tuple[str, ...]

    @property
    def match(self) -> str:
        return f"{self.namespace}:*"

    @property
    def no_ttl(self) -> int:
        return sum(no_ttl for _, no_ttl in self.expected.values())


async def seed_namespace(client: Redis, namespace: str) -> Seeded:
    """Strings, sets, lists and a big hash, some without TTL, some named after a person."""
    ns = namespace
    async with client.pipeline(transaction=False) as pipe:
        for n in range(60):  # 15 of 60 without TTL
            pipe.set(f"{ns}:coupon:{n}", "x" * (n + 1), ex=None if n % 4 == 0 else 3600 + n)
        for n in range(20):  # all without TTL; ids collapse to `*`
            pipe.sadd(f"{ns}:member:{n}:coupons", *range(n + 1))
        for n, email in enumerate(EMAILS):  # 2 of 4 without TTL
            pipe.rpush(f"{ns}:cart:{email}:items", *range(5))
            if n % 2:
                pipe.expire(f"{ns}:cart:{email}:items", 600)
        for phone in PHONES:
            pipe.set(f"{ns}:sms:{phone}", "1")
        pipe.set(f"{ns}:card:{CARD}:token", "t", ex=600)
        pipe.hset(f"{ns}:big:hash", mapping={f"f{n}": f"v{n}" for n in range(2000)})
        await pipe.execute()
    expected = {
        f"{ns}:coupon": (60, 15),
        f"{ns}:member:*": (20, 20),
        f"{ns}:cart:***@example.com": (4, 2),
        f"{ns}:sms": (3, 3),
        f"{ns}:card:*": (1, 0),
        f"{ns}:big": (1, 1),
    }
    return Seeded(ns, expected, (*EMAILS, *PHONES, CARD, "jane.doe"))


async def drop_namespace(client: Redis, namespace: str) -> None:
    keys = [key async for key in client.scan_iter(match=f"{namespace}:*", count=1000)]
    if keys:
        await client.unlink(*keys)


def namespace_name() -> str:
    """No digits or hex letters: the namespace itself must not collapse into `*`."""
    return "audit" + "".join(secrets.choice("ghijklmnopqrstuvwxyz") for _ in range(10))


@pytest.fixture
async def seeded(lab_admin: Redis) -> AsyncIterator[Seeded]:
    """A fresh namespace of known keys on the lab server; removed afterwards."""
    namespace = namespace_name()
    try:
        yield await seed_namespace(lab_admin, namespace)
    finally:
        await drop_namespace(lab_admin, namespace)


@pytest.fixture
async def private(tmp_path: Path) -> AsyncIterator[Server]:
    """A redis-server of this test's own (exact command counts: nobody else talks to it)."""
    server = await start_server(tmp_path / "primary")
    try:
        yield server
    finally:
        server.stop()
