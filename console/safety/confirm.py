"""Confirmations: what a change needs before it runs, and the check that it got it.

Every change the console can make (a statement, a Redis command, a kill) is first an `Action`:
exactly what will run, where, and how many confirmations it needs (a write once; a destructive
statement, KILL or CLIENT KILL twice on production, the second time by typing the instance name).
The screens ask; the data layer runs an action only with a `Consent` that `consent_problem` accepts,
so no screen can skip a prompt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from console.data.models import AlertmanagerTarget, Matcher, SilenceChange
from console.inventory import Instance
from console.safety.redisguard import RedisPlan
from console.safety.scrub import scrub
from console.safety.sqlguard import Plan

Change = Literal["write", "destructive"]
YES = "yes"
BATCH_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Action:
    """One change, exactly as it will run (`statement` or `command`), on one instance."""

    instance: str
    env: str
    endpoint: str
    title: str
    classification: Change
    confirmations: int
    reasons: tuple[str, ...]
    statement: str = ""
    """SQL sent as is (one statement); empty for Redis."""
    command: tuple[str, ...] = ()
    """Redis argv; empty for SQL."""
    kill: int | None = None
    """The session or client id when the action is a kill (the data layer rebuilds its text)."""
    batch: tuple[tuple[str, ...], ...] = ()
    """Redis commands applied together (a remediation plan); `command` is then empty."""
    silence: SilenceChange | None = None
    """An Alertmanager silence to create or expire; `statement` then says it in words."""

    @property
    def text(self) -> str:
        """What runs, redacted and masked for the prompts, the audit log and the screen."""
        if self.batch:
            shown = "\n".join(" ".join(argv) for argv in self.batch[:BATCH_SHOWN])
            more = len(self.batch) - BATCH_SHOWN
            return scrub(shown + (f"\n... and {more} more like these" if more > 0 else ""))
        return scrub(self.statement or " ".join(self.command))

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@dataclass(frozen=True, slots=True)
class Consent:
    """The answers a person gave to an action's prompts, in order."""

    action: Action
    answers: tuple[str, ...]


def consent_problem(consent: Consent, instance: Instance | AlertmanagerTarget) -> str | None:
    """None when `consent` covers its action on `instance`; else why it does not."""
    action = consent.action
    if action.instance != instance.name:
        return f"the action was confirmed for {action.instance}, not {instance.name}"
    given = len(consent.answers)
    if given < action.confirmations:
        return f"needs {action.confirmations} confirmations, got {given}"
    if action.confirmations >= 1 and consent.answers[0] != YES:
        return "the first confirmation was not given"
    if action.confirmations >= 2 and consent.answers[1] != instance.name:
        return "the second confirmation must be the instance name, typed exactly"
    return None


def needed(classification: Change, production: bool) -> int:
    """A write asks once; a destructive change asks twice on production."""
    return 2 if classification == "destructive" and production else 1


def change_action(instance: Instance, verdict: Plan | RedisPlan) -> Action | None:
    """The action of a write or destructive SQL statement or Redis command; None for a read
    or a refusal (those never run as a change)."""
    if verdict.classification not in ("write", "destructive"):
        return None
    change: Change = "write" if verdict.classification == "write" else "destructive"
    what = "command" if isinstance(verdict, RedisPlan) else "statement"
    return Action(
        instance=instance.name,
        env=instance.env,
        endpoint=instance.endpoint,
        title=f"Run a destructive {what}" if change == "destructive" else f"Run a write {what}",
        classification=change,
        confirmations=needed(change, instance.is_production),
        reasons=verdict.reasons,
        statement="" if isinstance(verdict, RedisPlan) else verdict.statement,
        command=verdict.command if isinstance(verdict, RedisPlan) else (),
    )


def kill_statement(instance: Instance, session: int, rds: bool) -> tuple[str, tuple[str, ...]]:
    """The statement (SQL) or command (Redis) that ends one session.

    MySQL on RDS has no KILL privilege for the master user: `CALL mysql.rds_kill(id)` there.
    """
    if instance.kind == "redis":
        return "", ("CLIENT", "KILL", "ID", str(session))
    if instance.kind == "postgres":
        return f"SELECT pg_terminate_backend({session})", ()
    return (f"CALL mysql.rds_kill({session})" if rds else f"KILL {session}"), ()


