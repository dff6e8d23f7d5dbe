"""Typed readings: every answer the data layer gives is one of these frozen values.

The UI and the headless verbs see only these models (never a driver row, a response object or
Rich markup), so a screen cannot depend on a driver and every value has passed masking.
Units are in the names (`time_s`, `used_bytes`); `None` means "not reported", never "error".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
Source = Literal["mysql", "postgres", "redis", "prometheus", "alertmanager", "aws", "secrets"]
ErrorKind = Literal["timeout", "unreachable", "auth", "denied", "query", "refused", "internal"]
HealthState = Literal["ok", "warn", "down"]


@dataclass(frozen=True, slots=True)
class SourceError:
    """A failed call, already redacted: safe to show, log and export."""

    instance: str
    source: Source
    kind: ErrorKind
    message: str

    def __str__(self) -> str:
        return f"{self.instance} ({self.source}): {self.kind}: {self.message}"


@dataclass(frozen=True, slots=True)
class Reading(Generic[T]):
    """One answer from one source about one instance: a value or an error, never both."""

    instance: str
    source: Source
    fetched_at: datetime
    elapsed_s: float
    value: T | None = None
    error: SourceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --- fleet health ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Health:
    """One instance's health from a cheap probe: state, the key figure, and why if not ok."""

    state: HealthState
    latency_ms: float
    connections: int | None = None
    max_connections: int | None = None
    used_memory_bytes: int | None = None
    max_memory_bytes: int | None = None
    reasons: tuple[str, ...] = ()
    connect_ms: float | None = None
    """Connection set-up before the answer (pool, TCP, auth); None: not set up by this probe
    (read from Prometheus). Never part of `latency_ms`, the answer on the live connection."""
    loop_lag_ms: float = 0.0
    """The part of `latency_ms` during which the console's own loop was late (not the server's)."""
    status: str | None = None
    """An AWS kind's own status word (ACTIVE, available, running...); None for a probed server."""


@dataclass(frozen=True, slots=True)
class FleetHealth:
    """The result of sweeping one instance: its name, kind, group and the probe's reading."""

    name: str
    kind: str
    group: str
    reading: Reading[Health]

    @property
    def state(self) -> HealthState:
        if self.reading.value is not None:
            return self.reading.value.state
        return "down"


# --- SQL servers (MySQL/MariaDB and PostgreSQL share these) --------------------------------


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """Overview figures of one SQL server."""

    version: str
    uptime_s: float
    connections: int
    max_connections: int
    running: int
    qps: float | None
    cache_hit_ratio: float | None
    replication_lag_s: float | None
    is_replica: bool


@dataclass(frozen=True, slots=True)
class Process:
    """One session of a SQL server, with who blocks it."""

    id: int
    user: str
    host: str
    db: str | None
    command: str
    state: str | None
    time_s: float
    trx_age_s: float | None
    query: str | None  # masked by the data layer before it gets here
    blocked_by: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LockWait:
    """One edge of a lock-wait graph: `waiting` waits for a lock that `blocking` holds."""

    waiting: int
    blocking: int
    wait_s: float | None
    lock: str | None


@dataclass(frozen=True, slots=True)
class Digest:
    """One normalised statement with its totals (performance_schema or pg_stat_statements)."""

    digest: str
    text: str  # normalised and masked
    schema: str | None
    calls: int
    total_time_s: float
    avg_time_s: float
    max_time_s: float | None
    rows_sent: int | None
    rows_examined: int | None


@dataclass(frozen=True, slots=True)
class Variable:
    """One server variable or setting."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class ExplainPlan:
    """EXPLAIN output as a table of text cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    estimated_rows: int | None
    note: str = ""
    """Set when the plan is of a stand-in (a write's SELECT equivalent)."""


# --- Redis --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InfoSection:
    """One INFO section as ordered name/value pairs."""

    name: str
    fields: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        return next((value for name, value in self.fields if name == key), None)


