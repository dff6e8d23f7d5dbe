"""A figure counted per UTC day by every console process sharing the AWS cache folder.

Why one helper: Cost Explorer's paid calls and dollars (costcache.py), Logs Insights' bytes
scanned (scancount.py) and CloudWatch's metrics requested (metriccount.py) are all "so much
today, in so many requests", read and added by every member of a team on one jump host. Each
day is one small JSON file in the cache folder (`{prefix}-{day}.json`), rewritten whole under
the folder's lock (sharedfolder.shared_lock), so two processes adding at once both count and a
reader never sees half a file. A limit is checked under the same lock as the count
(`add(..., limit=)`): two processes never both pass it for the last amount it allows.
Blocking: callers on the event loop run `read` and `add` in a thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.data.aws.sharedfolder import shared_lock, write_shared


def utc_day() -> str:
    return datetime.now(UTC).date().isoformat()


class OverLimitError(Exception):
    """Adding would pass the limit: nothing was counted. Carries today's figures as they are."""

    def __init__(self, day: str, amount: int, count: int) -> None:
        super().__init__(f"{day}: {amount} in {count} already counted")
        self.day = day
        self.amount = amount
        self.count = count


class DayTally:
    """Today's amount and count of one figure, in `{prefix}-{day}.json` of `directory`.

    `scale`: the amount is counted in whole 1/scale parts of what the file holds (Cost
    Explorer's file holds dollars to 4 places: counted in ten-thousandths, stored as dollars,
    so a day's file written before this helper existed reads the same)."""

    def __init__(
        self,
        directory: Path,
        prefix: str,
        *,
        amount_key: str,
        count_key: str,
        scale: int = 1,
        day: Callable[[], str] = utc_day,
    ) -> None:
        self.directory = directory
        self._prefix = prefix
        self._amount_key = amount_key
        self._count_key = count_key
        self._scale = scale
        self.day = day

    def _path(self, day: str) -> Path:
        return self.directory / f"{self._prefix}-{day}.json"

    def read(self, day: str) -> tuple[int, int]:
        """(amount, count) counted on `day` by every process; (0, 0) before the first."""
        try:
            stored = json.loads(self._path(day).read_text(encoding="utf-8"))
            return self._counted(stored[self._amount_key]), int(stored[self._count_key])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0

    def add(self, amount: int, *, limit: int | None = None) -> tuple[str, int, int]:
        """Count one request of `amount` today; (day, today's amount, today's count) after it.

        With `limit`: raise OverLimitError, counting nothing, when today's amount plus this one
        would pass it (checked and counted under one lock)."""
        day = self.day()
        with shared_lock(self.directory):
            total, count = self.read(day)
            if limit is not None and total + amount > limit:
                raise OverLimitError(day, total, count)
            total, count = total + amount, count + 1
            stored = total if self._scale == 1 else total / self._scale
            record = {"day": day, self._amount_key: stored, self._count_key: count}
            write_shared(self._path(day), json.dumps(record))
        return day, total, count

    def _counted(self, stored: Any) -> int:
        return int(stored) if self._scale == 1 else round(float(stored) * self._scale)
