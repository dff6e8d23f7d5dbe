"""Logs Insights on the lab's moto: `opsconsole logs`, the service and the day's scan budget.

The lab's log groups hold the application lines console/lab/seed_logs.py seeded, with the
emails, phones and cards real logs leak; every test that reads rows checks none comes out raw.
moto reports no statistics, so the bytes-scanned figure is checked twice: as moto gives it
("not reported by this endpoint") on the lab, and as AWS gives it by parsing an answer of
AWS's shape (parse_results), the one call moto cannot answer.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from console.config import Settings
from console.data.aws.insights import bounded, parse_results
from console.data.aws.scancount import ScanCounter
from console.data.aws_models import (
    InsightsResult,
    InsightsStarted,
    InsightsStatistics,
    ScanBudget,
)
from console.data.layer import DataLayer
from console.data.models import Reading
from console.lab import fake, seed_logs
from console.services.logs import LogsRequest, run_query
from tests.aws.conftest import with_aws

ROOT = Path(__file__).resolve().parents[2]
GROUPS = (seed_logs.ORDER_GROUP, seed_logs.MEMBER_GROUP)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}")
_CARD = re.compile(r"card=(\d{15,16})")


def seeded_pii() -> set[str]:
    """Every email, phone and card number seeded into the two application groups."""
    found: set[str] = set()
    for group in GROUPS:
        for line in seed_logs.messages(group):
            found |= set(_EMAIL.findall(line)) | set(_PHONE.findall(line))
            found |= set(_CARD.findall(line))
    return found


def test_the_seeded_lines_hold_every_kind_of_pii() -> None:
    pii = seeded_pii()
    assert any("@" in p for p in pii)
    assert any(_PHONE.fullmatch(p) for p in pii)
    assert any(p.isdigit() and fake.luhn_valid(p) for p in pii)


def lab_config(tmp_path: Path, extra: str = "") -> Path:
    """config.toml with the lab's AWS cache in `tmp_path` (and `extra` [aws] lines there)."""
    text = (ROOT / "config.toml").read_text()
    assert 'cache_dir = "output/aws-cache"' in text
    config = tmp_path / "config.toml"
    config.write_text(
        text.replace('cache_dir = "output/aws-cache"', f'cache_dir = "{tmp_path}/cache"\n{extra}')
    )
    return config


