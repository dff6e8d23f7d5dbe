"""The paid-call cache: every Cost Explorer request costs $0.01, so each is made once at most.

Answers are kept on disk for a TTL, keyed by a hash of the request; identical requests in flight
share one call (one asyncio task); every paid request is counted (this session, and today in a
per-day file shared by every console process) and refused once today's spend would pass the
daily budget. Disk work runs in a thread; the counter is readable as a `PaidCalls` model.

One budget for a team: today's calls and dollars are a `DayTally` (`paid-calls-DAY.json`, keys
day/calls/usd) in the cache folder, which a team may share (sharedfolder.py: every member reads
the others' answers, takes the same lock and counts on the same day's file); the budget check
and the count are one step under that lock, so two processes never both make the last call
the budget allows.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from console.data.aws.daytally import DayTally, OverLimitError, utc_day
from console.data.aws.sharedfolder import write_shared
from console.data.aws_models import PaidCalls

Charge = Callable[[], Awaitable[None]]
"""Awaited by the caller right before each paid request; raises BudgetExceededError past budget."""


class BudgetExceededError(Exception):
    """Today's paid calls would pass the configured daily budget: the call is not made."""


def request_key(request: Mapping[str, Any]) -> str:
    """A stable hash of a request (operation and parameters)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:40]


USD_PARTS = 10_000
"""Dollars are counted in ten-thousandths: the day's file has always kept them to 4 places."""


def _parts(usd: float) -> int:
    return round(usd * USD_PARTS)


class PaidCallCache:
    """Disk cache + in-flight sharing + counter + daily budget for one kind of paid call."""

    def __init__(
        self,
        directory: Path,
        *,
        ttl_s: float,
        budget_usd: float,
        price_usd: float,
        day: Callable[[], str] = utc_day,
    ) -> None:
        self.directory = directory
        self.ttl_s = ttl_s
        self.budget_usd = budget_usd
        self.price_usd = price_usd
        self._day = day
        self._tally = DayTally(
            directory, "paid-calls", amount_key="usd", count_key="calls", scale=USD_PARTS, day=day
        )
        self._inflight: dict[str, asyncio.Task[Any]] = {}
        self.session_calls = 0
        self.session_cached = 0
        self._today: tuple[str, int, float] = (day(), 0, 0.0)

    async def get(
        self, request: Mapping[str, Any], call: Callable[[Charge], Awaitable[Any]]
    ) -> tuple[Any, bool]:
        """(answer, from_cache): the cached answer, a shared in-flight one, or `call(charge)`.

        The answer must be JSON-serialisable. A failed call is not cached.
        """
        key = request_key(request)
        cached = await asyncio.to_thread(self._read, key)
        if cached is not None:
            self.session_cached += 1
            return cached, True
        task = self._inflight.get(key)
        if task is not None:
            answer = await asyncio.shield(task)
            self.session_cached += 1
            return answer, True
        task = asyncio.ensure_future(self._call_and_store(key, request, call))
        self._inflight[key] = task
        task.add_done_callback(lambda _done: self._inflight.pop(key, None))
        return await asyncio.shield(task), False

    async def _call_and_store(
        self, key: str, request: Mapping[str, Any], call: Callable[[Charge], Awaitable[Any]]
    ) -> Any:
        answer = await call(self.charge)
        await asyncio.to_thread(self._write, key, request, answer)
        return answer

    async def charge(self) -> None:
        """Count one paid request, or raise BudgetExceededError (nothing is counted then)."""
        day, calls, usd = await asyncio.to_thread(self._charge_today)
        self._today = (day, calls, usd)
        self.session_calls += 1

    def counter(self) -> PaidCalls:
        """The counter as last seen by this process (no I/O)."""
        day, calls, usd = self._today
        if day != self._day():
            calls, usd = 0, 0.0
        return PaidCalls(
            session_calls=self.session_calls,
            session_cached=self.session_cached,
            session_usd=round(self.session_calls * self.price_usd, 4),
            today_calls=calls,
            today_usd=usd,
            budget_usd=self.budget_usd,
        )

    async def snapshot(self) -> PaidCalls:
        """The counter with today's figures re-read from disk (other processes count too)."""
        day = self._day()
        spent, calls = await asyncio.to_thread(self._tally.read, day)
        self._today = (day, calls, spent / USD_PARTS)
        return self.counter()

    # --- disk (run in a thread) ---------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self.directory / f"ce-{key}.json"

    def _read(self, key: str) -> Any | None:
        path = self._path(key)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or time.time() - float(stored.get("at", 0)) > self.ttl_s:
            return None
        return stored.get("answer")

    def _write(self, key: str, request: Mapping[str, Any], answer: Any) -> None:
        record = {"at": time.time(), "request": request, "answer": answer}
        write_shared(self._path(key), json.dumps(record, default=str))

    def _charge_today(self) -> tuple[str, int, float]:
        """(day, today's calls, today's dollars) after counting one call within the budget."""
        price, budget = _parts(self.price_usd), _parts(self.budget_usd)
        try:
            day, spent, calls = self._tally.add(price, limit=budget)
        except OverLimitError as over:
            raise BudgetExceededError(
                f"daily Cost Explorer budget reached: {over.count} calls, "
                f"${over.amount / USD_PARTS:.2f} of ${self.budget_usd:.2f} spent today (UTC); "
                f"each call costs ${self.price_usd:.2f}. Cached answers still show; raise "
                "[aws] cost_daily_budget_usd to allow more"
            ) from None
        return day, calls, spent / USD_PARTS
