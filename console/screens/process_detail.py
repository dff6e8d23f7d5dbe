"""ProcessDetailScreen: one session's full statement and its EXPLAIN, over the process list."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from console.data.layer import DataLayer
from console.data.models import Process
from console.formatting import human_duration
from console.inventory import Instance
from widgets.bindings import bindings
from widgets.keyed_table import cell
from widgets.resilient import Resilient


class ProcessDetailScreen(Resilient, ModalScreen[None]):
    """Statement (masked) and plan of one process; Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("process.close")
    DEFAULT_CSS = """
    ProcessDetailScreen { align: center middle; }
    ProcessDetailScreen > VerticalScroll {
        width: 90%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    ProcessDetailScreen #plan { height: auto; max-height: 12; }
    """

    def __init__(self, data: DataLayer, instance: Instance, process: Process) -> None:
        super().__init__()
        self.data = data
        self.instance = instance
        self.process = process

    def compose(self) -> ComposeResult:
        p = self.process
        with VerticalScroll() as box:
            box.border_title = Text(f"process {p.id} on {self.instance.name}")
            yield Static(
                f"user {p.user}  host {p.host}  db {p.db or '-'}  command {p.command}\n"
                f"state {p.state or '-'}  time {human_duration(p.time_s)}  "
                f"transaction {human_duration(p.trx_age_s)}  "
                f"blocked by {', '.join(map(str, p.blocked_by)) or '-'}",
                id="facts",
                markup=False,  # data: never read as markup
            )
            yield Static(p.query or "(no statement)", id="statement", markup=False)
            yield Static("EXPLAIN", id="plan-title", markup=False)
            yield DataTable(id="plan", show_cursor=False)

    def on_mount(self) -> None:
        self.explain()

    @work(group="explain", exit_on_error=False)
    async def explain(self) -> None:
        title = self.query_one("#plan-title", Static)
        if not self.process.query:
            title.update("EXPLAIN: no statement")
            return
        reading = await self.data.sql(self.instance).explain(self.instance, self.process.query)
        if reading.error is not None:
            verb = "not run" if reading.error.kind == "refused" else "failed"
            title.update(f"EXPLAIN {verb}: {reading.error.message}")
            return
        if reading.value is None:
            return
        plan = reading.value
        table = self.query_one("#plan", DataTable)
        table.add_columns(*(Text(name) for name in plan.columns))
        table.add_rows([tuple(cell(value) for value in row) for row in plan.rows])
        estimate = "-" if plan.estimated_rows is None else str(plan.estimated_rows)
        about = f" — {plan.note}" if plan.note else ""
        title.update(f"EXPLAIN (estimated rows: {estimate}){about}")
