"""AWS cost: Cost Explorer's report and what asking for it cost, for `opsconsole cost` and the
cost screen (`$`).

Why a service: the verb and the screen ask the same way (through the data layer's disk cache,
shared in flight, refused past the daily budget) and read the same paid-call counter, so what one
request cost ("from cache", "1 paid call", "refused or failed, no call") is worked out once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from console.data.aws_models import CostReport, PaidCalls
from console.data.layer import DataLayer
from console.data.models import Reading, Series


@dataclass(frozen=True, slots=True)
class CostAnswer:
    """One request for the report: the answer, the counter after it, and what it cost."""

    reading: Reading[CostReport]
    paid: PaidCalls
    """The paid-call counter after the request (this session, and today across processes)."""
    outcome: str
    """What the request cost, in words: "from cache", "1 paid call", "refused or failed…"."""
    trend: Reading[tuple[Series, ...]] | None
    """The daily totals for the chart; None when there is no report (the last chart stays)."""


def daily_trend(reading: Reading[CostReport]) -> Reading[tuple[Series, ...]] | None:
    """The report's daily totals as a chart's reading: one series, a point per day at midnight
    UTC, fetched when the report was; None without a report."""
    report = reading.value
    if report is None:
        return None
    points = tuple((datetime.combine(day.day, time(), UTC), day.amount) for day in report.daily)
    series = Series((("__name__", "daily cost"), ("what", "daily total")), points)
    return Reading(reading.instance, reading.source, reading.fetched_at, 0.0, value=(series,))


def outcome_of(before: PaidCalls | None, after: PaidCalls, answered: bool, cached: bool) -> str:
    """What one request cost, in words, from the counter before and after it."""
    made = after.session_calls - (before.session_calls if before else 0)
    if not answered:
        return f"failed after {made} paid call(s)" if made else "refused or failed, no call"
    if cached and made == 0:
        return "from cache"
    return "1 paid call" if made == 1 else f"{made} paid calls"


async def cost_report(data: DataLayer, days: int, before: PaidCalls | None = None) -> CostAnswer:
    """Month to date and the last `days` complete days, through the cache and the budget.

    `before` is the counter the caller last showed (else it is read first), so the outcome
    counts only this request's paid calls.
    """
    before = before or await data.paid_calls()
    reading = await data.cost_report(days)
    after = await data.paid_calls()
    cached = reading.value is not None and reading.value.from_cache
    outcome = outcome_of(before, after, reading.value is not None, cached)
    return CostAnswer(reading, after, outcome, daily_trend(reading))
