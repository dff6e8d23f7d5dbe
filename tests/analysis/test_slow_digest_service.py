"""The slow_digest service's answers to the console: what the Slow log tab and the fleet screen
show for a log read, a failed read, a text that is not a slow log and a fleet with failures."""

from __future__ import annotations

from datetime import UTC, datetime

from console.data.aws_models import LogChunk
from console.data.models import Reading, SourceError
from console.services.slow_digest.logs import digest_log, fleet_notes
from tests.analysis.helpers import MYSQL80_LOG

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
GROUP = "/aws/rds/instance/aws-luckyus-salesorder-rw/slowquery"


def log_reading(
    instance: str, lines: tuple[str, ...] | None, *, truncated: bool = False
) -> Reading[LogChunk]:
    if lines is None:
        error = SourceError(instance, "aws", "denied", "AccessDenied on FilterLogEvents")
        return Reading(instance, "aws", WHEN, 0.2, error=error)
    chunk = LogChunk(GROUP, lines, events=len(lines), truncated=truncated)
    return Reading(instance, "aws", WHEN, 0.2, value=chunk)


def test_a_slow_log_read_becomes_the_top_classes_the_table_shows() -> None:
    lines = tuple(MYSQL80_LOG.read_text().splitlines())
    digest = digest_log(log_reading("aws-luckyus-salesorder-rw", lines, truncated=True), 3)
    assert digest.report is not None and digest.not_a_slow_log is None
    shown = digest.digests.value
    assert shown is not None and len(shown) == 3 and len(digest.report.rows) > 3
    assert shown[0].text == "select * from orders_? where id between ? and ? limit ?"
    assert shown[0].calls == 10 and shown[0].digest == digest.report.rows[0].query_id
    assert (digest.digests.instance, digest.digests.fetched_at) == ("aws-luckyus-salesorder-rw",
                                                                    WHEN)  # fmt: skip
    assert digest.truncated


def test_a_text_that_is_no_slow_log_is_a_query_error_naming_the_group() -> None:
    digest = digest_log(log_reading("aws-luckyus-salesorder-rw", ("hello", "world")), 20)
    assert digest.report is None and digest.digests.value is None
    error = digest.digests.error
    assert error is not None and error.kind == "query" and error.message.startswith(GROUP)
    assert digest.not_a_slow_log is not None and "Query_time" in digest.not_a_slow_log


def test_a_failed_read_stays_its_error() -> None:
    digest = digest_log(log_reading("aws-luckyus-salesorder-rw", None), 20)
    assert digest.report is None and digest.not_a_slow_log is None
    assert digest.digests.error == digest.log.error and not digest.truncated


def test_fleet_notes_group_failures_by_kind_and_name_cut_reads() -> None:
    readings = [log_reading(f"aws-luckyus-db{n}-rw", None) for n in range(7)]
    readings.append(log_reading("aws-luckyus-big-rw", ("# Query_time: 1",), truncated=True))
    notes = fleet_notes(readings, ["aws-luckyus-odd-rw: no slow-log entry"])
    assert notes == [
        "7 instances without a slow log (denied): aws-luckyus-db0-rw, aws-luckyus-db1-rw, "
        "aws-luckyus-db2-rw, aws-luckyus-db3-rw, aws-luckyus-db4-rw ...",
        "read stopped at the configured bound for: aws-luckyus-big-rw",
        "aws-luckyus-odd-rw: no slow-log entry",
    ]
