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

from console.data.aws_models import AwsMetric, ChartSpec
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


def chart_specs(data: DataLayer, instance: Instance) -> tuple[ChartSpec, ...] | None:
    """The charts of an RDS instance or ElastiCache cluster, one metric each; None for the
    AWS kinds, whose charts need their describe answer first (`resource_specs`)."""
    if instance.is_aws:
        return None
    return tuple(ChartSpec(m.name, m.unit, (m,)) for m in chart_metrics(data, instance))


async def resource_specs(data: DataLayer, instance: Instance) -> Reading[tuple[ChartSpec, ...]]:
    """The charts of an MSK, EKS, DocumentDB, OpenSearch or EC2 resource: described first
    (its dimensions, broker ids), then ListMetrics for what CloudWatch keeps of it."""
    overview = await data.aws_overview(instance)
    if overview.value is None:
        return Reading(
            overview.instance, "aws", overview.fetched_at, overview.elapsed_s, error=overview.error
        )
    return await data.aws_charts(overview.value)


def period_for(span: timedelta) -> int:
    """A whole number of minutes giving at most POINTS points over the span."""
    minutes = math.ceil(span.total_seconds() / POINTS / MIN_PERIOD_S)
    return max(1, minutes) * MIN_PERIOD_S


async def metric_charts(
    data: DataLayer, instance: Instance, span: timedelta, metrics: tuple[AwsMetric, ...]
) -> MetricCharts:
    """`metrics` over the last `span`, ending on a period boundary, one reading per chart."""
    return await grouped_charts(data, instance, span, tuple((m,) for m in metrics))


async def grouped_charts(
    data: DataLayer,
    instance: Instance,
    span: timedelta,
    groups: tuple[tuple[AwsMetric, ...], ...],
    until: datetime | None = None,
) -> MetricCharts:
    """Like `metric_charts`, one chart per group of metrics (one series per MSK broker...):
    still one GetMetricData request for them all. An empty group gets an empty chart.
    The window ends on the period boundary before `until` (default now)."""
    metrics = tuple(m for group in groups for m in group)
    period_s = period_for(span)
    now_s = (until or datetime.now(UTC)).timestamp()
    end = datetime.fromtimestamp(now_s - now_s % period_s, UTC)
    if not metrics:
        return MetricCharts(period_s, (), None, False)
    reading = await data.aws_metrics(instance, end - span, end, metrics, period_s)
    if reading.value is None:
        error = reading.error or SourceError(instance.name, "aws", "internal", "no answer")
        return MetricCharts(period_s, (reading,) * len(groups), error, False)
    series, charts = list(reading.value), []
    for group in groups:
        charts.append(replace(reading, value=tuple(series[: len(group)])))
        del series[: len(group)]
    has_points = any(s.points for s in reading.value)
    return MetricCharts(period_s, tuple(charts), None, has_points)
