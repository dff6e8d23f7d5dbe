"""config.toml -> frozen Settings and the configured Fleet.

The file holds the team's real fleet (production is the base) and `[profiles.NAME]` tables that
override parts of it, e.g. `[profiles.lab]` maps every name onto the local lab's servers. Any
problem stops with one message naming the file, the key and what is expected.

Why msgspec and not pydantic: every launch reads this file, and pydantic cost the console's
start ~45 ms of import, ~25 ms building the schemas of these ~20 models, and ~8 MiB of memory
(issue 10: first live data within 2x of pg_activity's); with msgspec this module imports in
~39 ms instead of ~145 (its own imports included). Its Structs are checked in one C pass;
what their types cannot say (http URLs, secret references) is checked after it, by key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import msgspec
from msgspec import Meta

from console import keymap as registry
from console.errors import ConfigError
from console.inventory import Fleet, GroupRule, Instance, Kind, sort_key
from console.secrets import SECRET_REF_HELP, check_reference, parse_reference

DEFAULT_CONFIG = "config.toml"
SYSTEM_CONFIG = Path("/etc/opsconsole/config.toml")
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


class _Connection(_Strict, frozen=True, kw_only=True):
    host: str
    port: Port
    user: str | None = None
    secret: str
    write_user: str | None = None
    write_secret: str | None = None
    """The credential of confirmed writes and kills; none configured: the kind is read-only."""
    env: str = "production"
    database: str | None = None


class SqlKind(_Connection, frozen=True, kw_only=True):
    name_pattern: str = "aws-luckyus-{name}-rw"
    domains: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)


class RedisGroup(_Strict, frozen=True, kw_only=True):
    name: str
    expected: Annotated[int, Meta(ge=0)] = 0
    match: tuple[str, ...]


class RedisKind(_Connection, frozen=True, kw_only=True):
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


def _flat_ids(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat_ids(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the console needs, validated; secrets are references only."""

    path: Path
    profile: str
    console: ConsoleOptions
    timeouts: Timeouts
    fleet_options: FleetOptions
    monitoring: Monitoring
    redis_rules: tuple[GroupRule, ...]
    redis_defaults: RedisKind
    fleet: Fleet
    keymap: Mapping[str, str] = field(default_factory=dict)
    metrics: Mapping[str, tuple[MetricQuery, ...]] = field(default_factory=dict)
    secret_keys: Mapping[str, str] = field(default_factory=dict)  # secret ref -> config key
    write_secret_keys: Mapping[str, str] = field(default_factory=dict)
    """Write credentials: resolved only when a confirmed change runs, never at start-up."""
    aws: AwsOptions = field(default_factory=AwsOptions)
    sql_defaults: Mapping[str, SqlKind] = field(default_factory=dict)  # kind -> [mysql] etc.
    read_only_flag: bool = False
    """`--read-only` was given (see `read_only_reason`)."""
    record: RecordOptions = field(default_factory=RecordOptions)
    logs: LogsOptions = field(default_factory=LogsOptions)

    @property
    def read_only_reason(self) -> str | None:
        """Why every change is refused ("read-only: ..."), or None when changes may run.

        Why it names its cause: a person refused should know whether their own flag or the
        team's config did it, and which file to look at."""
        if self.read_only_flag:
            return "read-only: this console was started with --read-only"
        if self.console.read_only:
            return f"read-only: [console] read_only = true in {self.path}"
        return None

    @property
    def redis_secret(self) -> str:
        """The secret reference of discovered Redis clusters (file: made absolute)."""
        return _absolute(self.redis_defaults.secret, self.path.parent)

    @property
    def redis_write_secret(self) -> str | None:
        """The write secret reference of discovered Redis clusters (None: read-only)."""
        return _absolute_or_none(self.redis_defaults.write_secret, self.path.parent)

    @property
    def audit_path(self) -> Path:
        """The append-only JSON-lines log of every statement run or refused: this user's file
        in `audit_dir` when the team has one, else `audit_log` (relative to the config file)."""
        folder = self.audit_dir
        if folder is None:
            return (self.path.parent / self.console.audit_log).resolve()
        from console.safety.audit import current_user, user_file_name

        return folder / user_file_name(current_user())

    @property
    def audit_dir(self) -> Path | None:
        """The team's audit folder ([console] audit_dir), None when there is none."""
        if not self.console.audit_dir:
            return None
        return (self.path.parent / Path(self.console.audit_dir).expanduser()).resolve()

    @property
    def output_dir(self) -> Path:
        """Per-user files: screenshots, exports, reports, investigations ([console] output_dir,
        relative to the config file; else $XDG_DATA_HOME/opsconsole, else
        ~/.local/share/opsconsole).

        Why XDG by default: one config in /etc serves the whole team, and each member's files
        land in their own home, not beside the shared config."""
        if self.console.output_dir:
            return (self.path.parent / Path(self.console.output_dir).expanduser()).resolve()
        return xdg_dir("XDG_DATA_HOME", ".local/share") / "opsconsole"

    @property
    def state_dir(self) -> Path:
        """Per-user state: the last list each discovery returned, query history, the Redis
        audit's resume states ([console] state_dir, relative to the config file; else
        $XDG_STATE_HOME/opsconsole, else ~/.local/state/opsconsole)."""
        if self.console.state_dir:
            return (self.path.parent / Path(self.console.state_dir).expanduser()).resolve()
        return xdg_dir("XDG_STATE_HOME", ".local/state") / "opsconsole"

    @property
    def aws_cache_dir(self) -> Path:
        """The paid-call cache and counter ([aws] cache_dir; relative to the config file)."""
        return (self.path.parent / Path(self.aws.cache_dir).expanduser()).resolve()

    @property
    def record_dir(self) -> Path:
        """Where `opsconsole record` and `[record] on_view` write ([record] output_dir, relative
        to the config file; else `recordings` in the per-user state dir)."""
        if self.record.output_dir:
            return (self.path.parent / Path(self.record.output_dir).expanduser()).resolve()
        return self.state_dir / "recordings"


