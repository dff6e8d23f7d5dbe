"""CloudWatch Logs Insights: start a query, read its results (masked), stop it, list log groups.

Every query gets a limit: `| limit N` is appended when the text has no `limit` command (N is the
caller's, `[console] row_limit` by default, at most Logs Insights' own 10,000), so a query never
asks for more rows than the console shows. Results come back as an `InsightsResult` whose every
value went through the project's masking and redaction (by field name, then by value), here,
before any screen or verb sees it; `@ptr` (an opaque pointer) is left out. A query is refused
before it starts once today's bytes scanned reached the daily budget (scancount.py), and its
bytes are counted once, when its results first come back finished.

What the lab's moto (5.2.5) does differently, and what the console does about it:
- it answers `fields` (@timestamp, @message, @logStream, @log), `sort @timestamp` and `limit`,
  and ignores every other command (`filter`, `stats`, `parse`, `display`): a filter query
  returns the window's events unfiltered there;
- it reports no statistics: records matched/scanned and bytes scanned are None, shown as
  "not reported by this endpoint", and such a query adds 0 bytes to the day's count;
- its @timestamp is epoch milliseconds; it is shown as AWS shows it (`2026-12-05 09:11:18.000`);
- a query its parser cannot read (`limit abc`) and StopQuery both fail with a bare HTTP 500,
  said in words below; AWS answers a malformed query with MalformedQueryException and where.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from console.data.aws.clients import AwsClients, error_code
from console.data.aws.scancount import ScanCounter
from console.data.aws_models import (
    InsightsResult,
    InsightsStarted,
    InsightsStatistics,
)
from console.safety.masking import mask_cell
from console.safety.redact import redact
from console.safety.scrub import scrub

MAX_LIMIT = 10_000  # Logs Insights returns at most this many rows
MAX_GROUPS = 50  # one query reads at most 50 log groups
GROUP_PAGES = 20  # describe_log_groups pages (50 groups each) read at most
_LIMIT = re.compile(r"(?:^|\|)\s*limit\b", re.IGNORECASE)
_EPOCH_MS = re.compile(r"\d{13}")
_TIME_FIELDS = frozenset({"@timestamp", "@ingestionTime"})


class InsightsClientError(Exception):
    """Logs Insights refused a query; the message says why in the server's words."""


def bounded(query: str, limit: int) -> str:
    """`query` with `| limit N` appended when it has no limit command of its own."""
    text = query.strip()
    if _LIMIT.search(text):
        return text
    return f"{text} | limit {max(1, min(limit, MAX_LIMIT))}"


def scrub_cell(field: str, value: str) -> str:
    """One result value masked as a table cell is (by its field's name, then by its value),
    with credentials redacted before and after."""
    return redact(mask_cell(field, redact(value)) or "")


