"""QueryPane: type SQL (or a Redis command), see the guard's verdict, run it, see masked rows.

The verdict is shown as you type, before anything runs. Enter runs a read through the query
service (console/services/query.py: guard, LIMIT, timeouts, masking, audit); on production a
read that EXPLAIN estimates as big, or a busy server, is shown first and runs on a second Enter.
A write or a destructive statement goes through the confirmation prompts and runs on the write
credential. F4 shows EXPLAIN, F3 the tables (information_schema, LIMITed); Enter on a table
shows its columns. History is kept per kind in the user's state folder (the service scrubs it on
its way there and appends, so two sessions keep both). Every text the service hands back is
already scrubbed: this pane only shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import QueryResult, SourceError
from console.inventory import Instance
from console.screens.confirm import run_confirmed
from console.services import query as query_service
from console.services.query import Change
from widgets.bindings import bindings
from widgets.keyed_table import cell
from widgets.resilient import Resilient


class QueryInput(Input):
    """The statement line; Escape leaves it for the results (then 1-5 switch tabs again)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("query.leave")

    def action_leave(self) -> None:
        self.screen.focus_next()


class QueryPane(Resilient, Vertical):
    """An input line with history, the guard's verdict, and the result table."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "query.previous", "query.next", "query.explain", "query.tables"
    )
    DEFAULT_CSS = """
    QueryPane #query-input { height: 3; }
    QueryPane #verdict { height: auto; max-height: 4; padding: 0 1; }
    QueryPane #verdict.-refused { color: $error; }
    QueryPane #results { height: 1fr; }
    """

    def __init__(
        self,
        data: DataLayer,
        settings: Settings,
        instance: Instance,
        *,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.data = data
        self.instance = instance
        self.row_limit = settings.console.row_limit
        self.history_path = query_service.history_path(settings, instance)
        self.history = query_service.load_history(self.history_path)
        self.position = len(self.history)
        self.last_ok = True
        self.heavy_seen: str | None = None
        """A production read whose warnings were shown: the next Enter on it runs it."""
        self.listing: list[tuple[str, str]] = []
        """(schema, table) of each row while the results show the table list."""

    def compose(self) -> ComposeResult:
        hint = "Redis command, e.g. INFO memory" if self.instance.kind == "redis" else "SQL"
        yield QueryInput(
            placeholder=f"{hint} — Enter runs it (a change asks first); Esc leaves the line",
            id="query-input",
        )
        yield Static("", id="verdict", markup=False)  # the statement and reasons, as typed
        yield DataTable(id="results", zebra_stripes=True, cursor_type="row")

    @on(Input.Changed, "#query-input")
    @work(exclusive=True, group="verdict", exit_on_error=False)
    async def show_verdict(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            self._verdict("", False)
            return
        verdict = await query_service.verdict(self.data, self.instance, text)  # off the loop
        asks = f" · asks {verdict.confirmations}x" if verdict.confirmations else ""
        why = f" · {'; '.join(verdict.reasons)}" if verdict.reasons else ""
        shown = f"{verdict.classification}{asks}: {verdict.statement}{why}"
        self._verdict(shown, not verdict.read_only)

    @on(Input.Submitted, "#query-input")
    def submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.run_statement(text)

    @work(exclusive=True, group="query", exit_on_error=False)
    async def run_statement(self, text: str) -> None:
        await self._remember(text)
        change = await query_service.change(self.data, self.instance, text)
        if change is not None and change.value is None:  # read-only: refused, nothing asked
            self._show((), [], change.error)
        elif change is not None and change.value is not None:
            await self._change(change.value)
        elif self.instance.kind == "redis":
            reply = await query_service.redis_command(self.data, self.instance, text)
            lines = reply.value.lines if reply.value else ()
            self._show(("reply",), [(line,) for line in lines], reply.error)
        elif await self._heavy_first(text):
            result = await query_service.run_query(self.data, self.instance, text)
            value = result.value
            rows = (
                [tuple("NULL" if c is None else c for c in r) for r in value.rows] if value else []
            )
            self._show(value.columns if value else (), rows, result.error)
            if value is not None and value.truncated:
                self._verdict(f"{len(rows)} rows: cut at the row limit or the size cap", False)

    async def _heavy_first(self, text: str) -> bool:
        """False (and the warnings shown) the first time a heavy production read is submitted."""
        if self.heavy_seen == text:
            self.heavy_seen = None
            return True
        warnings = await query_service.heavy(self.data, self.instance, text)
        if not warnings:
            return True
        self.heavy_seen = text
        self._verdict("heavy: " + "; ".join(warnings) + " · Enter again to run it anyway", True)
        return False

    async def _change(self, change: Change) -> None:
        """A write or destructive statement: the prompts, then the write credential."""
        action = change.action
        done = await run_confirmed(self.app, self.data, self.instance, action, change.warnings)
        if done is None:
            self._verdict("cancelled: nothing was run", True)
        elif done.error is not None:
            self._verdict(f"{done.error.kind}: {done.error.message}", True)
        else:
            outcome = done.value
            affected = (
                "" if outcome is None or outcome.affected is None else f"{outcome.affected} rows · "
            )
            self._show(("reply",), [(line,) for line in (outcome.reply if outcome else ())], None)
            self._verdict(f"done · {affected}{action.text}", False)

    def action_explain(self) -> None:
        text = self.query_one("#query-input", Input).value.strip()
        if text and self.instance.kind != "redis":
            self.explain(text)

    @work(exclusive=True, group="query", exit_on_error=False)
    async def explain(self, text: str) -> None:
        reading = await query_service.explain(self.data, self.instance, text)
        plan = reading.value
        self._show(plan.columns if plan else (), list(plan.rows) if plan else [], reading.error)
        if plan is not None:
            estimate = "-" if plan.estimated_rows is None else f"{plan.estimated_rows:,}"
            about = f" · {plan.note}" if plan.note else ""
            self._verdict(f"EXPLAIN · estimated rows {estimate}{about}", False)

    def action_tables(self) -> None:
        if self.instance.kind != "redis":
            self.tables()

    @work(exclusive=True, group="query", exit_on_error=False)
    async def tables(self) -> None:
        limit = self.row_limit
        reading = await query_service.tables(self.data, self.instance, limit)
        result = reading.value
        self._show(result.columns if result else (), _cells(result), reading.error)
        if result is not None:
            self.listing = [(str(r[0]), str(r[1])) for r in result.rows]
            more = f" (first {limit})" if result.truncated else ""
            self._verdict(
                f"{len(result.rows)} tables{more} · Enter on one shows its columns", False
            )

    @on(DataTable.RowSelected, "#results")
    def table_chosen(self, event: DataTable.RowSelected) -> None:
        if self.listing and 0 <= event.cursor_row < len(self.listing):
            schema, table = self.listing[event.cursor_row]
            self.columns_of(schema, table)

    @work(exclusive=True, group="query", exit_on_error=False)
    async def columns_of(self, schema: str, table: str) -> None:
        reading = await query_service.columns(
            self.data, self.instance, schema, table, self.row_limit
        )
        self._show(
            reading.value.columns if reading.value else (), _cells(reading.value), reading.error
        )
        if reading.value is not None:
            box = self.query_one("#query-input", Input)
            # a suggestion in the input: its verdict shows as if typed; Enter runs it
            box.value = query_service.select_all(self.instance, schema, table)

    def _show(
        self, columns: Sequence[str], rows: list[tuple[str, ...]], error: SourceError | None
    ) -> None:
        """The results table, or the error in the verdict line (the last table stays)."""
        self.last_ok = error is None
        if error is not None:
            self._verdict(f"{error.kind}: {error.message}", True)
            return
        self.listing = []
        table = self.query_one("#results", DataTable)
        table.clear(columns=True)
        table.add_columns(*(Text(name) for name in columns))  # data: never read as markup
        table.add_rows([tuple(cell(value) for value in row) for row in rows])
        self._verdict(f"{len(rows)} rows", False)

    def _verdict(self, text: str, bad: bool) -> None:
        """The verdict line: the service's texts (scrubbed there) and this pane's words."""
        verdict = self.query_one("#verdict", Static)
        verdict.set_class(bad, "-refused")
        verdict.update(text)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self.position = max(0, min(len(self.history), self.position + step))
        box = self.query_one("#query-input", Input)
        box.value = self.history[self.position] if self.position < len(self.history) else ""
        box.cursor_position = len(box.value)

    async def _remember(self, text: str) -> None:
        self.history = await query_service.remember(self.history_path, self.history, text)
        self.position = len(self.history)


def _cells(result: QueryResult | None) -> list[tuple[str, ...]]:
    if result is None:
        return []
    return [tuple("" if c is None else c for c in row) for row in result.rows]
