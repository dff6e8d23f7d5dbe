"""LogsScreen: CloudWatch Logs Insights over log groups, from the palette or from an instance.

From an instance (`l`) it offers that instance's log groups (`[logs] instance_groups`: its RDS
slowquery, error, ... groups), all ticked; from the palette every group of the region, none
ticked. A query runs on Enter, on a saved query (`[logs] queries`) or on F5, through
console/services/logs.py as `opsconsole logs` runs it: a limit added, rows masked, polled to the
end or stopped after `[logs] max_wait_s`, F8 or Escape stop it on the server. Nothing runs on a
timer: each query scans (and bills) bytes. Past the day's budget the data layer refuses; the
pane says so, and F5 again within the same query runs it past the budget, on purpose.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Input
from textual.worker import Worker

from console.config import Settings
from console.data.aws_models import InsightsResult
from console.data.layer import DataLayer
from console.inventory import Instance
from console.screens.polling import ConsoleScreen
from console.screens.status import bind_status_bar
from console.services.logs import LogsRequest, check_groups, instance_groups, run_query
from widgets.bindings import bindings
from widgets.footer import KeysFooter
from widgets.logs_view import LogsView
from widgets.status_bar import StatusBar

WINDOWS = (("15m", 900), ("1h", 3600), ("6h", 6 * 3600), ("24h", 86400), ("7d", 7 * 86400))
DEFAULT_WINDOW = 1


class LogsScreen(ConsoleScreen):
    """Saved queries and log groups on the left, the query, its figures and rows on the right."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("logs.run", "logs.window", "logs.stop")

    def __init__(
        self, data: DataLayer, settings: Settings, instance: Instance | None = None
    ) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.instance = instance
        self.window = DEFAULT_WINDOW
        self.limit = settings.console.row_limit
        self.runs = 0  # queries answered (done, failed, refused or stopped)
        self.refused_query: str | None = None  # refused past the budget: F5 again runs it
        self._query_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield LogsView(id="logs")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        view = self.query_one(LogsView)
        view.set_saved(tuple(self.settings.logs.queries.items()))
        self._show_window()
        self.load_groups()
        self.query_one("#logs-query").focus()

    @work(group="logs-groups", exclusive=True, exit_on_error=False)
    async def load_groups(self) -> None:
        """The instance's log groups (all ticked), or the region's (none ticked): also when
        AWS has none for the instance (a Redis cluster's go where its team chose)."""
        view = self.query_one(LogsView)
        view.budget = await self.data.logs_scanned()
        ticked: tuple[str, ...] = ()
        if self.instance is not None:
            mine = await instance_groups(self.data, self.settings, self.instance)
            ticked = mine.value or ()
            if mine.value == ():
                view.note = f"AWS has no log group for {self.instance.name}: all are listed"
        if ticked:
            view.set_groups(ticked, ticked)
            return
        reading = await self.data.logs_groups()
        if reading.value is None:
            why = reading.error.message if reading.error else "no answer"
            view.note = f"log groups could not be listed: {why}"
            return
        view.set_groups(reading.value)

    def _show_window(self) -> None:
        label, _seconds = WINDOWS[self.window]
        where = f" · {self.instance.name}" if self.instance else ""
        self.query_one(
            LogsView
        ).window = f"Logs Insights{where} · last {label} · limit {self.limit}"

    @on(LogsView.RunRequested)
    def run_requested(self, message: LogsView.RunRequested) -> None:
        self._start(message.query)

    def action_run(self) -> None:
        self._start(self.query_one("#logs-query", Input).value)

    def action_refresh(self) -> None:
        self.action_run()

    def action_next_window(self) -> None:
        self.window = (self.window + 1) % len(WINDOWS)
        self._show_window()

    def action_stop(self) -> None:
        if self._query_worker is not None and self._query_worker.is_running:
            self._query_worker.cancel()  # run_query stops the query on the server
            view = self.query_one(LogsView)
            view.state = ""
            view.note = "stopped: StopQuery sent; the rows below are from the last run"
            self.runs += 1

    def _start(self, query: str) -> None:
        view = self.query_one(LogsView)
        groups = view.ticked_groups()
        problem = check_groups(groups)
        if problem or not query.strip():
            self.notify(problem or "type a query first", title="Logs", severity="warning")
            return
        past_budget = self.refused_query == query
        now = datetime.now(UTC)
        since = now - timedelta(seconds=WINDOWS[self.window][1])
        request = LogsRequest(groups, query, since, now, self.limit, over_budget=past_budget)
        self._query_worker = self.run(request)

    @work(group="logs", exclusive=True, exit_on_error=False)
    async def run(self, request: LogsRequest) -> None:
        view = self.query_one(LogsView)
        begun = time.monotonic()
        view.note = "running past the daily budget, as asked" if request.over_budget else ""
        view.state = f"Running over {len(request.groups)} group(s)… (F8 stops)"

        def progress(result: InsightsResult) -> None:
            took = time.monotonic() - begun
            view.state = (
                f"{result.status} · {took:.0f} s · {len(result.rows)} rows so far (F8 stops)"
            )

        options = self.settings.logs
        answer = await run_query(
            self.data, request, max_wait_s=options.max_wait_s, poll_s=options.poll_s,
            progress=progress,
        )  # fmt: skip
        self.refused_query = request.query if answer.refused else None
        view.state = ""
        view.reading, view.budget = answer.reading, answer.budget
        if answer.note:
            view.note = answer.note
        if answer.reading.value is not None:
            view.show_rows()
        status = self.query_one(StatusBar)
        status.failing = (f"aws {answer.reading.error.kind}",) if answer.reading.error else ()
        if answer.reading.error is None:
            status.touch()
        self.runs += 1

    def has_data(self) -> bool:
        """A query has been answered (for headless screenshots and tests)."""
        return self.runs > 0
