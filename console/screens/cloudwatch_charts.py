"""CloudWatchCharts: the Metrics tab's second group, the instance as AWS measures it.

RDS (CPU, connections, freeable memory, read/write latency, IOPS) or ElastiCache (CPU,
connections, memory, evictions) metrics, one chart each, over the Metrics tab's range. They
sit below the Prometheus charts for every instance, because they answer what the exporters
cannot (is it the box or the workload: host CPU, memory, disk latency and IOPS, evictions).
CloudWatch is asked at most every `[console] fleet_refresh_s` (and at once when the range
changes), never at the 2 s pane rate: AWS data points are a minute apart and the calls are not
free. The window ends on a period boundary, so an unchanged answer redraws nothing.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import Reading, Series, SourceError
from console.inventory import Instance
from widgets.metric_chart import MetricChart
from widgets.resilient import Resilient

POINTS = 120
MIN_PERIOD_S = 60  # CloudWatch's basic resolution


def period_for(span: timedelta) -> int:
    """A whole number of minutes giving at most POINTS points over the span."""
    minutes = math.ceil(span.total_seconds() / POINTS / MIN_PERIOD_S)
    return max(1, minutes) * MIN_PERIOD_S


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
        self.metrics = data.aws_default_metrics(instance)
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
        period_s = period_for(span)
        now_s = datetime.now(UTC).timestamp()
        end = datetime.fromtimestamp(now_s - now_s % period_s, UTC)
        reading = await self.data.aws_metrics(
            self.instance, end - span, end, self.metrics, period_s
        )
        self.fetches += 1
        self._show(reading, period_s)
        return [reading.error] if reading.error is not None else []

    def _show(self, reading: Reading[tuple[Series, ...]], period_s: int) -> None:
        charts = list(self.query(MetricChart))
        heading = self.query_one("#cloudwatch-heading", Static)
        if reading.value is None:
            error = reading.error
            why = f"{error.kind}: {error.message}" if error else "no answer"
            heading.update(self._heading(Text(why, style="bold red")))
            for chart in charts:
                chart.reading = reading
            return
        for chart, series in zip(charts, reading.value, strict=False):
            chart.reading = replace(reading, value=(series,))
        if not any(series.points for series in reading.value):
            note = Text(f"no datapoints in this range (not in {service_of(self.instance)}?)")
            note.stylize("yellow")
        else:
            note = Text(f"period {period_s // 60} min", style="dim")
        heading.update(self._heading(note))
