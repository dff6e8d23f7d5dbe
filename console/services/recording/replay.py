"""Replay: a recording answered through the data layer's own reads, at a movable cursor.

`ReplayLayer` is a `DataLayer` that holds no source: every read the fleet, instance and alerts
screens make (`sql(i).processlist`, `redis.clients`, `alertmanager.groups`, `fleet_health`,
`cloudwatch_alarms`, ...) is answered from `Recording.at(instance, what, cursor)`, and every
change, kill and TTL fix is refused by its `queries` ("replay: ..."), so the console opened on a
recording is read-only by construction: there is no server behind it to write to.

Why a subclass of DataLayer that never runs DataLayer.__init__: the screens, the investigation
and the headless screenshot take a DataLayer and run unchanged on a replay; no source, pool or
client is ever made, so a read the replay forgot to answer fails loudly (AttributeError) instead
of reaching a live server (tests/replay/test_replay_layer.py checks every public member is
answered here).

A reading with no sample at the cursor is an `unrecorded` error ("not recorded at this time"),
never a server's error; a sample the recorder took of a failing server comes back as that
failure. A detail sample (processlist, INFO, ...) answers for the cursor only while it is recent:
the recorder samples an instance in detail only while it is in trouble, and the sessions of
03:10 are not the sessions of 03:40.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from console.config import Settings
from console.data import fleet as fleet_sweep
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
from console.data.credentials import SecretState
from console.data.layer import LOGS_NAME, DataLayer, alertmanager_target
from console.data.models import (
    Alert,
    AlertGroup,
    AlertmanagerTarget,
    AuditOptions,
    Digest,
    ExplainPlan,
    FleetHealth,
    Health,
    KeyspaceSample,
    LockWait,
    Matcher,
    Process,
    QueryResult,
    Reading,
    RedisAuditRun,
    RedisClient,
    RedisInfo,
    RedisMemory,
    RedisReply,
    RemediationPlan,
    Rule,
    Series,
    ServerStatus,
    Silence,
    SilenceChange,
    SlowlogEntry,
    Source,
    SourceError,
    Target,
    Variable,
    WriteOutcome,
)
from console.data.models import Sample as PromSample
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
from console.data.sources.alertmanager import group_alerts
from console.errors import ConsoleError
from console.formatting import human_duration
from console.formatting.insights import GB
from console.formatting.moments import clock, iso
from console.inventory import Fleet, Instance
from console.safety.confirm import Action, Consent
from console.safety.redisguard import RedisPlan
from console.safety.sqlguard import Plan
from console.services.recording.store import Recording, RecordingError, Sample
from console.services.recording.timeline import TimeError, Timeline, parse_time

REFUSAL = "replay: recorded data, nothing runs against a server"
"""Why every change, kill, TTL fix and typed statement is refused in a replay."""
PANES = ("overview", "processes", "queries")
"""The instance tabs a recording answers (metrics, queries typed, keys and slow logs are not
recorded: their tabs are not offered)."""
DETAIL = frozenset(
    ("status", "processlist", "lock_waits", "digests", "redis_info", "redis_clients",
     "redis_slowlog")
)  # fmt: skip
"""Readings recorded only while an instance is in trouble: they go stale (see STALE_STEPS)."""
STALE_STEPS = 3.0
MIN_STALE_S = 15.0
"""A detail sample answers for the cursor while it is at most this many typical steps (and at
least MIN_STALE_S) older than the cursor."""
NAMES = {
    "health": "health", "alerts": "alerts", "alarms": "CloudWatch alarms", "status": "status",
    "processlist": "processlist", "lock_waits": "lock waits", "digests": "top queries",
    "redis_info": "INFO", "redis_clients": "CLIENT LIST", "redis_slowlog": "SLOWLOG",
}  # fmt: skip
_RECORDED_ERROR = re.compile(r"^.*?\((\w+)\): (\w+): (.*)$", re.DOTALL)
_SOURCES: dict[str, Source] = {"mysql": "mysql", "postgres": "postgres", "redis": "redis"}
_KINDS = ("timeout", "unreachable", "auth", "denied", "query", "refused", "internal")


class ReplayError(ConsoleError):
    """A replay that cannot start: no such folder, no recording in it, a bad TIME (exit 2)."""


def open_replay(settings: Settings, folder: Path, at: str | None = None) -> ReplayLayer:
    """The recording in `folder` as a data layer, its cursor at TIME (default: its start).

    Blocking (reads every hour file): from the event loop, call it through asyncio.to_thread.
    """
    if not folder.exists():
        raise ReplayError(f"replay: {folder}: no such folder")
    if not folder.is_dir():
        raise ReplayError(f"replay: {folder} is not a folder (a recording is a folder of hours)")
    try:
        recording = Recording.open(folder)
    except RecordingError as exc:
        raise ReplayError(f"replay: {exc}") from None
    except OSError as exc:
        raise ReplayError(f"replay: {folder}: {exc.strerror or exc}") from None
    layer = ReplayLayer(settings, recording)
    if at is not None:
        layer.move(time_in(recording, at))
    return layer


def time_in(recording: Recording, text: str) -> datetime:
    """TIME in this recording (see console/services/recording/timeline.py); ReplayError."""
    try:
        return parse_time(text, recording.start, recording.end)
    except TimeError as exc:
        raise ReplayError(f"replay: {exc}") from None


class ReplayLayer(DataLayer):
    """A DataLayer over a recording: reads at `cursor`, changes refused (see the module)."""

    PANES = PANES
    """The instance tabs it answers."""

    def __init__(self, settings: Settings, recording: Recording) -> None:  # no source made
        self.recording = recording
        self.settings = replace(settings, fleet=Fleet(recording.instances()))
        self.timeline = Timeline(recording.times(), recording.changes())
        self.cursor: datetime = recording.start
        stale_s = max(MIN_STALE_S, STALE_STEPS * self.timeline.typical_step_s())
        self._reader = _Reader(self, stale_s)
        sql = _RecordedSql(self._reader)
        mysql: MySQLReads = sql
        postgres: PostgresReads = sql
        redis: RedisReads = _RecordedRedis(self._reader)
        prometheus: PrometheusReads = _NoPrometheus(self._reader)
        alertmanager: AlertmanagerReads = _RecordedAlertmanager(self._reader)
        self._replayed = (
            read_view(mysql, MySQLReads),
            read_view(postgres, PostgresReads),
            read_view(redis, RedisReads),
            read_view(prometheus, PrometheusReads),
            read_view(alertmanager, AlertmanagerReads),
        )
        self._refusals: Queries = _Refusals(alertmanager_target(settings))

    def move(self, moment: datetime) -> datetime:
        """Put the cursor at `moment`, kept within the recording; the cursor."""
        self.cursor = min(max(moment, self.timeline.start), self.timeline.end)
        return self.cursor

    @property
    def folder(self) -> Path:
        return self.recording.folder

    # --- the reads, answered from the recording ------------------------------------------------

    @property
    def mysql(self) -> MySQLReads:
        return self._replayed[0]

    @property
    def postgres(self) -> PostgresReads:
        return self._replayed[1]

    @property
    def redis(self) -> RedisReads:
        return self._replayed[2]

    @property
    def prometheus(self) -> PrometheusReads:
        return self._replayed[3]

    @property
    def alertmanager(self) -> AlertmanagerReads:
        return self._replayed[4]

    @property
    def queries(self) -> Queries:
        return self._refusals

    def sql(self, instance: Instance) -> SqlReads:
        return self.postgres if instance.kind == "postgres" else self.mysql

    async def close(self) -> None:
        """Nothing to close: a replay opens no pool, client or connection."""

    def recorded_at(self) -> datetime | None:
        return self.cursor

    def console_busy(self, within_s: float = 30.0) -> str | None:
        return None

    async def fleet(self, aws: bool = True) -> Fleet:
        return self.settings.fleet

    async def kept_fleet(self) -> Fleet:
        return self.settings.fleet

    async def health(self, instance: Instance) -> Reading[Health]:
        return self._reader.health(instance).reading

    async def sweep(
        self, instances: Sequence[Instance], on_result: fleet_sweep.OnResult | None = None
    ) -> tuple[FleetHealth, ...]:
        found = tuple(self._reader.health(i) for i in instances)
        if on_result is not None:
            for health in found:
                on_result(health)
        return found

    async def fleet_health(
        self, instances: Sequence[Instance], on_result: fleet_sweep.OnResult | None = None
    ) -> tuple[FleetHealth, ...]:
        return await self.sweep(instances, on_result)

    async def sequential(self, instances: Sequence[Instance]) -> tuple[FleetHealth, ...]:
        return await self.sweep(instances)

    async def cloudwatch_alarms(
        self, state: str | None = None
    ) -> Reading[tuple[CloudWatchAlarm, ...]]:
        reading: Reading[tuple[CloudWatchAlarm, ...]] = self._reader.read(None, "aws", "alarms")
        if reading.value is None or state is None:
            return reading
        return replace(reading, value=tuple(a for a in reading.value if a.state == state))

    # --- what a recording does not hold: refused, nothing asked -------------------------------

    async def redis_audit(
        self, instance: Instance, options: AuditOptions, checkpoint: str | None = None
    ) -> Reading[RedisAuditRun]:
        return self._reader.missing(instance.name, "redis", "the key audit")

    async def aws_resources(self) -> Reading[tuple[AwsResource, ...]]:
        return self._reader.missing("aws", "aws", "AWS resources")

    async def aws_kinds(self) -> Reading[CloudInventory]:
        """Not recorded as such: the AWS kinds are in the recorded fleet and its health."""
        return self._reader.missing("aws", "aws", "AWS kinds")

    async def aws_overview(self, instance: Instance) -> Reading[ResourceOverview]:
        """Not recorded: an AWS kind's describe answer is asked live (its health is recorded)."""
        return self._reader.missing(instance.name, "aws", "AWS describe answer")

    async def aws_charts(self, overview: ResourceOverview) -> Reading[tuple[ChartSpec, ...]]:
        return self._reader.missing(overview.name, "aws", "CloudWatch charts")

    async def aws_metrics(
        self,
        instance: Instance,
        start: datetime,
        end: datetime,
        metrics: Sequence[AwsMetric] | None = None,
        period_s: int | None = None,
    ) -> Reading[tuple[Series, ...]]:
        return self._reader.missing(instance.name, "aws", "CloudWatch metrics")

    def aws_default_metrics(self, instance: Instance) -> tuple[AwsMetric, ...]:
        return ()

    async def slow_log(
        self, instance: Instance, since: datetime, until: datetime
    ) -> Reading[LogChunk]:
        return self._reader.missing(instance.name, "aws", "the slow-query log")

    async def slow_logs(
        self,
        instances: Sequence[Instance],
        since: datetime,
        until: datetime,
        on_read: Callable[[Reading[LogChunk]], None] | None = None,
    ) -> tuple[Reading[LogChunk], ...]:
        return tuple([await self.slow_log(i, since, until) for i in instances])

    async def cost_report(self, days: int, today: date | None = None) -> Reading[CostReport]:
        return self._reader.missing("aws", "aws", "AWS cost")

    async def aws_secret_state(self, ref: str, login: tuple[str, int, str]) -> SecretState:
        return ("unreadable", REFUSAL)

    async def paid_calls(self) -> PaidCalls:
        """None made by a replay (the counter the status bar shows stays at zero)."""
        return PaidCalls(0, 0, 0.0, 0, 0.0, self.settings.aws.cost_daily_budget_usd)

    # Logs Insights reads live AWS logs, not the recording: refused, nothing asked

    async def logs_start(
        self,
        groups: Sequence[str],
        query: str,
        window: tuple[datetime, datetime],
        limit: int,
        *,
        over_budget: bool = False,
    ) -> Reading[InsightsStarted]:
        return _refused_aws()

    async def logs_results(self, query_id: str) -> Reading[InsightsResult]:
        return _refused_aws()

    async def logs_stop(self, query_id: str) -> Reading[bool]:
        return _refused_aws()

    async def logs_groups(self, prefix: str = "") -> Reading[tuple[str, ...]]:
        return _refused_aws()

    async def logs_scanned(self) -> ScanBudget:
        """None scanned by a replay; the budget as configured."""
        budget = int(self.settings.aws.logs_daily_budget_gb * GB)
        return ScanBudget(0, 0, budget, 0, 0)


