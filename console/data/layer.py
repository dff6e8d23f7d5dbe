"""DataLayer: the one object the UI and the headless verbs talk to.

It owns every source (MySQL, PostgreSQL, Redis, Prometheus, Alertmanager, AWS), the credential
resolver and the fleet sweep; every call returns a typed Reading and never raises for a source
failure. Pools are created lazily on the running loop and closed by `close()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from console.config import Settings
from console.data import fleet as fleet_sweep
from console.data.alertmanager import AlertmanagerSource
from console.data.aws import AwsClients
from console.data.aws_models import (
    AwsMetric,
    AwsResource,
    CloudWatchAlarm,
    CostReport,
    LogChunk,
    PaidCalls,
)
from console.data.aws_source import AwsSource
from console.data.credentials import Credentials
from console.data.discovery import Discovery
from console.data.looplag import LoopLag, busy_note
from console.data.models import (
    AuditOptions,
    Digest,
    ExplainPlan,
    FleetHealth,
    Health,
    LockWait,
    Process,
    QueryResult,
    Reading,
    RedisAuditRun,
    Series,
    ServerStatus,
)
from console.data.mysql import MySQLSource
from console.data.postgres import PostgresSource
from console.data.probing import Probe
from console.data.prometheus import PrometheusSource
from console.data.prometheus_health import redis_health
from console.data.query import QueryRunner
from console.data.redis import RedisSource
from console.inventory import Fleet, Instance

SLOW_LOG_CONCURRENCY = 4


class SqlSource(Protocol):
    """What MySQL and PostgreSQL both answer: screens use one code path for the two engines."""

    async def status(self, instance: Instance) -> Reading[ServerStatus]: ...

    async def processlist(self, instance: Instance, limit: int) -> Reading[tuple[Process, ...]]: ...

    async def lock_waits(self, instance: Instance, limit: int) -> Reading[tuple[LockWait, ...]]: ...

    async def digests(self, instance: Instance, limit: int) -> Reading[tuple[Digest, ...]]: ...

    async def explain(self, instance: Instance, statement: str) -> Reading[ExplainPlan]: ...

    async def tables(self, instance: Instance, limit: int) -> Reading[QueryResult]: ...

    async def columns(
        self, instance: Instance, schema: str, table: str, limit: int
    ) -> Reading[QueryResult]: ...


class DataLayer:
    """Every source behind one facade; the UI holds this and nothing else."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        monitoring = settings.monitoring
        self.aws = AwsClients(
            monitoring.cloudwatch_region,
            monitoring.aws_endpoint,
            connect_timeout_s=settings.timeouts.connect_s,
            read_timeout_s=settings.aws.call_timeout_s,
            test_credentials=settings.aws.test_credentials,
        )
        self.cloud = AwsSource(settings, self.aws)
        credentials = Credentials(self.aws)
        self.mysql = MySQLSource(settings.timeouts, credentials)
        self.postgres = PostgresSource(settings.timeouts, credentials)
        self.redis = RedisSource(settings.timeouts, credentials)
        self.prometheus = PrometheusSource(monitoring.prometheus, settings.timeouts)
        self.alertmanager = AlertmanagerSource(monitoring.alertmanager, settings.timeouts)
        self.queries = QueryRunner(
            self.mysql, self.postgres, self.redis, settings.audit_path, settings.console
        )
        self.discovery = Discovery(settings, self.prometheus, self.cloud)
        self.loop_lag = LoopLag()
        fleet_options = settings.fleet_options
        self.probe = Probe(
            fleet_options, settings.timeouts, self.loop_lag, fleet_options.setup_concurrency
        )

    async def close(self) -> None:
        """Close every pool and client (call on unmount / at the end of a verb)."""
        await self.loop_lag.stop()
        for source in (self.mysql, self.postgres, self.redis, self.prometheus, self.alertmanager):
            await source.close()

    async def __aenter__(self) -> DataLayer:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def console_busy(self, within_s: float = 30.0) -> str | None:
        """`console busy: figures up to 0.6 s late` when the console's own loop ran late in the
        last `within_s` seconds (so figures were late, not the servers slow), else None."""
        return busy_note(self.loop_lag.worst_s(within_s))

    def sql(self, instance: Instance) -> SqlSource:
        """The source of a MySQL or PostgreSQL instance."""
        return self.postgres if instance.kind == "postgres" else self.mysql

    async def redis_audit(
        self, instance: Instance, options: AuditOptions, checkpoint: str | None = None
    ) -> Reading[RedisAuditRun]:
        """The TTL and big-key audit of a Redis instance (on its replica if it has one), within
        the options' time and ops budgets; pass the last run's checkpoint to resume it."""
        from console.data import redis_audit  # deferred: redis-py and hiredis

        return await redis_audit.audit(
            self.redis, self.settings.timeouts, instance, options, checkpoint
        )

    async def fleet(self) -> Fleet:
        """The configured fleet plus the Redis clusters Prometheus knows of and, with [aws]
        discovery on, the RDS instances and ElastiCache clusters AWS lists (both asked at once).

        A server only AWS lists is kept (origin "aws"; SQL ones in "ungrouped", Redis ones by
        the group rules). Each answer is kept on disk; when a discovery fails, its last kept
        list stands in (origin "kept") and the reason and the list's age are attached.
        """
        return await self.discovery.fleet()

    async def kept_fleet(self) -> Fleet:
        """The configured fleet plus the kept discoveries, from disk only (never waits on
        Prometheus or AWS): what the console shows while discovery runs behind it."""
        return await self.discovery.kept_fleet()

    async def health(self, instance: Instance) -> Reading[Health]:
        """One cheap probe of one instance, within the probe timeout."""
        if instance.kind == "mysql":
            return await self.mysql.health(instance, self.probe)
        if instance.kind == "postgres":
            return await self.postgres.health(instance, self.probe)
        return await self.redis.health(instance, self.probe)

    async def sweep(
        self,
        instances: Sequence[Instance],
        on_result: fleet_sweep.OnResult | None = None,
    ) -> tuple[FleetHealth, ...]:
        """Health of every instance concurrently (bounded), streamed to `on_result`."""
        concurrency = self.settings.fleet_options.concurrency
        return await fleet_sweep.sweep(instances, self.health, concurrency, on_result)

    async def fleet_health(
        self,
        instances: Sequence[Instance],
        on_result: fleet_sweep.OnResult | None = None,
    ) -> tuple[FleetHealth, ...]:
        """Health of every instance: from Prometheus where it scrapes the instance, else probed.

        If Prometheus cannot answer, every instance is probed directly.
        """
        scraped = [i for i in instances if i.kind == "redis" and i.origin == "prometheus"]
        label = self.settings.monitoring.redis_discovery.name_label
        known = await redis_health(self.prometheus, scraped, label, self.probe)
        for result in known.values():
            if on_result is not None:
                on_result(result)
        probed = await self.sweep([i for i in instances if i.name not in known], on_result)
        by_name = {r.name: r for r in probed} | known
        return tuple(by_name[i.name] for i in instances)

    async def sequential(self, instances: Sequence[Instance]) -> tuple[FleetHealth, ...]:
        """The same probes one after another: the benchmark's baseline."""
        return await fleet_sweep.sequential(instances, self.health)

    # --- AWS (aioboto3 is imported on the first of these calls) ------------------------------

    async def aws_resources(self) -> Reading[tuple[AwsResource, ...]]:
        """Every RDS instance and ElastiCache Redis cluster/replication group of the region."""
        return await self.cloud.resources()

    async def cloudwatch_alarms(
        self, state: str | None = None
    ) -> Reading[tuple[CloudWatchAlarm, ...]]:
        """CloudWatch metric alarms (all, or only `state` "ALARM"/"OK"/"INSUFFICIENT_DATA"),
        firing first; each names the instance its dimensions point at (`alarm.instance`)."""
        return await self.cloud.alarms(state)

    async def aws_metrics(
        self,
        instance: Instance,
        start: datetime,
        end: datetime,
        metrics: Sequence[AwsMetric] | None = None,
        period_s: int | None = None,
    ) -> Reading[tuple[Series, ...]]:
        """CloudWatch metrics of an RDS instance or ElastiCache cluster over [start, end], one
        Series per metric (labels `__name__`, `instance`, `unit`), ready for MetricChart.

        Default metrics: `aws_cloudwatch.RDS_METRICS` / `ELASTICACHE_METRICS`; period
        `[aws] metric_period_s`."""
        return await self.cloud.metrics(instance, start, end, metrics, period_s)

    async def slow_log(
        self, instance: Instance, since: datetime, until: datetime
    ) -> Reading[LogChunk]:
        """The instance's RDS slow-query log (`/aws/rds/instance/{name}/slowquery`) between
        `since` and `until`, bounded by `[aws] slow_log_max_events/_bytes` (then truncated)."""
        return await self.cloud.slow_log(instance, since, until)

    async def slow_logs(
        self, instances: Sequence[Instance], since: datetime, until: datetime
    ) -> tuple[Reading[LogChunk], ...]:
        """`slow_log` of many instances, a few at a time (CloudWatch Logs allows a handful of
        FilterLogEvents requests a second per account), in the order given."""
        slots = asyncio.Semaphore(SLOW_LOG_CONCURRENCY)

        async def one(instance: Instance) -> Reading[LogChunk]:
            async with slots:
                return await self.slow_log(instance, since, until)

        return tuple(await asyncio.gather(*(one(i) for i in instances)))

    async def cost_report(self, days: int, today: date | None = None) -> Reading[CostReport]:
        """Cost Explorer: month-to-date and the last `days` complete days by service, usage type
        and day. Paid ($0.01 a request): cached on disk, shared in flight, counted, and refused
        (error kind "refused") past `[aws] cost_daily_budget_usd`."""
        return await self.cloud.cost(days, today)

    async def paid_calls(self) -> PaidCalls:
        """The paid-call counter (this session and today, all processes) for the status bar."""
        return await self.cloud.cost_cache.snapshot()
