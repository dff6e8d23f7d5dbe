"""The Logs Insights daily budget: bytes scanned today, counted by every console process.

Why: Logs Insights bills by the bytes a query scans ($0.005 a GB), and a query over a few busy
groups and a wide window scans gigabytes. Like Cost Explorer's paid calls (costcache.py), the
day's figure lives in one file per UTC day in the cache folder (`logs-scanned-DAY.json`), under
the same lock and with the same group sharing, so a team on a jump host counts together: a
query is refused once today's bytes reached `[aws] logs_daily_budget_gb`, unless the person
asks to go past it (`--over-budget`, or the Logs screen's run past the budget).

What is counted is what the endpoint reports in the query's statistics (`bytesScanned`) when
the query ends. An endpoint that reports none (the lab's moto) adds nothing: it is counted as a
query with bytes not reported, never as an estimate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from console.data.aws.costcache import BudgetExceededError
from console.data.aws.daytally import DayTally, utc_day
from console.data.aws_models import ScanBudget
from console.formatting.insights import GB, gigabytes


class ScanCounter:
    """Today's Logs Insights bytes scanned (all processes) and this session's, against a budget."""

    def __init__(
        self, directory: Path, budget_gb: float, *, day: Callable[[], str] = utc_day
    ) -> None:
        self.directory = directory
        self.budget_bytes = int(budget_gb * GB)
        self._day = day
        self._tally = DayTally(
            directory, "logs-scanned", amount_key="bytes", count_key="queries", day=day
        )
        self._today: tuple[str, int, int] = (day(), 0, 0)
        self.session_bytes = 0
        self.session_queries = 0
        self.unreported = 0

    async def check(self, over_budget: bool = False) -> None:
        """Raise BudgetExceededError when today's bytes reached the budget (unless
        `over_budget`: the person chose to go past it)."""
        await self.snapshot()
        _day, scanned, queries = self._today
        if over_budget or scanned < self.budget_bytes:
            return
        raise BudgetExceededError(
            f"daily Logs Insights budget reached: {gigabytes(scanned)} scanned today (UTC) by "
            f"{queries} queries, of a budget of {gigabytes(self.budget_bytes)} ([aws] "
            "logs_daily_budget_gb). Run with --over-budget (in the Logs screen: F5 again) to "
            "go past it, or raise the budget"
        )

    async def add(self, scanned: float | None) -> None:
        """Count one finished query's bytes (None: the endpoint did not report them)."""
        amount = int(scanned or 0)
        self.session_queries += 1
        self.session_bytes += amount
        if scanned is None:
            self.unreported += 1
        self._today = await asyncio.to_thread(self._tally.add, amount)

    async def snapshot(self) -> ScanBudget:
        """The figures with today's re-read from disk (other processes count too)."""
        day = self._day()
        scanned, queries = await asyncio.to_thread(self._tally.read, day)
        self._today = (day, scanned, queries)
        return self.counter()

    def counter(self) -> ScanBudget:
        """The figures as last seen by this process (no I/O)."""
        day, scanned, queries = self._today
        if day != self._day():
            scanned, queries = 0, 0
        return ScanBudget(
            today_bytes=scanned,
            today_queries=queries,
            budget_bytes=self.budget_bytes,
            session_bytes=self.session_bytes,
            session_queries=self.session_queries,
            unreported_queries=self.unreported,
        )
