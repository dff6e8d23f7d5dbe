"""The Logs Insights pane fed deterministic readings (AWS-shaped: statistics reported), for
snapshots; the lab's moto reports none, so the figure AWS gives is drawn from these."""

from __future__ import annotations

from textual.app import App, ComposeResult

from console.data.aws_models import InsightsResult, InsightsStatistics, ScanBudget
from console.data.models import Reading, SourceError
from tests.factories import AT
from widgets.logs_view import LogsView
from widgets.status_bar import StatusBar

GROUPS = (
    "/aws/rds/instance/aws-luckyus-salesorder-rw/error",
    "/aws/rds/instance/aws-luckyus-salesorder-rw/slowquery",
    "/luckyus/app/member-api",
    "/luckyus/app/salesorder-api",
)
SAVED = (
    ("Latest lines", "fields @timestamp, @log, @message | sort @timestamp desc"),
    ("Card declines", "fields @timestamp, @message | filter @message like /card declined/"),
    ("Errors per 5 minutes", "filter @message like /ERROR/ | stats count(*) as errors by bin(5m)"),
)
QUERY = "fields @timestamp, @log, @message | filter @message like /card/ | limit 100"
_LINES = (
    "WARN  [http-nio-8080-exec-4] c.l.sales.PaymentService - card declined orderId=9013570 "
    "card=****8625 phone=***-***-3565 reason=insufficient_funds",
    "INFO  [http-nio-8080-exec-3] c.l.sales.PaymentService - payment captured orderId=8436443 "
    "brand=VISA card=****5605 amount=6.52",
    "INFO  [http-nio-8080-exec-9] c.l.sales.OrderController - order created orderId=8059914 "
    "memberId=188135 email=***@comcast.net store=US-NY-0012 amount=12.40",
)


def result(rows: int = 12) -> InsightsResult:
    """What the data layer hands back for QUERY: masked rows, AWS's statistics."""
    made = tuple(
        (
            ("@timestamp", f"2026-11-25 14:{29 - n // 2:02d}:{59 - n * 3 % 60:02d}.{n:03d}"),
            ("@log", "123456789012:/luckyus/app/salesorder-api"),
            ("@message", f"2026-11-25T14:{29 - n // 2:02d}Z {_LINES[n % 3]}"),
        )
        for n in range(rows)
    )
    stats = InsightsStatistics(records_matched=rows, records_scanned=48_213, bytes_scanned=1.234e9)
    fields = ("@timestamp", "@log", "@message")
    return InsightsResult("q-1", "Complete", fields, made, stats, QUERY, GROUPS[2:])


def budget(today_gb: float = 3.7, queries: int = 4) -> ScanBudget:
    return ScanBudget(int(today_gb * 1e9), queries, 5 * 10**9, 1_234_000_000, 1)


def refused() -> Reading[InsightsResult]:
    error = SourceError(
        "logs-insights", "aws", "refused",
        "daily Logs Insights budget reached: 5.210 GB scanned today (UTC) by 7 queries, of a "
        "budget of 5.000 GB ([aws] logs_daily_budget_gb). Run with --over-budget (in the Logs "
        "screen: F5 again) to go past it, or raise the budget",
    )  # fmt: skip
    return Reading("logs-insights", "aws", AT, 0.0, error=error)


class LogsHarness(App[None]):
    """The pane as the Logs screen lays it out, two groups ticked, one query answered."""

    def __init__(self, reading: Reading[InsightsResult] | None = None) -> None:
        super().__init__()
        self._reading = reading or Reading("logs-insights", "aws", AT, 0.4, result())

    def compose(self) -> ComposeResult:
        yield LogsView(id="logs")
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        view = self.query_one(LogsView)
        view.set_saved(SAVED)
        view.set_groups(GROUPS, GROUPS[2:])
        view.set_query(QUERY)
        view.window = "Logs Insights · last 1h · limit 100"
        view.reading = self._reading
        if self._reading.error is not None:
            view.budget = budget(5.21, 7)
            view.query_one("#logs-query").focus()
        else:
            view.budget = budget()
            view.show_rows()
        self.query_one(StatusBar).profile = "production"