@dataclass(frozen=True, slots=True)
class RedisInfo:
    """Redis INFO, by section, plus the figures every screen needs."""

    version: str
    uptime_s: float
    connected_clients: int
    used_memory_bytes: int
    max_memory_bytes: int | None
    ops_per_s: float
    hit_ratio: float | None
    keys: int
    expiring_keys: int
    role: str
    sections: tuple[InfoSection, ...] = ()


@dataclass(frozen=True, slots=True)
class SlowlogEntry:
    """One Redis SLOWLOG entry; arguments are masked."""

    id: int
    started_at: datetime
    duration_s: float
    command: str
    client: str | None


@dataclass(frozen=True, slots=True)
class RedisClient:
    """One Redis client connection from CLIENT LIST."""

    id: int
    addr: str
    name: str
    age_s: float
    idle_s: float
    db: int
    command: str
    user: str | None


@dataclass(frozen=True, slots=True)
class RedisMemory:
    """Redis memory figures from INFO memory."""

    used_bytes: int
    rss_bytes: int | None
    peak_bytes: int | None
    max_bytes: int | None
    fragmentation_ratio: float | None
    policy: str | None


@dataclass(frozen=True, slots=True)
class KeySample:
    """One sampled key: its type, TTL (None = no expiry) and memory if measured."""

    key: str
    type: str
    ttl_s: float | None
    memory_bytes: int | None


@dataclass(frozen=True, slots=True)
class KeyspaceSample:
    """A bounded SCAN of a keyspace: the keys seen and whether the scan finished."""

    keys: tuple[KeySample, ...]
    scanned: int
    complete: bool
    cursor: int


# --- Prometheus and Alertmanager ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One instant-vector element: labels and a value."""

    labels: tuple[tuple[str, str], ...]
    value: float
    at: datetime

    def label(self, name: str) -> str | None:
        return next((value for key, value in self.labels if key == name), None)


@dataclass(frozen=True, slots=True)
class Series:
    """One range-vector series: labels and (time, value) points."""

    labels: tuple[tuple[str, str], ...]
    points: tuple[tuple[datetime, float], ...]

    def label(self, name: str) -> str | None:
        return next((value for key, value in self.labels if key == name), None)


@dataclass(frozen=True, slots=True)
class Target:
    """One Prometheus scrape target."""

    job: str
    instance: str
    health: str
    scrape_url: str
    labels: tuple[tuple[str, str], ...]
    last_error: str
    last_scrape: datetime | None

    def label(self, name: str) -> str | None:
        return next((value for key, value in self.labels if key == name), None)


