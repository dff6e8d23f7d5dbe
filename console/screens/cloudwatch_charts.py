"""CloudWatchCharts: the Metrics tab's second group, the instance as AWS measures it.

RDS (CPU, connections, freeable memory, read/write latency, IOPS) or ElastiCache (CPU,
connections, memory, evictions) metrics, one chart each, over the Metrics tab's range. They
sit below the Prometheus charts for every instance, because they answer what the exporters
cannot (is it the box or the workload: host CPU, memory, disk latency and IOPS, evictions).
CloudWatch is asked at most every `[console] fleet_refresh_s` (and at once when the range
changes), never at the 2 s pane rate: AWS data points are a minute apart and the calls are not
free. console/services/cloudwatch.py picks the metrics, the period and the window (ending on a
period boundary, so an unchanged answer redraws nothing) and splits the answer per chart.
"""

from __future__ import annotations

import time
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import SourceError
from console.inventory import Instance
from console.services.cloudwatch import MetricCharts, chart_metrics, metric_charts
from widgets.metric_chart import MetricChart
from widgets.resilient import Resilient


def service_of(instance: Instance) -> str:
    return "ElastiCache" if instance.kind == "redis" else "RDS"


class CloudWatchCharts(Resilient, Vertical):
    """A heading and one chart per CloudWatch metric; `refresh_charts()` fetches when due."""

    DEFAULT_CSS = """
    CloudWatchCharts { height: auto; }
    CloudWatchCharts #cloudwatch-heading { height: auto; padding: 0 1; background: $boost; }
    CloudWatchCharts MetricChart { height: auto; min-height: 5; }
    """

    def __init__(
        self,
        data: DataLayer,
        settings: Settings,
        instance: Instance,
        *,
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(id=id)
        self.data = data
        self.instance = instance
        self.interval_s = settings.console.fleet_refresh_s
        self.metrics = chart_metrics(data, instance)
        self.fetches = 0  # CloudWatch requests made (one per refresh that was due)
        self._asked: tuple[timedelta, float] | None = None  # the last span and when

    def compose(self) -> ComposeResult:
        yield Static(self._heading(None), id="cloudwatch-heading")
        for metric in self.metrics:
            yield MetricChart(f"CloudWatch · {metric.name}", unit=metric.unit)

    def _heading(self, note: Text | None) -> Text:
        text = Text(f"CloudWatch · AWS/{service_of(self.instance)} · {self.instance.name}")
        text.stylize("bold")
        if note is not None:
            text.append("  ")
            text.append_text(note)
        return text

    def due(self, span: timedelta) -> bool:
        """A new range, or the interval has passed since the last request."""
        if self._asked is None or self._asked[0] != span:
            return True
        return time.monotonic() - self._asked[1] >= self.interval_s

    async def refresh_charts(self, span: timedelta) -> list[SourceError]:
        """Fetch the metrics over the last `span` when due; the error, if the call failed."""
        if not self.due(span):
            return []
        self._asked = (span, time.monotonic())
        answer = await metric_charts(self.data, self.instance, span, self.metrics)
        self.fetches += 1
        self._show(answer)
        return [answer.error] if answer.error is not None else []

    def _show(self, answer: MetricCharts) -> None:
        heading = self.query_one("#cloudwatch-heading", Static)
        for chart, reading in zip(self.query(MetricChart), answer.charts, strict=False):
            chart.reading = reading
        if answer.error is not None:
            why = f"{answer.error.kind}: {answer.error.message}"
            heading.update(self._heading(Text(why, style="bold red")))
            return
        if not answer.has_points:
            note = Text(f"no datapoints in this range (not in {service_of(self.instance)}?)")
            note.stylize("yellow")
        else:
            note = Text(f"period {answer.period_s // 60} min", style="dim")
        heading.update(self._heading(note))
