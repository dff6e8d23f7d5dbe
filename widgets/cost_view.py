"""CostView: Cost Explorer's report on screen: totals, the daily trend, two tables, the counter.

Month to date and the last N days on top with the paid-call counter (this session and today
against the daily budget), the daily trend as a chart, then the last N days by service and by
usage type as tables (so `ctrl+e` exports them). A failed or refused call keeps the last
report on screen, marked stale, with the reason in red right under the totals. Rows come from
console/formatting.py's `share_rows`, as `opsconsole cost` prints them, so the two always agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from console.data.aws_models import CostReport, PaidCalls
from console.data.models import Reading, Series
from console.formatting import money, share_rows
from widgets.keyed_table import cell
from widgets.metric_chart import MetricChart
from widgets.reading_view import Clock, show_reading_state, utcnow
from widgets.resilient import Resilient

NARROW_BELOW = 120  # columns: below this the two tables stack instead of sitting side by side
TABLES = (("by-service", "SERVICE"), ("by-usage", "USAGE TYPE"))


def _day(moment: date) -> str:
    return f"{moment:%b %d}"


def totals_line(report: CostReport) -> Text:
    """'Month to date $36,012.34 USD · last 7 days $10,501.12 (Nov 17 – Nov 23)'."""
    last = report.end - timedelta(days=1)
    text = Text()
    text.append("Month to date ", style="dim")
    text.append(f"{money(report.month_to_date)} {report.unit}", style="bold")
    text.append(f" · last {len(report.daily)} days ", style="dim")
    text.append(money(report.window_total), style="bold")
    text.append(f" ({_day(report.start)} – {_day(last)})", style="dim")
    return text


def counter_line(paid: PaidCalls, outcome: str) -> Text:
    """'Refresh: from cache · session 1 paid, 2 cached · today 3 calls $0.03 of $0.50'."""
    text = Text()
    if outcome:
        text.append("Refresh: ", style="dim")
        text.append(outcome, style="bold green" if outcome == "from cache" else "bold yellow")
        text.append(" · ", style="dim")
    text.append(f"session {paid.session_calls} paid, {paid.session_cached} cached · ")
    refused = paid.budget_usd <= 0 or paid.remaining_usd <= 0
    today = f"today {paid.today_calls} calls {money(paid.today_usd)}"
    text.append(f"{today} of {money(paid.budget_usd)}", style="bold red" if refused else "")
    return text


def problem_line(reading: Reading[CostReport], shown: CostReport | None) -> Text:
    """Why the last refresh failed, in red; a refusal says what still works."""
    error = reading.error
    if error is None:
        return Text()
    head = "Refused, no call made" if error.kind == "refused" else f"Failed ({error.kind})"
    text = Text(f"{head}: {error.message}", style="bold red")
    if shown is not None:
        text.append("  · showing the last answer", style="red")
    return text


class CostView(Resilient, Vertical):
    """The cost report; the screen assigns `reading`, `paid`, `outcome` and `days`."""

    DEFAULT_CSS = """
    CostView { height: 1fr; }
    CostView #cost-summary { height: auto; padding: 0 1; }
    CostView #cost-trend { height: auto; }
    CostView #cost-tables { layout: horizontal; height: 1fr; }
    CostView.-narrow #cost-tables { layout: vertical; }
    CostView DataTable { width: 1fr; height: 1fr; border: round $primary-darken-2; }
    CostView DataTable:focus { border: round $primary; }
    CostView.-stale DataTable { opacity: 70%; }
    CostView.-error #cost-summary { border-left: thick $error; }
    """

    reading: reactive[Reading[CostReport] | None] = reactive(None, init=False, repaint=False)
    """The latest report; an error keeps the last good one, marked stale, with the reason."""

    paid: reactive[PaidCalls | None] = reactive(None, init=False, repaint=False)
    """The paid-call counter after the latest refresh."""

    outcome: reactive[str] = reactive("", init=False, repaint=False)
    """What the latest refresh cost: "from cache", "1 paid call", "refused"…"""

    trend: reactive[Reading[tuple[Series, ...]] | None] = reactive(None, init=False, repaint=False)
    """The daily totals for the chart (the cost service's `daily_trend`)."""

    days: reactive[int] = reactive(7, init=False, repaint=False)
    """The window asked for (shown in the titles before its answer arrives)."""

    def __init__(
        self,
        *,
        clock: Clock = utcnow,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._clock = clock
        self.report: CostReport | None = None  # the report on screen (the last good one)
        self._good_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("asking Cost Explorer…", style="dim"), id="cost-summary")
        yield MetricChart(
            "Daily cost", unit="USD", time_format="%a %m-%d", clock=self._clock, id="cost-trend"
        )
        with Container(id="cost-tables"):
            for table_id, _ in TABLES:
                yield DataTable[str](id=table_id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for table_id, heading in TABLES:
            table = self.query_one(f"#{table_id}", DataTable)
            table.add_columns(heading, "COST", "SHARE")
        self._retitle()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    def watch_reading(self, reading: Reading[CostReport] | None) -> None:
        if reading is not None and reading.value is not None:
            self.report, self._good_at = reading.value, reading.fetched_at
            self._fill(reading.value)
        show_reading_state(self, reading, last_good_at=self._good_at, now=self._clock())
        self._summarise()

    def watch_trend(self, trend: Reading[tuple[Series, ...]] | None) -> None:
        if trend is not None:
            self.query_one(MetricChart).reading = trend

    def watch_paid(self) -> None:
        self._summarise()

    def watch_outcome(self) -> None:
        self._summarise()

    def watch_days(self) -> None:
        self._retitle()

    def _retitle(self) -> None:
        days = len(self.report.daily) if self.report is not None else self.days
        pending = "" if days == self.days else f" (asking for {self.days}…)"
        for table_id, heading in TABLES:
            title = f"{heading.capitalize()} · last {days} days{pending}"
            self.query_one(f"#{table_id}", DataTable).border_title = title
        estimated = sum(d.estimated for d in self.report.daily) if self.report else 0
        note = f" · {estimated} estimated" if estimated else ""
        self.query_one(MetricChart).border_title = f"Daily cost · last {days} days{note}{pending}"

    def _fill(self, report: CostReport) -> None:
        lines = {"by-service": report.by_service, "by-usage": report.by_usage_type}
        for table_id, cost_lines in lines.items():
            table = self.query_one(f"#{table_id}", DataTable)
            cursor = table.cursor_row
            table.clear()
            for row in share_rows(cost_lines, report.window_total):
                table.add_row(*(cell(c) for c in row))  # names from AWS: never markup
            if table.row_count:
                table.move_cursor(row=min(cursor, table.row_count - 1))
        self._retitle()

    def _summarise(self) -> None:
        lines: list[Text] = []
        if self.report is not None:
            lines.append(totals_line(self.report))
        reading = self.reading
        if reading is not None and reading.error is not None:
            lines.append(problem_line(reading, self.report))
        elif self.report is None:
            lines.append(Text(f"asking Cost Explorer for the last {self.days} days…", style="dim"))
        if self.paid is not None:
            lines.append(counter_line(self.paid, self.outcome))
        self.query_one("#cost-summary", Static).update(Text("\n").join(lines))
