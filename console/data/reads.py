"""What the DataLayer hands out: read-only protocols, and views that expose nothing else.

Why: a screen holding a concrete source could write (the change path's side door), open a raw
client or send a statement past the guard, and only a docstring said not to. The facade's
attributes are typed as these protocols (mypy rejects `data.mysql.write(...)`), and at run time
they are `ReadView`s that answer the protocol's methods only (`data.mysql.select` is an
AttributeError). A change runs only through `Queries.execute` with a confirmed `Consent`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

from console.config import RedisDiscovery
from console.data.models import (
    Alert,
    AlertGroup,
    AlertmanagerTarget,
    Digest,
    DiscoveredCluster,
    ExplainPlan,
    KeyspaceSample,
    LockWait,
    Matcher,
    Process,
    QueryResult,
    Reading,
    RedisClient,
    RedisInfo,
    RedisMemory,
    RedisReply,
    RemediationPlan,
    Rule,
    Sample,
    Series,
    ServerStatus,
    Silence,
    SilenceChange,
    SlowlogEntry,
    Target,
    Variable,
    WriteOutcome,
)
from console.inventory import Instance
from console.safety.confirm import Action, Consent
from console.safety.redisguard import RedisPlan
from console.safety.sqlguard import Plan

P = TypeVar("P")


class SqlReads(Protocol):
    """What MySQL and PostgreSQL both answer: screens use one code path for the two engines."""

    async def status(self, instance: Instance) -> Reading[ServerStatus]: ...

    async def processlist(self, instance: Instance, limit: int) -> Reading[tuple[Process, ...]]: ...

    async def lock_waits(self, instance: Instance, limit: int) -> Reading[tuple[LockWait, ...]]: ...

    async def digests(self, instance: Instance, limit: int) -> Reading[tuple[Digest, ...]]: ...

    async def variables(
        self, instance: Instance, pattern: str, limit: int
    ) -> Reading[tuple[Variable, ...]]: ...

    async def explain(self, instance: Instance, statement: str) -> Reading[ExplainPlan]: ...

    async def tables(self, instance: Instance, limit: int) -> Reading[QueryResult]: ...

    async def columns(
        self, instance: Instance, schema: str, table: str, limit: int
    ) -> Reading[QueryResult]: ...


class MySQLReads(SqlReads, Protocol):
    """MySQL/MariaDB reads (`DataLayer.mysql`)."""


class PostgresReads(SqlReads, Protocol):
    """PostgreSQL reads (`DataLayer.postgres`)."""


class RedisReads(Protocol):
    """Redis reads (`DataLayer.redis`); a typed command goes through `Queries.redis`."""

    async def info(self, instance: Instance) -> Reading[RedisInfo]: ...

    async def slowlog(
        self, instance: Instance, limit: int
    ) -> Reading[tuple[SlowlogEntry, ...]]: ...

    async def clients(self, instance: Instance, limit: int) -> Reading[tuple[RedisClient, ...]]: ...

    async def memory(self, instance: Instance) -> Reading[RedisMemory]: ...

    async def sample_keys(
        self,
        instance: Instance,
        match: str = "*",
        count: int = 100,
        limit: int = 1000,
        cursor: int = 0,
        *,
        memory: bool = False,
    ) -> Reading[KeyspaceSample]: ...


class PrometheusReads(Protocol):
    """Prometheus reads (`DataLayer.prometheus`)."""

    async def query(
        self, promql: str, at: datetime | None = None
    ) -> Reading[tuple[Sample, ...]]: ...

    async def query_range(
        self, promql: str, start: datetime, end: datetime, step_s: float
    ) -> Reading[tuple[Series, ...]]: ...

    async def targets(self, state: str = "active") -> Reading[tuple[Target, ...]]: ...

    async def rules(self) -> Reading[tuple[Rule, ...]]: ...

    async def alerts(self) -> Reading[tuple[Alert, ...]]: ...

    async def redis_clusters(
        self, discovery: RedisDiscovery
    ) -> Reading[tuple[DiscoveredCluster, ...]]: ...


class AlertmanagerReads(Protocol):
    """Alertmanager reads (`DataLayer.alertmanager`)."""

    async def alerts(self, include_silenced: bool = True) -> Reading[tuple[Alert, ...]]: ...

    async def groups(self) -> Reading[tuple[AlertGroup, ...]]: ...

    async def silences(self) -> Reading[tuple[Silence, ...]]: ...

    async def matching(self, matchers: tuple[Matcher, ...]) -> Reading[tuple[Alert, ...]]: ...


class Queries(Protocol):
    """Typed statements and commands (`DataLayer.queries`): guarded, masked and audited reads,
    and the confirmed `Action` path, the only way a change runs."""

    def plan(self, instance: Instance, sql: str) -> Plan: ...

    async def judge(self, instance: Instance, sql: str) -> Plan: ...

    async def shown_judge(self, instance: Instance, sql: str) -> Plan: ...

    def shown_plan(self, instance: Instance, sql: str) -> Plan: ...

    def shown_redis_plan(self, instance: Instance, args: list[str]) -> RedisPlan: ...

    def plan_redis(self, instance: Instance, args: list[str]) -> RedisPlan: ...

    async def query(self, instance: Instance, sql: str) -> Reading[QueryResult]: ...

    async def heavy(self, instance: Instance, statement: str) -> tuple[str, ...]: ...

    async def redis(self, instance: Instance, args: list[str]) -> Reading[RedisReply]: ...

    def read_only(self) -> str | None: ...

    async def action(self, instance: Instance, text: str | list[str]) -> Reading[Action] | None: ...

    async def kill(self, instance: Instance, session: int, about: str) -> Reading[Action]: ...

    async def execute(
        self, instance: Instance | AlertmanagerTarget, consent: Consent
    ) -> Reading[WriteOutcome]: ...

    async def remediation(
        self, instance: Instance, plan: RemediationPlan
    ) -> Reading[Action] | None: ...

    async def cancelled(
        self, instance: Instance | AlertmanagerTarget, action: Action
    ) -> str | None: ...

    def alertmanager_target(self) -> AlertmanagerTarget: ...

    async def silence(self, change: SilenceChange, about: str = "") -> Reading[Action]: ...


def protocol_names(protocol: type) -> frozenset[str]:
    """The public members a protocol declares, its bases' included."""
    return frozenset(
        name
        for klass in protocol.__mro__
        if klass not in (object, Protocol) and getattr(klass, "_is_protocol", False)
        for name in vars(klass)
        if not name.startswith("_")
    )


