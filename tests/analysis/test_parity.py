"""Parity with pt-query-digest: top 10 order, counts, total times and 95th percentiles, on
fixture logs of each server and each way a log comes (tests/analysis/data), and on the lab.

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
    DATA,
    MARIADB_LOG,
    MYSQL80_LOG,
    PtDigest,
    needs_pt,
    pt_digest,
    pt_readable,
)

pytestmark = needs_pt


def ours(log: Path) -> DigestReport:
    with log.open(encoding="utf-8", errors="replace") as lines:
        return digest_lines(lines)


Row = tuple[str, int, float]


def _by_total(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def assert_top10_agree(report: DigestReport, theirs: PtDigest, *, counts: bool = True) -> None:
    """The same classes, events, top 10 (fingerprint, count, total) and their order.

    `counts=False` leaves out the per-class counts where pt's own are not repeatable (see
    test_corrupt_time_values_drop_their_event_as_pt_does)."""
    assert report.rows, "our digest found no class"
    assert len(report.rows) == len(theirs.classes)
    assert report.events == theirs.events
    mine = [
        (r.fingerprint, r.count if counts else 0, round(r.total_time_s, 6)) for r in report.rows
    ]
    pts = [
        (c.fingerprint, c.count if counts else 0, round(c.total_time_s, 6)) for c in theirs.classes
    ]
    assert _by_total(mine[:10]) == _by_total(pts[:10])
    assert [row[2] for row in mine[:10]] == [row[2] for row in pts[:10]]  # the order, ties aside
    # the same 95th percentile too: the same 1.05-wide buckets
    p95 = {c.fingerprint: round(c.p95_time_s, 6) for c in theirs.classes}
    assert {r.fingerprint: round(r.p95_time_s, 6) for r in report.rows} == p95


FIXTURES = {
    "mysql80-rds": MYSQL80_LOG,
    "mariadb-10.11": MARIADB_LOG,
    # the four cases of issue 10
    "no-space-after-colon": DATA / "no-space-after-colon.log",  # `Lock_time:0.0002`, ...
    "whole-number-times": DATA / "whole-number-times.log",  # `Query_time: 2`
    "no-preamble": DATA / "no-preamble.log",  # starts with an empty line, no banner
    # the way logs come from each server
    "cut-mid-entry": DATA / "cut-mid-entry.log",  # starts inside a statement (copytruncate)
    "mysql56": DATA / "mysql56.log",  # `# Time: 261205  3:12:00` (not on every entry), restart
    "mysql80-slow-extra": DATA / "mysql80-slow-extra.log",  # log_slow_extra fields
    "percona-server-8.0": DATA / "percona-server-8.0.log",  # Full_scan, InnoDB_*, rate limit
    "mariadb-11": DATA / "mariadb-11.log",  # Thread_id/Schema/QC_hit, explain, restart
    "multiline-statements": DATA / "multiline-statements.log",  # `# Time:` in a string
}


@pytest.mark.parametrize("log", list(FIXTURES.values()), ids=list(FIXTURES))
def test_fixture_logs_agree_with_pt(log: Path, tmp_path: Path) -> None:
    assert_top10_agree(ours(log), pt_digest(pt_readable(log, tmp_path / log.name)))


def test_corrupt_time_values_drop_their_event_as_pt_does(tmp_path: Path) -> None:
    """`Query_time: abc` (or `-`, or nothing) drops the event: not in the events, totals or
    percentiles; `1.x5` and `2.5s` read as their leading digits, as in pt. pt's count of a
    class with a dropped event depends on Perl's hash order from run to run (the event dies
    half-aggregated), so the counts are checked here against the log itself."""
    log = DATA / "corrupt-time.log"
    report = ours(log)
    assert_top10_agree(report, pt_digest(log), counts=False)
    counts = {row.fingerprint: row.count for row in report.rows}
    assert counts == {
        "select * from members where id = ?": 4,  # 6 entries: `abc` and `-` dropped
        "insert into audit (a) values(?+)": 3,
    }
    assert report.events == 6


def test_crlf_log_reads_as_its_lf_copy_does_in_pt(tmp_path: Path) -> None:
    """A log copied through Windows has CRLF line ends; pt reads it as one statement, we read
    it as the log it is: the same as pt on the same log with LF ends."""
    log = DATA / "crlf.log"
    assert b"\r\n" in log.read_bytes()
    lf = tmp_path / "lf.log"
    lf.write_bytes(log.read_bytes().replace(b"\r\n", b"\n"))
    report = ours(log)
    assert report.events == 4
    assert_top10_agree(report, pt_digest(lf))


def test_rds_cloudwatch_events_agree_with_pt_on_the_file(tmp_path: Path) -> None:
    """RDS publishes each entry as one CloudWatch event, its lines without their newlines
    and the last one without its `\\n`: digested as such, the same as pt on the file."""
    text = MYSQL80_LOG.read_text(encoding="utf-8")
    body = text[text.index("# Time:") :]
    events = ["# Time:" + part for part in body.split("\n# Time:")[1:]]
    events.insert(0, body.split("\n# Time:")[0])
    assert len(events) > 100 and all(not event.endswith("\n") for event in events[:-1])
    lines = [line for event in events for line in event.splitlines()]
    assert_top10_agree(digest_lines(lines), pt_digest(MYSQL80_LOG))


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
    assert_top10_agree(report, pt_digest(pt_readable(snapshot, tmp_path / "for-pt.log")))
