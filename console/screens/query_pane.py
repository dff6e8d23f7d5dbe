"""QueryPane: type SQL (or a Redis command), see the guard's verdict, run it, see masked rows.

The verdict is shown as you type, before anything runs. Enter runs a read through
DataLayer.queries (guard, LIMIT, timeouts, masking, audit); on production a read that EXPLAIN
estimates as big, or a busy server, is shown first and runs on a second Enter. A write or a
destructive statement goes through the confirmation prompts and runs on the write credential.
F4 shows EXPLAIN, F3 the tables (information_schema, LIMITed); Enter on a table shows its
columns. History is kept per kind in the user's state folder (redacted and masked, one JSON
string a line, so no character inside an entry can split it on reading; appended, never rewritten
whole by one session under another). The verdict line is scrubbed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import QueryResult, SourceError
from console.filelock import locked
from console.inventory import Instance
from console.safety.confirm import Action
from console.safety.redisargs import split_command
from console.safety.scrub import scrub
from console.screens.confirm import run_confirmed
from widgets.keyed_table import cell
from widgets.resilient import Resilient

HISTORY_SIZE = 200


class QueryInput(Input):
    """The statement line; Escape leaves it for the results (then 1-5 switch tabs again)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave input", id="query.leave"),
    ]

    def action_leave(self) -> None:
        self.screen.focus_next()


class QueryPane(Resilient, Vertical):
    """An input line with history, the guard's verdict, and the result table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous", id="query.previous", show=False),
        Binding("down", "history(1)", "Next", id="query.next", show=False),
        Binding("f4", "explain", "Explain", id="query.explain"),
        Binding("f3", "tables", "Tables", id="query.tables"),
    ]
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
        self.history_path = settings.state_dir / f"history-{instance.kind}.txt"
        self.history = _load(self.history_path)
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
        if self.instance.kind == "redis":
            plan = self.data.queries.shown_redis_plan(self.instance, split_command(text))
            kind, confirmations, reasons = plan.classification, plan.confirmations, plan.reasons
            shown = " ".join(plan.command)
        else:
            sql_plan = await self.data.queries.shown_judge(self.instance, text)  # off the loop
            kind, confirmations = sql_plan.classification, sql_plan.confirmations
            reasons, shown = sql_plan.reasons, sql_plan.statement
        asks = f" · asks {confirmations}x" if confirmations else ""
        why = f" · {'; '.join(reasons)}" if reasons else ""
        self._verdict(f"{kind}{asks}: {shown}{why}", kind != "read_only")

    @on(Input.Submitted, "#query-input")
    def submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.run_statement(text)

    @work(exclusive=True, group="query", exit_on_error=False)
    async def run_statement(self, text: str) -> None:
        await self._remember(text)
        args: str | list[str] = split_command(text) if self.instance.kind == "redis" else text
        action = await self.data.queries.action(self.instance, args)
        if action is not None:
            await self._change(action, text)
        elif self.instance.kind == "redis":
            reply = await self.data.queries.redis(self.instance, split_command(text))
            lines = reply.value.lines if reply.value else ()
            self._show(("reply",), [(line,) for line in lines], reply.error)
        elif await self._heavy_first(text):
            result = await self.data.queries.query(self.instance, text)
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
        warnings = await self.data.queries.heavy(self.instance, text)
        if not warnings:
            return True
        self.heavy_seen = text
        self._verdict("heavy: " + "; ".join(warnings) + " · Enter again to run it anyway", True)
        return False

    async def _change(self, action: Action, text: str) -> None:
        """A write or destructive statement: the prompts, then the write credential."""
        warnings = () if action.command else await self.data.queries.heavy(self.instance, text)
        done = await run_confirmed(self.app, self.data, self.instance, action, warnings)
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
        reading = await self.data.sql(self.instance).explain(self.instance, text)
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
        reading = await self.data.sql(self.instance).tables(self.instance, limit)
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
        reading = await self.data.sql(self.instance).columns(
            self.instance, schema, table, self.row_limit
        )
        self._show(
            reading.value.columns if reading.value else (), _cells(reading.value), reading.error
        )
        if reading.value is not None:
            box = self.query_one("#query-input", Input)
            name = f"{_quoted(schema, self.instance.kind)}.{_quoted(table, self.instance.kind)}"
            # a suggestion in the input: its verdict shows as if typed; Enter runs it
            box.value = f"SELECT * FROM {name}"  # noqa: S608

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
        """The verdict line, scrubbed: it quotes typed text, reasons and error messages."""
        verdict = self.query_one("#verdict", Static)
        verdict.set_class(bad, "-refused")
        verdict.update(scrub(text))

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self.position = max(0, min(len(self.history), self.position + step))
        box = self.query_one("#query-input", Input)
        box.value = self.history[self.position] if self.position < len(self.history) else ""
        box.cursor_position = len(box.value)

    async def _remember(self, text: str) -> None:
        if not self.history or self.history[-1] != text:
            self.history.append(text)
            self.history = self.history[-HISTORY_SIZE:]
            await asyncio.to_thread(_append, self.history_path, text)
        self.position = len(self.history)


def _quoted(name: str, kind: str) -> str:
    """An identifier quoted for the engine (names from information_schema can be anything)."""
    if kind == "postgres":
        return '"' + name.replace('"', '""') + '"'
    return "`" + name.replace("`", "``") + "`"


def _cells(result: QueryResult | None) -> list[tuple[str, ...]]:
    if result is None:
        return []
    return [tuple("" if c is None else c for c in row) for row in result.rows]


def history_entry(line: str) -> str | None:
    """One stored line back as its entry: a JSON string (an older plain line as it is)."""
    if not line.strip():
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return line
    return entry if isinstance(entry, str) else line


def history_line(entry: str) -> str:
    """One entry as a stored line: scrubbed, as an ASCII JSON string (U+2028, \\r, \\n escaped)."""
    return json.dumps(scrub(entry), ensure_ascii=True)


def _load(path: Path) -> list[str]:
    """Entries split on \\n only: a line separator inside an entry never splits it."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return []
    return [entry for entry in map(history_entry, lines) if entry]


def _append(path: Path, entry: str) -> None:
    """Add one entry at the end (redacted and masked on the way to disk: no password or PII
    rests there); past twice HISTORY_SIZE entries, keep the last HISTORY_SIZE.

    Why append under a lock: two consoles of one user (two SSH sessions) each add their own
    lines, where rewriting the whole file from memory would drop the other session's."""
    try:
        with _history_lock(path):
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(history_line(entry) + "\n")
            entries = _load(path)
            if len(entries) > 2 * HISTORY_SIZE:
                _write_all(path, entries[-HISTORY_SIZE:])
    except OSError:
        pass  # history is a convenience; a read-only disk must not stop a query


def _history_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return locked(path.with_name(path.name + ".lock"))


def _write_all(path: Path, history: list[str]) -> None:
    """Replace the file whole (0600: typed statements are the user's own)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("".join(history_line(h) + "\n" for h in history))
    os.replace(temporary, path)