def with_read_only_flag(settings: Settings) -> Settings:
    """The settings of a run started with `--read-only`: read-only whatever the file says
    (the flag turns it on, never off)."""
    console = msgspec.structs.replace(settings.console, read_only=True)
    return replace(settings, console=console, read_only_flag=True)


def xdg_dir(variable: str, fallback: str) -> Path:
    """$VARIABLE when it holds an absolute path (the XDG spec ignores relative ones), else
    ~/FALLBACK: the base of a per-user folder (config, data, state)."""
    value = os.environ.get(variable, "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / fallback


@dataclass(frozen=True, slots=True)
class ConfigSource:
    """The config file in use and how it was found (`opsconsole config check` says both)."""

    path: Path
    how: str


def config_places() -> list[ConfigSource]:
    """Where a config is looked for when neither --config nor $OPSCONSOLE_CONFIG names one:
    the current folder, the user's XDG config folder, then the machine's."""
    user = xdg_dir("XDG_CONFIG_HOME", ".config") / "opsconsole" / DEFAULT_CONFIG
    return [
        ConfigSource(Path.cwd() / DEFAULT_CONFIG, "the current folder"),
        ConfigSource(user, "the user's config folder ($XDG_CONFIG_HOME, ~/.config)"),
        ConfigSource(SYSTEM_CONFIG, "the system config"),
    ]


def find_config(cli_value: str | None) -> ConfigSource:
    """--config, else $OPSCONSOLE_CONFIG, else the first of `config_places()` that exists.

    Why this order: an explicit choice wins, then a clone's own file, then the user's, then the
    one the jump host's admin installed for the whole team. Raise ConfigError listing every
    place looked when there is none."""
    if cli_value:
        return ConfigSource(Path(cli_value), "--config")
    env = os.environ.get("OPSCONSOLE_CONFIG")
    if env:
        return ConfigSource(Path(env), "$OPSCONSOLE_CONFIG")
    places = config_places()
    for place in places:
        if place.path.exists():
            return place
    looked = ", ".join(str(place.path) for place in places)
    raise ConfigError(
        DEFAULT_CONFIG,
        "file",
        f"not found (--config not given, $OPSCONSOLE_CONFIG not set; looked in {looked})",
        "one of these; `opsconsole config init` writes a commented template",
    )


def config_path(cli_value: str | None) -> Path:
    """The path of `find_config(cli_value)`."""
    return find_config(cli_value).path


def load_settings(path: Path, profile: str | None = None) -> Settings:
    """Read, merge the chosen profile, validate; raise ConfigError naming file and key."""
    data = _read_toml(path)
    chosen = (
        profile or os.environ.get("OPSCONSOLE_PROFILE") or str(data.get("profile", BASE_PROFILE))
    )
    overlay = _profile_overlay(path, data, chosen)
    _validate(path, data, {}, BASE_PROFILE)  # the production base must be whole on its own
    raw = _validate(path, _deep_merge(data, overlay), overlay, chosen)
    _check_keymap(path, raw.keymap, overlay, chosen)
    return _build_settings(path, chosen, raw)


def _check_keymap(
    path: Path, keymap: Mapping[str, str], overlay: Mapping[str, Any], profile: str
) -> None:
    """Every `[keymap]` id is one the console has (console/keymap.py), each with a key.

    Why: Textual ignores an id no binding carries, so a typo or an id from an older version
    would leave the key unchanged without a word; it stops here, before any screen opens.
    """
    overlay_keymap = overlay.get("keymap")
    in_overlay = _flat_ids(overlay_keymap) if isinstance(overlay_keymap, dict) else {}
    for binding_id, keys in keymap.items():
        key = f"profiles.{profile}.keymap" if binding_id in in_overlay else "keymap"
        if binding_id not in registry.BY_ID:
            expected = registry.expected_instead(binding_id)
            raise ConfigError(str(path), key, f"unknown binding id {binding_id!r}", expected)
        if not keys.strip():
            expected = 'a key, e.g. "R" or "ctrl+r"; `opsconsole keys` lists the defaults'
            raise ConfigError(str(path), key, f"no key for {binding_id!r}", expected)


def _validate(
    path: Path, data: dict[str, Any], overlay: Mapping[str, Any], profile: str
) -> RawConfig:
    if isinstance(data.get("keymap"), dict):
        data = {**data, "keymap": _flat_ids(data["keymap"])}
    try:
        return _checked(msgspec.convert(data, RawConfig))  # strict: no "true" for a bool
    except msgspec.ValidationError as exc:
        invalid = _explained(str(exc), data)
    except _InvalidError as exc:
        invalid = exc
    raise _config_error(path, invalid, overlay, profile)


class _InvalidError(Exception):
    """One config problem: where (msgspec's path as parts: ["instances", "2", "secret"]), what
    is wrong, and what is expected instead."""

    def __init__(self, loc: list[str], problem: str, expected: str = "") -> None:
        super().__init__(problem)
        self.loc = loc
        self.problem = problem
        self.expected = expected


URL_FIELDS = ("prometheus", "alertmanager", "aws_endpoint")
SECRET_FIELDS = ("secret", "write_secret")


def _checked(raw: RawConfig) -> RawConfig:
    """What the types cannot say, each under its own key: the monitoring URLs are http(s) (kept
    without a trailing /), and every secret is a reference, never a password.

    Why here and not in `__post_init__`: an error raised there loses its path in msgspec."""
    urls: dict[str, str] = {}
    for name in URL_FIELDS:
        value = getattr(raw.monitoring, name)
        if value is None:
            continue
        if not value.startswith(("http://", "https://")):
            raise _InvalidError(["monitoring", name], "must be an http:// or https:// URL")
        urls[name] = value.rstrip("/")
    sections: list[tuple[list[str], _Connection | InstanceBlock]] = [
        ([kind], getattr(raw, kind)) for kind in ("mysql", "postgres", "redis")
    ]
    sections += [(["instances", str(i)], block) for i, block in enumerate(raw.instances)]
    for loc, section in sections:
        for name in SECRET_FIELDS:
            ref = getattr(section, name)
            try:
                if ref is not None:
                    check_reference(ref)
            except ValueError as exc:
                raise _InvalidError([*loc, name], str(exc), SECRET_REF_HELP) from None
    return msgspec.structs.replace(raw, monitoring=msgspec.structs.replace(raw.monitoring, **urls))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "file", "not found", "a config.toml (see --config)") from None
    except OSError as exc:
        raise ConfigError(str(path), "file", f"cannot be read: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "syntax", str(exc), "valid TOML") from None


def _profile_overlay(path: Path, data: dict[str, Any], chosen: str) -> dict[str, Any]:
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(str(path), "profiles", "is not a table", "[profiles.NAME] tables")
    if chosen in profiles:
        overlay = profiles[chosen]
        if not isinstance(overlay, dict):
            raise ConfigError(str(path), f"profiles.{chosen}", "is not a table")
        return overlay
    if chosen == BASE_PROFILE:
        return {}
    names = ", ".join([BASE_PROFILE, *profiles])
    raise ConfigError(str(path), "profile", f"unknown profile {chosen!r}", f"one of: {names}")


def _deep_merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _config_error(
    path: Path, invalid: _InvalidError, overlay: Mapping[str, Any], profile: str
) -> ConfigError:
    key = ".".join(invalid.loc) or "(top level)"
    if _has_path(overlay, invalid.loc):
        key = f"profiles.{profile}.{key}"
    return ConfigError(str(path), key, invalid.problem, invalid.expected)


def _has_path(tree: Mapping[str, Any], loc: list[str]) -> bool:
    node: Any = tree
    for part in loc:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")  # .name, [2] or a table's [...]
_NAMED_FIELD = re.compile(r"Object (contains unknown|missing required) field `(.+)`")


def _explained(message: str, data: dict[str, Any]) -> _InvalidError:
    """msgspec's "Expected `int` >= 1 - at `$.console.row_limit`" as an `_InvalidError`.

    A wrong table key reads "... - at `key` in `$.metrics`"; an unknown or missing key is named
    in the text, not the path, and joins the path (`console.row_limt`, `postgres.host`)."""
    text, at, where = message.rpartition(" - at `")  # the last: a value may hold the words
    if not at:  # at the top level
        text, where = message, ""
    path = where.partition(" in `")[2] if where.startswith("key`") else where
    loc = _loc(path.rstrip("`").removeprefix("$"), data, message)
    named = _NAMED_FIELD.fullmatch(text)
    if named and named[1] == "contains unknown":
        expected = "only the keys documented in config.toml"
        return _InvalidError([*loc, named[2]], "unknown key", expected)
    if named:
        return _InvalidError([*loc, named[2]], "is missing", "a value")
    if text.startswith("Invalid enum value"):  # the kinds are the config's only Literal
        return _InvalidError(loc, text, "one of: " + ", ".join(get_args(KindName)))
    return _InvalidError(loc, text, SECRET_REF_HELP if loc and "secret" in loc[-1] else "")


def _loc(path: str, data: dict[str, Any], message: str) -> list[str]:
    """ ".instances[2].secret" -> ["instances", "2", "secret"]; msgspec writes a table's key
    as [...], so that one is found again in `data` (keymap.screen.refresh, metrics.mysql)."""
    loc: list[str] = []
    for name, index in _PATH_PART.findall(path):
        loc.append(name or (index if index != "..." else _failing_key(data, loc, message)))
    return loc


def _failing_key(data: dict[str, Any], loc: list[str], message: str) -> str:
    """The key of the table at `loc` whose entry alone fails with the same message (msgspec
    stops at the first failing entry, in the file's order)."""
    table: Any = data
    for part in loc:
        table = table[int(part)] if isinstance(table, list) else table[part]
    for key in table:
        try:
            msgspec.convert(_narrowed(data, loc, key), RawConfig)
        except msgspec.ValidationError as exc:
            if str(exc) == message:
                return str(key)
    return "[...]"


def _narrowed(tree: Any, loc: list[str], key: str) -> Any:
    """`tree` with the table at `loc` cut down to its one entry `key`."""
    if not loc:
        return {key: tree[key]}
    if isinstance(tree, list):
        index = int(loc[0])
        return [*tree[:index], _narrowed(tree[index], loc[1:], key), *tree[index + 1 :]]
    return {**tree, loc[0]: _narrowed(tree[loc[0]], loc[1:], key)}


def _build_settings(path: Path, profile: str, raw: RawConfig) -> Settings:
    base_dir = path.parent.resolve()
    secret_keys: dict[str, str] = {}
    write_keys: dict[str, str] = {}
    instances: list[Instance] = []
    for kind in ("mysql", "postgres"):
        section: SqlKind = getattr(raw, kind)
        for domain, names in section.domains.items():
            instances += [_from_kind(kind, section, domain, n, base_dir) for n in names]
        secret_keys.setdefault(_absolute(section.secret, base_dir), _key(profile, raw, kind))
        _add_write_key(write_keys, section, base_dir, _key(profile, raw, kind, "write_secret"))
    for group, names in raw.redis.clusters.items():
        instances += [_from_kind("redis", raw.redis, group, n, base_dir) for n in names]
    secret_keys.setdefault(_absolute(raw.redis.secret, base_dir), _key(profile, raw, "redis"))
    _add_write_key(write_keys, raw.redis, base_dir, _key(profile, raw, "redis", "write_secret"))
    for index, block in enumerate(raw.instances):
        instance = _from_block(block, raw, base_dir)
        instances.append(instance)
        secret_keys.setdefault(instance.secret, f"instances[{index}].secret")
        if instance.write_secret is not None:
            write_keys.setdefault(instance.write_secret, f"instances[{index}].write_secret")
    _reject_duplicates(path, instances)
    rules = tuple(GroupRule(g.name, g.expected, g.match) for g in raw.redis.groups)
    return Settings(
        path=path.resolve(),
        profile=profile,
        console=raw.console,
        timeouts=raw.timeouts,
        fleet_options=raw.fleet,
        monitoring=raw.monitoring,
        redis_rules=rules,
        redis_defaults=raw.redis,
        fleet=Fleet(tuple(sorted(instances, key=sort_key))),
        keymap=dict(raw.keymap),
        metrics={str(kind): queries for kind, queries in raw.metrics.items()},
        secret_keys=secret_keys,
        write_secret_keys=write_keys,
        aws=raw.aws,
        sql_defaults={"mysql": raw.mysql, "postgres": raw.postgres},
        record=raw.record,
        logs=raw.logs,
    )


def _key(profile: str, raw: RawConfig, kind: str, field_name: str = "secret") -> str:
    overlay = raw.profiles.get(profile, {}).get(kind, {})
    prefix = f"profiles.{profile}." if isinstance(overlay, dict) and field_name in overlay else ""
    return f"{prefix}{kind}.{field_name}"


def _add_write_key(
    keys: dict[str, str], section: SqlKind | RedisKind, base_dir: Path, key: str
) -> None:
    if section.write_secret is not None:
        keys.setdefault(_absolute(section.write_secret, base_dir), key)


def _absolute_or_none(ref: str | None, base_dir: Path) -> str | None:
    return None if ref is None else _absolute(ref, base_dir)


def _absolute(ref: str, base_dir: Path) -> str:
    """file: references are relative to the config file's folder."""
    scheme, value = parse_reference(ref)
    if scheme == "file" and not Path(value).is_absolute():
        return f"file:{base_dir / value}"
    return ref


def _fill(template: str | None, kind_pattern: str, short: str) -> str | None:
    if template is None:
        return None
    server = kind_pattern.format(name=short)
    return template.format(name=short, server=server, db=short.replace("-", "_"))


def _from_kind(
    kind: Kind, section: SqlKind | RedisKind, group: str, short: str, base_dir: Path
) -> Instance:
    return Instance(
        kind=kind,
        name=section.name_pattern.format(name=short),
        group=group,
        env=section.env,
        host=_fill(section.host, section.name_pattern, short) or short,
        port=section.port,
        user=section.user,
        secret=_absolute(section.secret, base_dir),
        database=_fill(section.database, section.name_pattern, short),
        write_user=section.write_user,
        write_secret=_absolute_or_none(section.write_secret, base_dir),
    )


def _from_block(block: InstanceBlock, raw: RawConfig, base_dir: Path) -> Instance:
    defaults: SqlKind | RedisKind = getattr(raw, block.kind)
    return Instance(
        kind=block.kind,
        name=block.name,
        group=block.domain,
        env=block.env or defaults.env,
        host=block.host or block.name,
        port=block.port or defaults.port,
        user=block.user if block.user is not None else defaults.user,
        secret=_absolute(block.secret or defaults.secret, base_dir),
        database=block.database,
        write_user=block.write_user if block.write_user is not None else defaults.write_user,
        write_secret=_absolute_or_none(block.write_secret or defaults.write_secret, base_dir),
    )


def _reject_duplicates(path: Path, instances: list[Instance]) -> None:
    seen: set[str] = set()
    for instance in instances:
        if instance.name in seen:
            raise ConfigError(
                str(path), f"{instance.kind} {instance.name}", "is listed twice", "unique names"
            )
        seen.add(instance.name)
