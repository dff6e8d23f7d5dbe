"""Deterministic AWS models (CloudWatch alarms, a Cost Explorer report, the paid-call counter)."""

from __future__ import annotations

from datetime import date, timedelta

from console.data.aws_models import CloudWatchAlarm, CostDay, CostLine, CostReport, PaidCalls
from console.data.models import Reading, SourceError
from tests.factories import AT

TODAY = AT.date()


def alarm(name: str, state: str, metric: str, dimension: str, value: str, age: timedelta,
          instance: str | None) -> CloudWatchAlarm:  # fmt: skip
    namespace = "AWS/ElastiCache" if dimension == "CacheClusterId" else "AWS/RDS"
    reason = (
        "Threshold Crossed: 3 datapoints were greater than the threshold (80)"
        if state == "ALARM"
        else "Threshold not crossed"
    )
    return CloudWatchAlarm(
        name=name, state=state, reason=reason, since=AT - age, metric=metric,
        namespace=namespace, dimensions=((dimension, value),), instance=instance,
    )  # fmt: skip


def alarms() -> tuple[CloudWatchAlarm, ...]:
    """Two in ALARM, one INSUFFICIENT_DATA, one OK (firing first, as the data layer sorts)."""
    return (
        alarm("rds-salesorder-cpu-high", "ALARM", "CPUUtilization", "DBInstanceIdentifier",
              "aws-luckyus-salesorder-rw", timedelta(minutes=8), "aws-luckyus-salesorder-rw"),
        alarm("redis-isales-market-evictions", "ALARM", "Evictions", "CacheClusterId",
              "luckyus-isales-market-001", timedelta(minutes=3), "luckyus-isales-market"),
        alarm("rds-devops-freeable-memory", "INSUFFICIENT_DATA", "FreeableMemory",
              "DBInstanceIdentifier", "aws-luckyus-devops-rw", timedelta(hours=2),
              "aws-luckyus-devops-rw"),
        alarm("rds-scm-ordering-read-latency", "OK", "ReadLatency", "DBInstanceIdentifier",
              "aws-luckyus-scm-ordering-rw", timedelta(days=1), "aws-luckyus-scm-ordering-rw"),
    )  # fmt: skip


def alarms_reading() -> Reading[tuple[CloudWatchAlarm, ...]]:
    return Reading("aws", "aws", AT, 0.2, value=alarms())


def alarms_error() -> Reading[tuple[CloudWatchAlarm, ...]]:
    error = SourceError("aws", "aws", "unreachable", "cannot reach monitoring.us-east-1")
    return Reading("aws", "aws", AT + timedelta(seconds=45), 3.0, error=error)


SERVICES = (
    ("Amazon Elastic Compute Cloud - Compute", 4068.32),
    ("Amazon Relational Database Service", 2468.07),
    ("Amazon ElastiCache", 1047.76),
    ("EC2 - Other", 663.35),
    ("Amazon Simple Storage Service", 298.09),
    ("AmazonCloudWatch", 228.59),
)
USAGE_TYPES = (
    ("USE1-BoxUsage:m5.xlarge", 2797.97),
    ("USE1-InstanceUsage:db.r6g.xlarge", 2156.46),
    ("USE1-BoxUsage:c5.2xlarge", 1270.35),
    ("USE1-NodeUsage:cache.r6g.large", 1047.76),
    ("USE1-EBS:VolumeUsage.gp3", 486.42),
    ("USE1-TimedStorage-ByteHrs", 256.54),
)


def cost_report(days: int = 7, from_cache: bool = False) -> CostReport:
    start = TODAY - timedelta(days=days)
    daily = tuple(
        CostDay(start + timedelta(days=n), 1400.0 + 90.0 * ((n * 5) % 7), n >= days - 2)
        for n in range(days)
    )
    return CostReport(
        start=start,
        end=TODAY,
        month_start=date(TODAY.year, TODAY.month, 1),
        month_to_date=35495.09,
        window_total=round(sum(d.amount for d in daily), 2),
        by_service=tuple(CostLine(k, v) for k, v in SERVICES),
        by_usage_type=tuple(CostLine(k, v) for k, v in USAGE_TYPES),
        daily=daily,
        from_cache=from_cache,
    )


def cost_reading(days: int = 7) -> Reading[CostReport]:
    return Reading("cost-explorer", "aws", AT, 0.8, value=cost_report(days))


def cost_refused() -> Reading[CostReport]:
    message = (
        "daily Cost Explorer budget reached: 50 calls, $0.50 of $0.50 spent today (UTC); "
        "each call costs $0.01. Cached answers still show; raise [aws] "
        "cost_daily_budget_usd to allow more"
    )
    error = SourceError("cost-explorer", "aws", "refused", message)
    return Reading("cost-explorer", "aws", AT + timedelta(minutes=2), 0.0, error=error)


def paid_calls(today_calls: int = 2, budget_usd: float = 0.50) -> PaidCalls:
    return PaidCalls(
        session_calls=1, session_cached=2, session_usd=0.01, today_calls=today_calls,
        today_usd=round(today_calls * 0.01, 2), budget_usd=budget_usd,
    )  # fmt: skip