class _Reader:
    """Samples at the replay's cursor as Readings."""

    def __init__(self, layer: ReplayLayer, stale_s: float) -> None:
        self.layer = layer
        self.stale_s = stale_s

    def read(self, name: str | None, source: Source, what: str, limit: int = 0) -> Reading[Any]:
        label = name or source
        cursor = self.layer.cursor
        sample = self.layer.recording.at(name, what, cursor)
        if sample is None or (what in DETAIL and _age_s(sample, cursor) > self.stale_s):
            return self.missing(label, source, NAMES.get(what, what), sample)
        if sample.error is not None or sample.value is None:
            error = _recorded_error(label, source, sample.error or "no value recorded")
            return Reading(label, source, sample.at, 0.0, error=error)
        value = sample.value
        if limit and isinstance(value, tuple):
            value = value[:limit]
        return Reading(label, source, sample.at, 0.0, value=value)

    def missing(
        self, label: str, source: Source, what: str, last: Sample | None = None
    ) -> Reading[Any]:
        """`what` not recorded at the cursor (saying when it last was, if it was before)."""
        cursor = self.layer.cursor
        said = f"{what} not recorded at this time ({clock(cursor)} UTC)"
        if last is not None:
            said += (
                f"; last sample {clock(last.at)}, {human_duration(_age_s(last, cursor))} earlier"
            )
        error = SourceError(label, source, "unrecorded", said)
        return Reading(label, source, cursor, 0.0, error=error)

    def health(self, instance: Instance) -> FleetHealth:
        sample = self.layer.recording.at(instance.name, "health", self.layer.cursor)
        if sample is not None and isinstance(sample.value, FleetHealth):
            return sample.value
        reading = self.read(instance.name, _source(instance), "health")
        return FleetHealth(instance.name, instance.kind, instance.group, reading)


