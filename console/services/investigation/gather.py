"""Gather an investigation's evidence about one instance, every source at once.

Why in the service and not the data layer: which sources, how many rows of each and how long
each may take are the investigation's choices, composed from the facade's own calls.

Each source is one existing DataLayer call (the slow-query log digest and the Redis TTL audit
included), run concurrently (asyncio.gather) under its own
outer timeout on top of the call's own: a source that fails or hangs becomes a failed Reading
in the bundle and never holds up or aborts the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from console.analysis.digest import DigestReport, digest_lines
from console.analysis.evidence import (
    AwsEvidence,
    Evidence,
    MetricEvidence,
    RedisEvidence,
    SqlEvidence,
)
from console.data.aws_models import CloudWatchAlarm, ResourceOverview, alarms_of
from console.data.calls import fetch
from console.data.layer import DataLayer
from console.data.models import (
    Alert,
    AuditOptions,
    InstanceRef,
    Reading,
    RedisAudit,
    Series,
    Source,
)
from console.inventory import Instance, source_of
from console.services.cloudwatch import grouped_charts

T = TypeVar("T")

PROCESS_SAMPLE = 500
"""Sessions listed (a connection storm is counted by user from these)."""
DIGEST_LIMIT = 20
SLOWLOG_LIMIT = 50
CLIENT_SAMPLE = 500
KEY_SAMPLE = 1000
"""Keys sampled by SCAN (TYPE, PTTL, MEMORY USAGE each): bounded for production."""
POINTS = 120
"""Points per metric series over the window."""

AUDIT_BUDGET_S = 3.0
AUDIT_OPTIONS = AuditOptions(time_budget_s=AUDIT_BUDGET_S, ops_budget=5000.0, top=5)
"""A short audit: the whole keyspace of a small instance, a partial one of a big one."""


def ref(instance: Instance) -> InstanceRef:
    return InstanceRef(
        instance.kind, instance.name, instance.group, instance.env, instance.endpoint
    )


async def bounded(
    instance: str, source: Source, timeout_s: float, call: Callable[[], Awaitable[Reading[T]]]
) -> Reading[T]:
    """`call()` (a DataLayer call) under an outer timeout; any failure is a failed Reading."""
    outer = await fetch(instance, source, timeout_s, call)
    if outer.value is not None:
        return outer.value
    return Reading(instance, source, outer.fetched_at, outer.elapsed_s, error=outer.error)


class Gatherer:
    """The calls of one investigation: one instance, one window, one outer timeout."""

    def __init__(self, data: DataLayer, instance: Instance, window: timedelta, end: datetime):
        self.data = data
        self.instance = instance
        self.window = window
        self.end = end
        timeouts = data.settings.timeouts
        self.timeout_s = timeouts.connect_s + timeouts.query_s + 1.0

    def call(
        self, source: Source, call: Callable[[], Awaitable[Reading[T]]]
    ) -> Awaitable[Reading[T]]:
        return bounded(self.instance.name, source, self.timeout_s, call)

    async def metrics(self) -> tuple[MetricEvidence, ...]:
        """Every [metrics] chart of the instance's kind over the window."""
        queries = self.data.settings.metrics.get(self.instance.kind, ())
        start = self.end - self.window
        step_s = max(self.window.total_seconds() / POINTS, 5.0)
        promql = [q.for_instance(self.instance.name, self.instance.endpoint) for q in queries]
        prometheus = self.data.prometheus

        def series(text: str) -> Awaitable[Reading[tuple[Series, ...]]]:
            return self.call(
                "prometheus", lambda: prometheus.query_range(text, start, self.end, step_s)
            )

        readings = await asyncio.gather(*(series(text) for text in promql))
        return tuple(
            MetricEvidence(q.title, q.unit, text, reading)
            for q, text, reading in zip(queries, promql, readings, strict=True)
        )

    async def sql(self) -> SqlEvidence:
        source = self.data.sql(self.instance)
        kind: Source = "postgres" if self.instance.kind == "postgres" else "mysql"
        i = self.instance
        status, processes, lock_waits, digests, slow_log = await asyncio.gather(
            self.call(kind, lambda: source.status(i)),
            self.call(kind, lambda: source.processlist(i, PROCESS_SAMPLE)),
            self.call(kind, lambda: source.lock_waits(i, PROCESS_SAMPLE)),
            self.call(kind, lambda: source.digests(i, DIGEST_LIMIT)),
            self.slow_log() if self.instance.kind == "mysql" else _nothing(),
        )
        return SqlEvidence(status, processes, lock_waits, digests, slow_log)

    async def redis(self) -> RedisEvidence:
        redis, i = self.data.redis, self.instance
        info, memory, slowlog, clients, keys, audit = await asyncio.gather(
            self.call("redis", lambda: redis.info(i)),
            self.call("redis", lambda: redis.memory(i)),
            self.call("redis", lambda: redis.slowlog(i, SLOWLOG_LIMIT)),
            self.call("redis", lambda: redis.clients(i, CLIENT_SAMPLE)),
            self.call("redis", lambda: redis.sample_keys(i, limit=KEY_SAMPLE, memory=True)),
            self.ttl_audit(),
        )
        return RedisEvidence(info, memory, slowlog, clients, keys, audit)

    async def slow_log(self) -> Reading[DigestReport]:
        """The instance's slow-query log over the window (CloudWatch Logs), digested."""
        start = self.end - self.window
        chunk = await self.call("aws", lambda: self.data.slow_log(self.instance, start, self.end))
        if chunk.value is None:
            return Reading(
                chunk.instance, "aws", chunk.fetched_at, chunk.elapsed_s, error=chunk.error
            )
        lines = chunk.value.lines
        return await fetch(
            self.instance.name,
            "aws",
            self.timeout_s,
            lambda: asyncio.to_thread(digest_lines, lines),
        )

    async def aws(self) -> tuple[AwsEvidence, tuple[MetricEvidence, ...]]:
        """An AWS resource: its describe calls and its alarms at once, then its CloudWatch
        charts over the window (their dimensions come from the describe answer)."""
        data, i = self.data, self.instance
        overview, alarms = await asyncio.gather(
            self.call("aws", lambda: data.aws_overview(i)),
            self.call("aws", lambda: data.cloudwatch_alarms()),
        )
        dimensions = overview.value.dimensions if overview.value is not None else ()
        mine: Reading[tuple[CloudWatchAlarm, ...]] = (
            alarms
            if alarms.value is None
            else replace(alarms, value=alarms_of(alarms.value, i.name, i.resource_id, dimensions))
        )
        metrics = () if overview.value is None else await self.cloudwatch(overview.value)
        return AwsEvidence(overview, mine), metrics

    async def cloudwatch(self, overview: ResourceOverview) -> tuple[MetricEvidence, ...]:
        """The kind's CloudWatch charts over the window, in one GetMetricData request."""
        specs = await self.call("aws", lambda: self.data.aws_charts(overview))
        charts = [c for c in specs.value or () if c.metrics]
        if not charts:
            return ()
        groups = tuple(c.metrics for c in charts)
        answer = await grouped_charts(self.data, self.instance, self.window, groups, self.end)
        return tuple(
            MetricEvidence(
                f"CloudWatch · {chart.title}",
                chart.unit,
                f"{chart.metrics[0].namespace} {chart.metrics[0].name} ({chart.metrics[0].stat})",
                reading,
            )
            for chart, reading in zip(charts, answer.charts, strict=False)
        )

    async def ttl_audit(self) -> Reading[RedisAudit]:
        """The TTL and big-key audit within AUDIT_BUDGET_S (partial on a big keyspace)."""
        run = await self.data.redis_audit(self.instance, AUDIT_OPTIONS)
        if run.value is None:
            return Reading(run.instance, "redis", run.fetched_at, run.elapsed_s, error=run.error)
        return Reading(run.instance, "redis", run.fetched_at, run.elapsed_s, value=run.value.audit)


