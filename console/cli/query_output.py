"""`opsconsole plan`, `query` and `redis`: the guard's verdict and guarded reads, headless.

What is printed comes from the query service (console/services/query.py), which scrubs every
text it hands back (the plan's statement and reasons, Redis reply lines; rows are masked by the
data layer), as it does for the Query tab: this module only lays it out.
"""

from __future__ import annotations

import json
from typing import Any

from console.data.models import QueryResult, RedisReply
from console.formatting import table_csv, text_table
from console.safety.sqlguard import Plan


def plan_record(verdict: Plan) -> dict[str, Any]:
    return {
        "classification": verdict.classification,
        "statement": verdict.statement,
        "confirmations": verdict.confirmations,
        "reasons": list(verdict.reasons),
    }


def render_plan(verdict: Plan, as_json: bool) -> str:
    record = plan_record(verdict)
    if as_json:
        return json.dumps(record, indent=2)
    lines = [
        f"classification: {record['classification']}",
        f"statement:      {record['statement']}",
        f"confirmations:  {record['confirmations']}",
    ]
    lines += [f"reason:         {reason}" for reason in record["reasons"]]
    return "\n".join(lines)


def render_result(result: QueryResult, fmt: str) -> str:
    cells = [["NULL" if c is None else c for c in row] for row in result.rows]
    if fmt == "json":
        records = [dict(zip(result.columns, row, strict=False)) for row in result.rows]
        return json.dumps(records, indent=2, default=str)
    if fmt == "csv":
        return table_csv(list(result.columns), cells).rstrip("\n")
    return "\n".join(text_table(list(result.columns), cells) if result.columns else [])


def render_reply(reply: RedisReply, instance: str, as_json: bool = False) -> str:
    """The reply's lines (already scrubbed by the query service), or one JSON object."""
    if as_json:
        record = {"instance": instance, "command": list(reply.command), "lines": list(reply.lines)}
        return json.dumps(record, indent=2, ensure_ascii=False)
    return "\n".join(reply.lines)
