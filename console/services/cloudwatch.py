"""CloudWatch charts: an RDS instance's or ElastiCache cluster's metrics over a window, one
reading per chart, for the Metrics tab's CloudWatch group.

Why a service: which metrics an instance is charted by, how a window becomes a CloudWatch
request (a whole number of minutes per point, the end on a period boundary so an unchanged
answer redraws nothing) and how one answer splits into one reading per chart are data work,
not the screen's; the screen shows what comes back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from console.data.aws_models import AwsMetric
from console.data.layer import DataLayer
from console.data.models import Reading, Series, SourceError
from console.inventory import Instance

POINTS = 120
MIN_PERIOD_S = 60  # CloudWatch's basic resolution


@dataclass(frozen=True, slots=True)
class MetricCharts:
    """One CloudWatch request's answer, split for the charts."""

    period_s: int
    charts: tuple[Reading[tuple[Series, ...]], ...]
    """One reading per chart in the metrics' order (each the failed reading on an error)."""
    error: SourceError | None
    has_points: bool
    """False when every series came back empty (the instance may not be in RDS/ElastiCache)."""


def chart_metrics(data: DataLayer, instance: Instance) -> tuple[AwsMetric, ...]:
    """The metrics an instance is charted by (RDS or ElastiCache defaults)."""
    return data.aws_default_metrics(instance)


def period_for(span: timedelta) -> int:
    """A whole number of minutes giving at most POINTS points over the span."""
    minutes = math.ceil(span.total_seconds() / POINTS / MIN_PERIOD_S)
    return max(1, minutes) * MIN_PERIOD_S


async def metric_charts(
    data: DataLayer, instance: Instance, span: timedelta, metrics: tuple[AwsMetric, ...]
) -> MetricCharts:
    """`metrics` over the last `span`, ending on a period boundary, one reading per chart."""
    period_s = period_for(span)
    now_s = datetime.now(UTC).timestamp()
    end = datetime.fromtimestamp(now_s - now_s % period_s, UTC)
    reading = await data.aws_metrics(instance, end - span, end, metrics, period_s)
    if reading.value is None:
        error = reading.error or SourceError(instance.name, "aws", "internal", "no answer")
        return MetricCharts(period_s, (reading,) * len(metrics), error, False)
    charts = tuple(replace(reading, value=(series,)) for series in reading.value)
    has_points = any(series.points for series in reading.value)
    return MetricCharts(period_s, charts, None, has_points)