class _RecordedSql:
    """MySQL and PostgreSQL reads from a recording."""

    def __init__(self, reader: _Reader) -> None:
        self._r = reader

    async def status(self, instance: Instance) -> Reading[ServerStatus]:
        return self._r.read(instance.name, _source(instance), "status")

    async def processlist(self, instance: Instance, limit: int) -> Reading[tuple[Process, ...]]:
        return self._r.read(instance.name, _source(instance), "processlist", limit)

    async def lock_waits(self, instance: Instance, limit: int) -> Reading[tuple[LockWait, ...]]:
        return self._r.read(instance.name, _source(instance), "lock_waits", limit)

    async def digests(self, instance: Instance, limit: int) -> Reading[tuple[Digest, ...]]:
        return self._r.read(instance.name, _source(instance), "digests", limit)

    async def variables(
        self, instance: Instance, pattern: str, limit: int
    ) -> Reading[tuple[Variable, ...]]:
        return self._r.missing(instance.name, _source(instance), "server variables")

    async def explain(self, instance: Instance, statement: str) -> Reading[ExplainPlan]:
        return self._r.missing(instance.name, _source(instance), "EXPLAIN")

    async def tables(self, instance: Instance, limit: int) -> Reading[QueryResult]:
        return self._r.missing(instance.name, _source(instance), "the table list")

    async def columns(
        self, instance: Instance, schema: str, table: str, limit: int
    ) -> Reading[QueryResult]:
        return self._r.missing(instance.name, _source(instance), "the column list")


