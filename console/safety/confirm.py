"""Confirmations: what a change needs before it runs, and the check that it got it.

Every change the console can make (a statement, a Redis command, a kill) is first an `Action`:
exactly what will run, where, and how many confirmations it needs (a write once; a destructive
statement, KILL or CLIENT KILL twice on production, the second time by typing the instance name).
The screens ask; the data layer runs an action only with a `Consent` that `consent_problem` accepts,
so no screen can skip a prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

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


def consent_problem(consent: Consent, instance: Instance) -> str | None:
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
