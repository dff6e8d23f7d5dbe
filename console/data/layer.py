"""DataLayer: the one object the UI and the headless verbs talk to, and a wall.

It owns every source (MySQL, PostgreSQL, Redis, Prometheus, Alertmanager, AWS), the credential
resolver and the fleet sweep; every call returns a typed Reading and never raises for a source
failure. What it hands out only reads (`console.data.reads`): no attribute writes, opens a raw
client or connects; a change runs only through `queries.execute` with a confirmed `Consent`.
Pools are created lazily on the running loop and closed by `close()` (or `async with`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Self

from console.config import BASE_PROFILE, Settings
from console.data import fleet as fleet_sweep
from console.data.aws.clients import AwsClients, aws_fetch
from console.data.aws.cloudwatch import default_metrics
from console.data.aws.insights import InsightsSource
from console.data.aws.scancount import ScanCounter
from console.data.aws.source import AwsSource
from console.data.aws_models import (
    AwsMetric,
    AwsResource,
    ChartSpec,
    CloudInventory,
    CloudWatchAlarm,
    CostReport,
    InsightsResult,
    InsightsStarted,
    LogChunk,
    PaidCalls,
    ResourceOverview,
    ScanBudget,
)
from console.data.changes import Changes, SilenceChanges
from console.data.credentials import Credentials, SecretState, aws_reference_state
from console.data.discovery import Discovery
from console.data.looplag import LoopLag, busy_note
from console.data.models import (
    AlertmanagerTarget,
    AuditOptions,
    FleetHealth,
    Health,
    Reading,
    RedisAuditRun,
    Series,
)
from console.data.probing import Probe
from console.data.prometheus_health import redis_health
from console.data.query import QueryRunner
from console.data.reads import (
    AlertmanagerReads,
    MySQLReads,
    PostgresReads,
    PrometheusReads,
    Queries,
    RedisReads,
    SqlReads,
    read_view,
)
from console.data.sources.alertmanager import AlertmanagerSource
from console.data.sources.mysql import MySQLSource
from console.data.sources.postgres import PostgresSource
from console.data.sources.prometheus import PrometheusSource
from console.data.sources.redis import RedisSource
from console.data.sources.redis_clients import RedisClients
from console.inventory import Fleet, Instance

SLOW_LOG_CONCURRENCY = 4
LOGS_NAME = "logs-insights"  # the Reading.instance of Logs Insights calls


def alertmanager_target(settings: Settings) -> AlertmanagerTarget:
    """The configured Alertmanager as a change target: production on the base profile, else
    named after the profile in use (the lab's shows "lab" in the prompts)."""
    env = "production" if settings.profile == BASE_PROFILE else settings.profile
    return AlertmanagerTarget("alertmanager", env, settings.monitoring.alertmanager)


@dataclass(frozen=True, slots=True)
class _Sources:
    """The concrete sources: the data layer's own, never handed out (see `console.data.reads`)."""

    mysql: MySQLSource
    postgres: PostgresSource
    redis: RedisSource
    prometheus: PrometheusSource
    alertmanager: AlertmanagerSource

    def all(self) -> tuple[MySQLSource | PostgresSource | RedisSource | PrometheusSource |
                           AlertmanagerSource, ...]:  # fmt: skip
        return (self.mysql, self.postgres, self.redis, self.prometheus, self.alertmanager)


@dataclass(frozen=True, slots=True)
class _Views:
    """The sources as `ReadView`s of their protocols: what the facade hands out."""

    mysql: MySQLReads
    postgres: PostgresReads
    redis: RedisReads
    prometheus: PrometheusReads
    alertmanager: AlertmanagerReads


class DataLayer:
    """Every source behind one facade; the UI holds this and nothing else.

    What it hands out reads: `mysql`, `postgres`, `redis`, `prometheus` and `alertmanager` are
    read-only views (`console.data.reads`), and a change runs only through `queries.execute`
    with a confirmed `Consent`. Use it as `async with DataLayer(settings) as data:` (or call
    `close()`), so that every pool and client is closed on the loop that opened it.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        monitoring = settings.monitoring
        self._aws = AwsClients(
            monitoring.cloudwatch_region,
            monitoring.aws_endpoint,
            connect_timeout_s=settings.timeouts.connect_s,
            read_timeout_s=settings.aws.call_timeout_s,
            test_credentials=settings.aws.test_credentials,
        )
        self._cloud = AwsSource(settings, self._aws)
        self._insights = InsightsSource(
            self._aws, ScanCounter(settings.aws_cache_dir, settings.aws.logs_daily_budget_gb)
        )
        credentials = Credentials(self._aws)
        self._redis_clients = RedisClients(settings.timeouts, credentials)
        self._sources = _Sources(
            MySQLSource(settings.timeouts, credentials),
            PostgresSource(settings.timeouts, credentials),
            RedisSource(settings.timeouts, self._redis_clients),
            PrometheusSource(monitoring.prometheus, settings.timeouts),
            AlertmanagerSource(monitoring.alertmanager, settings.timeouts),
        )
        self._queries = QueryRunner(
            self._sources.mysql,
            self._sources.postgres,
            self._sources.redis,
            Changes(settings.timeouts, credentials, self._redis_clients),
            settings.audit_path,
            settings.console,
            settings.read_only_reason,
            silences=SilenceChanges(monitoring.alertmanager, settings.timeouts),
            alertmanager=alertmanager_target(settings),
        )
        self._probes = fleet_sweep.ProbeWindow()
        self._discovery = Discovery(
            settings, self._sources.prometheus, self._cloud, self._probes.idle
        )
        self._loop_lag = LoopLag()
        fleet_options = settings.fleet_options
        self._probe = Probe(
            fleet_options, settings.timeouts, self._loop_lag, fleet_options.setup_concurrency
        )
        self._views = self._read_views()

    def _read_views(self) -> _Views:
        """Each source as a view of its protocol (the assignments are mypy's conformance check)."""
        mysql: MySQLReads = self._sources.mysql
        postgres: PostgresReads = self._sources.postgres
        redis: RedisReads = self._sources.redis
        prometheus: PrometheusReads = self._sources.prometheus
        alertmanager: AlertmanagerReads = self._sources.alertmanager
        return _Views(
            read_view(mysql, MySQLReads),
            read_view(postgres, PostgresReads),
            read_view(redis, RedisReads),
            read_view(prometheus, PrometheusReads),
            read_view(alertmanager, AlertmanagerReads),
        )

    # --- what the UI reads through: read-only protocols ---------------------------------------

    @property
    def mysql(self) -> MySQLReads:
        return self._views.mysql

    @property
    def postgres(self) -> PostgresReads:
        return self._views.postgres

    @property
    def redis(self) -> RedisReads:
        return self._views.redis

    @property
    def prometheus(self) -> PrometheusReads:
        return self._views.prometheus

    @property
    def alertmanager(self) -> AlertmanagerReads:
        return self._views.alertmanager

    @property
    def queries(self) -> Queries:
        """Guarded, masked, audited statements and commands; the confirmed change path."""
        return self._queries

    def sql(self, instance: Instance) -> SqlReads:
        """The reads of a MySQL or PostgreSQL instance (never asked for another kind)."""
        if instance.is_aws:  # a caller's bug: no SQL is ever sent to an AWS-only kind
            raise ValueError(f"{instance.name} is {instance.kind}, not a SQL server")
        return self.postgres if instance.kind == "postgres" else self.mysql

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every pool and client (call on unmount / at the end of a verb)."""
        await self._loop_lag.stop()
        for source in self._sources.all():
            await source.close()
        await self._aws.close()

    def recorded_at(self) -> datetime | None:
        """None: every read asks a live server. A replay's data layer (a recording, read at a
        cursor: console/services/recording/replay.py) says the moment its reads answer for."""
        return None

    def console_busy(self, within_s: float = 30.0) -> str | None:
        """`console busy: figures up to 0.6 s late` when the console's own loop ran late in the
        last `within_s` seconds (so figures were late, not the servers slow), else None."""
        return busy_note(self._loop_lag.worst_s(within_s))

    async def redis_audit(
        self, instance: Instance, options: AuditOptions, checkpoint: str | None = None
    ) -> Reading[RedisAuditRun]:
        """The TTL and big-key audit of a Redis instance (on its replica if it has one), within
        the options' time and ops budgets; pass the last run's checkpoint to resume it."""
        from console.data import redis_audit  # deferred: redis-py and hiredis

        return await redis_audit.audit(
            self._redis_clients, self.settings.timeouts, instance, options, checkpoint
        )

    async def fleet(self, aws: bool = True) -> Fleet:
        """The configured fleet plus the Redis clusters Prometheus knows of and, with [aws]
        discovery on, the RDS instances and ElastiCache clusters AWS lists (both asked at once),
        and with [aws] discover_kinds on, MSK, EKS, DocumentDB, OpenSearch and EC2.
        `aws=False`: AWS is not asked, its parts come from the kept lists.

        A server only AWS lists is kept (origin "aws"; SQL ones in "ungrouped", Redis ones by
        the group rules). Each answer is kept on disk; when a discovery fails, its last kept
        list stands in (origin "kept") and the reason and the list's age are attached.
        """
        return await self._discovery.fleet(aws)

    async def kept_fleet(self) -> Fleet:
        """The configured fleet plus the kept discoveries, from disk only (never waits on
        Prometheus or AWS): what the console shows while discovery runs behind it."""
        return await self._discovery.kept_fleet()

    async def health(self, instance: Instance) -> Reading[Health]:
        """One cheap probe of one instance, within the probe timeout; an AWS kind's health
        comes from its describe call and its CloudWatch alarms (never a connection)."""
        if instance.is_aws:
            return (await self._cloud.kinds_health([instance]))[instance.name]
        if instance.kind == "mysql":
            return await self._sources.mysql.health(instance, self._probe)
        if instance.kind == "postgres":
            return await self._sources.postgres.health(instance, self._probe)
        if instance.kind == "redis":
            return await self._sources.redis.health(instance, self._probe)
        raise AssertionError(f"no probe for kind {instance.kind}")  # every kind is handled above

    async def sweep(
        self,
        instances: Sequence[Instance],
        on_result: fleet_sweep.OnResult | None = None,
    ) -> tuple[FleetHealth, ...]:
        """Health of every instance concurrently (bounded), streamed to `on_result`.

        Servers are probed; then the AWS kinds are judged all at once from one listing and one
        DescribeAlarms (`AwsSource.kinds_health`): never probed, never one listing per
        resource, and once no probe is in flight (`ProbeWindow`), so AWS work never delays one."""
        concurrency = self.settings.fleet_options.concurrency
        cloud = [i for i in instances if i.is_aws]
        servers = [i for i in instances if not i.is_aws]

        async def judged() -> tuple[FleetHealth, ...]:
            readings = await self._cloud.kinds_health(cloud) if cloud else {}
            found = tuple(FleetHealth(i.name, i.kind, i.group, readings[i.name]) for i in cloud)
            for result in found:
                if on_result is not None:
                    on_result(result)
            return found

        async with self._probes.probing():
            probed = await fleet_sweep.sweep(servers, self.health, concurrency, on_result)
        if cloud:
            await self._probes.idle()  # another sweep's probes: let them finish first
        aws_found = await judged()
        by_name = {r.name: r for r in (*probed, *aws_found)}
        return tuple(by_name[i.name] for i in instances)

    async def fleet_health(
        self,
        instances: Sequence[Instance],
        on_result: fleet_sweep.OnResult | None = None,
    ) -> tuple[FleetHealth, ...]:
        """Health of every instance: from Prometheus where it scrapes the instance, else probed
        (the AWS kinds: from AWS, see `sweep`).

        If Prometheus cannot answer, every instance is probed directly.
        """
        scraped = [i for i in instances if i.kind == "redis" and i.origin == "prometheus"]
        label = self.settings.monitoring.redis_discovery.name_label
        known = await redis_health(self._sources.prometheus, scraped, label, self._probe)
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
        return await self._cloud.resources()

    async def aws_kinds(self) -> Reading[CloudInventory]:
        """MSK clusters, EKS clusters, DocumentDB instances, OpenSearch domains and EC2 hosts
        (describe/list calls only: free), whatever `[aws] discover_kinds` says."""
        return await self._cloud.cloud_inventory()

    async def cloudwatch_alarms(
        self, state: str | None = None
    ) -> Reading[tuple[CloudWatchAlarm, ...]]:
        """CloudWatch metric alarms (all, or only `state` "ALARM"/"OK"/"INSUFFICIENT_DATA"),
        firing first; each names the instance its dimensions point at (`alarm.instance`)."""
        return await self._cloud.alarms(state)

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
        return await self._cloud.metrics(instance, start, end, metrics, period_s)

    def aws_default_metrics(self, instance: Instance) -> tuple[AwsMetric, ...]:
        """The metrics an instance's AWS chart shows by default (RDS or ElastiCache)."""
        return default_metrics(instance)

    async def aws_overview(self, instance: Instance) -> Reading[ResourceOverview]:
        """An MSK, EKS, DocumentDB, OpenSearch or EC2 resource as its describe calls show it:
        status, version, sizes, broker/node counts, its parts, and the calls the API lacks."""
        return await self._cloud.overview(instance)

    async def aws_charts(self, overview: ResourceOverview) -> Reading[tuple[ChartSpec, ...]]:
        """The CloudWatch charts an on-call reads first for the resource's kind, with the
        dimensions CloudWatch keeps for it (per broker, per consumer group...)."""
        return await self._cloud.charts(overview)

    async def slow_log(
        self, instance: Instance, since: datetime, until: datetime
    ) -> Reading[LogChunk]:
        """The instance's RDS slow-query log (`/aws/rds/instance/{name}/slowquery`) between
        `since` and `until`, bounded by `[aws] slow_log_max_events/_bytes` (then truncated)."""
        return await self._cloud.slow_log(instance, since, until)

    async def slow_logs(
        self,
        instances: Sequence[Instance],
        since: datetime,
        until: datetime,
        on_read: Callable[[Reading[LogChunk]], None] | None = None,
    ) -> tuple[Reading[LogChunk], ...]:
        """`slow_log` of many instances, a few at a time (CloudWatch Logs allows a handful of
        FilterLogEvents requests a second per account), in the order given; `on_read` hears
        each reading as it comes in (a verb's progress)."""
        slots = asyncio.Semaphore(SLOW_LOG_CONCURRENCY)

        async def one(instance: Instance) -> Reading[LogChunk]:
            async with slots:
                reading = await self.slow_log(instance, since, until)
            if on_read is not None:
                on_read(reading)
            return reading

        return tuple(await asyncio.gather(*(one(i) for i in instances)))

    async def cost_report(self, days: int, today: date | None = None) -> Reading[CostReport]:
        """Cost Explorer: month-to-date and the last `days` complete days by service, usage type
        and day. Paid ($0.01 a request): cached on disk, shared in flight, counted, and refused
        (error kind "refused") past `[aws] cost_daily_budget_usd`."""
        return await self._cloud.cost(days, today)

    async def aws_secret_state(self, ref: str, login: tuple[str, int, str]) -> SecretState:
        """Whether AWS gives this user a secretsmanager: or rds-iam reference (`login`: the
        host, port and user an IAM token would be signed for), within [aws] call_timeout_s;
        the value is never returned."""
        timeout_s = self.settings.aws.call_timeout_s
        return await aws_reference_state(self._aws, ref, login, timeout_s)

    async def paid_calls(self) -> PaidCalls:
        """The paid-call counter (this session and today, all processes) for the status bar:
        Cost Explorer's calls, and CloudWatch's metrics requested and answers reused."""
        calls = await self._cloud.cost_cache.snapshot()
        counter = self._cloud.metric_counter
        metrics_today, _requests = await counter.today()
        return replace(
            calls,
            metrics_session=counter.session_metrics,
            metrics_cached=counter.session_cached,
            metrics_today=metrics_today,
        )

    # --- Logs Insights (console/data/aws/insights.py; the loop is services/logs.py's) ---------

    async def logs_start(
        self,
        groups: Sequence[str],
        query: str,
        window: tuple[datetime, datetime],
        limit: int,
        *,
        over_budget: bool = False,
    ) -> Reading[InsightsStarted]:
        """Start a Logs Insights query over `groups` in the window, `| limit N` appended when
        the query has none; refused (kind "refused") once today's bytes scanned reached
        `[aws] logs_daily_budget_gb`, unless `over_budget`."""
        return await aws_fetch(
            LOGS_NAME,
            self.settings.aws.call_timeout_s,
            lambda: self._insights.start(groups, query, window, limit, over_budget),
        )

    async def logs_results(self, query_id: str) -> Reading[InsightsResult]:
        """A query's results so far, masked; its bytes are counted when it first shows done."""
        return await aws_fetch(
            LOGS_NAME, self.settings.aws.call_timeout_s, lambda: self._insights.results(query_id)
        )

    async def logs_stop(self, query_id: str) -> Reading[bool]:
        """Stop a running Logs Insights query."""
        return await aws_fetch(
            LOGS_NAME, self.settings.aws.call_timeout_s, lambda: self._insights.stop(query_id)
        )

    async def logs_groups(self, prefix: str = "") -> Reading[tuple[str, ...]]:
        """The region's log groups (starting with `prefix`), sorted."""
        return await aws_fetch(
            LOGS_NAME, self.settings.aws.call_timeout_s, lambda: self._insights.groups(prefix)
        )

    async def logs_scanned(self) -> ScanBudget:
        """Logs Insights bytes scanned today (every process) and this session, and the budget."""
        return await self._insights.counter.snapshot()
