"""CloudWatch alarms and metrics on the lab's moto, and what a dead endpoint gives instead."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from console.config import Settings
from console.data.aws.cloudwatch import RDS_METRICS, instance_of
from console.data.aws_models import AwsMetric
from console.data.layer import DataLayer
from tests.aws.conftest import with_aws

pytestmark = pytest.mark.lab


async def test_alarms_are_typed_firing_first_and_name_their_instance(
    aws_data: DataLayer,
) -> None:
    reading = await aws_data.cloudwatch_alarms()
    assert reading.error is None and reading.value is not None
    alarms = {a.name: a for a in reading.value}
    cpu = alarms["rds-salesorder-cpu-high"]
    assert (cpu.state, cpu.metric, cpu.namespace) == ("ALARM", "CPUUtilization", "AWS/RDS")
    assert cpu.instance == "aws-luckyus-salesorder-rw"
    assert cpu.reason.startswith("Threshold Crossed")
    assert cpu.since is not None and cpu.since.tzinfo is not None
    assert alarms["redis-isales-market-evictions"].instance == "luckyus-isales-market"
    assert alarms["rds-devops-freeable-memory"].state == "OK"
    states = [a.firing for a in reading.value]
    assert states == sorted(states, reverse=True)  # ALARM first
    firing = await aws_data.cloudwatch_alarms("ALARM")
    assert firing.value is not None and {a.state for a in firing.value} == {"ALARM"}
    assert aws_data.settings.fleet.by_name(cpu.instance) is not None


def test_instance_of_prefers_the_instance_dimension() -> None:
    assert instance_of([("CacheClusterId", "luckyus-sso-002")]) == "luckyus-sso"
    assert instance_of([("ReplicationGroupId", "luckyus-sso")]) == "luckyus-sso"
    assert instance_of([("QueueName", "x")]) is None


async def test_rds_metrics_are_series_for_the_chart(aws_data: DataLayer) -> None:
    instance = aws_data.settings.fleet.by_name("aws-luckyus-salesorder-rw")
    assert instance is not None
    end = datetime.now(UTC)
    start = end - timedelta(hours=24)  # the lab seeds 2 h of points as it starts: a day's
    reading = await aws_data.aws_metrics(instance, start, end)  # window holds them all
    assert reading.error is None and reading.value is not None
    assert [s.label("__name__") for s in reading.value] == [m.name for m in RDS_METRICS]
    cpu = reading.value[0]
    assert cpu.label("instance") == "aws-luckyus-salesorder-rw" and cpu.label("unit") == "%"
    assert len(cpu.points) >= 50
    assert all(start - timedelta(minutes=1) <= t <= end for t, _v in cpu.points)
    assert [t for t, _v in cpu.points] == sorted(t for t, _v in cpu.points)
    assert 0 < max(v for _t, v in cpu.points) <= 100


async def test_elasticache_metrics_and_an_empty_window(aws_data: DataLayer) -> None:
    fleet = await aws_data.fleet()
    market = fleet.by_name("luckyus-isales-market")
    assert market is not None
    end = datetime.now(UTC)
    reading = await aws_data.aws_metrics(market, end - timedelta(hours=3), end)
    assert reading.value is not None
    assert {s.label("__name__") for s in reading.value} >= {"CurrConnections", "Evictions"}
    assert all(s.points for s in reading.value)
    old = await aws_data.aws_metrics(
        market,
        end - timedelta(days=9),
        end - timedelta(days=8),
        [AwsMetric("AWS/ElastiCache", "CPUUtilization")],
    )
    assert old.value is not None and old.value[0].points == ()


async def test_a_dead_endpoint_is_an_error_reading_not_a_traceback(
    settings: Settings, tmp_path: Path, closed_port: int
) -> None:
    monitoring = msgspec.structs.replace(
        settings.monitoring, aws_endpoint=f"http://127.0.0.1:{closed_port}"
    )
    data = DataLayer(replace(with_aws(settings, tmp_path), monitoring=monitoring))
    instance = settings.fleet.by_name("aws-luckyus-salesorder-rw")
    assert instance is not None
    now = datetime.now(UTC)
    try:
        started = time.monotonic()
        alarms = await data.cloudwatch_alarms()
        log = await data.slow_log(instance, now - timedelta(hours=1), now)
        cost = await data.cost_report(7)
        elapsed = time.monotonic() - started
        counter = await data.paid_calls()
    finally:
        await data.close()
    for reading in (alarms, log, cost):
        assert reading.value is None and reading.error is not None
        assert reading.error.kind == "unreachable", reading.error
        assert str(closed_port) in reading.error.message
        assert "Traceback" not in reading.error.message
    assert elapsed < 3 * data.settings.aws.call_timeout_s
    assert counter.today_calls == 1  # the attempt was counted: it may have been billed
