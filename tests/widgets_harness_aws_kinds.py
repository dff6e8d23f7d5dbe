"""Harness app for an AWS resource's view: its title, overview, alarms and the chart of the
figure its alarm watches, laid out as AwsResourceScreen's Overview tab shows them (the Metrics
tab's charts are the RDS ones' MetricChart), from the deterministic factories."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tests import factories_aws_kinds as fk
from tests.widgets_harness_alerts import fixed_clock
from widgets.aws_overview import ResourceAlarmsPanel, ResourceOverviewPanel
from widgets.metric_chart import MetricChart


class ResourceHarness(App[None]):
    """One resource of `kind` ("kafka", "eks", "docdb", "opensearch", "ec2")."""

    CSS = """
    #instance-title { height: 1; background: $boost; text-style: bold; }
    MetricChart { height: auto; min-height: 5; }
    """

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        overview = fk.OVERVIEWS[self.kind]()
        yield Static(f" {overview.name}  ·  {overview.service}", id="instance-title")
        with VerticalScroll():
            yield ResourceAlarmsPanel(clock=fixed_clock, id="alarms")
            yield ResourceOverviewPanel(clock=fixed_clock, id="info")
            yield MetricChart(f"CloudWatch · {fk.ALARMS[self.kind][2]}", clock=fixed_clock,
                              id="chart")  # fmt: skip

    def on_mount(self) -> None:
        overview = fk.OVERVIEWS[self.kind]()
        self.query_one(ResourceOverviewPanel).reading = fk.overview_reading(self.kind)
        self.query_one(ResourceAlarmsPanel).reading = fk.alarms_reading(self.kind)
        metric = fk.ALARMS[self.kind][2]
        self.query_one(MetricChart).reading = fk.chart_reading(
            fk.series(overview.name, metric, 1.0, bad=12.0)
        )
