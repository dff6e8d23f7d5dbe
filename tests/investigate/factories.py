"""Deterministic evidence for the findings rules and the bundle writer (no servers, no clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from console.analysis.evidence import Evidence, MetricEvidence, RedisEvidence, SqlEvidence
from console.data.models import (
    AuditNode,
    Health,
    InfoSection,
    InstanceRef,
    KeySample,
    KeyspaceSample,
    LockWait,
    PrefixUsage,
    Process,
    Reading,
    RedisAudit,
    RedisMemory,
    SlowlogEntry,
)
from tests import factories
from tests.factories import AT, failed, reading
from tests.factories_alerts import series

SQL = InstanceRef("mysql", "aws-luckyus-salesorder-rw", "Sales/CRM", "production", "10.0.1.5:3306")
REDIS = InstanceRef("redis", "luckyus-isales-market", "Sales/CRM", "production", "10.0.4.5:6379")
MIB = 2**20
SEEDED_EMAIL = "maria.lopez88@gmail.com"
SEEDED_PHONE = "(212) 555-0143"
SEEDED_CARD = "4539 1488 0343 6467"


def session(
    pid: int,
    *,
    user: str = "app_orders",
    command: str = "Query",
    time_s: float = 1.0,
    trx_age_s: float | None = None,
    query: str | None = "SELECT 1",
    blocked_by: tuple[int, ...] = (),
    host: str = "10.0.1.20:50001",
) -> Process:
    return Process(pid, user, host, "orders", command, None, time_s, trx_age_s, query, blocked_by)


def sql(
    processes: tuple[Process, ...] = (),
    waits: tuple[LockWait, ...] = (),
    connections: int = 12,
) -> Evidence:
    evidence = SqlEvidence(
        status=reading(factories.server_status(connections=connections)),
        processes=reading(processes),
        lock_waits=reading(waits),
        digests=reading(factories.digests(4)),
    )
    metric = MetricEvidence(
        "Connections",
        "",
        "mysql_global_status_threads_connected",
        reading((series("10.0.1.5:3306", 40, 10, job="mysql"),), source="prometheus"),
    )
    return Evidence(
        instance=SQL,
        started_at=AT,
        window=timedelta(hours=1),
        alert=None,
        related_alerts=(),
        health=reading(Health("ok", 4.0, connections, 400)),
        metrics=(metric,),
        sql=evidence,
    )


def lock_chain() -> Evidence:
    """The lab's lock-wait scenario: A (501) holds row 1, B (502) waits for A and holds row 2,
    C (503) waits for B, D (504) waits for A."""
    waits = (
        LockWait(502, 501, 12.0, "`salesorder`.`orders`"),
        LockWait(503, 502, 9.0, "`salesorder`.`orders`"),
        LockWait(504, 501, 5.0, "`salesorder`.`orders`"),
    )
    processes = (
        session(501, user="salesorder_app", time_s=14, trx_age_s=15, query="SELECT SLEEP(600)"),
        session(502, user="salesorder_app", time_s=12, trx_age_s=13, blocked_by=(501,)),
        session(503, user="salesorder_app", time_s=9, trx_age_s=9, blocked_by=(502,)),
        session(504, user="salesorder_app", time_s=5, trx_age_s=5, blocked_by=(501,)),
    )
    return sql(processes, waits)


def redis(
    *,
    keys: int = 6601,
    expiring: int = 3520,
    used: int = 20 * MIB,
    sample: tuple[KeySample, ...] = (),
    evicted: str = "0",
) -> Evidence:
    info = replace(
        factories.redis_info(),
        keys=keys,
        expiring_keys=expiring,
        used_memory_bytes=used,
        sections=(
            *factories.redis_info().sections,
            _section("Clients", (("connected_clients", "57"), ("maxclients", "10000"))),
            _section("Stats", (("evicted_keys", evicted),)),
        ),
    )
    memory = RedisMemory(used, used + MIB, used, 64 * MIB, 1.05, "noeviction")
    evidence = RedisEvidence(
        info=reading(info, REDIS.name, "redis"),
        memory=reading(memory, REDIS.name, "redis"),
        slowlog=reading(factories.slowlog(3), REDIS.name, "redis"),
        clients=reading(factories.redis_clients(4), REDIS.name, "redis"),
        keys=reading(KeyspaceSample(sample, len(sample), True, 0), REDIS.name, "redis"),
    )
    return Evidence(
        instance=REDIS,
        started_at=AT,
        window=timedelta(hours=1),
        alert=None,
        related_alerts=(),
        health=reading(Health("ok", 2.0, 57, 10000, used, 64 * MIB), REDIS.name, "redis"),
        redis=evidence,
    )


def _section(name: str, fields: tuple[tuple[str, str], ...]) -> InfoSection:
    return InfoSection(name, fields)


def _keys(pattern: str, count: int, ttl_s: float | None, size: int) -> list[KeySample]:
    return [KeySample(pattern.format(n=n), "string", ttl_s, size) for n in range(count)]


def no_ttl_sample() -> tuple[KeySample, ...]:
    """600 push keys without TTL, 300 coupons with TTL, 100 activities without."""
    return (
        *_keys("isales:market:push:88{n:04d}:50{n:02d}", 600, None, 80),
        *_keys("isales:market:coupon:88{n:04d}", 300, 3600.0, 200),
        *_keys("isales:market:activity:5{n:03d}", 100, None, 150),
    )


def memory_sample() -> tuple[KeySample, ...]:
    return (
        *_keys("platform:search:snapshot:{n}", 400, None, 33_000),
        *_keys("platform:config:item:{n}", 600, 600.0, 300),
    )


def down() -> Evidence:
    """A Redis instance that refuses connections: every source failed."""
    evidence = redis()
    broken = failed(REDIS.name, "redis", "unreachable", "Error 111 connecting to 10.0.4.5:6379")
    assert evidence.redis is not None
    return replace(
        evidence,
        health=broken,
        redis=RedisEvidence(broken, broken, broken, broken, broken),
    )


def with_pii(evidence: Evidence) -> Evidence:
    """PII a careless source let through: a statement, a key name and a slowlog argument."""
    leaky = session(
        777,
        time_s=95,
        query=f"SELECT * FROM members WHERE email = '{SEEDED_EMAIL}' OR phone = '{SEEDED_PHONE}'",
    )
    card_key = KeySample(f"pay:card:{SEEDED_CARD}", "string", None, 64)
    slow = SlowlogEntry(1, AT, 0.5, f"HSET member:1 email {SEEDED_EMAIL}", "10.0.4.30:6112")
    if evidence.sql is not None:
        processes: Reading[tuple[Process, ...]] = reading((leaky,))
        return replace(evidence, sql=replace(evidence.sql, processes=processes))
    assert evidence.redis is not None
    keys = reading(KeyspaceSample((card_key,), 1, True, 0), REDIS.name, "redis")
    slowlog: Reading[tuple[SlowlogEntry, ...]] = reading((slow,), REDIS.name, "redis")
    return replace(evidence, redis=replace(evidence.redis, keys=keys, slowlog=slowlog))


def audit(complete: bool, scanned: int) -> Reading[RedisAudit]:
    """A TTL audit that found 600 push keys and 100 activities without TTL in `scanned` keys."""
    prefixes = (
        PrefixUsage("isales:market:push:*", 600, 600, 48_000, 60),
        PrefixUsage("isales:market:activity:*", 150, 100, 22_500, 15),
    )
    node = AuditNode("primary", REDIS.endpoint, "no replica")
    value = RedisAudit(
        REDIS.name, node, "*", complete, scanned, 2 * scanned, 3.0, 3.0, 5000.0, 1, 10,
        prefixes, (), (), 700,
    )  # fmt: skip
    return reading(value, REDIS.name, "redis")
