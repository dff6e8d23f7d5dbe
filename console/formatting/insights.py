"""How Logs Insights figures read, the same in `opsconsole logs` and the Logs screen.

Why one place: the bytes a query scanned are what it costs, and "not reported" must never read
as zero; the verb's lines and the screen's statistics line say it in the same words.
"""

from __future__ import annotations

from console.data.aws_models import InsightsResult, InsightsStatistics, ScanBudget

GB = 10**9
NOT_REPORTED = "not reported by this endpoint"


def gigabytes(value: float) -> str:
    """Bytes as GB (10**9, as AWS bills them): `0.000 GB`, `1.234 GB`, `12.3 GB`."""
    amount = value / GB
    return f"{amount:.3f} GB" if amount < 10 else f"{amount:.1f} GB"


def bytes_scanned(stats: InsightsStatistics, *, exact: bool = True) -> str:
    """`bytes scanned: 1.234 GB (1234567890 B)` (`exact`, else without the bytes) or
    `bytes scanned: not reported by this endpoint`."""
    if stats.bytes_scanned is None:
        return f"bytes scanned: {NOT_REPORTED}"
    exactly = f" ({stats.bytes_scanned:.0f} B)" if exact else ""
    return f"bytes scanned: {gigabytes(stats.bytes_scanned)}{exactly}"


def records(stats: InsightsStatistics) -> str:
    """`records matched 12 of 3400 scanned` (or not reported)."""
    if stats.records_matched is None and stats.records_scanned is None:
        return f"records: {NOT_REPORTED}"
    matched = "-" if stats.records_matched is None else f"{stats.records_matched:.0f}"
    scanned = "-" if stats.records_scanned is None else f"{stats.records_scanned:.0f}"
    return f"records matched {matched} of {scanned} scanned"


def budget_line(budget: ScanBudget) -> str:
    """`today 1.234 GB of the 5 GB daily budget (3 queries)`; queries whose endpoint reported
    no bytes are said (`, 1 not reported: 0`), as the count is low by their share."""
    queries = f"{budget.today_queries} {'query' if budget.today_queries == 1 else 'queries'}"
    if budget.unreported_queries:
        queries += f", {budget.unreported_queries} not reported: 0"
    line = (
        f"today {gigabytes(budget.today_bytes)} of the {budget.budget_bytes / GB:g} GB daily "
        f"budget ({queries})"
    )
    if budget.spent:
        line += ": spent, the next query is refused"
    return line


def summary(result: InsightsResult) -> str:
    """`Complete · 12 rows · bytes scanned: ... · records ...`."""
    rows = len(result.rows)
    stats = result.statistics
    head = f"{result.status} · {rows} {'row' if rows == 1 else 'rows'} · "
    if stats.bytes_scanned is None and stats.records_scanned is None:
        return f"{head}bytes scanned, records: {NOT_REPORTED}"
    return f"{head}{bytes_scanned(stats, exact=False)} · {records(stats)}"


def one_line(value: str, width: int | None = None) -> str:
    """A multi-line value on one line (`⏎` between lines), cut to `width` with `…`."""
    text = " ⏎ ".join(part.rstrip() for part in value.splitlines()) or value
    if width is not None and len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text


_SHORTER = (("/aws/rds/instance/", "rds:"), ("/aws/elasticache/", "elasticache:"),
            ("aws-luckyus-", ""), ("luckyus-", ""))  # fmt: skip


def short_group(name: str, width: int = 0) -> str:
    """A log group's name as a narrow list shows it: the AWS prefixes shortened
    (`rds:salesorder-rw/slowquery`), then its head cut (`…`) to `width` (0: no cut), since
    names share their heads and differ at their tails."""
    short = name
    for long, replacement in _SHORTER:
        short = short.replace(long, replacement, 1)
    if width and len(short) > width:
        return "…" + short[-(width - 1) :]
    return short
