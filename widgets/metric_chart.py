"""MetricChart: Prometheus range series as compact sparklines with last, min and max.

Each series gets a legend line (its label values and figures in the chart's unit) and one
sparkline resampled to the widget's width, all on one shared time axis. Over SSH every redraw
costs, so the chart repaints only when the series differ from the ones drawn (or the reading's
state changes), and it has no timers. The screen owns the time range and assigns `reading`.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from console.data.models import Reading, Series
from console.formatting import human_value, resample, sparkline
from widgets.reading_view import STATE_CLASSES, Clock, show_reading_state, utcnow

MAX_SERIES = 6
COLORS = ("cyan", "magenta", "green", "yellow", "bright_blue", "red")
HIDDEN_LABELS = ("__name__", "unit")  # the unit shows in the figures


def same_series(old: tuple[Series, ...] | None, new: tuple[Series, ...]) -> bool:
    """Equal labels and points; NaN equals NaN here (Prometheus sends "NaN" for gaps)."""
    if old is None or len(old) != len(new):
        return False
    return old == new or all(_same_points(a, b) for a, b in zip(old, new, strict=True))


def _same_points(old: Series, new: Series) -> bool:
    if old.labels != new.labels or len(old.points) != len(new.points):
        return False
    return all(
        t1 == t2 and (v1 == v2 or (math.isnan(v1) and math.isnan(v2)))
        for (t1, v1), (t2, v2) in zip(old.points, new.points, strict=True)
    )


def series_label(series: Series) -> str:
    """The series' label values, 'db1:9104 · mysql'; '{}' for an aggregate without labels."""
    values = [value for name, value in series.labels if name not in HIDDEN_LABELS and value]
    return " · ".join(values) if values else "{}"


def series_stats(series: Series) -> tuple[float, float, float] | None:
    """Last, min and max of the series' numeric points; None when it has none."""
    values = [value for _, value in series.points if not math.isnan(value)]
    if not values:
        return None
    return values[-1], min(values), max(values)


def time_span(all_series: tuple[Series, ...]) -> tuple[datetime, datetime] | None:
    """The first and last timestamp over every series: the chart's shared x axis."""
    stamps = [moment for series in all_series for moment, _ in series.points]
    return (min(stamps), max(stamps)) if stamps else None


class MetricChart(Widget):
    """Sparklines of one PromQL query; the border title names the query."""

    DEFAULT_CSS = """
    MetricChart { height: auto; border: round $primary-darken-2; padding: 0 1; }
    MetricChart.-stale { opacity: 70%; }
    MetricChart.-error { border: round $error; }
    """

    reading: reactive[Reading[tuple[Series, ...]] | None] = reactive(
        None, init=False, repaint=False
    )
    """The latest range query result; an error reading keeps the last chart, marked stale."""

    unit: reactive[str] = reactive("")
    """How values print: "bytes", "bytes/s", "ops/s", "%", "s", "" (a plain number) or any."""

    def __init__(
        self,
        title: str = "",
        *,
        unit: str = "",
        time_format: str = "%H:%M",
        clock: Clock = utcnow,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        if title:
            self.border_title = Text(title)  # a metric name: never read as markup
        self.set_reactive(MetricChart.unit, unit)
        self._clock = clock
        self._time_format = time_format  # the x axis' ends ("%a %m-%d" for a daily chart)
        self._series: tuple[Series, ...] | None = None  # drawn; None until a good reading
        self._good_at: datetime | None = None
        self._note = Text("waiting for data…", style="dim")  # shown without series

    def on_mount(self) -> None:
        show_reading_state(self, self.reading, last_good_at=self._good_at, now=self._clock())

    def watch_reading(self, reading: Reading[tuple[Series, ...]] | None) -> None:
        """Repaint only for new data or a state change: the same series again costs nothing.

        So while the data holds still, the subtitle keeps the time the drawn data arrived.
        """
        was_marked = any(self.has_class(name) for name in STATE_CLASSES)
        old_height = self._line_count()
        changed = self._take(reading)
        if changed or was_marked or reading is None or reading.error is not None:
            show_reading_state(self, reading, last_good_at=self._good_at, now=self._clock())
        if changed:
            self.refresh(layout=self._line_count() != old_height)

    def _take(self, reading: Reading[tuple[Series, ...]] | None) -> bool:
        """Keep what the reading brings; True when what is drawn changes."""
        if reading is None:
            return False
        if reading.value is not None:
            self._good_at = reading.fetched_at
            if same_series(self._series, reading.value):
                return False
            self._series = reading.value
            return True
        if reading.error is not None and self._series is None:
            self._note = Text(f"no data: {reading.error}", style="red")
            return True
        return False

    def _line_count(self) -> int:
        if not self._series:
            return 1
        shown = min(len(self._series), MAX_SERIES)
        return 2 * shown + (len(self._series) > MAX_SERIES) + 1

    def render(self) -> Text:
        all_series = self._series
        span = time_span(all_series) if all_series else None
        if not all_series or span is None:
            return self._note if all_series is None else Text("no series", style="dim")
        width = max(1, self.size.width)
        lines = []
        for index, series in enumerate(all_series[:MAX_SERIES]):
            color = COLORS[index % len(COLORS)]
            lines.append(self._legend(series, color, width))
            lines.append(Text(self._sparkline(series, span, width), style=color))
        hidden = len(all_series) - MAX_SERIES
        if hidden > 0:
            lines.append(Text(f"+{hidden} more series not drawn", style="dim"))
        lines.append(self._axis(span, width))
        return Text("\n", no_wrap=True, overflow="ellipsis").join(lines)

    def _legend(self, series: Series, color: str, width: int) -> Text:
        """'● label values' on the left, 'last … min … max …' on the right."""
        stats = series_stats(series)
        figures = Text(style="bold")
        if stats is None:
            figures.append("no values", style="dim")
        else:
            for name, value in zip(("last", "min", "max"), stats, strict=True):
                figures.append(f"  {name} ", style="dim")
                figures.append(human_value(value, self.unit))
        room = max(8, width - cell_len(figures.plain) - 2)
        legend = Text("● ", style=color)
        legend.append(series_label(series))
        legend.truncate(room + 2, overflow="ellipsis", pad=True)
        legend.append_text(figures)
        legend.truncate(width, overflow="ellipsis")
        return legend

    def _sparkline(self, series: Series, span: tuple[datetime, datetime], width: int) -> str:
        xs = [moment.timestamp() for moment, _ in series.points]
        ys = [value for _, value in series.points]
        columns = resample(xs, ys, width, span[0].timestamp(), span[1].timestamp())
        stats = series_stats(series)
        low, high = (stats[1], stats[2]) if stats else (0.0, 0.0)
        return sparkline(columns, low, high)

    def _axis(self, span: tuple[datetime, datetime], width: int) -> Text:
        start = span[0].astimezone(UTC).strftime(self._time_format)
        end = span[1].astimezone(UTC).strftime(self._time_format) + " UTC"
        gap = max(1, width - len(start) - len(end))
        return Text(f"{start}{' ' * gap}{end}", style="dim")