@dataclass(frozen=True, slots=True)
class Rule:
    """One Prometheus alerting or recording rule with its state."""

    group: str
    name: str
    kind: str  # "alerting" or "recording"
    query: str
    state: str | None
    health: str


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert (Alertmanager v2 or Prometheus), with its labels and silenced state."""

    fingerprint: str
    name: str
    severity: str
    state: str  # "active", "suppressed", "unprocessed", "firing", "pending"
    starts_at: datetime | None
    summary: str
    labels: tuple[tuple[str, str], ...]
    silenced_by: tuple[str, ...] = ()

    def label(self, name: str) -> str | None:
        return next((value for key, value in self.labels if key == name), None)


@dataclass(frozen=True, slots=True)
class AlertGroup:
    """Alerts grouped by severity and alert name, most severe first."""

    severity: str
    name: str
    alerts: tuple[Alert, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Silence:
    """One Alertmanager silence."""

    id: str
    state: str
    created_by: str
    comment: str
    starts_at: datetime | None
    ends_at: datetime | None
    matchers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DiscoveredCluster:
    """A Redis cluster found as a Prometheus target: its team name and endpoint."""

    name: str
    host: str
    port: int
    job: str
    health: str


@dataclass(frozen=True, slots=True)
class InstanceRef:
    """What a view needs to name an instance: no endpoint secrets, no driver."""

    kind: str
    name: str
    group: str
    env: str
    endpoint: str
    origin: str = "config"
    """"config", "prometheus", "aws", or "kept" (an earlier discovery's list standing in)."""
    discovered_at: datetime | None = None
    """When discovery found it (None: from the config)."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Rows of one read-only statement, masked; `truncated` when the row cap cut it short."""

    statement: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    truncated: bool


@dataclass(frozen=True, slots=True)
class RedisReply:
    """A read-only Redis command's reply as masked text lines."""

    command: tuple[str, ...]
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What one confirmed change did: the text that ran (masked) and the server's answer."""

    text: str
    affected: int | None
    """Rows affected (SQL) when the server says; None for a command or an unknown count."""
    reply: tuple[str, ...] = ()
    """The server's reply, masked (Redis replies, PostgreSQL status or function result)."""


# --- Redis TTL and big-key audit (issue 6) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """How a Redis audit scans: what, how fast, for how long, and what it keeps."""

    match: str = "*"
    count: int = 100
    """SCAN COUNT (lowered when the ops budget is small, so that no batch is a burst)."""
    time_budget_s: float = 60.0
    ops_budget: float = 5000.0
    """Commands per second the server sees from the audit, pipelined ones counted one by one."""
    sample_every: int = 10
    """MEMORY USAGE on 1 key in N (plus the first keys of each prefix and the biggest keys)."""
    top: int = 5
    plan_limit: int = 10_000
    """Keys without a TTL remembered for the remediation plan."""


@dataclass(frozen=True, slots=True)
class PrefixUsage:
    """One key prefix: the key up to its last `:`, id segments shown as `*`, masked."""

    prefix: str
    keys: int
    no_ttl: int
    memory_bytes: int
    """Extrapolated from the `measured_keys` keys asked MEMORY USAGE (a sample)."""
    measured_keys: int
    biggest_key: str | None = None
    """The prefix's biggest measured key by memory (masked)."""
    biggest_memory_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class BigKey:
    """A big key: its length (bytes for a string, else elements) and, if measured, memory."""

    key: str  # masked
    type: str
    size: int
    unit: str
    memory_bytes: int | None
    ttl_s: float | None


@dataclass(frozen=True, slots=True)
class AuditNode:
    """The node an audit scanned: `replica` or `primary`, and why that one."""

    role: str
    address: str
    note: str


@dataclass(frozen=True, slots=True)
class RedisAudit:
    """What a (possibly partial) TTL and big-key audit of one Redis instance found."""

    instance: str
    node: AuditNode
    match: str
    complete: bool
    scanned: int
    """Keys examined, over every run of a resumed audit."""
    commands: int
    """Commands this run sent (pipelined ones counted one by one)."""
    elapsed_s: float
    """This run."""
    total_elapsed_s: float
    ops_budget: float
    runs: int
    sample_every: int
    prefixes: tuple[PrefixUsage, ...]
    """Sorted by keys without TTL, then memory."""
    biggest_by_size: tuple[BigKey, ...]
    """The top keys of each type by length, like `redis-cli --bigkeys`."""
    biggest_by_memory: tuple[BigKey, ...]
    """The top keys of each type by MEMORY USAGE, like `redis-cli --memkeys`."""
    keys_without_ttl: int
    notes: tuple[str, ...] = ()

    @property
    def ops_per_s(self) -> float:
        """The rate this run's commands reached the server at."""
        return self.commands / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass(frozen=True, slots=True)
class RedisAuditRun:
    """An audit plus what is needed to go on: the checkpoint (None once complete) and the keys
    without TTL for the remediation plan. Both hold real key names: never shown, kept 0600."""

    audit: RedisAudit
    checkpoint: str | None
    no_ttl_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemediationCommand:
    """One command of a remediation plan, as it would run, with the Redis guard's verdict.

    `command` holds the real key name (it must reach the server); show `shown`, which is masked.
    """

    command: tuple[str, ...]
    shown: str
    classification: str
    confirmations: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemediationPlan:
    """`EXPIRE key <ttl + jitter>` for each key without TTL found; applied only after consent."""

    instance: str
    ttl_s: int
    jitter_s: int
    commands: tuple[RemediationCommand, ...]
    keys_without_ttl: int
    """Found by the scan; `commands` may cover fewer (the plan limit, or a partial scan)."""
    complete: bool
    dry_run: bool = True
