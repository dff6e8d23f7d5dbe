"""`opsconsole digest` output: a slow-query digest as JSON, Markdown or a plain-text table.

Why beside the verb: it is CLI output only (the console shows the digest in DigestTable).
Every statement text here comes from `DigestRow.sample`/`fingerprint`, already masked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from console.analysis.digest import DigestReport, DigestRow, where
from console.formatting import first_line, human_number, table_markdown, text_table

FINGERPRINT_WIDTH = 70
HEADERS = ["#", "TOTAL s", "SHARE", "COUNT", "AVG s", "P95 s", "MAX s", "ROWS EXAM", "QUERY"]


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def as_record(rank: int, row: DigestRow) -> dict[str, Any]:
    return {
        "rank": rank,
        "fingerprint": row.fingerprint,
        "query_id": row.query_id,
        "count": row.count,
        "total_time_s": round(row.total_time_s, 6),
        "avg_time_s": round(row.avg_time_s, 6),
        "p95_time_s": round(row.p95_time_s, 6),
        "max_time_s": round(row.max_time_s, 6),
        "lock_time_s": round(row.lock_time_s, 6),
        "rows_sent": row.rows_sent,
        "rows_examined": row.rows_examined,
        "first_seen": _when(row.first_seen),
        "last_seen": _when(row.last_seen),
        "share": round(row.share, 6),
        "db": row.db,
        "sample": row.sample,
        **(
            {"instances": [{"name": name, "count": n} for name, n in row.instances]}
            if row.instances
            else {}
        ),
    }


def render_json(rows: Sequence[DigestRow]) -> str:
    """A JSON array ranked by total time, one object per fingerprint."""
    return json.dumps([as_record(rank, row) for rank, row in enumerate(rows, 1)], indent=2)


def summary(report: DigestReport, shown: int) -> str:
    span = ""
    if report.first_seen and report.last_seen:
        span = f", {_when(report.first_seen)} to {_when(report.last_seen)}"
    return (
        f"{report.events} queries, {len(report.rows)} fingerprints, "
        f"{report.total_time_s:.3f} s in all{span}; top {shown} by total time"
    )


def _cells(rank: int, row: DigestRow, width: int) -> list[str]:
    return [
        str(rank),
        f"{row.total_time_s:.3f}",
        f"{row.share * 100:.1f}%",
        str(row.count),
        f"{row.avg_time_s:.3f}",
        f"{row.p95_time_s:.3f}",
        f"{row.max_time_s:.3f}",
        human_number(row.rows_examined),
        first_line(row.fingerprint, width),
    ] + ([where(row)] if row.instances else [])


def _headers(rows: Sequence[DigestRow]) -> list[str]:
    """A WHERE column (the instance that ran a class most, +others) in a fleet digest."""
    return HEADERS + (["WHERE"] if any(row.instances for row in rows) else [])


def render_text(report: DigestReport, rows: Sequence[DigestRow]) -> str:
    table = text_table(
        _headers(rows), [_cells(i, row, FINGERPRINT_WIDTH) for i, row in enumerate(rows, 1)]
    )
    return "\n".join([summary(report, len(rows)), "", *table])


def _section(rank: int, row: DigestRow) -> list[str]:
    seen = f"{_when(row.first_seen) or '-'} to {_when(row.last_seen) or '-'}"
    return [
        f"## {rank}. {row.query_id} ({row.share * 100:.1f}% of the time)",
        "",
        f"- count {row.count}, total {row.total_time_s:.3f} s, avg {row.avg_time_s:.3f} s, "
        f"p95 {row.p95_time_s:.3f} s, max {row.max_time_s:.3f} s, lock {row.lock_time_s:.3f} s",
        f"- rows sent {row.rows_sent}, rows examined {row.rows_examined}; db {row.db or '-'}",
        f"- seen {seen}",
        "",
        "```sql",
        row.fingerprint.replace("```", "'''"),
        "```",
        "",
        "Slowest sample (masked):",
        "",
        "```sql",
        row.sample.replace("```", "'''"),
        "```",
        "",
    ]


def render_markdown(report: DigestReport, rows: Sequence[DigestRow]) -> str:
    table = table_markdown(_headers(rows), [_cells(i, row, 60) for i, row in enumerate(rows, 1)])
    lines = ["# Slow-query digest", "", summary(report, len(rows)), "", table]
    for rank, row in enumerate(rows, 1):
        lines += _section(rank, row)
    return "\n".join(lines).rstrip("\n")
