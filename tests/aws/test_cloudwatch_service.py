"""The CloudWatch charts service (console/services/cloudwatch.py): the period a window asks
for, and one answer split into one reading per chart (moto, in the lab)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from console.config import Settings
from console.data.aws.cloudwatch import ELASTICACHE_METRICS, RDS_METRICS
from console.data.layer import DataLayer
from console.services.cloudwatch import chart_metrics, metric_charts, period_for
from tests.aws.conftest import with_aws


@pytest.mark.parametrize(
    ("span", "period_s"),
    [
        (timedelta(hours=1), 60),
        (timedelta(hours=2), 60),
        (timedelta(hours=6), 180),
        (timedelta(hours=24), 720),
        (timedelta(days=7), 5040),
    ],
)
def test_a_window_asks_at_most_120_points_in_whole_minutes(span: timedelta, period_s: int) -> None:
    assert period_for(span) == period_s
    assert span.total_seconds() / period_s <= 120


@pytest.mark.lab
async def test_one_reading_per_chart_in_the_metrics_order(aws_data: DataLayer) -> None:
    instance = aws_data.settings.fleet.by_name("aws-luckyus-salesorder-rw")
    assert instance is not None
    metrics = chart_metrics(aws_data, instance)
    assert metrics == RDS_METRICS
    answer = await metric_charts(aws_data, instance, timedelta(hours=3), metrics)
    assert answer.error is None and answer.has_points and answer.period_s == 120
    names = [r.value[0].label("__name__") if r.value else None for r in answer.charts]
    assert names == [m.name for m in RDS_METRICS]


@pytest.mark.lab
async def test_a_redis_instance_is_charted_by_its_elasticache_metrics(
    aws_data: DataLayer,
) -> None:
    fleet = await aws_data.fleet()
    market = fleet.by_name("luckyus-isales-market")
    assert market is not None
    assert chart_metrics(aws_data, market) == ELASTICACHE_METRICS
    answer = await metric_charts(aws_data, market, timedelta(hours=3), ELASTICACHE_METRICS)
    assert answer.error is None and answer.has_points
    names = {r.value[0].label("__name__") for r in answer.charts if r.value}
    assert names >= {"CurrConnections", "Evictions"}


@pytest.mark.lab
async def test_a_dead_endpoint_fails_every_chart_with_the_error(
    settings: Settings, tmp_path: Path, closed_port: int
) -> None:
    monitoring = msgspec.structs.replace(
        settings.monitoring, aws_endpoint=f"http://127.0.0.1:{closed_port}"
    )
    instance = settings.fleet.by_name("aws-luckyus-salesorder-rw")
    assert instance is not None
    async with DataLayer(replace(with_aws(settings, tmp_path), monitoring=monitoring)) as data:
        answer = await metric_charts(data, instance, timedelta(hours=1), RDS_METRICS)
    assert answer.error is not None and not answer.has_points
    assert len(answer.charts) == len(RDS_METRICS)
    assert all(r.value is None and r.error == answer.error for r in answer.charts)
