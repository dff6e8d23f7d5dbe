"""A figure counted per UTC day by every console process sharing the AWS cache folder.

Why one helper: Logs Insights' bytes scanned (scancount.py) and CloudWatch's metrics requested
(metriccount.py) are both "so much today, in so many requests", read and added by every member
of a team on one jump host. Each day is one small JSON file in the cache folder
(`{prefix}-{day}.json`), rewritten whole under the cost cache's lock (costcache.shared_lock), so
two processes adding at once both count and a reader never sees half a file. Blocking: callers
on the event loop run `read` and `add` in a thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from console.data.aws.costcache import shared_lock, utc_day, write_shared


class DayTally:
    """Today's amount and count of one figure, in `{prefix}-{day}.json` of `directory`."""

    def __init__(
        self,
        directory: Path,
        prefix: str,
        *,
        amount_key: str,
        count_key: str,
        day: Callable[[], str] = utc_day,
    ) -> None:
        self.directory = directory
        self._prefix = prefix
        self._amount_key = amount_key
        self._count_key = count_key
        self.day = day

    def _path(self, day: str) -> Path:
        return self.directory / f"{self._prefix}-{day}.json"

    def read(self, day: str) -> tuple[int, int]:
        """(amount, count) counted on `day` by every process; (0, 0) before the first."""
        try:
            stored = json.loads(self._path(day).read_text(encoding="utf-8"))
            return int(stored[self._amount_key]), int(stored[self._count_key])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0

    def add(self, amount: int) -> tuple[str, int, int]:
        """Count one request of `amount` today; (day, today's amount, today's count) after it."""
        day = self.day()
        with shared_lock(self.directory):
            total, count = self.read(day)
            total, count = total + amount, count + 1
            record = {"day": day, self._amount_key: total, self._count_key: count}
            write_shared(self._path(day), json.dumps(record))
        return day, total, count