class _RecordedRedis:
    """Redis reads from a recording (INFO, CLIENT LIST, SLOWLOG)."""

    def __init__(self, reader: _Reader) -> None:
        self._r = reader

    async def info(self, instance: Instance) -> Reading[RedisInfo]:
        return self._r.read(instance.name, "redis", "redis_info")

    async def slowlog(self, instance: Instance, limit: int) -> Reading[tuple[SlowlogEntry, ...]]:
        return self._r.read(instance.name, "redis", "redis_slowlog", limit)

    async def clients(self, instance: Instance, limit: int) -> Reading[tuple[RedisClient, ...]]:
        return self._r.read(instance.name, "redis", "redis_clients", limit)

    async def memory(self, instance: Instance) -> Reading[RedisMemory]:
        return self._r.missing(instance.name, "redis", "MEMORY figures")

    async def sample_keys(
        self,
        instance: Instance,
        match: str = "*",
        count: int = 100,
        limit: int = 1000,
        cursor: int = 0,
        *,
        memory: bool = False,
    ) -> Reading[KeyspaceSample]:
        return self._r.missing(instance.name, "redis", "the keyspace")


class _RecordedAlertmanager:
    """Alertmanager's alerts as recorded; silences are not recorded."""

    def __init__(self, reader: _Reader) -> None:
        self._r = reader

    async def alerts(self, include_silenced: bool = True) -> Reading[tuple[Alert, ...]]:
        reading: Reading[tuple[Alert, ...]] = self._r.read(None, "alertmanager", "alerts")
        if reading.value is None or include_silenced:
            return reading
        return replace(reading, value=tuple(a for a in reading.value if a.state != "suppressed"))

    async def groups(self) -> Reading[tuple[AlertGroup, ...]]:
        reading = await self.alerts()
        grouped = None if reading.value is None else group_alerts(reading.value)
        return Reading(
            reading.instance, reading.source, reading.fetched_at, 0.0, grouped, reading.error
        )

    async def silences(self) -> Reading[tuple[Silence, ...]]:
        return self._r.missing("alertmanager", "alertmanager", "silences")

    async def matching(self, matchers: tuple[Matcher, ...]) -> Reading[tuple[Alert, ...]]:
        return self._r.missing("alertmanager", "alertmanager", "matching alerts")


