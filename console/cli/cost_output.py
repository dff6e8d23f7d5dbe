"""`opsconsole cost`: the Cost Explorer report as text (tables, daily bars) or JSON.

Why beside the verb: this is printing only; the report and what asking for it cost come from
console/services/cost.py, and the rows shared with the cost screen from console/formatting.py.
"""

from __future__ import annotations

import json
from typing import Any

from console.data.aws_models import CostReport, PaidCalls
from console.formatting import money, share_rows, sparkline, text_table

TOP_USAGE_TYPES = 10
BAR_WIDTH = 30


def record(report: CostReport, calls: PaidCalls) -> dict[str, Any]:
    """The report and this run's paid-call figures as one JSON-ready object."""
    return {
        "unit": report.unit,
        "month_to_date": {
            "start": report.month_start.isoformat(),
            "end": report.end.isoformat(),
            "total": report.month_to_date,
        },
        "window": {
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "days": len(report.daily),
            "total": report.window_total,
        },
        "by_service": [{"service": line.key, "amount": line.amount} for line in report.by_service],
        "by_usage_type": [
            {"usage_type": line.key, "amount": line.amount} for line in report.by_usage_type
        ],
        "daily": [
            {"day": d.day.isoformat(), "amount": d.amount, "estimated": d.estimated}
            for d in report.daily
        ],
        "from_cache": report.from_cache,
        "calls_made": calls.session_calls,
        "calls_from_cache": calls.session_cached,
        "paid_usd": calls.session_usd,
        "today_calls": calls.today_calls,
        "today_usd": calls.today_usd,
        "budget_usd": calls.budget_usd,
        "cloudwatch_metrics_today": calls.metrics_today,
        "cloudwatch_metrics_today_usd": round(calls.metrics_today_usd, 4),
    }


def render_json(report: CostReport, calls: PaidCalls) -> str:
    return json.dumps(record(report, calls), indent=2)


def _bars(report: CostReport) -> list[str]:
    top = max((d.amount for d in report.daily), default=0.0)
    lines = []
    for day in report.daily:
        width = round(day.amount / top * BAR_WIDTH) if top > 0 else 0
        mark = " (estimated)" if day.estimated else ""
        label = day.day.strftime("%a %m-%d")
        lines.append(f"  {label}  {money(day.amount):>12}  {'█' * width}{mark}")
    return lines


def render_text(report: CostReport, calls: PaidCalls) -> list[str]:
    """Totals, the by-service and top usage-type tables, daily bars and the paid-call line."""
    last = report.end.fromordinal(report.end.toordinal() - 1)
    days = len(report.daily)
    amounts = [d.amount for d in report.daily]
    lines = [
        f"Month to date ({report.month_start:%b %d} – {last:%b %d}): "
        f"{money(report.month_to_date)} {report.unit}",
        f"Last {days} days ({report.start:%b %d} – {last:%b %d}): {money(report.window_total)}"
        f"   trend {sparkline(amounts, min(amounts, default=0), max(amounts, default=0))}",
        "",
        *text_table(
            ["SERVICE", "COST", "SHARE"], share_rows(report.by_service, report.window_total)
        ),
        "",
        *text_table(
            [f"USAGE TYPE (top {TOP_USAGE_TYPES})", "COST", "SHARE"],
            share_rows(report.by_usage_type[:TOP_USAGE_TYPES], report.window_total),
        ),
        "",
        "Daily:",
        *_bars(report),
        "",
        paid_calls_line(report, calls),
        metrics_line(calls),
    ]
    return lines


def paid_calls_line(report: CostReport, calls: PaidCalls) -> str:
    source = "from the cache" if report.from_cache else f"{calls.session_calls} paid call(s)"
    return (
        f"Cost Explorer: {source} this run; today {calls.today_calls} calls, "
        f"{money(calls.today_usd)} of the {money(calls.budget_usd)} daily budget"
    )


def metrics_line(calls: PaidCalls) -> str:
    """CloudWatch's share: the charts' GetMetricData is billed by the metric requested."""
    return (
        f"CloudWatch charts: {calls.metrics_today:,} metrics requested today by the team "
        f"(GetMetricData, ${calls.metrics_today_usd:.4f} at $0.01 per 1,000)"
    )
