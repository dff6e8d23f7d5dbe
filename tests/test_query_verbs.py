"""plan, query and redis verbs as a user runs them: verdicts, masked rows, refusals, audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.config import Settings
from console.data.layer import DataLayer
from tests.helpers import run_opsconsole as opsconsole

ROOT = Path(__file__).resolve().parents[1]
SALESORDER = "aws-luckyus-salesorder-rw"


def test_plan_json_adds_the_limit_and_needs_no_server() -> None:
    result = opsconsole("plan", "--instance", SALESORDER, "--json", "SELECT * FROM orders")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["classification"] == "read_only"
    assert verdict["confirmations"] == 0
    assert "LIMIT 100" in verdict["statement"].upper()
    assert isinstance(verdict["reasons"], list)


@pytest.mark.parametrize(
    ("sql", "classification", "confirmations"),
    [
        ("DELETE FROM orders WHERE id = 1", "destructive", 2),
        ("UPDATE orders SET status = 'x' WHERE id = 1", "write", 1),
        ("SELECT 1; DROP TABLE orders", "refused", 0),
    ],
)
def test_plan_classifies_writes(sql: str, classification: str, confirmations: int) -> None:
    verdict = json.loads(opsconsole("plan", "--instance", SALESORDER, "--json", sql).stdout)
    assert verdict["classification"] == classification
    assert verdict["confirmations"] == confirmations


def test_plan_in_read_only_mode_says_the_change_would_be_refused_and_why() -> None:
    """The guard's verdict alone would offer a confirmation the console will never ask."""
    sql = "DELETE FROM orders WHERE id = 1"
    verdict = json.loads(
        opsconsole("--read-only", "plan", "--instance", SALESORDER, "--json", sql).stdout
    )
    assert verdict["classification"] == "refused" and verdict["confirmations"] == 0
    assert verdict["reasons"][0] == "this console was started with --read-only: no destructive runs"
    assert any("DELETE" in reason for reason in verdict["reasons"][1:])  # the guard's own reason
    read = "SELECT * FROM orders"
    plain = json.loads(
        opsconsole("--read-only", "plan", "--instance", SALESORDER, "--json", read).stdout
    )
    assert plain["classification"] == "read_only"  # reads are what read-only mode is for


@pytest.mark.lab
def test_query_masks_pii_and_is_audited(lab_dir: Path, settings: Settings) -> None:
    result = opsconsole(
        "query",
        "--instance",
        "aws-luckyus-isalesmembermarketing-rw",
        "--format",
        "json",
        "SELECT * FROM members",
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert 0 < len(rows) <= 100
    text = result.stdout
    assert "@" in text  # domains survive
    emails = [v for row in rows for column, v in row.items() if "email" in column and v]
    phones = [v for row in rows for column, v in row.items() if "phone" in column and v]
    assert emails and phones  # members carry both: the masking below is checked on something
    assert all(value.startswith("***@") for value in emails)
    assert all(value.startswith("***") for value in phones)
    lines = settings.audit_path.read_text().splitlines()
    last = json.loads(lines[-1])
    assert last["instance"] == "aws-luckyus-isalesmembermarketing-rw"
    assert last["classification"] == "read_only"
    assert last["outcome"] == "ok"


@pytest.mark.lab
def test_query_refuses_a_write_on_stderr_with_exit_3(lab_dir: Path) -> None:
    """The README promises exit 3 for a refused write (1 is a failure, 2 a usage error)."""
    result = opsconsole("query", "--instance", SALESORDER, "DELETE FROM orders")
    assert result.returncode == 3
    assert result.stdout == ""
    assert "refused" in result.stderr and "destructive" in result.stderr


@pytest.mark.lab
def test_redis_verb_reads_and_refuses(lab_dir: Path) -> None:
    ok = opsconsole("redis", "--instance", "luckyus-isales-market", "DBSIZE")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("(integer) ")
    refused = opsconsole("redis", "--instance", "luckyus-isales-market", "FLUSHALL")
    assert refused.returncode == 3  # refused, as the README says
    assert "refused" in refused.stderr
    keys = opsconsole("redis", "--instance", "luckyus-isales-market", "KEYS", "*")
    assert keys.returncode == 3
    assert "SCAN" in keys.stderr


@pytest.mark.lab
@pytest.mark.parametrize(
    "statement",
    ["UPDATE orders SET status = status WHERE id = 1", "CREATE TABLE opsconsole_probe (x INT)"],
)
async def test_the_read_only_session_refuses_writes_even_past_the_guard(
    data: DataLayer, settings: Settings, statement: str
) -> None:
    instance = settings.fleet.by_name(SALESORDER)
    assert instance is not None
    reading = await data._sources.mysql.select(instance, statement, 10)  # no guard on this path
    assert reading.error is not None
    assert reading.error.kind in ("denied", "query")


@pytest.mark.lab
async def test_the_postgres_read_only_session_refuses_writes_past_the_guard(
    data: DataLayer, settings: Settings
) -> None:
    instance = settings.fleet.by_name("aws-luckyus-dify-rw")
    assert instance is not None
    reading = await data._sources.postgres.select(
        instance, "CREATE TABLE opsconsole_probe (x int)", 10
    )
    assert reading.error is not None
    assert reading.error.kind in ("denied", "query")


@pytest.mark.lab
@pytest.mark.parametrize(
    "argv",
    [
        ("--read-only", "query", "--instance", SALESORDER, "DELETE FROM orders WHERE id = -1"),
        ("redis", "--read-only", "--instance", "luckyus-isales-market", "SET", "k", "v"),
    ],
)
def test_read_only_verbs_refuse_a_write_with_exit_3_and_say_why(
    lab_dir: Path, argv: tuple[str, ...]
) -> None:
    result = opsconsole(*argv)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert "refused: read-only: this console was started with --read-only" in result.stderr
    plain = opsconsole(*(arg for arg in argv if arg != "--read-only"))
    assert plain.returncode == 3 and "read-only" not in plain.stderr  # the flag's own words
