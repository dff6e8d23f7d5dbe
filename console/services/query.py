"""Query and plan: a typed statement or Redis command, from the guard's verdict to its result,
for `opsconsole plan`, `query` and `redis`, the Query tab and the confirmation prompts.

Everything goes through the data layer's QueryRunner (the guards, LIMIT, timeouts, the
read-only session, masking and the audit log); this module adds what a person is shown: every
text that comes back (the verdict's statement and reasons, heavy warnings, error messages,
Redis reply lines, an EXPLAIN note, a prompt's reasons) is scrubbed (redacted and masked) here,
once, so the screens and the verbs only show. The typed history, which rests on disk, is
scrubbed on its way there too.

Why a service: the verbs and the screens used to each call `data.queries` and scrub (or not)
in their own way; a text shown by one path and not the other is how a password got out.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from console.config import Settings
from console.data.calls import failed, refused
from console.data.layer import DataLayer
from console.data.models import (
    ExplainPlan,
    QueryResult,
    Reading,
    RedisReply,
    SourceError,
    WriteOutcome,
)
from console.filelock import locked
from console.inventory import Instance, source_of
from console.safety.confirm import Action, Consent
from console.safety.redisargs import split_command
from console.safety.scrub import scrub
from console.safety.sqlguard import Plan

T = TypeVar("T")
HISTORY_SIZE = 200
READ_ONLY = "read-only"
"""The verdict on a change in read-only mode (the guard's reads are `read_only`)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The guard's verdict on what was typed, as shown before anything runs (texts scrubbed)."""

    classification: str
    confirmations: int
    statement: str
    """The statement (with its LIMIT) or the command line, scrubbed."""
    reasons: tuple[str, ...]

    @property
    def read_only(self) -> bool:
        return self.classification == "read_only"


@dataclass(frozen=True, slots=True)
class Change:
    """A typed write or destructive statement (or Redis command), before its prompts."""

    action: Action
    warnings: tuple[str, ...]
    """Why running it now may hurt (busy production server, big EXPLAIN estimate), scrubbed."""


@dataclass(frozen=True, slots=True)
class ChangePrompt:
    """What the confirmation prompts show of an action (its own text is already masked)."""

    action: Action
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]


def _shown(reading: Reading[T]) -> Reading[T]:
    """The reading with its error message scrubbed (it may quote the statement)."""
    if reading.error is None:
        return reading
    return replace(reading, error=replace(reading.error, message=scrub(reading.error.message)))


def _args(command: str | Sequence[str]) -> list[str]:
    """A Redis command as arguments: a typed line is split as a shell would (quotes kept)."""
    return split_command(command) if isinstance(command, str) else list(command)


# --- the verdict ------------------------------------------------------------------------------


def statement_plan(data: DataLayer, instance: Instance, sql: str) -> Plan:
    """The guard's verdict on `sql`, statement and reasons scrubbed; nothing is sent.

    Blocking (a large statement parses for a while): `opsconsole plan`'s. The Query tab asks
    `verdict`, which parses off the event loop.
    """
    return data.queries.shown_plan(instance, sql)


async def verdict(data: DataLayer, instance: Instance, text: str) -> Verdict:
    """The verdict on a typed statement (or Redis command line), as typed, off the loop; a
    change in read-only mode is `read-only` (refused) before any prompt."""
    if instance.kind == "redis":
        redis_plan = data.queries.shown_redis_plan(instance, split_command(text))
        shown = " ".join(redis_plan.command)
        judged = Verdict(
            redis_plan.classification, redis_plan.confirmations, shown, redis_plan.reasons
        )
    else:
        sql_plan = await data.queries.shown_judge(instance, text)
        judged = Verdict(
            sql_plan.classification, sql_plan.confirmations, sql_plan.statement, sql_plan.reasons
        )
    why = data.queries.read_only()
    if why is None or judged.classification not in ("write", "destructive"):
        return judged
    refusal = f"{why.removeprefix('read-only: ')}: no {judged.classification} runs"
    return Verdict(READ_ONLY, 0, judged.statement, (refusal, *judged.reasons))


# --- reads ------------------------------------------------------------------------------------


async def run_query(data: DataLayer, instance: Instance, sql: str) -> Reading[QueryResult]:
    """Run `sql` if the guard finds it read-only (rows masked, audited); else refused."""
    return _shown(await data.queries.query(instance, sql))


async def heavy(data: DataLayer, instance: Instance, sql: str) -> tuple[str, ...]:
    """Production only: why running `sql` now may hurt (busy server, big estimate), scrubbed."""
    return tuple(scrub(warning) for warning in await data.queries.heavy(instance, sql))


async def redis_command(
    data: DataLayer, instance: Instance, command: str | Sequence[str]
) -> Reading[RedisReply]:
    """Run a Redis command (a typed line or its arguments) if the Redis guard finds it
    read-only; the reply's command and lines scrubbed."""
    reading = _shown(await data.queries.redis(instance, _args(command)))
    reply = reading.value
    if reply is None:
        return reading
    shown = replace(
        reply, command=tuple(map(scrub, reply.command)), lines=tuple(map(scrub, reply.lines))
    )
    return replace(reading, value=shown)


async def explain(data: DataLayer, instance: Instance, sql: str) -> Reading[ExplainPlan]:
    """EXPLAIN of a statement (a write's SELECT equivalent), its note scrubbed."""
    reading = _shown(await data.sql(instance).explain(instance, sql))
    plan = reading.value
    if plan is None or not plan.note:
        return reading
    return replace(reading, value=replace(plan, note=scrub(plan.note)))


async def tables(data: DataLayer, instance: Instance, limit: int) -> Reading[QueryResult]:
    """The instance's tables (schema, table, ...), at most `limit` (information_schema)."""
    return _shown(await data.sql(instance).tables(instance, limit))


async def columns(
    data: DataLayer, instance: Instance, schema: str, table: str, limit: int
) -> Reading[QueryResult]:
    """One table's columns, at most `limit`."""
    return _shown(await data.sql(instance).columns(instance, schema, table, limit))


def select_all(instance: Instance, schema: str, table: str) -> str:
    """`SELECT * FROM schema.table`, each name quoted for the engine (names from
    information_schema can be anything): the Query tab's suggestion after a table's columns."""

    def quoted(name: str) -> str:
        if instance.kind == "postgres":
            return '"' + name.replace('"', '""') + '"'
        return "`" + name.replace("`", "``") + "`"

    return f"SELECT * FROM {quoted(schema)}.{quoted(table)}"  # noqa: S608 - quoted names


# --- changes (the confirmed path) -------------------------------------------------------------


async def change(data: DataLayer, instance: Instance, text: str) -> Reading[Change] | None:
    """The change a typed statement (or Redis command line) makes, with the heavy warnings of
    a SQL one; None when it is not a change (a read runs through `run_query`/`redis_command`,
    a refused statement never runs); refused in read-only mode (nothing to prompt for)."""
    args: str | list[str] = split_command(text) if instance.kind == "redis" else text
    built = await data.queries.action(instance, args)
    if built is None:
        return None
    action = built.value
    if action is None:
        error = built.error or SourceError(instance.name, built.source, "internal", "no answer")
        return failed(instance.name, built.source, replace(error, message=scrub(error.message)))
    warnings = () if action.command else await heavy(data, instance, text)
    return Reading(
        built.instance, built.source, built.fetched_at, built.elapsed_s, Change(action, warnings)
    )


async def kill_action(
    data: DataLayer, instance: Instance, session: int, about: str
) -> Reading[Action]:
    """The action that ends one session (Redis: client), for the prompts; `about` describes it
    (scrubbed into its reasons). A MySQL server is asked whether it is RDS (`CALL
    mysql.rds_kill`), so this can fail; the error comes back scrubbed."""
    return _shown(await data.queries.kill(instance, session, about))


def prompt(action: Action, warnings: Sequence[str] = ()) -> ChangePrompt:
    """What the prompts show: the action's reasons and the warnings scrubbed (a reason can
    quote what was typed)."""
    return ChangePrompt(
        action, tuple(map(scrub, action.reasons)), tuple(scrub(warning) for warning in warnings)
    )


async def settle(
    data: DataLayer, instance: Instance, action: Action, consent: Consent | None
) -> Reading[WriteOutcome] | None:
    """After the prompts: run the action with the answers given (the data layer checks them
    and audits), or audit its cancellation (None) when the prompts were cancelled. A
    cancellation whose audit line could not be written comes back as a refused reading that
    says so (nothing was sent; the person should know the trail misses it)."""
    if consent is None:
        problem = await data.queries.cancelled(instance, action)
        if problem is None:
            return None
        why = f"cancelled, nothing was sent; but {problem}"
        return refused(instance.name, source_of(instance), scrub(why))
    return _shown(await data.queries.execute(instance, consent))


# --- typed history ----------------------------------------------------------------------------


def history_path(settings: Settings, instance: Instance) -> Path:
    """The history file of the instance's kind (SQL of one engine, or Redis commands), in the
    user's own state folder: one member's typed statements are not another's."""
    return settings.state_dir / f"history-{instance.kind}.txt"


def history_entry(line: str) -> str | None:
    """One stored line back as its entry: a JSON string (an older plain line as it is)."""
    if not line.strip():
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return line
    return entry if isinstance(entry, str) else line


def history_line(entry: str) -> str:
    """One entry as a stored line: scrubbed, as an ASCII JSON string (U+2028, \\r, \\n escaped)."""
    return json.dumps(scrub(entry), ensure_ascii=True)


def load_history(path: Path) -> list[str]:
    """Entries split on \\n only: a line separator inside an entry never splits it."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return []
    return [entry for entry in map(history_entry, lines) if entry]


def append_history(path: Path, entry: str) -> None:
    """Add one entry at the end (redacted and masked on the way to disk: no password or PII
    rests there); past twice HISTORY_SIZE entries, keep the last HISTORY_SIZE.

    Why append under a lock: two consoles of one user (two SSH sessions) each add their own
    lines, where rewriting the whole file from memory would drop the other session's."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with locked(path.with_name(path.name + ".lock")):
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(history_line(entry) + "\n")
            entries = load_history(path)
            if len(entries) > 2 * HISTORY_SIZE:
                write_history(path, entries[-HISTORY_SIZE:])
    except OSError:
        pass  # history is a convenience; a read-only disk must not stop a query


def write_history(path: Path, history: Sequence[str]) -> None:
    """Replace the file whole, atomically (0600: typed statements are the user's own)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("".join(history_line(h) + "\n" for h in history))
    os.replace(temporary, path)


async def remember(path: Path, history: list[str], text: str) -> list[str]:
    """The history with `text` last (not twice in a row, at most HISTORY_SIZE in memory),
    appended to disk off the event loop when it changed."""
    if history and history[-1] == text:
        return history
    kept = [*history, text][-HISTORY_SIZE:]
    await asyncio.to_thread(append_history, path, text)
    return kept
