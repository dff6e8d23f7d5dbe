"""Parity with pt-query-digest: top 10 order, counts and total times, on fixtures and the lab.

pt ranks ties in Perl hash order, so classes whose total times tie are compared as a set.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from console.analysis.digest import DigestReport, digest_lines
from console.lab import clients
from console.lab.layout import Layout
from tests.analysis.helpers import (
    MARIADB_LOG,
    MYSQL80_LOG,
    PtClass,
    needs_pt,
    pt_classes,
    pt_readable,
)

pytestmark = needs_pt


def ours(log: Path) -> DigestReport:
    with log.open(encoding="utf-8", errors="replace") as lines:
        return digest_lines(lines)


Row = tuple[str, int, float]


def _by_total(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def assert_top10_agree(report: DigestReport, theirs: list[PtClass]) -> None:
    assert len(report.rows) == len(theirs)
    assert report.events == sum(c.count for c in theirs)
    mine = [(r.fingerprint, r.count, round(r.total_time_s, 6)) for r in report.rows[:10]]
    pts = [(c.fingerprint, c.count, round(c.total_time_s, 6)) for c in theirs[:10]]
    assert _by_total(mine) == _by_total(pts)
    assert [row[2] for row in mine] == [row[2] for row in pts]  # the order, ties aside


@pytest.mark.parametrize("log", [MYSQL80_LOG, MARIADB_LOG], ids=["mysql80-rds", "mariadb"])
def test_fixture_logs_agree_with_pt(log: Path, tmp_path: Path) -> None:
    theirs = pt_classes(pt_readable(log, tmp_path / log.name))
    report = ours(log)
    assert_top10_agree(report, theirs)
    # the same 95th percentile too: the same 1.05-wide buckets
    p95 = {c.fingerprint: round(c.p95_time_s, 6) for c in theirs}
    assert {r.fingerprint: round(r.p95_time_s, 6) for r in report.rows} == p95


def _complete_copy(source: Path, target: Path) -> Path:
    """A snapshot of a log the server is writing, cut after its last complete entry."""
    text = source.read_text(encoding="utf-8", errors="replace")
    target.write_text(text[: text.rfind(";\n") + 2], encoding="utf-8")
    return target


def test_lab_mariadb_slow_log_agrees_with_pt(lab_dir: Path, tmp_path: Path) -> None:
    """Queries run through the lab's accounts land in MariaDB's slow log (long_query_time
    0.1 s); both tools digest the same snapshot of the whole log."""
    layout = Layout(lab_dir)
    tag = uuid.uuid4().hex[:8]
    statements = [
        f"SELECT SLEEP(0.12), 'parity-{tag}' AS tag;",
        f"SELECT SLEEP(0.11), 'parity-{tag}', 'jane.roe@example.com' AS contact;",
        "SELECT COUNT(*), SLEEP(0.15) FROM salesorder.orders WHERE id IN (1, 2, 3);",
    ]
    for _ in range(2):
        done = clients.mysql(layout, "\n".join(statements), role="app")
        assert done.returncode == 0, clients.errors(done)
    snapshot = _complete_copy(layout.mysql_slow_log, tmp_path / "mariadb-slow.log")
    report = ours(snapshot)
    fingerprints = {row.fingerprint for row in report.rows}
    assert "select count(*), sleep(?) from salesorder.orders where id in(?+)" in fingerprints
    assert "select sleep(?), ?, ? as contact" in fingerprints
    assert_top10_agree(report, pt_classes(pt_readable(snapshot, tmp_path / "for-pt.log")))
