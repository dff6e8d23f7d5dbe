"""`opsconsole digest` as a user runs it: formats, --top, errors, PII, and an RDS instance."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from console.data.layer import DataLayer
from tests.analysis.helpers import DATA, MARIADB_LOG, MYSQL80_LOG, put_slow_log, unique_table

ROOT = Path(__file__).resolve().parents[2]
SALESORDER = "aws-luckyus-salesorder-rw"
# every email, phone and card number written into the fixture logs' statements
PII = re.compile(
    r"[\w.]+@example\.(?:com|org)|\+1 \(212\) 555-\d{4}|212-555-\d{4}"
    r"|4111 1111 1111 1111|5500005555555559"
)


def opsconsole(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_is_ranked_by_total_time_with_every_field() -> None:
    result = opsconsole("digest", str(MYSQL80_LOG), "--json", "--top", "5")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["rank"] for row in rows] == [1, 2, 3, 4, 5]
    totals = [row["total_time_s"] for row in rows]
    assert totals == sorted(totals, reverse=True)
    for key in ("fingerprint", "count", "total_time_s", "avg_time_s", "p95_time_s", "max_time_s",
                "rows_examined", "sample", "lock_time_s", "rows_sent", "first_seen", "last_seen",
                "share", "query_id"):  # fmt: skip
        assert key in rows[0]
    assert rows[0]["fingerprint"] == "select * from orders_? where id between ? and ? limit ?"
    assert rows[0]["count"] == 10 and rows[0]["total_time_s"] == 18.568576
    assert rows[0]["first_seen"].startswith("2026-11-20T") and rows[0]["first_seen"].endswith("Z")
    assert 0 < rows[0]["share"] < 1


def test_text_and_markdown_show_the_top_fingerprints() -> None:
    text = opsconsole("digest", str(MARIADB_LOG), "--top", "3")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("160 queries, 15 fingerprints")
    assert lines[2].split()[:2] == ["#", "TOTAL"]
    assert len(lines) == 3 + 3 and "select * from orders where id = ?" in lines[3]
    markdown = opsconsole("digest", str(MARIADB_LOG), "--format", "md", "--top", "2")
    assert markdown.stdout.startswith("# Slow-query digest")
    assert markdown.stdout.count("```sql") == 4  # fingerprint and sample of each


@pytest.mark.parametrize("fmt", ["json", "md", "text"])
@pytest.mark.parametrize("log", [MYSQL80_LOG, MARIADB_LOG], ids=["mysql80", "mariadb"])
def test_no_pii_reaches_any_format(fmt: str, log: Path) -> None:
    assert PII.search(log.read_text())  # the fixture does carry PII
    result = opsconsole("digest", str(log), "--format", fmt, "--top", "100")
    assert result.returncode == 0, result.stderr
    assert PII.search(result.stdout) is None
    assert PII.search(result.stderr) is None


def test_stdin_is_read_with_a_dash() -> None:
    """Every entry read from stdin: the same classes as the file, all 160 entries counted."""
    result = opsconsole("digest", "-", "--json", "--top", "1000", stdin=MARIADB_LOG.read_text())
    assert result.returncode == 0, result.stderr
    from_file = opsconsole("digest", str(MARIADB_LOG), "--json", "--top", "1000")
    assert json.loads(result.stdout) == json.loads(from_file.stdout)
    assert sum(row["count"] for row in json.loads(result.stdout)) == 160


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["/nonexistent/slow.log"], 2, "/nonexistent/slow.log: no such file"),
        (["tests"], 2, "tests: is a directory"),
        (["README.md"], 1, "README.md: not a MySQL/MariaDB slow log"),
        ([str(MYSQL80_LOG), "--instance", SALESORDER], 2, "--instance NAME or --fleet"),
        ([], 2, "--instance NAME or --fleet"),
        ([str(MYSQL80_LOG), "--top", "0"], 2, "--top: expected 1 or more"),
        (["--instance", SALESORDER, "--since", "yesterday"], 2, "'yesterday': expected 15m"),
    ],
)
def test_bad_input_is_one_clear_line(args: list[str], status: int, message: str) -> None:
    result = opsconsole("digest", *args)
    assert result.returncode == status
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


async def test_instance_mode_reads_the_rds_slow_log_from_cloudwatch(data: DataLayer) -> None:
    """Entries put in the instance's slow-query log group (the lab's moto server), then the verb
    digests the last hour of it."""
    table = unique_table()
    await put_slow_log(data, SALESORDER, table)
    result = opsconsole(
        "digest", "--instance", SALESORDER, "--since", "1h", "--json", "--top", "500"
    )
    assert result.returncode == 0, result.stderr
    (mine,) = [row for row in json.loads(result.stdout) if table in row["fingerprint"]]
    assert mine["count"] == 3 and mine["total_time_s"] == 6.0 and mine["max_time_s"] == 3.0
    assert "jane.doe" not in result.stdout


def test_instance_mode_unknown_instance_is_a_usage_error() -> None:
    result = opsconsole("digest", "--instance", "aws-luckyus-nosuch-rw", "--since", "1h")
    assert result.returncode == 2
    assert "no MySQL instance named 'aws-luckyus-nosuch-rw'" in result.stderr


def test_a_crlf_log_on_stdin_reads_as_the_file_does() -> None:
    """stdin keeps CRLF line ends (a file opened as text does not): the same classes."""
    crlf = DATA / "crlf.log"
    piped = subprocess.run(
        [sys.executable, "-m", "console", "digest", "-", "--json"],
        cwd=ROOT,
        input=crlf.read_bytes(),
        capture_output=True,
        check=True,
        timeout=60,
    )
    from_file = opsconsole("digest", str(crlf), "--json")
    assert json.loads(piped.stdout) == json.loads(from_file.stdout)
    assert [row["count"] for row in json.loads(from_file.stdout)] == [3, 1]
