"""MetricsPane: live Prometheus charts of one instance, a time-range switch, ad-hoc PromQL.

The queries come from config.toml [metrics] per kind, so the team adds its own; `t` cycles
15m/1h/6h/24h and `e` opens a prompt for any PromQL expression, charted below the rest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from console.config import MetricQuery, Settings
from console.data.layer import DataLayer
from console.data.models import SourceError
from console.inventory import Instance
from widgets.metric_chart import MetricChart

RANGES: tuple[tuple[str, timedelta], ...] = (
    ("15m", timedelta(minutes=15)),
    ("1h", timedelta(hours=1)),
    ("6h", timedelta(hours=6)),
    ("24h", timedelta(hours=24)),
)
POINTS = 120


class MetricsPane(VerticalScroll):
    """Charts for one instance; the screen calls refresh_charts() while the tab is visible."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "next_range", "Range", id="metrics.range"),
        Binding("e", "prompt", "PromQL", id="metrics.prompt"),
    ]
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
        self.instance = instance
        self.queries: list[MetricQuery] = list(settings.metrics.get(instance.kind, ()))
        self.range_index = 0

    def compose(self) -> ComposeResult:
        yield Static(self._range_text(), id="range")
        for query in self.queries:
            yield self._chart(query)
        yield Input(placeholder="PromQL, Enter to chart it (Escape to close)", id="promql")

    def on_mount(self) -> None:
        self.query_one("#promql", Input).display = False

    def _chart(self, query: MetricQuery) -> MetricChart:
        chart = MetricChart()
        chart.border_title = query.title
        chart.unit = query.unit
        return chart

    def _range_text(self) -> str:
        names = "  ".join(
            f"[{n}]" if i == self.range_index else n for i, (n, _) in enumerate(RANGES)
        )
        return f"range: {names}   (t: next range, e: PromQL)"

    async def refresh_charts(self) -> list[SourceError]:
        """One range query per chart, over the selected window, ≤ POINTS points each."""
        span = RANGES[self.range_index][1]
        step_s = max(span.total_seconds() / POINTS, 5.0)
        # The window ends on a step boundary: polls within one step get the same points,
        # so the charts (which redraw only on change) write nothing to the terminal.
        now_s = datetime.now(UTC).timestamp()
        end = datetime.fromtimestamp(now_s - now_s % step_s, UTC)
        charts = list(self.query(MetricChart))
        errors: list[SourceError] = []
        for query, chart in zip(self.queries, charts, strict=False):
            promql = query.for_instance(self.instance.name, self.instance.endpoint)
            reading = await self.data.prometheus.query_range(promql, end - span, end, step_s)
            chart.reading = reading
            errors += [reading.error] if reading.error is not None else []
        return errors

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
