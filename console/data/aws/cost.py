"""Cost Explorer: month-to-date and last-N-days cost by service and usage type, daily.

One get_cost_and_usage request (DAILY, grouped by SERVICE and USAGE_TYPE, over the month so far
and the last N days) answers every figure of `opsconsole cost`, so a run costs one paid call at
most (plus one per extra page); it goes through the paid-call cache.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from console.data.aws.clients import AwsClients
from console.data.aws.costcache import Charge, PaidCallCache
from console.data.aws_models import CostDay, CostLine, CostReport

METRIC = "UnblendedCost"
Row = tuple[str, bool, str, str, float]
"""One cost row as cached: day (ISO), estimated, service, usage type, amount."""


def cost_request(today: date, days: int) -> dict[str, Any]:
    """The one request behind a report: complete days from min(month start, today - days)."""
    start = min(today.replace(day=1), today - timedelta(days=days))
    return {
        "operation": "get_cost_and_usage",
        "TimePeriod": {"Start": start.isoformat(), "End": today.isoformat()},
        "Granularity": "DAILY",
        "Metrics": [METRIC],
        "GroupBy": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
    }


async def cost_report(aws: AwsClients, cache: PaidCallCache, today: date, days: int) -> CostReport:
    """The report for the `days` complete days before `today` and the month so far."""
    request = cost_request(today, days)

    async def call(charge: Charge) -> list[Row]:
        return await _fetch_rows(aws, request, charge)

    answer, cached = await cache.get(request, call)
    rows = [(str(r[0]), bool(r[1]), str(r[2]), str(r[3]), float(r[4])) for r in answer]
    return build_report(rows, today, days, from_cache=cached)


async def _fetch_rows(aws: AwsClients, request: Mapping[str, Any], charge: Charge) -> list[Row]:
    params = {key: value for key, value in request.items() if key != "operation"}
    rows: list[Row] = []
    async with aws.client("ce") as client:
        while True:
            await charge()  # counted (or refused) before the request is sent
            page = await client.get_cost_and_usage(**params)
            rows.extend(parse_rows(page.get("ResultsByTime", [])))
            token = page.get("NextPageToken")
            if not token:
                return rows
            params["NextPageToken"] = token


def parse_rows(results: Iterable[Mapping[str, Any]]) -> list[Row]:
    """ResultsByTime -> rows; a period without groups contributes its Total."""
    rows: list[Row] = []
    for period in results:
        day = str(period.get("TimePeriod", {}).get("Start", ""))
        estimated = bool(period.get("Estimated", False))
        groups = period.get("Groups") or []
        for group in groups:
            keys = [*group.get("Keys", []), "", ""]
            rows.append((day, estimated, str(keys[0]), str(keys[1]), _amount(group)))
        if not groups and period.get("Total"):
            rows.append((day, estimated, "(total)", "", _amount({"Metrics": period["Total"]})))
    return rows


def _amount(group: Mapping[str, Any]) -> float:
    metric = group.get("Metrics", {}).get(METRIC) or next(iter(group.get("Metrics", {}).values()))
    try:
        return float(metric.get("Amount", 0.0))
    except (TypeError, ValueError, AttributeError):
        return 0.0


def build_report(rows: Sequence[Row], today: date, days: int, from_cache: bool) -> CostReport:
    """Totals by service, usage type and day; rows outside the window are ignored."""
    month_start = today.replace(day=1)
    start = today - timedelta(days=days)
    by_service: dict[str, float] = defaultdict(float)
    by_usage: dict[str, float] = defaultdict(float)
    by_day: dict[date, float] = defaultdict(float)
    estimated: set[date] = set()
    month_to_date = 0.0
    for day_text, is_estimate, service, usage, amount in rows:
        day = date.fromisoformat(day_text)
        if month_start <= day < today:
            month_to_date += amount
        if not start <= day < today:
            continue
        by_service[service] += amount
        by_usage[usage or service] += amount
        by_day[day] += amount
        if is_estimate:
            estimated.add(day)
    window = [start + timedelta(days=n) for n in range(days)]
    return CostReport(
        start=start,
        end=today,
        month_start=month_start,
        month_to_date=round(month_to_date, 2),
        window_total=round(sum(by_day.values()), 2),
        by_service=_lines(by_service),
        by_usage_type=_lines(by_usage),
        daily=tuple(CostDay(day, round(by_day[day], 2), day in estimated) for day in window),
        from_cache=from_cache,
    )


def _lines(totals: Mapping[str, float]) -> tuple[CostLine, ...]:
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return tuple(CostLine(key, round(amount, 2)) for key, amount in ordered)
