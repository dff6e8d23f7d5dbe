"""Deterministic model builders for widget and snapshot tests (no servers, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from console.data.models import (
    Digest,
    ErrorKind,
    FleetHealth,
    Health,
    HealthState,
    InstanceRef,
    Process,
    Reading,
    RedisClient,
    RedisInfo,
    ServerStatus,
    SlowlogEntry,
    Source,
    SourceError,
)

AT = datetime(2026, 11, 25, 14, 30, 0, tzinfo=UTC)


def refs() -> list[InstanceRef]:
    return [
        InstanceRef(
            "mysql", "aws-luckyus-salesorder-rw", "Sales/CRM", "production", "10.0.1.5:3306"
        ),
        InstanceRef(
            "mysql", "aws-luckyus-salespayment-rw", "Sales/CRM", "production", "10.0.1.6:3306"
        ),
        InstanceRef("mysql", "aws-luckyus-devops-rw", "DevOps", "production", "10.0.2.5:3306"),
        InstanceRef("postgres", "aws-luckyus-dify-rw", "Dify", "production", "10.0.3.5:5432"),
        InstanceRef("redis", "luckyus-isales-market", "Sales/CRM", "production", "10.0.4.5:6379"),
        InstanceRef("redis", "luckyus-dify", "Dify", "production", "10.0.4.6:6379"),
    ]


def health(ref: InstanceRef, state: HealthState) -> FleetHealth:
    if state == "down":
        error = SourceError(ref.name, "redis", "unreachable", "connection refused")
        return FleetHealth(
            ref.name, ref.kind, ref.group, Reading(ref.name, "redis", AT, 0.01, error=error)
        )
    reasons = ("connections 342/400 (86%)",) if state == "warn" else ()
    if ref.kind == "redis":
        value = Health(state, 2.5, 12, None, 48 * 2**20, 64 * 2**20, reasons)
    else:
        value = Health(
            state, 4.0, 342 if state == "warn" else 12, 400, reasons=reasons, connect_ms=31.0
        )
    return FleetHealth(
        ref.name, ref.kind, ref.group, Reading(ref.name, "mysql", AT, 0.035, value=value)
    )


def fleet_health() -> list[FleetHealth]:
    states: list[HealthState] = ["ok", "warn", "ok", "ok", "ok", "down"]
    return [health(ref, state) for ref, state in zip(refs(), states, strict=True)]


# --- instance views (process, client, digest and slowlog tables, status panels) ------------

T = TypeVar("T")

SQL_INSTANCE = "aws-luckyus-salesorder-rw"
REDIS_INSTANCE = "luckyus-isales-market"
PROCESS_IDS = tuple(range(4101, 4141))
IDLE_PROCESS_IDS = tuple(range(3001, 3041))
"""Ids of `processes(count)`, in the order built (the first `count` of these)."""
BLOCKERS = {4102: (4104, 4106), 4104: (4108,)}
"""Who blocks whom in `processes()`: 4102 blocks 4104 and 4106; 4104 blocks 4108."""

_USERS = ("app_orders", "app_payment", "report", "dba")
_DBS = ("orders", "payment", None)
_STATES = ("executing", "Sending data", "updating", "Waiting for row lock", None)
_QUERIES = (
    "SELECT * FROM orders WHERE customer_id = ?\n  AND status = 'open' ORDER BY created_at DESC",
    "UPDATE payments SET state = 'settled' WHERE id = ?",
    "SELECT tags[1], note FROM audit /* [bold]not markup[/] */ WHERE id = ?",
    None,
)


def reading(value: T, instance: str = SQL_INSTANCE, source: Source = "mysql") -> Reading[T]:
    return Reading(instance, source, AT, 0.004, value=value)


def failed(
    instance: str = SQL_INSTANCE,
    source: Source = "mysql",
    kind: ErrorKind = "timeout",
    message: str = "no answer within 5.0s",
    *,
    after_s: float = 12.0,
) -> Reading[Any]:
    """A failed reading fetched `after_s` seconds after AT (the good readings' time)."""
    error = SourceError(instance, source, kind, message)
    return Reading(instance, source, AT + timedelta(seconds=after_s), 5.0, error=error)


def process(index: int, *, tick_s: float = 0.0) -> Process:
    """The index-th session: distinct times (not in id order), some in a blocking chain."""
    pid = PROCESS_IDS[index]
    time_s = float((index * 37) % 101) + tick_s
    blocked_by = tuple(b for b, victims in BLOCKERS.items() if pid in victims)
    return Process(
        id=pid,
        user=_USERS[index % 4],
        host=f"10.0.1.{20 + index}:{50000 + index * 13}",
        db=_DBS[index % 3],
        command="Query" if index % 5 else "Sleep",
        state=_STATES[index % 5],
        time_s=time_s,
        # a Sleep session here holds a transaction (it stays in view); idle ones: idle_process
        trx_age_s=time_s + 5.0 if index % 3 != 2 or index % 5 == 0 else None,
        query=_QUERIES[index % 4],
        blocked_by=blocked_by,
    )


def idle_process(index: int, *, tick_s: float = 0.0) -> Process:
    """The index-th idle pool session (Sleep, no transaction), idle longer than any statement."""
    return Process(
        id=IDLE_PROCESS_IDS[index],
        user="app_pool",
        host=f"10.0.2.{30 + index}:{40000 + index * 7}",
        db="orders",
        command="Sleep",
        state=None,
        time_s=float(200 + index * 17) + tick_s,
        trx_age_s=None,
        query=None,
    )


def processes(count: int = 12, *, tick_s: float = 0.0, idle: int = 0) -> tuple[Process, ...]:
    """`count` active sessions then `idle` idle ones (the idle are listed first by a server)."""
    active = tuple(process(index, tick_s=tick_s) for index in range(count))
    return (*(idle_process(index, tick_s=tick_s) for index in range(idle)), *active)


def processlist(
    instance: str = SQL_INSTANCE, count: int = 12, *, tick_s: float = 0.0, idle: int = 0
) -> Reading[tuple[Process, ...]]:
    return reading(processes(count, tick_s=tick_s, idle=idle), instance)


def server_status(*, replica: bool = False, connections: int = 342) -> ServerStatus:
    return ServerStatus(
        version="10.11.6-MariaDB",
        uptime_s=3 * 86400 + 4 * 3600 + 120,
        connections=connections,
        max_connections=400,
        running=17,
        qps=1234.5,
        cache_hit_ratio=0.9712,
        replication_lag_s=42.0 if replica else None,
        is_replica=replica,
    )


def redis_info(*, max_memory_bytes: int | None = 64 * 2**20) -> RedisInfo:
    return RedisInfo(
        version="7.2.4",
        uptime_s=12 * 86400 + 3600,
        connected_clients=57,
        used_memory_bytes=59 * 2**20,
        max_memory_bytes=max_memory_bytes,
        ops_per_s=8421.0,
        hit_ratio=0.874,
        keys=120_450,
        expiring_keys=80_300,
        role="master",
    )


def digests(count: int = 8) -> tuple[Digest, ...]:
    return tuple(
        Digest(
            digest=f"d{index:04x}",
            text=f"SELECT * FROM t{index} WHERE id = ? AND state IN (...)",
            schema=_DBS[index % 3],
            calls=1000 * (index + 1),
            total_time_s=float(600 - index * 70),
            avg_time_s=(600 - index * 70) / (1000 * (index + 1)),
            max_time_s=float(9 - index),
            rows_sent=10 * index,
            rows_examined=25_000 * (index + 1),
        )
        for index in range(count)
    )


def slowlog(count: int = 6) -> tuple[SlowlogEntry, ...]:
    return tuple(
        SlowlogEntry(
            id=900 + index,
            started_at=AT - timedelta(seconds=40 * (count - index)),
            duration_s=0.012 * (index + 1),
            command=f"HGETALL cart:{{*}}:{index}",
            client=f"10.0.4.{30 + index}:6{index}112",
        )
        for index in range(count)
    )


def redis_clients(count: int = 10, *, tick_s: float = 0.0) -> tuple[RedisClient, ...]:
    return tuple(
        RedisClient(
            id=70 + index,
            addr=f"10.0.4.{30 + index}:{41000 + index}",
            name=("cart-api", "session-worker", "")[index % 3],
            age_s=3600.0 + 60 * index + tick_s,
            idle_s=float(index % 4) + tick_s,
            db=index % 2,
            command=("get", "hgetall", "ping", "client|list")[index % 4],
            user="default" if index % 2 else None,
        )
        for index in range(count)
    )
