"""CloudWatch's GetMetricData on the lab's moto, as the team pays for it: every metric requested
is counted (this session, and today for everyone sharing the cache folder), and the same window
asked again within its period is answered from the cache without a request."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from console.cli.cost_output import metrics_line
from console.config import Settings
from console.data.aws.cloudwatch import RDS_METRICS
from console.data.layer import DataLayer

pytestmark = pytest.mark.lab


async def test_metrics_requested_are_counted_and_a_repeat_is_served_from_the_cache(
    aws_data: DataLayer, aws_settings: Settings
) -> None:
    instance = aws_data.settings.fleet.by_name("aws-luckyus-salesorder-rw")
    assert instance is not None
    before = await aws_data.paid_calls()
    assert (before.metrics_session, before.metrics_cached, before.metrics_today) == (0, 0, 0)
    end = datetime.now(UTC).replace(second=30)  # the middle of a minute: the repeat is inside it
    start = end - timedelta(hours=1)
    first = await aws_data.aws_metrics(instance, start, end)
    assert first.value is not None and first.error is None
    once = await aws_data.paid_calls()
    assert once.metrics_session >= len(RDS_METRICS)  # one page at least, every figure asked
    assert once.metrics_session % len(RDS_METRICS) == 0  # whole pages of the same queries
    assert once.metrics_today == once.metrics_session and once.metrics_cached == 0

    again = await aws_data.aws_metrics(instance, start + timedelta(seconds=5), end)
    assert again.value == first.value
    twice = await aws_data.paid_calls()
    assert twice.metrics_session == once.metrics_session  # no second request
    assert twice.metrics_cached == 1

    other = await aws_data.aws_metrics(instance, start - timedelta(hours=1), end)
    assert other.value is not None
    thrice = await aws_data.paid_calls()
    assert thrice.metrics_session > twice.metrics_session  # another window: asked and counted

    day = datetime.now(UTC).date().isoformat()
    shared = aws_settings.aws_cache_dir / f"cloudwatch-metrics-{day}.json"
    stored = json.loads(shared.read_text(encoding="utf-8"))
    assert stored["metrics"] == thrice.metrics_session and stored["requests"] >= 2
    assert f"{thrice.metrics_today:,} metrics requested today" in metrics_line(thrice)


async def test_another_process_sharing_the_folder_sees_todays_metrics(
    aws_data: DataLayer, aws_settings: Settings
) -> None:
    instance = aws_data.settings.fleet.by_name("aws-luckyus-salesorder-rw")
    assert instance is not None
    end = datetime.now(UTC)
    await aws_data.aws_metrics(instance, end - timedelta(hours=1), end)
    mine = await aws_data.paid_calls()
    async with DataLayer(aws_settings) as colleague:
        theirs = await colleague.paid_calls()
    assert theirs.metrics_today == mine.metrics_today > 0
    assert theirs.metrics_session == 0  # their own session asked nothing
