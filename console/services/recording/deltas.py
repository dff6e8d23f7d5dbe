"""Top-query deltas: what each statement did between two samples of its cumulative totals.

Why deltas: performance_schema digests and pg_stat_statements count since the server started
(or the last reset); "what ran at 03:12" is the difference between two samples, not the totals.
"""

from __future__ import annotations

from collections.abc import Iterable

from console.data.models import Digest

TOP = 25


def digest_deltas(
    previous: Iterable[Digest], current: Iterable[Digest], top: int = TOP
) -> tuple[Digest, ...]:
    """The statements that ran between the two samples, by time spent, most first.

    Calls, total time and rows are differences; the average is the interval's own; the maximum
    is the server's (it cannot be differenced). A statement new since `previous`, or whose
    counters went back (a reset, or it left the digest table and came back), counts whole.
    """
    before = {(d.digest, d.schema): d for d in previous}
    deltas: list[Digest] = []
    for digest in current:
        old = before.get((digest.digest, digest.schema))
        went_on = old is not None and old.calls <= digest.calls
        if old is not None and went_on and old.total_time_s <= digest.total_time_s:
            delta = _minus(digest, old)
        else:
            delta = digest
        if delta.calls > 0:
            deltas.append(delta)
    deltas.sort(key=lambda d: (-d.total_time_s, -d.calls, d.digest))
    return tuple(deltas[:top])


def _minus(now: Digest, then: Digest) -> Digest:
    calls = now.calls - then.calls
    total = max(0.0, now.total_time_s - then.total_time_s)
    return Digest(
        digest=now.digest,
        text=now.text,
        schema=now.schema,
        calls=calls,
        total_time_s=total,
        avg_time_s=total / calls if calls else 0.0,
        max_time_s=now.max_time_s,
        rows_sent=_less(now.rows_sent, then.rows_sent),
        rows_examined=_less(now.rows_examined, then.rows_examined),
    )


def _less(now: int | None, then: int | None) -> int | None:
    if now is None or then is None:
        return now
    return max(0, now - then)
