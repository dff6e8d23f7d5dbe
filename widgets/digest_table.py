"""DigestTable (top statements) and SlowlogTable (Redis SLOWLOG), both keyed tables.

Digests are ranked by total time, so the statement that costs the server most is on top; the
rows are keyed by digest and updated in place, as the process table's are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.data.models import Digest, SlowlogEntry
from console.formatting import first_line, human_duration, human_number
from widgets.bindings import bindings
from widgets.keyed_table import Cell, ColumnSpec, KeyedRow, ReadingTable, cell

STATEMENT_WIDTH = 60
COMMAND_WIDTH = 60


def digest_key(digest: Digest) -> str:
    """Row key: the same digest can be listed once per schema (performance_schema does)."""
    return f"{digest.schema or ''}/{digest.digest}"


def digest_cells(rank: int, digest: Digest) -> tuple[Cell, ...]:
    """One digest as table cells."""
    return (
        str(rank),
        human_number(digest.calls),
        human_duration(digest.total_time_s),
        human_duration(digest.avg_time_s),
        human_duration(digest.max_time_s),
        human_number(digest.rows_examined),
        cell(digest.schema),
        cell(first_line(digest.text, STATEMENT_WIDTH)),
    )


class DigestTable(ReadingTable[Digest]):
    """Normalised statements by total time; Enter posts DigestChosen."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("digest.choose")
    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("rank", "#", 3),
        ("calls", "calls", 7),
        ("total", "total", 8),
        ("avg", "avg", 7),
        ("max", "max", 7),
        ("examined", "rows exam.", 10),
        ("schema", "schema", 12),
        ("text", "statement", STATEMENT_WIDTH),
    )
    TITLE: ClassVar[str] = "top statements"

    @dataclass
    class DigestChosen(Message):
        """The user opened a statement (Enter)."""

        digest: Digest

    def highlighted_digest(self) -> Digest | None:
        return self.highlighted_item()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        digest = self.highlighted_digest()
        if digest is not None:
            self.post_message(self.DigestChosen(digest))

    def _ordered(self, items: Sequence[Digest]) -> list[Digest]:
        return sorted(items, key=lambda digest: (-digest.total_time_s, digest.digest))

    def _filter_fields(self, item: Digest) -> tuple[str | None, ...]:
        return (item.schema, item.text)

    def _rows(self, items: Sequence[Digest]) -> list[KeyedRow]:
        return [(digest_key(d), digest_cells(rank, d)) for rank, d in enumerate(items, start=1)]


def slowlog_cells(entry: SlowlogEntry) -> tuple[Cell, ...]:
    """One SLOWLOG entry as table cells."""
    return (
        cell(f"{entry.started_at:%m-%d %H:%M:%S}"),
        human_duration(entry.duration_s),
        cell(first_line(entry.command, COMMAND_WIDTH)),
        cell(entry.client),
    )


class SlowlogTable(ReadingTable[SlowlogEntry]):
    """Redis SLOWLOG, newest first, keyed by entry id."""

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("when", "when", 14),
        ("duration", "duration", 8),
        ("command", "command", COMMAND_WIDTH),
        ("client", "client", 21),
    )
    TITLE: ClassVar[str] = "slowlog"

    def highlighted_entry(self) -> SlowlogEntry | None:
        return self.highlighted_item()

    def _ordered(self, items: Sequence[SlowlogEntry]) -> list[SlowlogEntry]:
        return sorted(items, key=lambda entry: -entry.id)

    def _filter_fields(self, item: SlowlogEntry) -> tuple[str | None, ...]:
        return (item.command, item.client)

    def _rows(self, items: Sequence[SlowlogEntry]) -> list[KeyedRow]:
        return [(str(entry.id), slowlog_cells(entry)) for entry in items]
