"""ProcessTable: the sessions of one SQL server (MySQL processlist, PostgreSQL activity).

Rows are keyed by process id and updated in place on every poll, so the cursor stays on the
session the operator is looking at while the list re-sorts around it. The order and what is
idle come from `console.formatting.sessions`: active sessions first, longest-running
statement first; idle ones hidden (counted in the title) until `h` shows them. Blockers (ids
that appear in someone's `blocked_by`) are marked ◆ and the sessions they block show "↳ by <id>".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable

from console.data.models import Process
from console.formatting import first_line, human_duration
from console.formatting.sessions import PROCESS_SORTS, arrange_processes
from widgets.bindings import bindings
from widgets.keyed_table import Cell, ColumnSpec, KeyedRow, ReadingTable, cell
from widgets.kill_request import KillKey, KillRequested

QUERY_WIDTH = 46
BLOCKER_STYLE = "bold red"
BLOCKED_STYLE = "yellow"


def _blocked_by(ids: tuple[int, ...]) -> Cell:
    if not ids:
        return ""
    shown = ",".join(str(i) for i in ids[:2])
    more = f"+{len(ids) - 2}" if len(ids) > 2 else ""
    return cell(f"↳ by {shown}{more}", BLOCKED_STYLE)


def process_cells(process: Process, is_blocker: bool) -> tuple[Cell, ...]:
    """One process as table cells."""
    ident = cell(f"◆ {process.id}", BLOCKER_STYLE) if is_blocker else str(process.id)
    return (
        ident,
        cell(process.user),
        cell(process.command),
        human_duration(process.time_s),
        cell(process.state),
        cell(first_line(process.query, QUERY_WIDTH)),
        human_duration(process.trx_age_s) if process.trx_age_s is not None else "",
        _blocked_by(process.blocked_by),
        cell(process.host),
        cell(process.db),
    )


class ProcessTable(KillKey, ReadingTable[Process]):
    """Sessions of one server with who blocks whom; sortable, filterable, keyed by process id."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "process.choose", "process.kill", "process.sort", "process.idle"
    )
    # who, doing what, for how long, first: at 80 columns the time and the query's start show
    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("id", "id", 9),
        ("user", "user", 10),
        ("command", "command", 8),
        ("time", "time", 7),
        ("state", "state", 14),
        ("query", "query", QUERY_WIDTH),
        ("trx", "trx age", 7),
        ("blocked", "blocked by", 12),
        ("host", "host", 16),
        ("db", "db", 10),
    )
    TITLE: ClassVar[str] = "processes"

    @dataclass
    class ProcessChosen(Message):
        """The user opened a session (Enter)."""

        instance: str
        process_id: int

    KillRequested = KillRequested

    sort_by: str = PROCESS_SORTS[0]

    def highlighted_process(self) -> Process | None:
        return self.highlighted_item()

    def action_cycle_sort(self) -> None:
        index = PROCESS_SORTS.index(self.sort_by)
        self.sort_by = PROCESS_SORTS[(index + 1) % len(PROCESS_SORTS)]
        self.refresh_rows()

    def action_kill(self) -> None:
        process = self.highlighted_process()
        if process is not None and self.reading is not None:
            about = f"{process.user}@{process.host}: {process.query or process.command}"
            self.post_message(KillRequested(self.reading.instance, process.id, about))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        process = self.highlighted_process()
        if process is not None and self.reading is not None:
            self.post_message(self.ProcessChosen(self.reading.instance, process.id))

    def _ordered(self, items: Sequence[Process]) -> list[Process]:
        arranged = arrange_processes(items, sort=self.sort_by, show_idle=self.show_idle)
        self.idle_hidden, self.idle_count = arranged.hidden_idle, arranged.idle
        return list(arranged.shown)

    def _filter_fields(self, item: Process) -> tuple[str | None, ...]:
        return (item.user, item.host, item.db, item.state, item.query)

    def _blockers(self) -> set[int]:
        """Ids some session waits for, over every session (also the ones filtered out)."""
        return {blocker for process in self._items for blocker in process.blocked_by}

    def _rows(self, items: Sequence[Process]) -> list[KeyedRow]:
        blockers = self._blockers()
        return [(str(p.id), process_cells(p, p.id in blockers)) for p in items]

    def _title_parts(self, shown: int) -> list[str]:
        blockers = self._blockers()
        parts = [*super()._title_parts(shown), f"sort {self.sort_by}"]
        if blockers:
            parts.append(f"◆ {len(blockers)} blocking")
        return parts