class _NoPrometheus:
    """Prometheus is not recorded (its own storage keeps the metrics): every read says so."""

    def __init__(self, reader: _Reader) -> None:
        self._r = reader

    async def query(
        self, promql: str, at: datetime | None = None
    ) -> Reading[tuple[PromSample, ...]]:
        return self._r.missing("prometheus", "prometheus", "metrics")

    async def query_range(
        self, promql: str, start: datetime, end: datetime, step_s: float
    ) -> Reading[tuple[Series, ...]]:
        return self._r.missing("prometheus", "prometheus", "metrics")

    async def targets(self, state: str = "active") -> Reading[tuple[Target, ...]]:
        return self._r.missing("prometheus", "prometheus", "targets")

    async def rules(self) -> Reading[tuple[Rule, ...]]:
        return self._r.missing("prometheus", "prometheus", "rules")

    async def alerts(self) -> Reading[tuple[Alert, ...]]:
        return self._r.missing("prometheus", "prometheus", "Prometheus alerts")

    async def redis_clusters(self, discovery: Any) -> Reading[Any]:
        return self._r.missing("prometheus", "prometheus", "discovery")


class _Refusals:
    """The replay's `queries`: every statement, command, change, kill, TTL fix and silence
    refused."""

    def __init__(self, alertmanager: AlertmanagerTarget) -> None:
        self._alertmanager = alertmanager

    def read_only(self) -> str | None:
        return REFUSAL

    def plan(self, instance: Instance, sql: str) -> Plan:
        if instance.kind == "postgres":
            return Plan("refused", sql, "postgres", 0, (REFUSAL,))
        return Plan("refused", sql, "mysql", 0, (REFUSAL,))

    async def judge(self, instance: Instance, sql: str) -> Plan:
        return self.plan(instance, sql)

    async def shown_judge(self, instance: Instance, sql: str) -> Plan:
        return self.plan(instance, sql)

    def shown_plan(self, instance: Instance, sql: str) -> Plan:
        return self.plan(instance, sql)

    def plan_redis(self, instance: Instance, args: list[str]) -> RedisPlan:
        return RedisPlan("refused", tuple(args), 0, (REFUSAL,))

    def shown_redis_plan(self, instance: Instance, args: list[str]) -> RedisPlan:
        return self.plan_redis(instance, args)

    async def query(self, instance: Instance, sql: str) -> Reading[QueryResult]:
        return _refused(instance)

    async def heavy(self, instance: Instance, statement: str) -> tuple[str, ...]:
        return ()

    async def redis(self, instance: Instance, args: list[str]) -> Reading[RedisReply]:
        return _refused(instance)

    async def action(self, instance: Instance, text: str | list[str]) -> Reading[Action] | None:
        return _refused(instance)

    async def kill(self, instance: Instance, session: int, about: str) -> Reading[Action]:
        return _refused(instance)

    async def execute(
        self, instance: Instance | AlertmanagerTarget, consent: Consent
    ) -> Reading[WriteOutcome]:
        return _refused(instance)

    async def remediation(
        self, instance: Instance, plan: RemediationPlan
    ) -> Reading[Action] | None:
        return _refused(instance)

    async def cancelled(
        self, instance: Instance | AlertmanagerTarget, action: Action
    ) -> str | None:
        return None

    def alertmanager_target(self) -> AlertmanagerTarget:
        return self._alertmanager

    async def silence(self, change: SilenceChange, about: str = "") -> Reading[Action]:
        return _refused(self._alertmanager)


