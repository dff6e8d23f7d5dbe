"""CloudWatch GetMetricData: the metrics requested (counted) and the answers reused (cached).

Why: GetMetricData is billed by the metric requested ($0.01 per 1,000), and every open chart
pane, investigation and recorder asks again and again: a chart of ten figures refreshed every
15 s by five people is 200,000 metrics a day. Like Cost Explorer's calls and Logs Insights'
bytes, the day's figure is counted by every process sharing the cache folder (`DayTally`,
`cloudwatch-metrics-DAY.json`), and an answer is reused for the same window asked again within
the same period (a datapoint of a 60 s period cannot change inside that minute).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from pathlib import Path
from typing import Any

from console.data.aws.daytally import DayTally, utc_day

PRICE_PER_METRIC_USD = 0.00001
"""AWS's list price of GetMetricData: $0.01 per 1,000 metrics requested."""
CACHE_SIZE = 64
"""Chart answers kept (a key per instance, figures and window)."""


def period_key(moment: datetime, period_s: int) -> int:
    """The period `moment` falls in: requests whose window starts and ends in the same periods
    get the same answer."""
    return int(moment.timestamp()) // max(1, period_s)


class MetricCounter:
    """Metrics requested this session and today (every process), and answers from the cache."""

    def __init__(self, directory: Path, *, day: Callable[[], str] = utc_day) -> None:
        self._tally = DayTally(
            directory, "cloudwatch-metrics", amount_key="metrics", count_key="requests", day=day
        )
        self.session_metrics = 0
        self.session_requests = 0
        self.session_cached = 0
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()

    def cached(self, key: Hashable) -> Any | None:
        """The answer kept for `key` (counted as served from the cache), or None."""
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
            self.session_cached += 1
        return answer

    def keep(self, key: Hashable, answer: Any) -> None:
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > CACHE_SIZE:
            self._answers.popitem(last=False)

    async def add(self, metrics: int) -> None:
        """Count one request of `metrics` metrics (this session and today's shared file)."""
        self.session_metrics += metrics
        self.session_requests += 1
        await asyncio.to_thread(self._tally.add, metrics)

    async def today(self) -> tuple[int, int]:
        """(metrics, requests) counted today by every process."""
        return await asyncio.to_thread(self._tally.read, self._tally.day())
