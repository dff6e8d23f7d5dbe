"""The streaming parser on MySQL 8.0 (RDS) and MariaDB logs, and on log events as lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.analysis.digest import sniffed
from console.analysis.slowlog import NO_QUERY, NotASlowLogError, SlowEvent, log_time, parse
from tests.analysis.helpers import MARIADB_LOG, MYSQL80_LOG

MYSQL80_ENTRY = """\
# Time: 2026-11-20T08:00:05.123456Z
# User@Host: app_user[app_user] @  [10.0.3.7]  Id:   4711
# Query_time: 1.250000  Lock_time: 0.000100 Rows_sent: 3  Rows_examined: 9000
use salesorder;
SET timestamp=1795161605;
SELECT o.id,
       o.amount -- the total
# not a new entry: the line before has no `;`
  FROM orders o WHERE o.id = 7;
# Time: 2026-11-20T08:00:06.000000Z
# User@Host: app_user[app_user] @  [10.0.3.7]  Id:   4711
# Query_time: 0.300000  Lock_time: 0.000000 Rows_sent: 5  Rows_examined: 5
SET timestamp=1795161606;
# administrator command: Quit;
"""


def events_of(text: str) -> list[SlowEvent]:
    return list(parse(text.splitlines(keepends=True)))


def test_mysql80_entry_header_statement_and_admin_command() -> None:
    first, quit_ = events_of(MYSQL80_ENTRY)
    assert first.query.startswith("SELECT o.id,\n")
    assert "# not a new entry" in first.query
    assert first.query.endswith("WHERE o.id = 7")  # the final `;` is not part of it
    assert (first.query_time_s, first.lock_time_s) == (1.25, 0.0001)
    assert (first.rows_sent, first.rows_examined) == (3, 9000)
    assert first.db == "salesorder"
    assert first.timestamp_s == 1795161605
    assert not first.admin
    assert quit_.query == "administrator command: Quit"
    assert quit_.admin and (quit_.rows_sent, quit_.rows_examined) == (0, 0)


def test_lines_without_newlines_parse_the_same_as_a_file() -> None:
    """CloudWatch Logs events arrive as text split into lines, without their newlines."""
    assert list(parse(MYSQL80_ENTRY.splitlines())) == events_of(MYSQL80_ENTRY)


def test_mysql80_fixture_every_entry_and_no_preamble_in_any_statement() -> None:
    with MYSQL80_LOG.open() as log:
        events = list(parse(log))
    assert len(events) == 160
    assert sum(event.admin for event in events) == 7
    assert not any("Version" in e.query or "Tcp port" in e.query for e in events)
    assert all(event.timestamp_s is not None for event in events)


def test_mariadb_restart_in_the_middle_is_not_glued_to_a_statement() -> None:
    """pt 3.2 glues MariaDB's `mariadbd, Version:` preamble to the statement before it."""
    with MARIADB_LOG.open() as log:
        events = list(parse(log))
    assert len(events) == 160
    assert not any("mariadbd" in e.query or "Argument" in e.query for e in events)
    assert {e.db for e in events} >= {"salesorder", "isalesmembermarketing", None}


MARIADB_NO_TIME_LINE = """\
# User@Host: bi_report[bi_report] @  [127.0.0.1]
# Thread_id: 9  Schema: salespayment  QC_hit: No
# Query_time: 0.557860  Lock_time: 0.000143  Rows_sent: 10  Rows_examined: 7458
# Rows_affected: 0  Bytes_sent: 448
SELECT 1;
"""


def test_mariadb_entry_without_time_or_timestamp_keeps_schema() -> None:
    (event,) = events_of(MARIADB_NO_TIME_LINE)
    assert event.db == "salespayment"
    assert event.timestamp_s is None
    assert event.query == "SELECT 1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("261121  7:59:53", datetime(2026, 11, 21, 7, 59, 53, tzinfo=UTC)),
        ("261125 14:59:17", datetime(2026, 11, 25, 14, 59, 17, tzinfo=UTC)),
        ("2026-11-20T08:00:05.123456Z", datetime(2026, 11, 20, 8, 0, 5, 123456, tzinfo=UTC)),
    ],
)
def test_time_line_formats(text: str, expected: datetime) -> None:
    assert log_time(text) == expected.timestamp()


def test_header_with_nothing_after_it_is_pt_no_query_entry() -> None:
    text = (
        "# Time: 2026-01-01T00:00:00Z\n"
        "# Query_time: 1.5  Lock_time: 0 Rows_sent: 0  Rows_examined: 0\n"
        "SET timestamp=1;\n# Time: 2026-01-01T00:00:01Z\n"
        "# Query_time: 2.5  Lock_time: 0 Rows_sent: 0  Rows_examined: 0\n"
        "SET timestamp=2;\nselect 1;\n"
    )
    assert [(e.query, e.query_time_s) for e in events_of(text)] == [
        (NO_QUERY, 1.5),
        ("select 1", 2.5),
    ]


