"""Deterministic Alertmanager and Prometheus models for widget and snapshot tests (no clock)."""

from __future__ import annotations

import math
from datetime import timedelta

from console.data.models import Alert, AlertGroup, Reading, Series, SourceError
from tests.factories import AT

GIB = 2**30


def alert(
    name: str,
    severity: str,
    instance: str,
    age: timedelta,
    summary: str,
    *,
    silenced_by: tuple[str, ...] = (),
    fingerprint: str = "",
) -> Alert:
    """One alert that started `age` before AT; silenced (suppressed) when silenced_by is given."""
    labels = (("alertname", name), ("instance", instance), ("job", "node"), ("severity", severity))
    return Alert(
        fingerprint=fingerprint or f"fp-{name}-{instance}",
        name=name,
        severity=severity,
        state="suppressed" if silenced_by else "active",
        starts_at=AT - age,
        summary=summary,
        labels=labels,
        silenced_by=silenced_by,
    )


def instance_down() -> tuple[Alert, Alert]:
    return (
        alert(
            "InstanceDown",
            "critical",
            "luckyus-dify:6379",
            timedelta(minutes=12),
            "luckyus-dify has not answered for 12 minutes",
        ),
        alert(
            "InstanceDown",
            "critical",
            "aws-luckyus-devops-rw:3306",
            timedelta(hours=3),
            "devops primary unreachable",
            silenced_by=("5b1c7e2a-silence",),
        ),
    )


def warnings() -> tuple[AlertGroup, AlertGroup]:
    """Two connection warnings, and a Redis memory warning under two silences."""
    connections = (
        alert(
            "HighConnections",
            "warning",
            "aws-luckyus-salespayment-rw:3306",
            timedelta(minutes=40),
            "342 of 400 connections in use (86%)",
        ),
        alert(
            "HighConnections",
            "warning",
            "aws-luckyus-salesorder-rw:3306",
            timedelta(minutes=7),
            "301 of 400 connections in use (75%)",
        ),
    )
    memory = alert(
        "RedisMemoryHigh",
        "warning",
        "luckyus-isales-market:6379",
        timedelta(hours=5),
        "used memory at 91% of maxmemory",
        silenced_by=("0d9f3b44-silence", "77aa01c3-silence"),
    )
    return (
        AlertGroup("warning", "HighConnections", connections),
        AlertGroup("warning", "RedisMemoryHigh", (memory,)),
    )


def alert_groups() -> tuple[AlertGroup, ...]:
    """Two critical groups (one alert silenced), two warning groups and an info group."""
    lag = alert(
        "MySQLReplicationLag",
        "critical",
        "aws-luckyus-salesorder-ro:3306",
        timedelta(seconds=45),
        "replica 312 s behind its primary",
    )
    backup = alert(
        "BackupCompleted",
        "info",
        "aws-luckyus-dify-rw:5432",
        timedelta(days=2, hours=1),
        "nightly base backup finished",
    )
    return (
        AlertGroup("critical", "InstanceDown", instance_down()),
        AlertGroup("critical", "MySQLReplicationLag", (lag,)),
        *warnings(),
        AlertGroup("info", "BackupCompleted", (backup,)),
    )


def alert_groups_changed() -> tuple[AlertGroup, ...]:
    """A later poll: a new critical group on top and the replication lag resolved."""
    disk = alert(
        "DiskAlmostFull",
        "critical",
        "aws-luckyus-devops-rw:3306",
        timedelta(minutes=2),
        "data volume 97% full",
    )
    groups = alert_groups()
    return (AlertGroup("critical", "DiskAlmostFull", (disk,)), groups[0], *groups[2:])


def alerts_reading(groups: tuple[AlertGroup, ...] | None = None) -> Reading[tuple[AlertGroup, ...]]:
    value = alert_groups() if groups is None else groups
    return Reading("alertmanager", "alertmanager", AT, 0.012, value=value)


def alerts_error() -> Reading[tuple[AlertGroup, ...]]:
    error = SourceError("alertmanager", "alertmanager", "timeout", "no answer within 5s")
    return Reading("alertmanager", "alertmanager", AT + timedelta(seconds=30), 5.0, error=error)


# --- Prometheus range series ----------------------------------------------------------------


def series(
    instance: str,
    base: float,
    swing: float,
    *,
    phase: float = 0.0,
    points: int = 121,
    step_s: float = 15.0,
    job: str = "redis",
) -> Series:
    """A smooth deterministic wave ending at AT: base ± swing, one point every step_s."""
    start = AT - timedelta(seconds=step_s * (points - 1))
    values = tuple(
        (start + timedelta(seconds=step_s * i), base + swing * math.sin(i / 9.0 + phase))
        for i in range(points)
    )
    return Series((("instance", instance), ("job", job)), values)


def memory_series() -> tuple[Series, ...]:
    """used_memory of three Redis servers over 30 minutes at a 15 s step."""
    return (
        series("luckyus-isales-market:6379", 6.0 * GIB, 0.8 * GIB),
        series("luckyus-dify:6379", 1.5 * GIB, 0.2 * GIB, phase=2.0),
        series("luckyus-session:6379", 300 * 2**20, 90 * 2**20, phase=4.0),
    )


def series_reading(value: tuple[Series, ...] | None = None) -> Reading[tuple[Series, ...]]:
    return Reading(
        "prometheus", "prometheus", AT, 0.031, value=memory_series() if value is None else value
    )


def series_error() -> Reading[tuple[Series, ...]]:
    error = SourceError("prometheus", "prometheus", "unreachable", "connection refused")
    return Reading("prometheus", "prometheus", AT + timedelta(seconds=30), 0.002, error=error)


def qps_series() -> tuple[Series, ...]:
    """One MySQL query rate with a scrape gap (NaN) and a spike near the end."""
    wave = series("aws-luckyus-salesorder-rw:3306", 1200.0, 300.0, job="mysql")
    points = list(wave.points)
    for index in range(40, 52):
        points[index] = (points[index][0], math.nan)
    points[110] = (points[110][0], 4800.0)
    return (Series(wave.labels, tuple(points)),)