class ReadView:
    """A source seen through a protocol: the protocol's methods answer, nothing else does.

    Why not hand out the source typed as the protocol: a cast stops mypy, not a screen that
    reaches for `select` (no guard, no masking) at run time.
    """

    __slots__ = ("_ReadView__names", "_ReadView__source")

    def __init__(self, source: object, protocol: type) -> None:
        names = protocol_names(protocol)
        missing = sorted(name for name in names if not callable(getattr(source, name, None)))
        if missing:
            raise TypeError(f"{type(source).__name__} lacks {', '.join(missing)}")
        object.__setattr__(self, "_ReadView__source", source)
        object.__setattr__(self, "_ReadView__names", names)

    def __getattr__(self, name: str) -> Any:
        if name in self.__names:
            return getattr(self.__source, name)
        raise AttributeError(f"{name!r} is not a read the data layer hands out")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a read-only view cannot be changed")

    def __dir__(self) -> list[str]:
        return sorted(self.__names)

    def __repr__(self) -> str:
        return f"ReadView({type(self.__source).__name__})"


def read_view(source: P, protocol: type) -> P:
    """`source` (already typed as `protocol`, so mypy checks it conforms) as a `ReadView`."""
    return cast(P, ReadView(source, protocol))  # it answers exactly the protocol's methods
