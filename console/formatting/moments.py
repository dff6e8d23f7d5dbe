"""How a replay names a moment of its recording: UTC, whole seconds, and how far into it.

Why here: the time bar (a widget), the status bar's REPLAY mark and the replay service's
messages all say the same moment the same way, and widgets may import only formatting.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """`2026-12-05T03:12:05Z`: a moment in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def clock(moment: datetime) -> str:
    """`03:12:05`: a moment's time of day in UTC."""
    return f"{moment.astimezone(UTC):%H:%M:%S}"


def offset(moment: datetime, start: datetime) -> str:
    """`+2m05s`: how far `moment` is into a recording that starts at `start`."""
    seconds = max(0, round((moment - start).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"+{hours}h{minutes:02d}m{secs:02d}s"
    return f"+{minutes}m{secs:02d}s" if minutes else f"+{secs}s"
