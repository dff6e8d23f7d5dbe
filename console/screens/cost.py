"""CostScreen (`$` from anywhere): AWS spend from Cost Explorer, one paid call at most per window.

Nothing here runs on a timer: Cost Explorer costs $0.01 a request. The report is asked on
open, on `r` and when the window changes (`-`/`+` step through DAY_STEPS, debounced so a few
presses make one request) from console/services/cost.py, as `opsconsole cost` asks it; each goes
through the data layer's disk cache, so the screen says whether it was answered "from cache" or
cost "1 paid call", and the App's status bar counter follows. Past the daily budget the data
layer refuses, and the screen says so in place.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable

from console.config import Settings
from console.data.layer import DataLayer
from console.screens.messages import PaidCallsChanged
from console.screens.polling import ConsoleScreen
from console.screens.status import bind_status_bar
from console.services.cost import cost_report
from widgets.bindings import bindings
from widgets.cost_view import CostView
from widgets.footer import KeysFooter
from widgets.status_bar import StatusBar

DAY_STEPS = (1, 3, 7, 14, 30, 60, 90)
DEFAULT_DAYS = 7
DEBOUNCE_S = 0.6  # the window keys wait this long for another press before asking


def next_days(days: int, step: int) -> int:
    """The window after pressing `+` (step 1) or `-` (step -1)."""
    index = min(range(len(DAY_STEPS)), key=lambda i: abs(DAY_STEPS[i] - days))
    return DAY_STEPS[max(0, min(len(DAY_STEPS) - 1, index + step))]


class CostScreen(ConsoleScreen):
    """Month to date, the last N days by service and usage type, the daily trend, the counter."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("cost.fewer", "cost.more")

    def __init__(self, data: DataLayer, settings: Settings, days: int = DEFAULT_DAYS) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.days = days
        self.answers = 0  # refreshes completed (answered, refused or failed)

    def compose(self) -> ComposeResult:
        yield CostView(id="cost")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self.query_one(CostView).days = self.days
        self.query_one("#by-service", DataTable).focus()
        self.fetch()

    @work(exclusive=True, group="cost", exit_on_error=False)
    async def fetch(self, delay_s: float = 0.0) -> None:
        """Ask for the report (through the cache), after `delay_s` unless another key comes."""
        if delay_s:
            await asyncio.sleep(delay_s)
        view = self.query_one(CostView)
        answer = await cost_report(self.data, self.days, view.paid)
        reading = answer.reading
        view.outcome = answer.outcome
        view.reading = reading
        if answer.trend is not None:
            view.trend = answer.trend
        view.paid = answer.paid
        self.answers += 1
        self.post_message(PaidCallsChanged(answer.paid))
        status = self.query_one(StatusBar)
        status.failing = (f"aws {reading.error.kind}",) if reading.error else ()
        if reading.error is None:
            status.touch()
        self.notify(f"Cost Explorer: {view.outcome}", title="Cost", timeout=3, markup=False)

    def action_refresh(self) -> None:
        self.fetch()

    def action_days(self, step: int) -> None:
        self.days = next_days(self.days, step)
        self.query_one(CostView).days = self.days
        self.fetch(DEBOUNCE_S)

    def has_data(self) -> bool:
        """A report (or its refusal) has arrived (for headless screenshots and tests)."""
        return self.answers > 0
