"""Harness apps for the AWS widgets: alerts with CloudWatch alarms, the cost view, a status bar."""

from __future__ import annotations

from textual.app import App, ComposeResult

from console.data.aws_models import CostReport, PaidCalls
from console.data.models import Reading
from console.services.cost import daily_trend
from tests import factories_aws as fw
from tests.widgets_harness_alerts import AlertsHarness, fixed_clock
from widgets.alert_list import AlertList
from widgets.cost_view import CostView
from widgets.status_bar import StatusBar


class AlarmsHarness(AlertsHarness):
    """The alerts harness with CloudWatch alarms below Alertmanager's alerts."""

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(AlertList).alarms = fw.alarms_reading()


class CostHarness(App[None]):
    """The cost view as the cost screen lays it out, with a status bar showing the counter."""

    def __init__(
        self,
        reading: Reading[CostReport] | None = None,
        paid: PaidCalls | None = None,
        outcome: str = "1 paid call",
    ) -> None:
        super().__init__()
        self._reading = reading if reading is not None else fw.cost_reading()
        self._paid = paid if paid is not None else fw.paid_calls()
        self._outcome = outcome

    def compose(self) -> ComposeResult:
        yield CostView(clock=fixed_clock, id="cost")
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        view = self.query_one(CostView)
        view.reading, view.paid, view.outcome = self._reading, self._paid, self._outcome
        view.trend = daily_trend(self._reading)
        status = self.query_one(StatusBar)
        status.profile, status.firing, status.paid = "production", 3, self._paid
        view.query_one("#by-service").focus()