def kill_action(instance: Instance, session: int, rds: bool, about: str) -> Action:
    """Ending a session or client: destructive, twice on production. `about` describes it."""
    statement, command = kill_statement(instance, session, rds)
    noun = "client" if instance.kind == "redis" else "session"
    return Action(
        instance=instance.name,
        env=instance.env,
        endpoint=instance.endpoint,
        title=f"Kill {noun} {session}",
        classification="destructive",
        confirmations=needed("destructive", instance.is_production),
        reasons=(scrub(about),) if about else (),
        statement=statement,
        command=command,
        kill=session,
    )


def batch_action(
    instance: Instance, title: str, verdicts: Sequence[RedisPlan], why: str
) -> Action | None:
    """Redis commands confirmed and applied together (e.g. EXPIRE for keys without a TTL).

    The batch asks as often as its most demanding command; None if it is empty or if any
    command is a read or a refusal (a plan is all changes or it is not run).
    """
    if not verdicts or any(v.classification not in ("write", "destructive") for v in verdicts):
        return None
    change: Change = (
        "destructive" if any(v.classification == "destructive" for v in verdicts) else "write"
    )
    return Action(
        instance=instance.name,
        env=instance.env,
        endpoint=instance.endpoint,
        title=title,
        classification=change,
        confirmations=needed(change, instance.is_production),
        reasons=(why, *verdicts[0].reasons),
        batch=tuple(v.command for v in verdicts),
    )


# --- Alertmanager silences --------------------------------------------------------------------

SILENCE_MAX = timedelta(days=30)
"""The longest silence the console makes: a longer one is a rule change, not an incident's."""


def matcher_text(matcher: Matcher) -> str:
    """`name="value"` (PromQL style, the value quoted as JSON), as Alertmanager's filter
    reads it."""
    return f"{matcher.name}{matcher.operator}{json.dumps(matcher.value, ensure_ascii=False)}"


def utc_text(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def silence_text(change: SilenceChange) -> str:
    """The change in words: what the prompt shows, the audit log keeps and the check compares."""
    if change.op == "expire":
        return f"silence expire: {change.silence_id} · by {change.created_by}"
    matchers = ", ".join(matcher_text(m) for m in change.matchers)
    span = ""
    if change.starts_at is not None and change.ends_at is not None:
        minutes = round((change.ends_at - change.starts_at).total_seconds() / 60)
        span = f" · {_span(minutes)} (until {utc_text(change.ends_at)})"
    return f"silence create: {matchers}{span} · by {change.created_by} · comment: {change.comment}"


def _span(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def silence_problem(change: SilenceChange, now: datetime) -> str | None:
    """Why the silence change cannot be sent as it is (None: it can).

    Checked where the change is built and again where it would run: a silence without
    matchers would mute every alert, one without author or comment tells the next shift
    nothing."""
    if not change.created_by.strip():
        return "a silence needs its author (the Unix user)"
    if change.op == "expire":
        return None if change.silence_id.strip() else "which silence: its id is empty"
    if not change.matchers:
        return "a silence needs at least one matcher (none would mute every alert)"
    if all((m.is_regex and m.value in ("", ".*")) or not m.is_equal for m in change.matchers):
        return "the matchers match every alert: name at least one label's value"
    if any(not m.name.strip() for m in change.matchers):
        return "a matcher has no label name"
    if not change.comment.strip():
        return "a silence needs a comment (why, and who to ask)"
    if change.starts_at is None or change.ends_at is None:
        return "a silence needs its start and end"
    if change.ends_at <= max(change.starts_at, now):
        return "the silence would end before it starts"
    if change.ends_at - change.starts_at > SILENCE_MAX:
        return f"a silence lasts at most {SILENCE_MAX.days} days here"
    return None


def silence_action(target: AlertmanagerTarget, change: SilenceChange, about: str = "") -> Action:
    """Creating or expiring a silence: a write, asked once (it mutes alerts, or lets them
    through again; nothing on a database changes). `about` says what it matches now."""
    if change.op == "expire":
        title = f"Expire silence {change.silence_id[:8]}"
    else:
        title = f"Silence {len(change.matchers)} matcher(s) until {utc_text(change.ends_at)}"
    return Action(
        instance=target.name,
        env=target.env,
        endpoint=target.endpoint,
        title=title,
        classification="write",
        confirmations=needed("write", target.is_production),
        reasons=(scrub(about),) if about else (),
        statement=silence_text(change),
        silence=change,
    )
