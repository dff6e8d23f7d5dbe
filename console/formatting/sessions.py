"""Process lists as on-call people read them: active sessions first, idle ones counted apart.

Why in formatting and not in the widgets: what counts as idle (MySQL `Sleep` with no open
transaction, PostgreSQL `idle`, a Redis client silent for more than IDLE_CLIENT_AFTER_S) and
which session comes first decide how a list of sessions shows, the same for a screen, an export
or a test; the tables re-arrange on a key (sort, show idle) without asking the server again, so
the rule sits in the core, beside the other display rules, where widgets may reach it. Pure
functions over models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from console.data.models import Process, RedisClient

T = TypeVar("T")

IDLE_CLIENT_AFTER_S = 5.0
"""A Redis client with no command for longer than this is idle (a pooled connection at rest)."""

IDLE_SQL_COMMANDS = frozenset({"Sleep", "idle"})
"""MySQL's COMMAND and PostgreSQL's state of a session waiting for its client."""

PROCESS_SORTS = ("time", "trx age", "id")
"""Orders of the active sessions: longest-running statement first, oldest transaction, id."""


@dataclass(frozen=True, slots=True)
class Arranged(Generic[T]):
    """Rows in the order to show them, and how many idle ones were left out."""

    shown: tuple[T, ...]
    hidden_idle: int
    idle: int


def process_is_idle(process: Process) -> bool:
    """Waiting for its client with no transaction open.

    A `Sleep` / `idle in transaction` session holding a transaction is not idle: it may hold
    the locks others wait for, so it stays in view.
    """
    return process.command in IDLE_SQL_COMMANDS and process.trx_age_s is None


def client_is_idle(client: RedisClient) -> bool:
    return client.idle_s > IDLE_CLIENT_AFTER_S


def _process_key(sort: str) -> Callable[[Process], tuple[float, ...]]:
    if sort == "trx age":
        return lambda p: (p.trx_age_s is None, -(p.trx_age_s or 0.0), p.id)
    if sort == "id":
        return lambda p: (p.id,)
    return lambda p: (-p.time_s, p.id)


def _arrange(
    items: Iterable[T], idle: Callable[[T], bool], key: Callable[[T], tuple[float, ...]], *,
    show_idle: bool,
) -> Arranged[T]:  # fmt: skip
    listed = tuple(items)
    active = sorted((item for item in listed if not idle(item)), key=key)
    resting = sorted((item for item in listed if idle(item)), key=key)
    if show_idle:
        return Arranged((*active, *resting), 0, len(resting))
    return Arranged(tuple(active), len(resting), len(resting))


def arrange_processes(
    processes: Iterable[Process], *, sort: str = PROCESS_SORTS[0], show_idle: bool = False
) -> Arranged[Process]:
    """Active sessions by `sort` (longest-running first by default), then idle ones if shown."""
    return _arrange(processes, process_is_idle, _process_key(sort), show_idle=show_idle)


def arrange_clients(
    clients: Iterable[RedisClient], *, show_idle: bool = False
) -> Arranged[RedisClient]:
    """Busy clients first (most recently active, then id), then idle ones if shown."""
    return _arrange(clients, client_is_idle, lambda c: (c.idle_s, c.id), show_idle=show_idle)
