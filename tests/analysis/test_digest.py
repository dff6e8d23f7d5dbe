"""Aggregation: ranking, figures per fingerprint, bounded state, masked samples."""

from __future__ import annotations

from collections.abc import Iterator

from console.analysis.digest import (
    Digester,
    bucket_index,
    bucket_value,
    digest_lines,
    percentile_95,
)
from console.analysis.slowlog import SlowEvent

PII_ENTRY = """\
# Time: 2026-11-20T08:00:0{second}Z
# Query_time: {seconds}  Lock_time: 0.5 Rows_sent: 2  Rows_examined: 40
SET timestamp=179516160{second};
UPDATE members SET email = 'jane.doe@example.com', phone = '+1 (212) 555-0100',
  card = '4111 1111 1111 1111' WHERE id = {second};
"""


def test_ranked_by_total_time_with_figures_and_the_slowest_sample_masked() -> None:
    text = PII_ENTRY.format(second=1, seconds=2.0) + PII_ENTRY.format(second=2, seconds=3.0)
    text += "# Query_time: 4.5  Lock_time: 0 Rows_sent: 1  Rows_examined: 1\nSELECT 1;\n"
    report = digest_lines(text.splitlines(keepends=True))
    update, select = report.rows
    assert update.fingerprint == "update members set email = ?, phone = ?, card = ? where id = ?"
    assert (update.count, update.total_time_s, update.avg_time_s, update.max_time_s) == (
        2,
        5.0,
        2.5,
        3.0,
    )
    assert (update.lock_time_s, update.rows_sent, update.rows_examined) == (1.0, 4, 80)
    assert update.share == 5.0 / 9.5 and select.share == 4.5 / 9.5
    assert update.first_seen is not None and update.last_seen is not None
    assert update.last_seen.timestamp() - update.first_seen.timestamp() == 1
    assert "WHERE id = 2" in update.sample  # the slowest of the class
    for secret in ("jane.doe", "555-0100", "4111 1111 1111 1111"):
        assert secret not in update.sample
    assert "***@example.com" in update.sample and "****1111" in update.sample


def test_p95_uses_pt_buckets() -> None:
    histogram: dict[int, int] = {}
    values = [0.1 * (i + 1) for i in range(100)]
    for value in values:
        bucket = bucket_index(value)
        histogram[bucket] = histogram.get(bucket, 0) + 1
    p95 = percentile_95(histogram, len(values), min(values), max(values))
    assert bucket_value(bucket_index(9.5)) == p95
    assert 9.0 < p95 <= 9.5
    assert percentile_95({bucket_index(2.0): 2}, 2, 1.0, 2.0) == 2.0  # two values: the max


def _many_events(count: int) -> Iterator[SlowEvent]:
    for i in range(count):
        table = ("orders", "members", "coupons")[i % 3]
        query = f"SELECT * FROM {table} WHERE id = {i} AND v = '{i * 7}'"
        yield SlowEvent(query, (i % 997) / 100 + 0.001, 0.0, 1, i % 50, 1.0e9 + i, None, False)


def test_state_stays_bounded_per_fingerprint() -> None:
    """200,000 entries of 3 fingerprints: 3 classes, at most 1,000 histogram buckets each."""
    digester = Digester()
    for event in _many_events(200_000):
        digester.add(event)
    assert len(digester.classes) == 3
    assert all(len(group.histogram) <= 1000 for group in digester.classes.values())
    assert all(len(group.sample) <= 8192 for group in digester.classes.values())
    report = digester.report()
    assert sum(row.count for row in report.rows) == report.events == 200_000


def test_an_entry_without_query_time_counts_in_its_class_but_in_no_time_figure() -> None:
    """As pt: the class counts it, the events, totals, average and percentile do not, and
    a class none of whose entries has a Query_time is not reported."""
    timed = "# Query_time: {s}  Lock_time: 0 Rows_sent: 1  Rows_examined: 1\n{q};\n"
    untimed = "# Query_time:9  Lock_time: 0 Rows_sent: 1  Rows_examined: 1\n{q};\n"  # pt: no figure
    text = timed.format(s=1, q="SELECT 1") + untimed.format(q="SELECT 2")
    text += timed.format(s=3, q="SELECT 3") + untimed.format(q="UPDATE t SET a = 1")
    report = digest_lines(text.splitlines(keepends=True))
    (select,) = report.rows  # the UPDATE had no Query_time: not reported
    assert select.fingerprint == "select ?"
    assert (select.count, select.total_time_s, select.avg_time_s) == (3, 4.0, 2.0)
    assert (select.max_time_s, select.p95_time_s, select.rows_sent) == (3.0, 3.0, 2)
    assert report.events == 2