def test_a_file_that_is_not_a_slow_log_is_refused() -> None:
    with pytest.raises(NotASlowLogError):
        list(sniffed(["2026-11-25 12:00:00 [Note] InnoDB: started\n"] * 10))
    assert list(sniffed([])) == []


def _entry(figures: str, statement: str = "SELECT 1;") -> str:
    return f"# Time: 2026-12-05T03:12:00Z\n{figures}\nSET timestamp=1796440320;\n{statement}\n"


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        # pt reads each `Name: value` of a line; one without a space after its colon is lost
        ("# Query_time: 1.5  Lock_time:0.2 Rows_sent: 3  Rows_examined: 4", (1.5, 0.0, 3, 4)),
        ("# Query_time: 1.5  Lock_time: 0.2 Rows_sent:3  Rows_examined: 4", (1.5, 0.2, 0, 4)),
        ("# Query_time:1.5  Lock_time: 0.2 Rows_sent: 3  Rows_examined: 4", (None, 0.0, 0, 0)),
        ("#  Query_time: 2  Lock_time: 0 Rows_sent: 1  Rows_examined: 1", (2.0, 0.0, 1, 1)),
        ("# Query_time: 2.5s  Lock_time: .5 Rows_sent: 1  Rows_examined: x", (2.5, 0.5, 1, 0)),
    ],
)
def test_header_fields_are_read_one_by_one_as_pt_reads_them(
    figures: str, expected: tuple[float | None, float, int, int]
) -> None:
    (event,) = events_of(_entry(figures))
    assert (event.query_time_s, event.lock_time_s, event.rows_sent, event.rows_examined) == (
        expected
    )


@pytest.mark.parametrize(
    "figures",
    [
        "# Query_time: abc  Lock_time: 0 Rows_sent: 1  Rows_examined: 1",
        "# Query_time: nan  Lock_time: 0 Rows_sent: 1  Rows_examined: 1",
        "# Query_time: -  Lock_time: 0 Rows_sent: 1  Rows_examined: 1",
        "# Query_time: 1.0  Lock_time: 0.1s Rows_sent: 1  Rows_examined: 1",
        "# Query_time: 1.0  Lock_time: inf Rows_sent: 1  Rows_examined: 1",
    ],
)
def test_an_entry_with_a_corrupt_time_is_dropped(figures: str) -> None:
    text = _entry(figures, "SELECT 2;") + _entry("# Query_time: 1  Lock_time: 0", "SELECT 3;")
    assert [event.query for event in events_of(text)] == ["SELECT 3"]


def test_a_log_that_starts_with_an_empty_line_or_a_bom_keeps_its_first_entry() -> None:
    entry = _entry("# Query_time: 1  Lock_time: 0 Rows_sent: 0  Rows_examined: 0", "SELECT 7;")
    for start in ("\n", "\n\n", "\ufeff"):
        first, second = events_of(start + entry + entry)
        assert first == second
        assert (first.query, first.query_time_s, first.timestamp_s) == ("SELECT 7", 1.0, 1796440320)


def test_a_log_cut_inside_an_entry_gives_the_cut_part_no_figures() -> None:
    """pt reads the first line of a log as a header line: what follows it up to the next
    entry belongs to an entry whose header was cut off (no Query_time)."""
    entry = _entry("# Query_time: 1  Lock_time: 0 Rows_sent: 0  Rows_examined: 0", "SELECT 7;")
    events = events_of("  FROM t\n WHERE a = 1;\n" + entry)
    assert [(e.query, e.query_time_s) for e in events] == [
        (" WHERE a = 1", None),
        ("SELECT 7", 1.0),
    ]
    no_query, seven = events_of("SELECT 6;\n" + entry)
    assert (no_query.query, no_query.query_time_s) == (NO_QUERY, None)
    assert seven.query == "SELECT 7"


def test_a_hash_line_ending_a_statement_line_still_ends_it() -> None:
    """`# Time:` inside a string, on the statement's last line: the next entry is its own."""
    first = _entry("# Query_time: 1  Lock_time: 0", "INSERT INTO n VALUES ('a\n# Time: x');")
    (one, two) = events_of(first + _entry("# Query_time: 2  Lock_time: 0", "SELECT 2;"))
    assert one.query == "INSERT INTO n VALUES ('a\n# Time: x')"
    assert (two.query, two.query_time_s) == ("SELECT 2", 2.0)


def test_set_line_with_several_settings_gives_the_timestamp() -> None:
    text = (
        "# Query_time: 1  Lock_time: 0\n"
        "SET last_insert_id=5,insert_id=6,timestamp=1796440325;\nSELECT 1;\n"
    )
    (event,) = events_of(text)
    assert event.timestamp_s == 1796440325