def logs_verb(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    groups = [arg for group in GROUPS for arg in ("--group", group)]
    command = [sys.executable, "-m", "console", "--config", str(config), "logs", *groups, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.lab
@pytest.mark.usefixtures("lab_dir")
def test_logs_json_gives_masked_rows_and_the_bytes_figure(tmp_path: Path) -> None:
    done = logs_verb(
        lab_config(tmp_path), "--query", "fields @timestamp, @log, @message", "--since", "2d",
        "--limit", "1000", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    rows = record["rows"]
    assert len(rows) == 600  # every seeded line of the two groups
    messages = " ".join(row["@message"] for row in rows)
    assert "card declined" in messages and '"msg": "otp sent"' in messages
    assert "***@" in messages and "***-***-" in messages and "card=****" in messages
    leaked = sorted(p for p in seeded_pii() if p in done.stdout)
    assert leaked == []
    assert {row["@log"] for row in rows} == set(GROUPS)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}", rows[0]["@timestamp"])
    assert "@ptr" not in record["fields"]
    # moto reports no statistics: the figure says so, never a made-up 0
    assert record["statistics"]["bytes_scanned"] is None
    assert record["bytes_scanned_note"] == "not reported by this endpoint"
    assert record["budget"]["budget_bytes"] == 5 * 10**9
    assert record["budget"]["today_queries"] == 1


@pytest.mark.lab
@pytest.mark.usefixtures("lab_dir")
def test_logs_text_says_bytes_scanned_and_the_budget(tmp_path: Path) -> None:
    done = logs_verb(lab_config(tmp_path), "--query", "fields @message", "--since", "2d")
    assert done.returncode == 0, done.stderr
    assert "bytes scanned: not reported by this endpoint" in done.stdout
    assert "today 0.000 GB of the 5 GB daily budget (1 query, 1 not reported: 0)" in done.stdout
    assert "query: fields @message | limit 100" in done.stdout
    assert not [p for p in seeded_pii() if p in done.stdout]


@pytest.mark.lab
@pytest.mark.usefixtures("lab_dir")
def test_the_limit_is_applied_and_a_querys_own_limit_stands(tmp_path: Path) -> None:
    config = lab_config(tmp_path)
    five = json.loads(logs_verb(config, "--query", "fields @message", "--since", "2d",
                                "--limit", "5", "--json").stdout)  # fmt: skip
    assert len(five["rows"]) == 5
    assert five["query"] == "fields @message | limit 5"
    default = json.loads(logs_verb(config, "--query", "fields @message", "--since", "2d",
                                   "--json").stdout)  # fmt: skip
    assert len(default["rows"]) == 100  # [console] row_limit, like every query
    own = json.loads(logs_verb(config, "--query", "fields @message | limit 7", "--since", "2d",
                               "--json").stdout)  # fmt: skip
    assert (len(own["rows"]), own["query"]) == (7, "fields @message | limit 7")


@pytest.mark.lab
@pytest.mark.usefixtures("lab_dir")
async def test_past_the_budget_a_query_is_refused_unless_asked_to_go_on(tmp_path: Path) -> None:
    config = lab_config(tmp_path, "logs_daily_budget_gb = 0.001")
    # moto reports no bytes scanned, so no lab query can raise the day's count: the count is
    # set as a teammate's query on AWS would have left it, through the counter itself
    teammate = ScanCounter(tmp_path / "cache", 0.001)
    await teammate.add(2_500_000.0)
    refused = logs_verb(config, "--query", "fields @message", "--since", "2d")
    assert refused.returncode == 3
    assert refused.stdout == ""
    assert "daily Logs Insights budget reached: 0.003 GB scanned today" in refused.stderr
    assert "of a budget of 0.001 GB ([aws] logs_daily_budget_gb)" in refused.stderr
    assert "--over-budget" in refused.stderr
    past = logs_verb(config, "--query", "fields @message", "--since", "2d", "--over-budget")
    assert past.returncode == 0, past.stderr
    assert "spent, the next query is refused" in past.stdout


@pytest.mark.lab
@pytest.mark.usefixtures("lab_dir")
def test_a_malformed_query_says_what_the_server_said(tmp_path: Path) -> None:
    done = logs_verb(lab_config(tmp_path), "--query", "fields @message | limit abc")
    assert done.returncode == 1
    assert "the Logs endpoint failed on this query with HTTP 500" in done.stderr
    assert "check the query's syntax" in done.stderr
    assert "<" not in done.stderr  # not the endpoint's HTML page
    missing = subprocess.run(
        [sys.executable, "-m", "console", "--config", str(lab_config(tmp_path)), "logs",
         "--group", "/luckyus/app/no-such-api", "--query", "fields @message"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "The specified log group does not exist." in missing.stderr
    assert "(asked for: /luckyus/app/no-such-api)" in missing.stderr


def test_usage_errors_say_what_to_give(tmp_path: Path) -> None:
    config = ROOT / "config.toml"
    done = subprocess.run(
        [sys.executable, "-m", "console", "--config", str(config), "logs", "--query", "x"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "no log group" in done.stderr
    saved = logs_verb(config, "--saved", "nope")
    assert saved.returncode == 2
    assert "no saved query 'nope' in [logs] queries" in saved.stderr


@pytest.mark.lab
async def test_the_service_runs_a_saved_query_and_counts_it(
    settings: Settings, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    request = LogsRequest(
        (seed_logs.ERROR_GROUP,), "fields @timestamp, @message", now - timedelta(days=2), now, 10
    )
    async with DataLayer(with_aws(settings, tmp_path)) as data:
        answer = await run_query(data, request, max_wait_s=10, poll_s=0.1)
    result = answer.reading.value
    assert result is not None, answer.reading.error
    assert (result.status, len(result.rows), answer.note) == ("Complete", 10, None)
    assert any("Access denied for user" in dict(row)["@message"] for row in result.rows)
    assert (answer.budget.today_queries, answer.budget.unreported_queries) == (1, 1)


def test_a_limit_is_appended_only_when_the_query_has_none() -> None:
    assert bounded("fields @message", 100) == "fields @message | limit 100"
    assert bounded("fields @message | LIMIT 20", 100) == "fields @message | LIMIT 20"
    assert bounded("limit 5", 100) == "limit 5"
    assert bounded("fields limited | filter x", 50) == "fields limited | filter x | limit 50"
    assert bounded("stats count(*)", 99_999) == "stats count(*) | limit 10000"


def test_aws_statistics_are_read_and_rows_masked_by_field_and_value() -> None:
    answer = {
        "status": "Complete",
        "statistics": {"recordsMatched": 2.0, "recordsScanned": 5120.0, "bytesScanned": 1.5e9},
        "results": [
            [
                {"field": "@timestamp", "value": "2026-12-05 09:00:01.000"},
                {"field": "email", "value": "anna.lee@gmail.com"},
                {"field": "@message", "value": "declined card 4111111111111111 (415) 867-2301"},
                {"field": "@ptr", "value": "CmAKJwo"},
            ]
        ],
    }
    result = parse_results("q-1", answer, None, 100)
    assert result.fields == ("@timestamp", "email", "@message")
    assert result.table() == (
        ("2026-12-05 09:00:01.000", "***@gmail.com", "declined card ****1111 ***-***-2301"),
    )
    stats = result.statistics
    assert (stats.records_matched, stats.records_scanned, stats.bytes_scanned) == (2, 5120, 1.5e9)


async def test_the_day_count_is_shared_and_the_budget_refuses_at_it(tmp_path: Path) -> None:
    from console.data.aws.costcache import BudgetExceededError

    one, other = ScanCounter(tmp_path, 2.0), ScanCounter(tmp_path, 2.0)  # two processes
    await one.add(1.5e9)
    await other.check()  # 1.5 GB of 2: the next query may run
    await other.add(0.6e9)
    with pytest.raises(BudgetExceededError, match=r"2\.100 GB scanned today \(UTC\) by 2"):
        await one.check()
    await one.check(over_budget=True)
    budget = await one.snapshot()
    assert (budget.today_bytes, budget.today_queries, budget.spent) == (2_100_000_000, 2, True)
    assert (budget.session_bytes, budget.session_queries) == (1_500_000_000, 1)


class RunningForever:
    """A Logs Insights that never finishes a query. A test double because moto completes every
    query inside StartQuery (and cannot StopQuery): the bounded wait and the stop on cancel
    cannot be seen on the lab."""

    def __init__(self) -> None:
        self.stopped: list[str] = []
        self.reads = 0
        self.polled_twice = asyncio.Event()

    async def logs_start(self, *_args: object, **_options: object) -> Reading[InsightsStarted]:
        return Reading("logs-insights", "aws", datetime.now(UTC), 0.0,
                       InsightsStarted("q-9", "fields @message | limit 5", GROUPS))  # fmt: skip

    async def logs_results(self, query_id: str) -> Reading[InsightsResult]:
        self.reads += 1
        if self.reads >= 2:
            self.polled_twice.set()
        status = "Cancelled" if self.stopped else "Running"
        result = InsightsResult(query_id, status, ("@message",), ((("@message", "a row"),),),
                                InsightsStatistics(1, 10, 2048.0))  # fmt: skip
        return Reading("logs-insights", "aws", datetime.now(UTC), 0.0, result)

    async def logs_stop(self, query_id: str) -> Reading[bool]:
        self.stopped.append(query_id)
        return Reading("logs-insights", "aws", datetime.now(UTC), 0.0, True)

    async def logs_scanned(self) -> ScanBudget:
        return ScanBudget(2048, 1, 5 * 10**9, 2048, 1)


def _request() -> LogsRequest:
    now = datetime.now(UTC)
    return LogsRequest(GROUPS, "fields @message", now - timedelta(hours=1), now, 5)


async def test_a_query_past_the_wait_is_stopped_and_its_rows_so_far_kept() -> None:
    double = RunningForever()
    seen: list[str] = []
    answer = await run_query(
        cast("DataLayer", double), _request(), max_wait_s=0.3, poll_s=0.05,
        progress=lambda result: seen.append(result.status),
    )  # fmt: skip
    assert double.stopped == ["q-9"]
    assert answer.reading.value is not None and answer.reading.value.status == "Cancelled"
    assert answer.note is not None and "still running after 0.3 s" in answer.note
    assert "[logs] max_wait_s" in answer.note
    assert seen and set(seen) == {"Running"}


async def test_a_cancelled_run_stops_the_query_on_the_server() -> None:
    double = RunningForever()
    task = asyncio.ensure_future(
        run_query(cast("DataLayer", double), _request(), max_wait_s=60, poll_s=0.05)
    )
    await asyncio.wait_for(double.polled_twice.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert double.stopped == ["q-9"]
    assert double.reads == 3  # once more after the stop: its statistics count what it scanned


@pytest.mark.lab
async def test_a_finished_query_is_counted_once_however_often_it_is_read(
    settings: Settings, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    async with DataLayer(with_aws(settings, tmp_path)) as data:
        started = await data.logs_start(
            (seed_logs.ORDER_GROUP,), "fields @message", (now - timedelta(days=2), now), 3
        )
        assert started.value is not None, started.error
        assert started.value.query == "fields @message | limit 3"
        for _ in range(3):
            read = await data.logs_results(started.value.query_id)
            assert read.value is not None and read.value.status == "Complete"
            assert len(read.value.rows) == 3
        budget = await data.logs_scanned()
    assert (budget.today_queries, budget.session_queries, budget.unreported_queries) == (1, 1, 1)
