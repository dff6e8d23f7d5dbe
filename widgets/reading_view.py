"""How every widget shows the state of its latest Reading: loading, fresh, or stale with an error.

One function for all widgets, so a failing source looks the same everywhere: the last good value
stays on screen, marked `-stale -error`, and the border subtitle says how old it is and why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.widget import Widget

from console.data.models import Reading
from console.formatting import human_duration

Clock = Callable[[], datetime]
"""What a widget asks for 'now' (injected in tests and snapshots, so no live clock shows)."""

STATE_CLASSES = ("-loading", "-stale", "-error")


def utcnow() -> datetime:
    return datetime.now(UTC)


def reading_subtitle(
    reading: Reading[Any] | None, last_good_at: datetime | None, now: datetime
) -> str:
    """The border subtitle for a reading: 'loading…', nothing when fresh, or 'stale 12s · why'.

    Fresh data says nothing here (the status bar has the time): a subtitle that changed on
    every poll would repaint the whole bordered widget, a full screen over SSH every refresh.
    """
    if reading is None:
        return "loading…"
    if reading.error is None:
        return ""
    why = f"{reading.error.kind}: {reading.error.message}"
    if last_good_at is None:
        return f"no data · {why}"
    age_s = max(0, int((now - last_good_at).total_seconds()))
    return f"stale {human_duration(age_s) if age_s else '<1s'} · {why}"


def reading_classes(reading: Reading[Any] | None, has_value: bool) -> set[str]:
    """The state classes a widget should carry for this reading (the rest are removed)."""
    if reading is None:
        return {"-loading"}
    if reading.error is None:
        return set()
    return {"-stale", "-error"} if has_value else {"-error"}


def show_reading_state(
    widget: Widget,
    reading: Reading[Any] | None,
    *,
    last_good_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """Set the state classes and border subtitle of `widget` for its latest reading.

    `last_good_at` is when the value still on screen was fetched (the widget keeps that value
    itself); `now` defaults to the wall clock.
    """
    wanted = reading_classes(reading, last_good_at is not None)
    widget.set_class(False, *(name for name in STATE_CLASSES if name not in wanted))
    widget.set_class(True, *wanted)
    subtitle = reading_subtitle(reading, last_good_at, now or utcnow())
    if str(widget.border_subtitle or "") != subtitle:
        widget.border_subtitle = Text(subtitle)
