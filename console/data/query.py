"""Ad-hoc statements and Redis commands, through the guards, masking and the audit log.

The one path for a statement a person typed: the guard decides (read-only allowlist, LIMIT,
confirmation level), only a read-only plan is sent, on the read-only account in a read-only
session; every cell is masked before it leaves, and every attempt is audited.

In read-only mode (`--read-only`, `[console] read_only = true`) every change, kill and TTL fix
is refused here, where its `Action` is built and again where it would run, whatever write
credentials are configured: no screen or verb can get past it.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

from console.config import ConsoleOptions
from console.data.calls import failed, refused, utcnow
from console.data.changes import Changes
from console.data.models import (
    QueryResult,
    Reading,
    RedisReply,
    RemediationPlan,
    Source,
    SourceError,
    WriteOutcome,
)
from console.data.rowcap import cut_cell
from console.data.sources.mysql import MySQLSource
from console.data.sources.postgres import PostgresSource
from console.data.sources.redis import RedisSource
from console.inventory import Instance, not_a_server
from console.safety.audit import AuditEntry, AuditError, AuditLog
from console.safety.confirm import (
    Action,
    Consent,
    batch_action,
    change_action,
    consent_problem,
    kill_action,
)
from console.safety.masking import mask_row
from console.safety.redisguard import RedisPlan, plan_redis
from console.safety.scrub import scrub
from console.safety.sensitive_columns import source_kinds
from console.safety.sqlguard import Plan, plan, plan_async


class QueryRunner:
    """Guarded, masked, audited reads for the query verbs and the query console."""

    def __init__(
        self,
        mysql: MySQLSource,
        postgres: PostgresSource,
        redis: RedisSource,
        changes: Changes,
        audit_path: Path,
        options: ConsoleOptions,
        read_only: str | None = None,
    ) -> None:
        self._mysql = mysql
        self._postgres = postgres
        self._redis = redis
        self._changes = changes
        self._audit = AuditLog.for_console(audit_path, options)
        self._row_limit = options.row_limit
        self._heavy_rows = options.heavy_rows
        self._heavy_sessions = options.heavy_sessions
        self._read_only = read_only

    def read_only(self) -> str | None:
        """Why every change is refused ("read-only: ..."), or None when changes may run (a
        method: the facade's view hands out methods only)."""
        return self._read_only

    def plan(self, instance: Instance, sql: str) -> Plan:
        """The guard's verdict for `sql` on this instance; nothing is sent (blocking: the CLI's)."""
        return plan(
            sql, _sql_source(instance), production=instance.is_production, limit=self._row_limit
        )

    async def judge(self, instance: Instance, sql: str) -> Plan:
        """`plan` off the event loop, refused past the guard's deadline (the TUI's)."""
        return await plan_async(
            sql, _sql_source(instance), production=instance.is_production, limit=self._row_limit
        )

    async def shown_judge(self, instance: Instance, sql: str) -> Plan:
        """`judge` for showing (the verdict line): statement and reasons scrubbed."""
        return _shown(await self.judge(instance, sql))

    def shown_plan(self, instance: Instance, sql: str) -> Plan:
        """`plan` for showing (verdict line, `opsconsole plan`): statement and reasons scrubbed.

        A parse failure quotes the raw input, and a statement may carry a password or PII;
        only the plan that runs keeps its text as it is.
        """
        return _shown(self.plan(instance, sql))

    def shown_redis_plan(self, instance: Instance, args: list[str]) -> RedisPlan:
        """`plan_redis` for showing: the command line (AUTH, CONFIG SET requirepass) scrubbed."""
        verdict = self.plan_redis(instance, args)
        return replace(
            verdict,
            command=(scrub(" ".join(verdict.command)),) if verdict.command else (),
            reasons=tuple(scrub(reason) for reason in verdict.reasons),
        )

    async def query(self, instance: Instance, sql: str) -> Reading[QueryResult]:
        """Run `sql` if and only if the guard finds it read-only; refuse anything else."""
        if instance.is_aws:
            return refused(instance.name, "aws", not_a_server(instance))
        verdict = await self.judge(instance, sql)
        source = _sql_source(instance)
        if verdict.classification != "read_only":
            refusal, mode = self._refusal(verdict)
            await self._record(instance, verdict.statement, verdict, "refused", error=mode)
            return refused(instance.name, source, refusal)
        runner = self._postgres if instance.kind == "postgres" else self._mysql
        reading = await runner.select(instance, verdict.statement, self._row_limit)
        if reading.value is None:
            error = reading.error or SourceError(instance.name, source, "internal", "no answer")
            await self._record(instance, verdict.statement, verdict, "failed", error=error.message)
            return failed(instance.name, source, error)
        columns, rows, cut_at_size = reading.value
        shown = rows[: self._row_limit]
        kinds = await asyncio.to_thread(source_kinds, verdict.statement, verdict.dialect)
        by_column = kinds.for_columns(columns)
        masked = tuple(
            mask_row(
                columns,
                tuple(cut_cell(_text(c)) for c in row),
                by_column,
                tuple(map(_figure, row)),
            )
            for row in shown
        )
        result = QueryResult(
            statement=scrub(verdict.statement),
            columns=columns,
            rows=masked,
            truncated=cut_at_size or len(rows) > self._row_limit,
        )
        problem = await self._record(instance, verdict.statement, verdict, "ok", len(result.rows))
        if problem is not None:
            return refused(instance.name, source, f"result withheld: {problem}")
        return Reading(instance.name, source, reading.fetched_at, reading.elapsed_s, value=result)

    async def heavy(self, instance: Instance, statement: str) -> tuple[str, ...]:
        """Production only: why running `statement` now may hurt (busy server, big estimate).

        Looks at the active sessions and at EXPLAIN's row estimate (plain SELECTs only; a
        write's plan is not taken on a read-only session). Empty when nothing is above the
        configured thresholds, or the instance is not production. A check that could not be
        made is a warning too (`could not check ...: timeout ...`): an unknown load is not a
        light one. EXPLAIN refusing a statement it does not take is no warning.
        """
        if not instance.is_production or instance.kind == "redis" or instance.is_aws:
            return ()
        source = self._postgres if instance.kind == "postgres" else self._mysql
        sessions, explained = await asyncio.gather(
            source.processlist(instance, max(200, 2 * self._heavy_sessions)),
            source.explain(instance, statement),
        )
        warnings = [_unchecked(reading.error) for reading in (sessions, explained)]
        if sessions.value is not None:
            active = sum(1 for p in sessions.value if not _idle(p.command))
            if active > self._heavy_sessions:
                warnings.append(
                    f"{active} sessions are active on {instance.name} "
                    f"(warns above {self._heavy_sessions})"
                )
        estimate = explained.value.estimated_rows if explained.value is not None else None
        if estimate is not None and estimate > self._heavy_rows:
            warnings.append(
                f"EXPLAIN estimates {estimate:,} rows (warns above {self._heavy_rows:,})"
            )
        return tuple(w for w in warnings if w)

    def plan_redis(self, instance: Instance, args: list[str]) -> RedisPlan:
        return plan_redis(args, production=instance.is_production)

    async def redis(self, instance: Instance, args: list[str]) -> Reading[RedisReply]:
        """Run a Redis command if and only if the Redis guard finds it read-only."""
        if instance.is_aws:
            return refused(instance.name, "aws", not_a_server(instance))
        verdict = self.plan_redis(instance, args)
        text = " ".join(verdict.command)
        if verdict.classification != "read_only":
            refusal, mode = self._refusal(verdict)
            await self._record(instance, text, verdict, "refused", error=mode)
            return refused(instance.name, "redis", refusal)
        reading = await self._redis.command(instance, list(verdict.command))
        rows = None if reading.value is None else len(reading.value.lines)
        error = None if reading.error is None else reading.error.message
        problem = await self._record(
            instance, text, verdict, "failed" if error else "ok", rows, error
        )
        if problem is not None and reading.value is not None:
            return refused(instance.name, "redis", f"reply withheld: {problem}")
        return reading

    # --- confirmed changes ------------------------------------------------------------------

    async def action(self, instance: Instance, text: str | list[str]) -> Reading[Action] | None:
        """The change a typed statement (or Redis argv) would make; None if it is not a change,
        refused (and audited) in read-only mode.

        A read runs through `query`/`redis`; a refused statement never runs at all.
        """
        if instance.is_aws:
            return refused(instance.name, "aws", not_a_server(instance))
        built = await self._built(instance, text)
        return None if built is None else await self._offered(instance, built)

    async def _built(self, instance: Instance, text: str | list[str]) -> Action | None:
        """The action of a typed change as the guard judges it now (None: not a change)."""
        if instance.kind == "redis":
            args = text if isinstance(text, list) else text.split()
            return change_action(instance, self.plan_redis(instance, args))
        return change_action(instance, await self.judge(instance, str(text)))

    async def kill(self, instance: Instance, session: int, about: str) -> Reading[Action]:
        """The action that ends one session (client), for the confirmation prompts; refused
        (and audited) in read-only mode, before the server is asked anything."""
        if instance.is_aws:
            return refused(instance.name, "aws", not_a_server(instance))
        if self._read_only is not None:
            return await self._offered(instance, kill_action(instance, session, False, about))
        source = _source(instance)
        rds = False
        if instance.kind == "mysql":
            reading = await self._mysql.is_rds(instance)
            if reading.value is None:
                error = reading.error or SourceError(instance.name, source, "internal", "no answer")
                return failed(instance.name, source, error)
            rds = reading.value
        action = kill_action(instance, session, rds, about)
        return Reading(instance.name, source, utcnow(), 0.0, value=action)

    async def execute(self, instance: Instance, consent: Consent) -> Reading[WriteOutcome]:
        """Run a confirmed action on the instance's write credential, and audit it.

        The consent is checked here, not in the screen: too few answers, a wrong typed name, an
        action for another instance, or a text that is no longer the change it was judged to
        be are refused before anything is sent; so is every action in read-only mode.
        """
        action = consent.action
        if instance.is_aws:
            return refused(instance.name, "aws", not_a_server(instance))
        source = _source(instance)
        problem = (
            self._read_only
            or consent_problem(consent, instance)
            or await self._changed(instance, action)
        )
        if problem is None:
            problem = await self._audit_problem()
        if problem is not None:
            try:
                await self._record_action(instance, consent, "refused", error=problem)
            except (OSError, AuditError) as exc:
                unwritable = _audit_failure(self._audit, exc)
                if unwritable not in problem:
                    problem = f"{problem}; {unwritable}"
            return refused(instance.name, source, problem)
        reading = await self._changes.apply(instance, action)
        try:
            if reading.value is None:
                message = reading.error.message if reading.error else "no answer"
                await self._record_action(instance, consent, "failed", error=message)
            else:
                await self._record_action(instance, consent, "ok", rows=reading.value.affected)
        except (OSError, AuditError) as exc:
            return _unaudited(instance, source, reading, _audit_failure(self._audit, exc))
        return reading

    async def remediation(
        self, instance: Instance, plan: RemediationPlan
    ) -> Reading[Action] | None:
        """The confirmable action of a Redis audit's TTL plan (None if a command is not
        allowed), refused (and audited) in read-only mode."""
        verdicts = [self.plan_redis(instance, list(c.command)) for c in plan.commands]
        why = (
            f"EXPIRE after {plan.ttl_s}s plus 0..{plan.jitter_s}s of jitter per key, for "
            f"{len(verdicts):,} of the {plan.keys_without_ttl:,} keys the audit found without TTL"
        )
        action = batch_action(instance, f"Set a TTL on {len(verdicts):,} keys", verdicts, why)
        return None if action is None else await self._offered(instance, action)

    async def cancelled(self, instance: Instance, action: Action) -> str | None:
        """Audit a change the person cancelled at a prompt (nothing was sent); why the audit
        line could not be written, or None."""
        try:
            await self._record_action(instance, Consent(action, ()), "cancelled")
        except (OSError, AuditError) as exc:
            return _audit_failure(self._audit, exc)
        return None

    async def _offered(self, instance: Instance, action: Action) -> Reading[Action]:
        """The action, for the prompts; in read-only mode a refusal instead, audited like the
        refusal of a confirmed change (nothing is asked, nothing is sent)."""
        source = _source(instance)
        if self._read_only is None:
            return Reading(instance.name, source, utcnow(), 0.0, value=action)
        problem = self._read_only
        try:
            await self._record_action(instance, Consent(action, ()), "refused", error=problem)
        except (OSError, AuditError) as exc:
            problem = f"{problem}; {_audit_failure(self._audit, exc)}"
        return refused(instance.name, source, problem)

    def _refusal(self, verdict: Plan | RedisPlan) -> tuple[str, str | None]:
        """Why a typed statement (command) that is not a read is not run, scrubbed: the
        guard's reasons, after the read-only mode's for a change; and the mode's reason alone
        (None when it played no part), for the audit line."""
        why = "; ".join(verdict.reasons) or verdict.classification
        said = f"{verdict.classification}: {why}"
        if self._read_only is None or verdict.classification not in ("write", "destructive"):
            return scrub(said), None
        return scrub(f"{self._read_only}; {said}"), self._read_only

    async def _audit_problem(self) -> str | None:
        """Why the audit log cannot take a line now (checked before a change is sent), or None."""
        try:
            await asyncio.to_thread(self._audit.ready)
        except (OSError, AuditError) as exc:
            return f"{_audit_failure(self._audit, exc)}: the change is refused, nothing was sent"
        return None

    async def _changed(self, instance: Instance, action: Action) -> str | None:
        """Why the action is not what the guard (or the kill builder) makes of its text now."""
        if action.batch:
            again = batch_action(
                instance,
                action.title,
                [self.plan_redis(instance, list(a)) for a in action.batch],
                "",
            )
            if again is None or again.batch != action.batch:
                return "a command of the batch is not a change the guard allows"
            built = [replace(action, confirmations=again.confirmations)]
        elif action.kill is not None:
            built = [kill_action(instance, action.kill, rds, "") for rds in (False, True)]
        else:
            text = list(action.command) if action.command else action.statement
            built = [a for a in (await self._built(instance, text),) if a is not None]
        same = [b for b in built if (b.statement, b.command) == (action.statement, action.command)]
        if not same:
            return "the text is no longer the change that was judged and confirmed"
        if same[0].confirmations > action.confirmations:
            return f"the change needs {same[0].confirmations} confirmations"
        return None

    async def _record_action(
        self,
        instance: Instance,
        consent: Consent,
        outcome: str,
        rows: int | None = None,
        error: str | None = None,
    ) -> None:
        action = consent.action
        text = action.statement or " ".join(action.command)
        if action.batch:
            text = f"{action.title}: {len(action.batch)} commands, e.g. {' '.join(action.batch[0])}"
        entry = AuditEntry(
            instance.name,
            instance.env,
            text,
            action.classification,
            len(consent.answers),
            outcome,
            rows,
            error,
        )
        await self._audit.arecord(entry)

    async def _record(
        self,
        instance: Instance,
        statement: str,
        verdict: Plan | RedisPlan,
        outcome: str,
        rows: int | None = None,
        error: str | None = None,
    ) -> str | None:
        """Audit one read (or refusal); why the line could not be written, or None."""
        entry = AuditEntry(
            instance.name,
            instance.env,
            statement,
            verdict.classification,
            verdict.confirmations,
            outcome,
            rows,
            error,
        )
        try:
            await self._audit.arecord(entry)
        except (OSError, AuditError) as exc:
            return _audit_failure(self._audit, exc)
        return None


def _source(instance: Instance) -> Literal["mysql", "postgres", "redis"]:
    return "redis" if instance.kind == "redis" else _sql_source(instance)


def _sql_source(instance: Instance) -> Literal["mysql", "postgres"]:
    return "postgres" if instance.kind == "postgres" else "mysql"


def _idle(command: str) -> bool:
    return command.lower() in ("sleep", "idle", "daemon") or command.lower().startswith("idle")


def _figure(value: object) -> bool:
    """A typed number, time or date from the driver: a figure, never a phone or a card."""
    return isinstance(value, int | float | Decimal | date | time | timedelta)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", "replace")
    return str(value)


def _shown(verdict: Plan) -> Plan:
    """A plan whose statement and reasons are scrubbed, for the screen and the CLI."""
    return replace(
        verdict,
        statement=scrub(verdict.statement),
        reasons=tuple(scrub(reason) for reason in verdict.reasons),
    )


def _audit_failure(audit: AuditLog, exc: OSError | AuditError) -> str:
    """Why the audit line could not be written: the team folder's own message (it names the
    folder and what an admin runs), else the file and the system's reason."""
    if isinstance(exc, AuditError):
        return scrub(str(exc))
    return scrub(f"the audit log {audit.path} cannot be written ({exc.strerror or exc})")


def _unaudited(
    instance: Instance, source: Source, reading: Reading[WriteOutcome], why: str
) -> Reading[WriteOutcome]:
    """A change that was sent but whose audit line failed: a refused change, as a value that
    says what ran (the person must record it by hand), never an exception."""
    if reading.value is not None:
        rows = reading.value.affected
        ran = "the change ran" + ("" if rows is None else f" ({rows} rows)")
    else:
        ran = "the change was sent and failed"
    problem = f"{why}: {ran}; record it in the audit log by hand"
    error = SourceError(instance.name, source, "refused", problem)
    return Reading(instance.name, source, utcnow(), reading.elapsed_s, error=error)


def _unchecked(error: SourceError | None) -> str:
    """The warning for a heavy-read check that could not be made ("" when there is none)."""
    if error is None or error.kind == "refused":
        return ""
    return f"could not check {error.source} {error.instance}: {error.kind}: {error.message}"
