"""QueryPane: type SQL (or a Redis command), see the guard's verdict, run reads, see masked rows.

The verdict is shown as you type, before anything runs; Enter runs a read-only statement through
DataLayer.queries (guard, LIMIT, timeouts, masking, audit). Writes are shown with their
confirmation level and not run from here yet. History is kept per kind in the output folder.
"""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from console.config import Settings
from console.data.layer import DataLayer
from console.inventory import Instance
from console.safety.masking import mask_text

HISTORY_SIZE = 200


class QueryPane(Vertical):
    """An input line with history, the guard's verdict, and the result table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous", id="query.previous", show=False),
        Binding("down", "history(1)", "Next", id="query.next", show=False),
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
        self.history_path = settings.output_dir / f"history-{instance.kind}.txt"
        self.history = _load(self.history_path)
        self.position = len(self.history)
        self.last_ok = True

    def compose(self) -> ComposeResult:
        hint = "Redis command, e.g. INFO memory" if self.instance.kind == "redis" else "SQL"
        yield Input(
            placeholder=f"{hint} — Enter runs a read; the verdict shows below", id="query-input"
        )
        yield Static("", id="verdict")
        yield DataTable(id="results", zebra_stripes=True)

    @on(Input.Changed, "#query-input")
    def show_verdict(self, event: Input.Changed) -> None:
        verdict = self.query_one("#verdict", Static)
        text = event.value.strip()
        if not text:
            verdict.update("")
            return
        if self.instance.kind == "redis":
            plan = self.data.queries.plan_redis(self.instance, _words(text))
            kind, confirmations, reasons = plan.classification, plan.confirmations, plan.reasons
            shown = " ".join(plan.command)
        else:
            sql_plan = self.data.queries.plan(self.instance, text)
            kind, confirmations = sql_plan.classification, sql_plan.confirmations
            reasons, shown = sql_plan.reasons, sql_plan.statement
        verdict.set_class(kind != "read_only", "-refused")
        asks = f" · asks {confirmations}x" if confirmations else ""
        why = f" · {'; '.join(reasons)}" if reasons else ""
        verdict.update(f"{kind}{asks}: {shown}{why}")

    @on(Input.Submitted, "#query-input")
    def submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.run_statement(text)

    @work(exclusive=True, group="query", exit_on_error=False)
    async def run_statement(self, text: str) -> None:
        await self._remember(text)
        table = self.query_one("#results", DataTable)
        verdict = self.query_one("#verdict", Static)
        if self.instance.kind == "redis":
            reply = await self.data.queries.redis(self.instance, _words(text))
            columns: tuple[str, ...] = ("reply",)
            rows: list[tuple[str, ...]] = (
                [(line,) for line in reply.value.lines] if reply.value else []
            )
            error = reply.error
        else:
            result = await self.data.queries.query(self.instance, text)
            columns = result.value.columns if result.value else ()
            rows = (
                [tuple("NULL" if c is None else c for c in r) for r in result.value.rows]
                if result.value
                else []
            )
            error = result.error
        self.last_ok = error is None
        if error is not None:
            verdict.set_class(True, "-refused")
            verdict.update(f"{error.kind}: {error.message}")
            return
        table.clear(columns=True)
        table.add_columns(*columns)
        table.add_rows(rows)
        verdict.update(f"{len(rows)} rows")

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
            await asyncio.to_thread(_save, self.history_path, list(self.history))
        self.position = len(self.history)


def _words(text: str) -> list[str]:
    """A Redis command line split as a shell would (quoted arguments keep their spaces)."""
    try:
        return shlex.split(text)
    except ValueError:  # an unclosed quote: the guard will judge the plain words
        return text.split()


def _load(path: Path) -> list[str]:
    try:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    except OSError:
        return []


def _save(path: Path, history: list[str]) -> None:
    """History is masked on the way to disk: PII never rests there."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "\n".join(mask_text(h.replace("\n", " ")) for h in history) + "\n", encoding="utf-8"
        )
    except OSError:
        pass  # history is a convenience; a read-only disk must not stop a query