async def gather_evidence(
    data: DataLayer,
    instance: Instance,
    window: timedelta,
    end: datetime,
    *,
    alert: Alert | None = None,
    related: tuple[Alert, ...] = (),
    notes: tuple[str, ...] = (),
) -> Evidence:
    """Every source about `instance` concurrently; failures are kept as failed readings."""
    gatherer = Gatherer(data, instance, window, end)
    health = gatherer.call(source_of(instance), lambda: data.health(instance))
    kind_part: Awaitable[Any] = (
        gatherer.aws()  # an AWS kind: describe, alarms, CloudWatch; never SQL or Redis
        if instance.is_aws
        else gatherer.redis()
        if instance.kind == "redis"
        else gatherer.sql()
    )
    health_reading, metrics, part = await asyncio.gather(health, gatherer.metrics(), kind_part)
    aws, cloudwatch = part if isinstance(part, tuple) else (None, ())
    return Evidence(
        instance=ref(instance),
        started_at=end,
        window=window,
        alert=alert,
        related_alerts=related,
        health=health_reading,
        metrics=(*metrics, *cloudwatch),
        sql=part if isinstance(part, SqlEvidence) else None,
        redis=part if isinstance(part, RedisEvidence) else None,
        notes=notes,
        aws=aws,
    )


async def _nothing() -> None:
    """No such source for this kind (the slow-log digest reads MySQL slow logs only)."""
    return None