def _shown_value(field: str, value: str) -> str:
    """@timestamp as AWS writes it (moto sends epoch milliseconds)."""
    if field in _TIME_FIELDS and _EPOCH_MS.fullmatch(value):
        moment = datetime.fromtimestamp(int(value) / 1000, UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{int(value) % 1000:03d}"
    return value


def _statistic(stats: Mapping[str, Any], key: str) -> float | None:
    value = stats.get(key)
    return float(value) if isinstance(value, int | float) else None


def parse_results(
    query_id: str, answer: Mapping[str, Any], started: InsightsStarted | None, limit: int
) -> InsightsResult:
    """A get_query_results answer as a masked InsightsResult (at most `limit` rows)."""
    fields: list[str] = []
    rows: list[tuple[tuple[str, str], ...]] = []
    for record in list(answer.get("results") or [])[:limit]:
        row: list[tuple[str, str]] = []
        for cell in record:
            name = str(cell.get("field", ""))
            if not name or name == "@ptr":
                continue
            if name not in fields:
                fields.append(name)
            row.append((name, scrub_cell(name, _shown_value(name, str(cell.get("value", ""))))))
        rows.append(tuple(row))
    stats = answer.get("statistics") or {}
    return InsightsResult(
        query_id=query_id,
        status=str(answer.get("status") or "Unknown"),
        fields=tuple(fields),
        rows=tuple(rows),
        statistics=InsightsStatistics(
            records_matched=_statistic(stats, "recordsMatched"),
            records_scanned=_statistic(stats, "recordsScanned"),
            bytes_scanned=_statistic(stats, "bytesScanned"),
        ),
        query=started.query if started else "",
        groups=started.groups if started else (),
    )


def rejected(exc: BaseException, groups: Sequence[str]) -> str | None:
    """Why the server refused a query, in words, from its error (None: not a refusal)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = error_code(exc) or ""
    error = response.get("Error") or {}
    message = " ".join(str(error.get("Message", "")).split())
    if code == "MalformedQueryException":
        where = (response.get("queryCompileError") or {}).get("location") or {}
        at = f" (line {where['line']}, column {where['startCharOffset']})" if where else ""
        return f"Logs Insights could not parse the query{at}: {message}"
    if code == "ResourceNotFoundException":
        return f"{message or 'a log group does not exist'} (asked for: {', '.join(groups)})"
    if code in ("InvalidParameterException", "LimitExceededException"):
        return f"Logs Insights refused the query ({code}): {message}"
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    if isinstance(status, int) and status >= 500 and (not message or message.startswith("<")):
        return (
            f"the Logs endpoint failed on this query with HTTP {status} and gave no reason: "
            "check the query's syntax (the lab's moto answers so a query its parser cannot "
            "read, such as `limit abc`)"
        )
    return None


class InsightsSource:
    """Logs Insights calls of one region, the day's scan counter, and what was started."""

    def __init__(self, clients: AwsClients, counter: ScanCounter) -> None:
        self.clients = clients
        self.counter = counter
        self._started: dict[str, tuple[InsightsStarted, int]] = {}
        self._counted: set[str] = set()
        self._stopped: set[str] = set()  # asked to stop: the next read counts, done or not

    async def start(
        self,
        groups: Sequence[str],
        query: str,
        window: tuple[datetime, datetime],
        limit: int,
        over_budget: bool = False,
    ) -> InsightsStarted:
        """Start a query over `groups` in [since, until] (after the budget check)."""
        await self.counter.check(over_budget)
        sent = bounded(query, limit)
        since, until = window
        async with self.clients.client("logs") as client:
            try:
                answer = await client.start_query(
                    logGroupNames=list(groups),
                    startTime=int(since.timestamp()),
                    endTime=int(until.timestamp()),
                    queryString=sent,
                )
            except Exception as exc:
                reason = rejected(exc, groups)
                if reason is None:
                    raise
                raise InsightsClientError(reason) from None
        # the text as shown back (a filter may quote an address): masked like a reading
        started = InsightsStarted(str(answer["queryId"]), scrub(sent), tuple(groups))
        own = _LIMIT.search(query) is not None  # the query's own limit stands
        self._started[started.query_id] = (started, MAX_LIMIT if own else max(1, limit))
        return started

    async def results(self, query_id: str) -> InsightsResult:
        """The query's results so far; once finished (or read after a stop, as AWS may still
        say Running then), its bytes scanned are counted, once."""
        async with self.clients.client("logs") as client:
            answer = await client.get_query_results(queryId=query_id)
        started, limit = self._started.get(query_id, (None, MAX_LIMIT))
        result = parse_results(query_id, answer, started, limit)
        if (result.done or query_id in self._stopped) and query_id not in self._counted:
            self._counted.add(query_id)
            await self.counter.add(result.statistics.bytes_scanned)
        return result

    async def stop(self, query_id: str) -> bool:
        """Stop a running query (True when the server says it stopped it)."""
        self._stopped.add(query_id)
        async with self.clients.client("logs") as client:
            try:
                answer = await client.stop_query(queryId=query_id)
            except Exception as exc:
                reason = rejected(exc, ())
                if reason is None:
                    raise
                raise InsightsClientError(f"StopQuery: {reason}") from None
        return bool(answer.get("success", False))

    async def groups(self, prefix: str = "") -> tuple[str, ...]:
        """The region's log group names (those starting with `prefix`), sorted, bounded."""
        params: dict[str, Any] = {"logGroupNamePrefix": prefix} if prefix else {}
        names: list[str] = []
        async with self.clients.client("logs") as client:
            for _page in range(GROUP_PAGES):
                answer = await client.describe_log_groups(**params)
                names += [str(g["logGroupName"]) for g in answer.get("logGroups", [])]
                token = answer.get("nextToken")
                if not token or token == params.get("nextToken"):
                    break
                params["nextToken"] = token
        return tuple(sorted(set(names)))
