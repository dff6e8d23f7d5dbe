"""The tables of config.toml as msgspec Structs: what each key may hold, its bounds and default.

Why msgspec and not pydantic: every launch reads the config, and pydantic cost the console's
start ~45 ms of import, ~25 ms building the schemas of these ~20 models, and ~8 MiB of memory
(issue 10: first live data within 2x of pg_activity's); with msgspec the config imports in
~39 ms instead of ~145 (its own imports included). The Structs are checked in one C pass; what
their types cannot say (http URLs, secret references) is checked after it, by key
(console/config/problems.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

BASE_PROFILE = "production"


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A config table: read-only, and a key it does not know is an error (a typo is never
    ignored). Everything is strict (`msgspec.convert`'s default): `read_only = "true"` is
    refused, not read as a yes, and so is `row_limit = "100"`; a float takes an integer.

    Each subclass says `frozen=True` again: msgspec inherits it, mypy's dataclass view does not."""


KindName = Literal["mysql", "postgres", "redis"]


Port = Annotated[int, Meta(ge=1, le=65535)]


class ConsoleOptions(_Strict, frozen=True):
    row_limit: Annotated[int, Meta(ge=1, le=100_000)] = 100
    output_dir: str = ""
    """Screenshots, exports, reports ("" : $XDG_DATA_HOME/opsconsole, else
    ~/.local/share/opsconsole; relative to the config file; ~ is the user's home)."""
    audit_log: str = "output/audit.jsonl"
    audit_dir: str = ""
    """The team's audit folder (e.g. /var/log/opsconsole, sticky and group-writable, made by an
    admin): one file per Unix user in it, instead of `audit_log`."""
    audit_syslog: bool = False
    """Each audit line also to syslog (facility authpriv), scrubbed as in the file."""
    refresh_s: Annotated[float, Meta(gt=0)] = 2.0
    fleet_refresh_s: Annotated[float, Meta(gt=0)] = 15.0
    heavy_rows: Annotated[int, Meta(ge=1)] = 1_000_000
    heavy_sessions: Annotated[int, Meta(ge=1)] = 50
    state_dir: str = ""
    """Kept discoveries, query history, resume states ("" : $XDG_STATE_HOME/opsconsole, else
    ~/.local/state/opsconsole)."""
    read_only: bool = False
    """Refuse every change, kill and TTL fix, even where write credentials are configured
    (`--read-only` sets it for one run; it never turns it off). Strict: a safety switch takes
    true or false, never a string read as one."""


class Timeouts(_Strict, frozen=True):
    connect_s: Annotated[float, Meta(gt=0, le=120)] = 3.0
    query_s: Annotated[float, Meta(gt=0, le=600)] = 5.0
    probe_s: Annotated[float, Meta(gt=0, le=120)] = 3.0
    http_s: Annotated[float, Meta(gt=0, le=120)] = 5.0


class FleetOptions(_Strict, frozen=True):
    concurrency: Annotated[int, Meta(ge=1, le=1024)] = 32
    setup_concurrency: Annotated[int, Meta(ge=1, le=1024)] = 16
    """Connection set-ups in flight at once (each costs the console CPU: TCP, auth, TLS)."""
    warn_latency_ms: Annotated[float, Meta(gt=0)] = 500.0
    warn_connections_ratio: Annotated[float, Meta(gt=0, le=1)] = 0.8
    warn_memory_ratio: Annotated[float, Meta(gt=0, le=1)] = 0.9


class RedisDiscovery(_Strict, frozen=True):
    enabled: bool = True
    jobs: tuple[str, ...] = ("redis",)
    name_label: str = "instance"


class Monitoring(_Strict, frozen=True):
    prometheus: str
    alertmanager: str
    cloudwatch_region: str = "us-east-1"
    aws_endpoint: str | None = None
    redis_discovery: RedisDiscovery = RedisDiscovery()


class Connection(_Strict, frozen=True, kw_only=True):
    host: str
    port: Port
    user: str | None = None
    secret: str
    write_user: str | None = None
    write_secret: str | None = None
    """The credential of confirmed writes and kills; none configured: the kind is read-only."""
    env: str = "production"
    database: str | None = None


class SqlKind(Connection, frozen=True, kw_only=True):
    name_pattern: str = "aws-luckyus-{name}-rw"
    domains: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)


class RedisGroup(_Strict, frozen=True, kw_only=True):
    name: str
    expected: Annotated[int, Meta(ge=0)] = 0
    match: tuple[str, ...]


class RedisKind(Connection, frozen=True, kw_only=True):
    host: str = "{name}"
    port: Port = 6379
    name_pattern: str = "luckyus-{name}"
    groups: tuple[RedisGroup, ...] = ()
    clusters: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)


class InstanceBlock(_Strict, frozen=True):
    kind: KindName
    name: str
    domain: str
    env: str | None = None
    host: str | None = None
    port: Port | None = None
    user: str | None = None
    secret: str | None = None
    write_user: str | None = None
    write_secret: str | None = None
    database: str | None = None


