"""MetricsPane: live Prometheus charts of one instance, then its CloudWatch charts.

The queries come from config.toml [metrics] per kind, so the team adds its own; `t` cycles
15m/1h/6h/24h (both groups) and `e` opens a prompt for any PromQL expression, charted below
the rest. The CloudWatch group (RDS or ElastiCache metrics, screens/cloudwatch_charts.py) is
always there, below; when Prometheus has no series at all for the instance, its empty charts
fold into one line so the CloudWatch charts come up to the top.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from console.config import MetricQuery, Settings
from console.data.layer import DataLayer
from console.data.models import SourceError
from console.inventory import Instance
from console.screens.cloudwatch_charts import CloudWatchCharts
from widgets.bindings import bindings
from widgets.metric_chart import MetricChart
from widgets.resilient import Resilient

RANGES: tuple[tuple[str, timedelta], ...] = (
    ("15m", timedelta(minutes=15)),
    ("1h", timedelta(hours=1)),
    ("6h", timedelta(hours=6)),
    ("24h", timedelta(hours=24)),
)
POINTS = 120


class MetricsPane(Resilient, VerticalScroll):
    """Charts for one instance; the screen calls refresh_charts() while the tab is visible."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("metrics.range", "metrics.prompt")
    DEFAULT_CSS = """
    MetricsPane MetricChart { height: auto; min-height: 5; }
    MetricsPane #promql { dock: bottom; }
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
        self.settings = settings
        self.instance = instance
        self.queries: list[MetricQuery] = list(settings.metrics.get(instance.kind, ()))
        self.range_index = 0

    def compose(self) -> ComposeResult:
        yield Static(self._range_text(), id="range")
        yield Static("", id="prometheus-note", markup=False)
        for query in self.queries:
            yield self._chart(query)
        yield CloudWatchCharts(self.data, self.settings, self.instance, id="cloudwatch")
        yield Input(placeholder="PromQL, Enter to chart it (Escape to close)", id="promql")

    def on_mount(self) -> None:
        self.query_one("#promql", Input).display = False
        self.query_one("#prometheus-note", Static).display = False

    def _chart(self, query: MetricQuery) -> MetricChart:
        chart = MetricChart(classes="-prometheus")
        chart.border_title = Text(query.title)
        chart.unit = query.unit
        return chart

    def _range_text(self) -> str:
        names = "  ".join(
            f"[{n}]" if i == self.range_index else n for i, (n, _) in enumerate(RANGES)
        )
        return f"range: {names}   (t: next range, e: PromQL; CloudWatch below)"

    async def refresh_charts(self) -> list[SourceError]:
        """Prometheus and (when due) CloudWatch at once, over the selected window."""
        span = RANGES[self.range_index][1]
        cloudwatch = self.query_one(CloudWatchCharts)
        prometheus, aws = await asyncio.gather(
            self._refresh_prometheus(span), cloudwatch.refresh_charts(span)
        )
        return prometheus + aws

    async def _refresh_prometheus(self, span: timedelta) -> list[SourceError]:
        """One range query per chart, over the window, ≤ POINTS points each."""
        step_s = max(span.total_seconds() / POINTS, 5.0)
        # The window ends on a step boundary: polls within one step get the same points,
        # so the charts (which redraw only on change) write nothing to the terminal.
        now_s = datetime.now(UTC).timestamp()
        end = datetime.fromtimestamp(now_s - now_s % step_s, UTC)
        charts = list(self.query(".-prometheus").results(MetricChart))
        errors: list[SourceError] = []
        empty = 0
        pairs = list(zip(self.queries, charts, strict=False))
        # all at once: a Prometheus that hangs marks every chart within one http_s, not n of them
        readings = await asyncio.gather(
            *(
                self.data.prometheus.query_range(
                    query.for_instance(self.instance.name, self.instance.endpoint),
                    end - span,
                    end,
                    step_s,
                )
                for query, _ in pairs
            )
        )
        for (_, chart), reading in zip(pairs, readings, strict=True):
            chart.reading = reading
            errors += [reading.error] if reading.error is not None else []
            empty += reading.value == ()
        self._fold(charts, bool(charts) and empty == len(charts))
        return errors

    def _fold(self, charts: list[MetricChart], nothing: bool) -> None:
        """Hide the Prometheus charts when none has a series, with one line saying so."""
        note = self.query_one("#prometheus-note", Static)
        if note.display != nothing:
            note.update(f"Prometheus has no series for {self.instance.name}; CloudWatch below.")
            note.display = nothing
            for chart in charts:
                chart.display = not nothing

    def action_next_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        self.query_one("#range", Static).update(self._range_text())
        self.run_worker(
            self.refresh_charts(), group="metrics-range", exclusive=True, exit_on_error=False
        )

    def action_prompt(self) -> None:
        box = self.query_one("#promql", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#promql")
    async def add_query(self, event: Input.Submitted) -> None:
        expression = event.value.strip()
        event.input.display = False
        if not expression:
            return
        query = MetricQuery(title=f"ad hoc: {expression}", query=expression)
        self.queries.append(query)
        await self.mount(self._chart(query), before=event.input)
        self.run_worker(
            self.refresh_charts(), group="metrics-range", exclusive=True, exit_on_error=False
        )
