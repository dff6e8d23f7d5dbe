"""Top-query deltas: what ran between two samples of cumulative digest totals."""

from __future__ import annotations

from console.data.models import Digest
from console.services.recording.deltas import digest_deltas


def _digest(key: str, calls: int, total_s: float, rows: int | None = 10) -> Digest:
    return Digest(key, f"SELECT {key}", "shop", calls, total_s, total_s / calls, 2.0, rows, rows)


def test_only_what_ran_in_between_most_time_first() -> None:
    before = (_digest("a", 10, 5.0), _digest("b", 100, 1.0), _digest("idle", 7, 3.0))
    after = (_digest("a", 12, 9.0, 30), _digest("b", 150, 1.5), _digest("idle", 7, 3.0))
    a, b = digest_deltas(before, after)
    assert (a.digest, a.calls, a.total_time_s, a.avg_time_s, a.rows_sent) == ("a", 2, 4.0, 2.0, 20)
    assert (b.digest, b.calls) == ("b", 50)
    assert b.total_time_s == 0.5


def test_a_new_or_reset_statement_counts_whole() -> None:
    before = (_digest("reset", 1000, 50.0),)
    after = (_digest("reset", 3, 0.3), _digest("new", 4, 0.2))
    deltas = {d.digest: d for d in digest_deltas(before, after)}
    assert deltas["reset"] == after[0]
    assert deltas["new"] == after[1]


def test_the_top_is_bounded() -> None:
    after = tuple(_digest(str(n), 1, float(n)) for n in range(40))
    top = digest_deltas((), after, top=5)
    assert [d.digest for d in top] == ["39", "38", "37", "36", "35"]