class AwsOptions(_Strict, frozen=True):
    """[aws]: discovery, the paid Cost Explorer cache and budget, and the slow-log read bounds."""

    discovery: bool = True
    test_credentials: bool = False  # moto only: static dummy keys instead of the chain
    call_timeout_s: Annotated[float, Meta(gt=0, le=600)] = 30.0
    cache_dir: str = "~/.cache/opsconsole"
    cost_cache_ttl_s: Annotated[float, Meta(ge=0)] = 21600.0
    cost_daily_budget_usd: Annotated[float, Meta(ge=0)] = 0.50
    cost_per_call_usd: Annotated[float, Meta(ge=0)] = 0.01
    slow_log_max_events: Annotated[int, Meta(ge=1)] = 20_000
    slow_log_max_bytes: Annotated[int, Meta(ge=1)] = 8 * 2**20
    slow_log_page_events: Annotated[int, Meta(ge=1, le=10_000)] = 1_000
    metric_period_s: Annotated[int, Meta(ge=1)] = 60
    logs_daily_budget_gb: Annotated[float, Meta(ge=0)] = 5.0
    """Logs Insights: a query is refused once today's bytes scanned (UTC day, every process
    sharing `cache_dir`) reached this many GB (10**9 bytes); 0 refuses every query."""
    discover_kinds: bool = False
    """List MSK, EKS, DocumentDB, OpenSearch and EC2 (read-only, never connected to); off
    unless set, so a production config opts in (the lab profile sets it)."""
    ec2_tags: dict[str, str] = msgspec.field(default_factory=dict)
    """Tags an EC2 host must carry to be listed (e.g. team = "dba"); {}: every host but EKS
    workers."""


class MetricQuery(_Strict, frozen=True):
    """One chart of an instance's Metrics tab; {name} and {endpoint} are filled per instance."""

    title: str
    query: str
    unit: str = ""

    def for_instance(self, name: str, endpoint: str) -> str:
        return self.query.replace("{name}", name).replace("{endpoint}", endpoint)


class RecordOptions(_Strict, frozen=True):
    """[record]: the incident flight recorder (`opsconsole record`, and the console's own view).

    Why two intervals: the fleet's health, alerts and alarms once a minute cost little for every
    instance; processlists, lock waits and top-query deltas every few seconds only for the
    instances in trouble (or named here) keep the recording small and the servers unbothered."""

    fleet_interval_s: Annotated[float, Meta(ge=1, le=3600)] = 60.0
    detail_interval_s: Annotated[float, Meta(ge=1, le=600)] = 5.0
    instances: tuple[str, ...] = ()
    """Recorded in detail always, in trouble or not."""
    max_detailed: Annotated[int, Meta(ge=1, le=200)] = 10
    """At most this many instances in detail at once (named ones first, then down, warn,
    alerting): an alert naming a shared endpoint must not fan out to every name on it."""
    keep_hours: Annotated[float, Meta(gt=0)] = 72.0
    max_bytes: Annotated[int, Meta(ge=1)] = 2 * 2**30
    """The folder's hour files together; the oldest go first."""
    output_dir: str = ""
    """Where recordings go ("" : `recordings` in the per-user state dir; relative to the
    config file; ~ is the user's home)."""
    on_view: bool = False
    """The console records what it shows (the instances it has open) into the same folder."""


class LogsOptions(_Strict, frozen=True):
    """[logs]: Logs Insights (`opsconsole logs`, the Logs screen): saved queries and the wait."""

    queries: dict[str, str] = msgspec.field(default_factory=dict)
    """Saved queries, name -> Logs Insights query text (offered in the Logs screen)."""
    max_wait_s: Annotated[float, Meta(gt=0, le=900)] = 60.0
    """A query still running after this long is stopped (StopQuery) and its partial rows shown."""
    poll_s: Annotated[float, Meta(gt=0, le=30)] = 1.0
    """How often a running query's results are asked for."""
    instance_groups: tuple[str, ...] = ("/aws/rds/instance/{server}/",)
    """Log-group name prefixes of an instance ({server}: its name): its groups in the Logs
    screen opened from it (RDS publishes slowquery, error, general, audit, postgresql there)."""


class RawConfig(_Strict, frozen=True, kw_only=True):
    profile: str = BASE_PROFILE
    console: ConsoleOptions = ConsoleOptions()
    timeouts: Timeouts = Timeouts()
    fleet: FleetOptions = FleetOptions()
    monitoring: Monitoring
    mysql: SqlKind
    postgres: SqlKind
    redis: RedisKind
    instances: tuple[InstanceBlock, ...] = ()
    keymap: dict[str, str] = msgspec.field(default_factory=dict)
    """Dotted ids: `screen.refresh = "R"` unquoted is a TOML table, flattened before the check."""
    metrics: dict[KindName, tuple[MetricQuery, ...]] = msgspec.field(default_factory=dict)
    aws: AwsOptions = AwsOptions()
    profiles: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)
    record: RecordOptions = RecordOptions()
    logs: LogsOptions = LogsOptions()


def flat_ids(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(flat_ids(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat
