"""Cost Explorer on the lab's moto: the report, the disk cache, in-flight sharing, the budget."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from console.config import Settings
from console.data.layer import DataLayer
from tests.aws.conftest import CallCounter, with_aws

pytestmark = pytest.mark.lab
ROOT = Path(__file__).resolve().parents[2]


async def test_report_has_month_to_date_services_usage_types_and_days(
    aws_data: DataLayer, ce_calls: CallCounter
) -> None:
    reading = await aws_data.cost_report(7)
    assert reading.error is None
    report = reading.value
    assert report is not None
    assert len(report.daily) == 7
    assert report.window_total > 1000  # the seeded account spends ~$1.5k a day
    assert report.by_service[0].key == "Amazon Elastic Compute Cloud - Compute"
    assert "Amazon Relational Database Service" in {line.key for line in report.by_service}
    assert report.by_usage_type[0].key.startswith("USE1-")
    assert abs(sum(line.amount for line in report.by_service) - report.window_total) < 0.1
    assert report.month_to_date >= 0
    assert ce_calls.calls == 1


async def test_a_second_identical_request_makes_no_call(
    aws_settings: Settings, aws_data: DataLayer, ce_calls: CallCounter
) -> None:
    first = await aws_data.cost_report(6)
    second = await aws_data.cost_report(6)
    assert ce_calls.calls == 1
    assert first.value is not None and second.value is not None
    assert not first.value.from_cache and second.value.from_cache
    assert second.value.by_service == first.value.by_service
    # the disk cache outlives the process: a new DataLayer on the same cache makes no call
    other = DataLayer(aws_settings)
    counted = CallCounter(other)
    try:
        third = await other.cost_report(6)
    finally:
        await other.close()
    assert counted.calls == 0
    assert third.value is not None and third.value.from_cache
    counter = await aws_data.paid_calls()
    assert (counter.session_calls, counter.session_cached) == (1, 1)
    assert (counter.today_calls, counter.today_usd) == (1, 0.01)


async def test_concurrent_identical_requests_share_one_call(
    aws_data: DataLayer, ce_calls: CallCounter
) -> None:
    readings = await asyncio.gather(*(aws_data.cost_report(5) for _ in range(4)))
    assert ce_calls.calls == 1
    assert all(r.value is not None for r in readings)
    assert sum(1 for r in readings if r.value and not r.value.from_cache) == 1
    counter = aws_data._cloud.cost_cache.counter()
    assert (counter.session_calls, counter.session_cached) == (1, 3)


async def test_the_daily_budget_refuses_with_a_clear_message(
    settings: Settings, tmp_path: Path
) -> None:
    data = DataLayer(with_aws(settings, tmp_path, cost_daily_budget_usd=0.02))
    counted = CallCounter(data)
    try:
        # three distinct requests (the window reaches back 3, 40 and 50 days, or to the 1st)
        first = await data.cost_report(3)
        second = await data.cost_report(40)
        refused = await data.cost_report(50)
        cached = await data.cost_report(3)  # what is cached still answers
    finally:
        await data.close()
    assert first.value is not None and second.value is not None
    assert counted.calls == 2
    assert refused.value is None and refused.error is not None
    assert refused.error.kind == "refused"
    assert "daily Cost Explorer budget reached" in refused.error.message
    assert "$0.02 of $0.02" in refused.error.message
    assert cached.value is not None and cached.value.from_cache
    counter = await data.paid_calls()
    assert counter.today_usd == 0.02 and counter.remaining_usd == 0.0


def _cost_verb(config: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "console", "--config", str(config), "cost", "--json"]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.usefixtures("lab_dir")
def test_cost_verb_json_counts_calls_made_and_from_cache(tmp_path: Path) -> None:
    text = (ROOT / "config.toml").read_text()
    assert 'cache_dir = "output/aws-cache"' in text
    config = tmp_path / "config.toml"
    config.write_text(text.replace('"output/aws-cache"', f'"{tmp_path / "cache"}"'))
    first = _cost_verb(config)
    assert first.returncode == 0, first.stderr
    record = json.loads(first.stdout)
    assert (record["calls_made"], record["calls_from_cache"]) == (1, 0)
    assert record["window"]["days"] == 7 and len(record["daily"]) == 7
    assert record["by_service"][0]["amount"] > 0
    second = json.loads(_cost_verb(config).stdout)
    assert (second["calls_made"], second["calls_from_cache"]) == (0, 1)
    assert second["by_service"] == record["by_service"]
