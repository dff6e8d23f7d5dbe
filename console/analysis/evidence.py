"""The evidence of one investigation: every reading gathered about one instance, typed.

Gathering (console/services/investigation/gather.py) fills it; the findings rules and the
bundle writer only read it, so both work from factories in tests. A source that failed is
kept as its failed Reading: the bundle says what could not be seen, and the other sources
still count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from console.analysis.digest import DigestReport
from console.data.aws_models import CloudWatchAlarm, ResourceOverview
from console.data.models import (
    Alert,
    Digest,
    Health,
    InstanceRef,
    KeyspaceSample,
    LockWait,
    Process,
    Reading,
    RedisAudit,
    RedisClient,
    RedisInfo,
    RedisMemory,
    Series,
    ServerStatus,
    SlowlogEntry,
)
from console.inventory import Fleet, Instance

_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_WINDOW = timedelta(days=7)


def parse_window(text: str) -> timedelta:
    """'15m', '1h', '6h', '2d', '90s' -> a timedelta; ValueError with the accepted forms."""
    match = _WINDOW.match(text)
    if match is None:
        raise ValueError(f"--window {text!r}: expected a number and a unit s, m, h or d (1h)")
    window = timedelta(seconds=float(match[1]) * _UNIT_S[match[2].lower()])
    if not timedelta(minutes=1) <= window <= MAX_WINDOW:
        raise ValueError(f"--window {text!r}: expected between 1m and 7d")
    return window


@dataclass(frozen=True, slots=True)
class MetricEvidence:
    """One configured chart ([metrics] in config.toml) over the investigation window."""

    title: str
    unit: str
    query: str
    reading: Reading[tuple[Series, ...]]


@dataclass(frozen=True, slots=True)
class SqlEvidence:
    """A MySQL or PostgreSQL server: overview, sessions, lock graph and top statements."""

    status: Reading[ServerStatus]
    processes: Reading[tuple[Process, ...]]
    lock_waits: Reading[tuple[LockWait, ...]]
    digests: Reading[tuple[Digest, ...]]
    slow_log: Reading[DigestReport] | None = None
    """The slow-query log of the window, digested (RDS via CloudWatch Logs), where there is one."""


@dataclass(frozen=True, slots=True)
class RedisEvidence:
    """A Redis server: INFO, memory, SLOWLOG, clients and a bounded key sample."""

    info: Reading[RedisInfo]
    memory: Reading[RedisMemory]
    slowlog: Reading[tuple[SlowlogEntry, ...]]
    clients: Reading[tuple[RedisClient, ...]]
    keys: Reading[KeyspaceSample]
    audit: Reading[RedisAudit] | None = None
    """The TTL and big-key audit within a short budget (partial on a big keyspace)."""


@dataclass(frozen=True, slots=True)
class AwsEvidence:
    """An MSK, EKS, DocumentDB, OpenSearch or EC2 resource: its describe calls and its
    CloudWatch alarms (its CloudWatch figures are in `Evidence.metrics`)."""

    overview: Reading[ResourceOverview]
    alarms: Reading[tuple[CloudWatchAlarm, ...]]
    """The alarms whose dimensions name this resource, firing first."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything gathered for one investigation of one instance."""

    instance: InstanceRef
    started_at: datetime
    window: timedelta
    alert: Alert | None
    related_alerts: tuple[Alert, ...]
    health: Reading[Health]
    metrics: tuple[MetricEvidence, ...] = ()
    sql: SqlEvidence | None = None
    redis: RedisEvidence | None = None
    notes: tuple[str, ...] = ()
    aws: AwsEvidence | None = None

    def sources(self) -> tuple[tuple[str, Reading[Any]], ...]:
        """Every reading by its name in the bundle, for the sources table."""
        named: list[tuple[str, Reading[Any]]] = [("health", self.health)]
        named += [(f"metric: {m.title}", m.reading) for m in self.metrics]
        if self.sql is not None:
            sql = self.sql
            named += [("status", sql.status), ("processes", sql.processes)]
            named += [("lock_waits", sql.lock_waits), ("digests", sql.digests)]
            named += [("slow_log", sql.slow_log)] if sql.slow_log is not None else []
        if self.redis is not None:
            redis = self.redis
            named += [("info", redis.info), ("memory", redis.memory), ("slowlog", redis.slowlog)]
            named += [("clients", redis.clients), ("keys", redis.keys)]
            named += [("ttl_audit", redis.audit)] if redis.audit is not None else []
        if self.aws is not None:
            named += [("overview", self.aws.overview), ("alarms", self.aws.alarms)]
        return tuple(named)


# --- which instance an alert is about --------------------------------------------------------


def alerts_matching(alerts: Sequence[Alert], fingerprint: str) -> tuple[Alert, ...]:
    """The alert with this fingerprint, else every alert whose fingerprint starts with it."""
    wanted = fingerprint.strip().lower()
    exact = tuple(a for a in alerts if a.fingerprint.lower() == wanted)
    if exact or not wanted:
        return exact[:1]
    return tuple(a for a in alerts if a.fingerprint.lower().startswith(wanted))


def alert_target(alert: Alert, fleet: Fleet) -> tuple[Instance | None, str | None]:
    """The instance an alert names, and a note when its endpoint hosts several instances.

    A PostgreSQL alert's `datname` picks the instance of that database among them.
    """
    targets = fleet.for_labels(alert.labels)
    if not targets:
        return None, None
    datname = alert.label("datname")
    chosen = next((t for t in targets if datname and t.database == datname), targets[0])
    if len(targets) == 1:
        return chosen, None
    where = alert.label("instance") or chosen.endpoint
    return (
        chosen,
        f"the alert's endpoint {where} hosts {len(targets)} instances; investigated {chosen.name}",
    )


def related_alerts(alerts: Sequence[Alert], fleet: Fleet, instance: Instance) -> tuple[Alert, ...]:
    """The alerts whose labels name this instance (by name, or by its shared endpoint)."""
    return tuple(
        a for a in alerts if any(t.name == instance.name for t in fleet.for_labels(a.labels))
    )


def alarm_as_alert(alarm: CloudWatchAlarm) -> Alert:
    """A CloudWatch alarm in the shape of an alert, so the report lists both the same way."""
    labels = (("source", "cloudwatch"), ("instance", alarm.instance or "-"), *alarm.dimensions)
    return Alert(
        fingerprint=f"cloudwatch:{alarm.name}",
        name=alarm.name,
        severity="warning",
        state="firing" if alarm.firing else alarm.state.lower(),
        starts_at=alarm.since,
        summary=f"{alarm.metric or '-'}: {alarm.reason}",
        labels=labels,
    )