def _refused(instance: Instance | AlertmanagerTarget) -> Reading[Any]:
    source: Source = (
        "alertmanager" if isinstance(instance, AlertmanagerTarget) else _source(instance)
    )
    error = SourceError(instance.name, source, "refused", REFUSAL)
    return Reading(instance.name, source, datetime.now().astimezone(), 0.0, error=error)


def _refused_aws() -> Reading[Any]:
    error = SourceError(LOGS_NAME, "aws", "refused", REFUSAL)
    return Reading(LOGS_NAME, "aws", datetime.now().astimezone(), 0.0, error=error)


def _source(instance: Instance) -> Source:
    return (
        "postgres"
        if instance.kind == "postgres"
        else "redis"
        if instance.kind == "redis"
        else "mysql"
    )


def _age_s(sample: Sample, cursor: datetime) -> float:
    return (cursor - sample.at).total_seconds()


def _recorded_error(label: str, source: Source, text: str) -> SourceError:
    """A recorded failure (`db-1 (mysql): timeout: 5 s`) as the error it was."""
    found = _RECORDED_ERROR.match(text)
    if found is not None and found[2] in _KINDS:
        kind: Any = found[2]
        return SourceError(label, source, kind, found[3])
    return SourceError(label, source, "internal", text)


def describe(layer: ReplayLayer) -> str:
    """`replay of DIR at 2026-12-05T03:12:05Z`: what a bundle or a message says it shows."""
    return f"replay of {layer.folder} at {iso(layer.cursor)}"
