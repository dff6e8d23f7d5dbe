"""Row -> model helpers shared by the MySQL and PostgreSQL sources (one place, both engines).

Untyped driver values stop here: every helper returns plain Python values or models, and
statement texts are masked on the way through.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from console.data.models import ExplainPlan, Process, QueryResult, Reading
from console.inventory import Instance
from console.safety.masking import mask_optional, mask_row, mask_setting


class CounterRate:
    """Per-second rate of a server counter (questions, transactions) between two readings.

    The first reading of an instance has no previous one: its rate is the average since the
    counter started (`since_s`); a counter that went backwards (restart) starts over.
    """

    def __init__(self) -> None:
        self._last: dict[str, tuple[float, float]] = {}

    def per_second(self, name: str, total: float, since_s: float) -> float | None:
        now = time.monotonic()
        previous = self._last.get(name)
        self._last[name] = (now, total)
        if previous is not None and now > previous[0] and total >= previous[1]:
            return (total - previous[1]) / (now - previous[0])
        return total / since_s if since_s > 0 else None


def to_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return None


def to_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def text(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def masked_process(row: Sequence[Any], blockers: Mapping[int, Sequence[int]]) -> Process:
    """(id, user, host, db, command, state, time, query, trx_age) -> Process, query masked."""
    pid, user, host, db, command, state, seconds, query, trx_age = row
    pid = int(pid)
    return Process(
        id=pid,
        user=text(user),
        host=text(host),
        db=None if db is None else text(db),
        command=text(command),
        state=None if state in (None, "") else text(state),
        time_s=to_float(seconds) or 0.0,
        trx_age_s=to_float(trx_age),
        query=mask_optional(None if query is None else text(query)),
        blocked_by=tuple(sorted(set(blockers.get(pid, ())))),
    )


def explain_plan(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], rows_column: str
) -> ExplainPlan:
    """EXPLAIN rows as masked text cells, with the summed row estimate when reported."""
    cells = tuple(tuple(mask_setting(text(cell)) for cell in row) for row in rows)
    estimate: int | None = None
    if rows_column in columns:
        index = list(columns).index(rows_column)
        values = [to_int(row[index]) for row in rows]
        estimate = sum(v for v in values if v is not None) if values else None
    return ExplainPlan(tuple(columns), cells, estimate)


def catalog_result(
    sql: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], limit: int
) -> QueryResult:
    """A catalog query's rows as a masked QueryResult (names can hold anything)."""
    cells = [tuple(None if v is None else str(v) for v in row) for row in rows[:limit]]
    return QueryResult(
        statement=" ".join(sql.split()),
        columns=tuple(columns),
        rows=tuple(mask_row(tuple(columns), row) for row in cells),
        truncated=len(rows) >= limit,
    )


class CatalogQueries:
    """Schema browsing through information_schema, LIMITed: one shape for both SQL sources.

    A source sets its TABLES_SQL / COLUMNS_SQL and runs them in `_catalog`.
    """

    TABLES_SQL: ClassVar[str]
    COLUMNS_SQL: ClassVar[str]

    async def tables(self, instance: Instance, limit: int) -> Reading[QueryResult]:
        """The instance's tables (its database, else all but the system schemas)."""
        return await self._catalog(instance, self.TABLES_SQL, (limit,), limit)

    async def columns(
        self, instance: Instance, schema: str, table: str, limit: int
    ) -> Reading[QueryResult]:
        """One table's columns, in their order."""
        return await self._catalog(instance, self.COLUMNS_SQL, (schema, table, limit), limit)

    async def _catalog(
        self, instance: Instance, sql: str, args: Sequence[Any], limit: int
    ) -> Reading[QueryResult]:
        raise NotImplementedError
