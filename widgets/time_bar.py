"""TimeBar: where a replay stands in its recording, on one line above the status bar.

`03:10:00 ├───◆──●────◆──┤ 03:50:00  ● 03:12:05 +2m05s`: the recording's first and last sample,
its changes of health or alerts (◆, where `{` and `}` stop) and the cursor (●) with its time and
how far into the recording it is. A narrow terminal drops the ends' times first, then the marks
squeeze into fewer cells; the cursor's time always shows.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.formatting.moments import clock, offset

MIN_TRACK = 8
"""Cells below which the track is not drawn (the cursor's time alone)."""
HINT_TRACK = 24
"""The keys' hint shows only while the track keeps at least this many cells beside it."""


class TimeBar(Static):
    """The replay's time line: start, end, change marks and the cursor."""

    DEFAULT_CSS = """
    TimeBar { height: 1; padding: 0 1; background: $boost; }
    """

    start: reactive[datetime | None] = reactive(None)
    end: reactive[datetime | None] = reactive(None)
    cursor: reactive[datetime | None] = reactive(None)
    marks: reactive[tuple[datetime, ...]] = reactive(())
    """The changes of health or alerts (`{` and `}` go from one to the next)."""
    hint: reactive[tuple[tuple[str, str], ...]] = reactive(())
    """The replay's keys and what they do (`("[ ]", "step")`, ...), shown when there is room
    (`[ ] step · { } change · g go to`, else the keys alone `[ ] { } g`): the footer lists the
    App's keys last, where a terminal of less than ~250 columns cuts them."""

    def _hints(self) -> tuple[str, ...]:
        """The hint, then its keys alone, each with its margin."""
        if not self.hint:
            return ()
        said = " · ".join(f"{keys} {does}" for keys, does in self.hint)
        return (f"   {said}", "   " + " ".join(keys for keys, _ in self.hint))

    def render(self) -> Text:
        start, end, cursor = self.start, self.end, self.cursor
        text = Text(no_wrap=True, overflow="ellipsis")
        if start is None or end is None or cursor is None:
            return text
        here = f"  ● {clock(cursor)} {offset(cursor, start)}"
        room = self.content_region.width or 120
        ends = (f"{clock(start)} ", f" {clock(end)}")
        track = room - len(here) - len(ends[0]) - len(ends[1])
        hint = next((h for h in self._hints() if track - len(h) >= HINT_TRACK), "")
        track -= len(hint)
        if track < MIN_TRACK:
            ends = ("", "")
            track = room - len(here)
        if track >= MIN_TRACK:
            text.append(ends[0], style="dim")
            text.append_text(track_text(track, start, end, cursor, self.marks))
            text.append(ends[1], style="dim")
        text.append(here, style="bold")
        text.append(hint, style="dim")
        return text


def track_text(
    width: int, start: datetime, end: datetime, cursor: datetime, marks: tuple[datetime, ...]
) -> Text:
    """`├───◆──●───┤` over `width` cells: the ends, the change marks and the cursor."""
    inner = width - 2
    cells = ["─"] * inner
    styles = ["dim"] * inner
    for mark in marks:
        at = _cell(mark, start, end, inner)
        cells[at], styles[at] = "◆", "yellow"
    at = _cell(cursor, start, end, inner)
    cells[at], styles[at] = "●", "bold cyan"
    text = Text("├", style="dim")
    for cell, style in zip(cells, styles, strict=True):
        text.append(cell, style=style)
    text.append("┤", style="dim")
    return text


def _cell(moment: datetime, start: datetime, end: datetime, cells: int) -> int:
    """The cell of `moment` on a track of `cells` cells from `start` to `end`."""
    span = (end - start).total_seconds()
    if span <= 0 or cells <= 1:
        return 0
    share = (moment - start).total_seconds() / span
    return max(0, min(cells - 1, round(share * (cells - 1))))
