"""config.toml -> frozen Settings and the configured Fleet.

The file holds the team's real fleet (production is the base) and `[profiles.NAME]` tables that
override parts of it, e.g. `[profiles.lab]` maps every name onto the local lab's servers. Any
problem stops with one message naming the file, the key and what is expected.

The package: `tables` (what each key may hold), `problems` (a config that does not hold, as one
message), and here the Settings built from them and where the file is looked for.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import msgspec

from console import keymap as registry
from console.config.problems import validate
from console.config.tables import (
    BASE_PROFILE,
    AwsOptions,
    ConsoleOptions,
    FleetOptions,
    InstanceBlock,
    LogsOptions,
    MetricQuery,
    Monitoring,
    RawConfig,
    RecordOptions,
    RedisDiscovery,
    RedisKind,
    SqlKind,
    Timeouts,
    flat_ids,
)
from console.errors import ConfigError
from console.inventory import Fleet, GroupRule, Instance, Kind, sort_key
from console.secrets import parse_reference

__all__ = [
    "BASE_PROFILE",
    "DEFAULT_CONFIG",
    "SYSTEM_CONFIG",
    "AwsOptions",
    "ConfigSource",
    "ConsoleOptions",
    "FleetOptions",
    "LogsOptions",
    "MetricQuery",
    "Monitoring",
    "RecordOptions",
    "RedisDiscovery",
    "RedisKind",
    "Settings",
    "SqlKind",
    "Timeouts",
    "config_path",
    "config_places",
    "find_config",
    "load_settings",
    "with_read_only_flag",
    "xdg_dir",
]
"""The config's public names: the tables' types are re-exported, so a caller imports them from
`console.config` wherever in the package they are defined."""


DEFAULT_CONFIG = "config.toml"


SYSTEM_CONFIG = Path("/etc/opsconsole/config.toml")


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
    validate(path, data, {}, BASE_PROFILE)  # the production base must be whole on its own
    raw = validate(path, _deep_merge(data, overlay), overlay, chosen)
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
    in_overlay = flat_ids(overlay_keymap) if isinstance(overlay_keymap, dict) else {}
    for binding_id, keys in keymap.items():
        key = f"profiles.{profile}.keymap" if binding_id in in_overlay else "keymap"
        if binding_id not in registry.BY_ID:
            expected = registry.expected_instead(binding_id)
            raise ConfigError(str(path), key, f"unknown binding id {binding_id!r}", expected)
        if not keys.strip():
            expected = 'a key, e.g. "R" or "ctrl+r"; `opsconsole keys` lists the defaults'
            raise ConfigError(str(path), key, f"no key for {binding_id!r}", expected)


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
