"""Ad-hoc statements and Redis commands, through the guards, masking and the audit log.

The one path for a statement a person typed: the guard decides (read-only allowlist, LIMIT,
confirmation level), only a read-only plan is sent, on the read-only account in a read-only
session; every cell is masked before it leaves, and every attempt is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from console.data.calls import failed, refused
from console.data.models import QueryResult, Reading, RedisReply, SourceError
from console.data.mysql import MySQLSource
from console.data.postgres import PostgresSource
from console.data.redis import RedisSource
from console.inventory import Instance
from console.safety.audit import AuditEntry, AuditLog
from console.safety.masking import mask_row, mask_text
from console.safety.redisguard import RedisPlan, plan_redis
from console.safety.sqlguard import Plan, plan


class QueryRunner:
    """Guarded, masked, audited reads for the query verbs and the query console."""

    def __init__(
        self,
        mysql: MySQLSource,
        postgres: PostgresSource,
        redis: RedisSource,
        audit_path: Path,
        row_limit: int,
    ) -> None:
        self._mysql = mysql
        self._postgres = postgres
        self._redis = redis
        self._audit = AuditLog(audit_path)
        self._row_limit = row_limit

    def plan(self, instance: Instance, sql: str) -> Plan:
        """The guard's verdict for `sql` on this instance; nothing is sent."""
        return plan(
            sql, _sql_source(instance), production=instance.is_production, limit=self._row_limit
        )

    async def query(self, instance: Instance, sql: str) -> Reading[QueryResult]:
        """Run `sql` if and only if the guard finds it read-only; refuse anything else."""
        verdict = self.plan(instance, sql)
        source = _sql_source(instance)
        if verdict.classification != "read_only":
            await self._record(instance, verdict.statement, verdict, "refused")
            why = "; ".join(verdict.reasons) or verdict.classification
            return refused(instance.name, source, f"{verdict.classification}: {why}")
        runner = self._postgres if instance.kind == "postgres" else self._mysql
        reading = await runner.select(instance, verdict.statement, self._row_limit)
        if reading.value is None:
            error = reading.error or SourceError(instance.name, source, "internal", "no answer")
            await self._record(instance, verdict.statement, verdict, "failed", error=error.message)
            return failed(instance.name, source, error)
        columns, rows = reading.value
        masked = tuple(mask_row(columns, tuple(_text(c) for c in row)) for row in rows)
        result = QueryResult(
            statement=mask_text(verdict.statement),
            columns=columns,
            rows=masked[: self._row_limit],
            truncated=len(masked) > self._row_limit,
        )
        await self._record(instance, verdict.statement, verdict, "ok", rows=len(result.rows))
        return Reading(instance.name, source, reading.fetched_at, reading.elapsed_s, value=result)

    def plan_redis(self, instance: Instance, args: list[str]) -> RedisPlan:
        return plan_redis(args, production=instance.is_production)

    async def redis(self, instance: Instance, args: list[str]) -> Reading[RedisReply]:
        """Run a Redis command if and only if the Redis guard finds it read-only."""
        verdict = self.plan_redis(instance, args)
        text = " ".join(verdict.command)
        if verdict.classification != "read_only":
            await self._record(instance, text, verdict, "refused")
            why = "; ".join(verdict.reasons) or verdict.classification
            return refused(instance.name, "redis", f"{verdict.classification}: {why}")
        reading = await self._redis.command(instance, list(verdict.command))
        rows = None if reading.value is None else len(reading.value.lines)
        error = None if reading.error is None else reading.error.message
        await self._record(instance, text, verdict, "failed" if error else "ok", rows, error)
        return reading

    async def _record(
        self,
        instance: Instance,
        statement: str,
        verdict: Plan | RedisPlan,
        outcome: str,
        rows: int | None = None,
        error: str | None = None,
    ) -> None:
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
        await self._audit.arecord(entry)


def _sql_source(instance: Instance) -> Literal["mysql", "postgres"]:
    return "postgres" if instance.kind == "postgres" else "mysql"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", "replace")
    return str(value)
