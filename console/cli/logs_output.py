"""`opsconsole logs`: a Logs Insights answer as text (a table, then its figures) or JSON.

Why beside the verb: printing only. The rows arrive masked from the data layer (through
console/services/logs.py); the figures read as the Logs screen's (console/formatting/insights.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from console.data.aws_models import InsightsResult, ScanBudget
from console.formatting import text_table
from console.formatting.insights import (
    NOT_REPORTED,
    budget_line,
    bytes_scanned,
    one_line,
    records,
)

if TYPE_CHECKING:
    from console.services.logs import LogsAnswer, LogsRequest

CELL_WIDTH = 160  # a value longer than this is cut in the text table (JSON has it whole)


def budget_words(budget: ScanBudget) -> str:
    return f"Logs Insights bytes scanned: {budget_line(budget)}"


def record(request: LogsRequest, answer: LogsAnswer) -> dict[str, Any]:
    """The answer as one JSON-ready object (rows as field -> value, masked)."""
    result = answer.reading.value
    assert result is not None
    stats = result.statistics
    budget = answer.budget
    return {
        "query": result.query,
        "groups": list(result.groups or request.groups),
        "since": request.since.isoformat(),
        "until": request.until.isoformat(),
        "status": result.status,
        "fields": list(result.fields),
        "rows": [dict(row) for row in result.rows],
        "statistics": {
            "records_matched": stats.records_matched,
            "records_scanned": stats.records_scanned,
            "bytes_scanned": stats.bytes_scanned,
        },
        "bytes_scanned_note": NOT_REPORTED if stats.bytes_scanned is None else None,
        "budget": {
            "today_bytes": budget.today_bytes,
            "today_queries": budget.today_queries,
            "budget_bytes": budget.budget_bytes,
            "session_bytes": budget.session_bytes,
            "unreported_queries": budget.unreported_queries,
        },
        "note": answer.note,
    }


def render_json(request: LogsRequest, answer: LogsAnswer) -> str:
    return json.dumps(record(request, answer), indent=2)


def _table(result: InsightsResult) -> list[str]:
    if not result.rows:
        return ["(no rows)"]
    cells = [[one_line(value, CELL_WIDTH) for value in row] for row in result.table()]
    return text_table([f.upper() for f in result.fields], cells)


def render_text(request: LogsRequest, answer: LogsAnswer) -> list[str]:
    """The rows, then status, bytes scanned, records, the day's budget and the query sent."""
    result = answer.reading.value
    assert result is not None
    rows = len(result.rows)
    return [
        *_table(result),
        "",
        f"{result.status}: {rows} {'row' if rows == 1 else 'rows'} from "
        f"{', '.join(result.groups or request.groups)}, "
        f"{request.since:%Y-%m-%d %H:%M} – {request.until:%Y-%m-%d %H:%M} UTC",
        f"{bytes_scanned(result.statistics)}; {records(result.statistics)}",
        budget_words(answer.budget),
        f"query: {result.query}",
    ]
