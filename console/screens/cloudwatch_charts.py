"""CloudWatchCharts: the Metrics tab's second group, the instance as AWS measures it.

RDS (CPU, connections, freeable memory, read/write latency, IOPS) or ElastiCache (CPU,
connections, memory, evictions) metrics, one chart each, over the Metrics tab's range. They
sit below the Prometheus charts for every instance, because they answer what the exporters
cannot (is it the box or the workload: host CPU, memory, disk latency and IOPS, evictions).
For MSK, EKS, DocumentDB, OpenSearch and EC2 the charts are the kind's own (broker CPU,
cluster status red, status checks...), known once the resource is described: they are
built on the first refresh, and a chart CloudWatch has no series for (Container Insights
off) says why in its place.
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
from textual.widget import Widget
from textual.widgets import Static

from console.config import Settings
from console.data.aws_models import ChartSpec
from console.data.layer import DataLayer
from console.data.models import SourceError
from console.inventory import Instance
from console.services.cloudwatch import MetricCharts, chart_specs, grouped_charts, resource_specs
from widgets.metric_chart import MetricChart
from widgets.resilient import Resilient

SERVICES = {"redis": "ElastiCache", "mysql": "RDS", "postgres": "RDS"}


def service_of(instance: Instance, specs: tuple[ChartSpec, ...] | None = None) -> str:
    """The service the charts read: 'RDS', 'ElastiCache', or the kind's namespaces."""
    namespaces = sorted({m.namespace for s in specs or () for m in s.metrics})
    return SERVICES.get(instance.kind) or " + ".join(namespaces) or "CloudWatch"


class CloudWatchCharts(Resilient, Vertical):
    """A heading and one chart per CloudWatch metric; `refresh_charts()` fetches when due."""

    DEFAULT_CSS = """
    CloudWatchCharts { height: auto; }
    CloudWatchCharts #cloudwatch-heading { height: auto; padding: 0 1; background: $boost; }
    CloudWatchCharts MetricChart { height: auto; min-height: 5; }
    CloudWatchCharts .-missing { height: auto; border: round $primary-darken-2; padding: 0 1;
                                 color: $warning; }
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
        self.specs = chart_specs(data, instance)
        """The charts; None until an AWS resource's describe answer says what they are."""
        self.fetches = 0  # CloudWatch requests made (one per refresh that was due)
        self._asked: tuple[timedelta, float] | None = None  # the last span and when

    def compose(self) -> ComposeResult:
        yield Static(self._heading(None), id="cloudwatch-heading")
        yield from _charts(self.specs or ())

    def _heading(self, note: Text | None) -> Text:
        service = service_of(self.instance, self.specs)
        service = f"AWS/{service}" if self.instance.kind in SERVICES else service
        text = Text(f"CloudWatch · {service} · {self.instance.name}")
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
        if self.specs is None and (error := await self._resolve()) is not None:
            return [error]
        specs = [s for s in self.specs or () if s.metrics]
        groups = tuple(s.metrics for s in specs)
        answer = await grouped_charts(self.data, self.instance, span, groups)
        self.fetches += 1
        self._show(answer)
        return [answer.error] if answer.error is not None else []

    async def _resolve(self) -> SourceError | None:
        """Describe the AWS resource and build its charts (once); the error if that failed."""
        reading = await resource_specs(self.data, self.instance)
        if reading.value is None:
            self._asked = None  # ask again on the next refresh
            error = reading.error or SourceError(self.instance.name, "aws", "internal", "none")
            why = Text(f"{error.kind}: {error.message}", style="bold red")
            self.query_one("#cloudwatch-heading", Static).update(self._heading(why))
            return error
        self.specs = reading.value
        await self.mount_all(_charts(self.specs))
        return None

    def _show(self, answer: MetricCharts) -> None:
        heading = self.query_one("#cloudwatch-heading", Static)
        for chart, reading in zip(self.query(MetricChart), answer.charts, strict=False):
            chart.reading = reading
        if answer.error is not None:
            why = f"{answer.error.kind}: {answer.error.message}"
            heading.update(self._heading(Text(why, style="bold red")))
            return
        if not answer.has_points:
            where = service_of(self.instance, self.specs)
            note = Text(f"no datapoints in this range (not in {where}?)")
            note.stylize("yellow")
        else:
            note = Text(f"period {answer.period_s // 60} min", style="dim")
        heading.update(self._heading(note))


def _charts(specs: tuple[ChartSpec, ...]) -> list[Widget]:
    """One chart per spec; a spec without metrics shows why in the chart's place."""
    shown: list[Widget] = []
    for spec in specs:
        if spec.metrics:
            shown.append(MetricChart(f"CloudWatch · {spec.title}", unit=spec.unit))
            continue
        box = Static(Text(spec.missing or "no metric"), classes="-missing")
        box.border_title = Text(f"CloudWatch · {spec.title}")
        shown.append(box)
    return shown
