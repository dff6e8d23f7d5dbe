"""Where a replay stands in its recording: TIME parsed, one step, the next change.

One parser for every front: `opsconsole --replay DIR --at TIME`, `screenshot --replay`,
`investigate --replay` and the console's `g` all call `parse_time`, so a TIME that works in one
place works in all of them and is refused with the same words.

TIME is one of:
- relative to the recording: `+30s` from its first sample, `-5m` from its last (units s, m, h,
  d, combined as `+1m30s`); `start` and `end`;
- ISO 8601: `2026-12-05T03:12:05Z`, `2026-12-05 03:12` (no zone: UTC), or a time of day alone,
  `03:12` or `03:12:05` (UTC, on the day of the recording that holds it).
Why refuse a TIME outside the recording instead of clamping it: an on-call who asks for 03:12
and silently gets 03:40 reads the wrong minute of the incident.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from console.formatting.moments import iso

_RELATIVE = re.compile(r"^([+-])((?:\d+(?:\.\d+)?[smhd])+)$", re.IGNORECASE)
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}

FORMS = "+30s (from the start), -5m (from the end), start, end, 03:12:05, or 2026-12-05T03:12:05Z"
"""The accepted forms, as every refusal names them."""


class TimeError(ValueError):
    """A TIME that cannot be read or lies outside the recording; the text says which and why."""


def parse_time(text: str, start: datetime, end: datetime) -> datetime:
    """The moment TIME names in a recording from `start` to `end` (UTC); TimeError otherwise."""
    said = text.strip()
    if not said:
        raise TimeError(f"no TIME given: expected {FORMS}")
    moment = _read(said, start, end)
    if not start <= moment <= end:
        where = "before the recording starts" if moment < start else "after the recording ends"
        raise TimeError(
            f"TIME {said!r} ({iso(moment)}) is {where}: it holds {iso(start)} to {iso(end)}"
        )
    return moment


def _read(said: str, start: datetime, end: datetime) -> datetime:
    word = said.lower()
    if word in ("start", "end"):
        return start if word == "start" else end
    relative = _RELATIVE.match(said)
    if relative is not None:
        delta = timedelta(
            seconds=sum(float(n) * _UNIT_S[u.lower()] for n, u in _PART.findall(relative[2]))
        )
        return start + delta if relative[1] == "+" else end - delta
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?", said):
        return _time_of_day(said, start, end)
    try:
        moment = datetime.fromisoformat(said)
    except ValueError:
        raise TimeError(f"TIME {said!r}: expected {FORMS}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _time_of_day(said: str, start: datetime, end: datetime) -> datetime:
    """A time of day on the recording's day that holds it (a recording may span midnight)."""
    padded = "0" + said if said.index(":") == 1 else said  # 3:12 -> 03:12
    try:
        of_day = time.fromisoformat(padded)
    except ValueError:
        raise TimeError(f"TIME {said!r}: not a time of day (expected HH:MM or HH:MM:SS)") from None
    days: list[date] = []
    day = start.astimezone(UTC).date()
    while day <= end.astimezone(UTC).date():
        days.append(day)
        day += timedelta(days=1)
    moments = [datetime.combine(d, of_day, tzinfo=UTC) for d in days]
    inside = [m for m in moments if start <= m <= end]
    return inside[0] if inside else moments[0]


@dataclass(frozen=True, slots=True)
class Timeline:
    """A recording's sample times and its changes of health or alerts, for moving a cursor.

    `times` are the distinct sample times, sorted (a recorder stamps each interval's samples
    with one time, so one time is one step of `[` and `]`).
    """

    times: tuple[datetime, ...]
    changes: tuple[datetime, ...]

    @property
    def start(self) -> datetime:
        return self.times[0]

    @property
    def end(self) -> datetime:
        return self.times[-1]

    def step(self, cursor: datetime, count: int) -> datetime:
        """`count` samples later (negative: earlier), stopping at the first and the last."""
        times = self.times
        if count > 0:
            index = bisect_right(times, cursor) - 1 + count
        else:
            index = bisect_left(times, cursor) + count
        return times[max(0, min(len(times) - 1, index))]

    def change(self, cursor: datetime, direction: int) -> datetime | None:
        """The previous (-1) or next (+1) change of health or alerts; None when there is none."""
        moments = self.changes
        if direction > 0:
            index = bisect_right(moments, cursor)
            return moments[index] if index < len(moments) else None
        index = bisect_left(moments, cursor) - 1
        return moments[index] if index >= 0 else None

    def typical_step_s(self) -> float:
        """The median time between two samples (the recorder's shortest interval, mostly)."""
        gaps = sorted(
            (b - a).total_seconds() for a, b in zip(self.times, self.times[1:], strict=False)
        )
        return gaps[len(gaps) // 2] if gaps else 0.0
