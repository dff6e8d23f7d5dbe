"""SilenceTable: Alertmanager's silences in force, ending soonest first; and one silence whole.

Keyed by silence id and updated in place each poll. Enter posts SilenceChosen (the screen shows
it whole, `silence_view`); the screen expires the highlighted one (`x`). Nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.data.models import Silence
from console.formatting import human_duration
from widgets.bindings import bindings
from widgets.keyed_table import Cell, ColumnSpec, KeyedRow, ReadingTable, cell

MATCHERS_WIDTH = 48
COMMENT_WIDTH = 40


def until_text(moment: datetime | None, now: datetime) -> str:
    """`until 13:12` (UTC) today, `until Dec 07 13:12` another day; `-` when unknown."""
    if moment is None:
        return "-"
    at = moment.astimezone(UTC)
    if at.date() == now.astimezone(UTC).date():
        return f"until {at:%H:%M}"
    return f"until {at:%b %d %H:%M}"


def left_text(moment: datetime | None, now: datetime) -> str:
    """How long until `moment` (`1h58m`), `-` when unknown or past."""
    if moment is None or moment <= now:
        return "-"
    return human_duration((moment - now).total_seconds())


def silence_cells(silence: Silence, now: datetime) -> tuple[Cell, ...]:
    state_style = "yellow" if silence.state == "pending" else ""
    return (
        cell(until_text(silence.ends_at, now).removeprefix("until ")),
        cell(left_text(silence.ends_at, now)),
        cell(silence.state, state_style),
        cell(silence.created_by),
        cell(", ".join(silence.matchers)),
        cell(" ".join(silence.comment.split())),
        cell(silence.id[:8]),
    )


def silence_view(silence: Silence, now: datetime) -> Table:
    """One silence whole: every matcher on its line, times in UTC, the full comment and id."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("state", Text(silence.state))
    for label, moment in (("starts", silence.starts_at), ("ends", silence.ends_at)):
        shown = "-" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        table.add_row(label, Text(shown))
    table.add_row("left", Text(left_text(silence.ends_at, now)))
    table.add_row("created by", Text(silence.created_by))
    table.add_row("comment", Text(silence.comment or "-"))
    for index, matcher in enumerate(silence.matchers):
        table.add_row("matchers" if index == 0 else "", Text(matcher))
    table.add_row(Text("id", style="dim"), Text(silence.id, style="dim"))
    return table


class SilenceTable(ReadingTable[Silence]):
    """Silences in force and pending, ending soonest first; Enter posts SilenceChosen."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("silence.choose")
    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("ends", "ends (UTC)", 12),
        ("left", "left", 7),
        ("state", "state", 7),
        ("by", "by", 10),
        ("matchers", "matchers", MATCHERS_WIDTH),
        ("comment", "comment", COMMENT_WIDTH),
        ("id", "id", 8),
    )
    TITLE: ClassVar[str] = "silences"

    @dataclass
    class SilenceChosen(Message):
        """The user opened a silence (Enter)."""

        silence: Silence

    def highlighted_silence(self) -> Silence | None:
        return self.highlighted_item()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        silence = self.highlighted_silence()
        if silence is not None:
            self.post_message(self.SilenceChosen(silence))

    def _ordered(self, items: Sequence[Silence]) -> list[Silence]:
        return list(items)  # the source's order: in force first, ending soonest first

    def _filter_fields(self, item: Silence) -> tuple[str | None, ...]:
        return (item.created_by, item.comment, *item.matchers)

    def _rows(self, items: Sequence[Silence]) -> list[KeyedRow]:
        now = self._clock()
        return [(item.id, silence_cells(item, now)) for item in items]
