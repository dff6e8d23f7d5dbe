"""Harness apps for the alert list, alert detail and metric chart (widget and snapshot tests)."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll

from console.data.models import AlertGroup, Reading, Series
from tests import factories
from tests import factories_alerts as fa
from widgets.alert_detail import AlertDetail
from widgets.alert_list import AlertList
from widgets.metric_chart import MetricChart


def fixed_clock() -> datetime:
    return factories.AT


class AlertsHarness(App[None]):
    """The alert list and its highlighted alert's detail, as the alerts screen lays them out."""

    def __init__(self, reading: Reading[tuple[AlertGroup, ...]] | None = None) -> None:
        super().__init__()
        self._reading = reading if reading is not None else fa.alerts_reading()

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield AlertList(clock=fixed_clock, id="alerts")
            yield AlertDetail(clock=fixed_clock, id="detail")

    def on_mount(self) -> None:
        alerts = self.query_one(AlertList)
        alerts.reading = self._reading
        alerts.focus()

    @on(AlertList.AlertHighlighted)
    def show_alert(self, message: AlertList.AlertHighlighted) -> None:
        self.query_one(AlertDetail).alert = message.alert


class ChartsHarness(App[None]):
    """Charts as the metrics pane stacks them: memory (bytes), a query rate, one with no data."""

    def __init__(
        self,
        memory: Reading[tuple[Series, ...]] | None = None,
        qps: Reading[tuple[Series, ...]] | None = None,
    ) -> None:
        super().__init__()
        self._memory = memory if memory is not None else fa.series_reading()
        self._qps = qps if qps is not None else fa.series_reading(fa.qps_series())

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield MetricChart("Memory used", unit="bytes", clock=fixed_clock, id="memory")
            yield MetricChart("Queries/s", unit="ops/s", clock=fixed_clock, id="qps")
            yield MetricChart("Replication lag", unit="s", clock=fixed_clock, id="lag")

    def on_mount(self) -> None:
        self.query_one("#memory", MetricChart).reading = self._memory
        self.query_one("#qps", MetricChart).reading = self._qps
        self.query_one("#lag", MetricChart).reading = fa.series_error()
