"""TIME as every replay front reads it, and how the cursor steps and jumps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.formatting.moments import clock, iso, offset
from console.services.recording.timeline import TimeError, Timeline, parse_time

START = datetime(2026, 12, 5, 3, 10, 0, tzinfo=UTC)
END = START + timedelta(minutes=40)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+30s", START + timedelta(seconds=30)),
        ("+1m30s", START + timedelta(seconds=90)),
        ("+0.5m", START + timedelta(seconds=30)),
        ("-5m", END - timedelta(minutes=5)),
        ("start", START),
        ("END", END),
        ("2026-12-05T03:12:05Z", START + timedelta(minutes=2, seconds=5)),
        ("2026-12-05T04:12:05+01:00", START + timedelta(minutes=2, seconds=5)),
        ("2026-12-05 03:12", START + timedelta(minutes=2)),  # no zone: UTC
        ("03:12:05", START + timedelta(minutes=2, seconds=5)),
        ("3:12", START + timedelta(minutes=2)),
    ],
)
def test_time_forms(text: str, expected: datetime) -> None:
    assert parse_time(text, START, END) == expected


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "no TIME given"),
        ("soon", "expected +30s (from the start), -5m (from the end)"),
        ("+30x", "expected +30s"),
        ("25:00", "not a time of day"),
        ("+41m", "after the recording ends: it holds 2026-12-05T03:10:00Z to 2026-12-05T03:50:00Z"),
        ("2026-12-05T03:00:00Z", "before the recording starts"),
        ("-1h", "before the recording starts"),  # a 40-minute recording
        ("04:00", "after the recording ends"),
    ],
)
def test_a_bad_or_outside_time_is_refused_saying_why(text: str, said: str) -> None:
    with pytest.raises(TimeError) as refused:
        parse_time(text, START, END)
    assert said in str(refused.value)


def test_a_time_of_day_lands_on_the_day_of_the_recording_that_holds_it() -> None:
    start = datetime(2026, 12, 4, 23, 50, tzinfo=UTC)
    end = datetime(2026, 12, 5, 0, 20, tzinfo=UTC)
    assert parse_time("00:05", start, end) == datetime(2026, 12, 5, 0, 5, tzinfo=UTC)
    assert parse_time("23:55", start, end) == datetime(2026, 12, 4, 23, 55, tzinfo=UTC)


TIMES = tuple(START + timedelta(seconds=5 * i) for i in range(6))  # +0 .. +25 s
LINE = Timeline(TIMES, (TIMES[2], TIMES[4]))


def test_steps_go_sample_by_sample_and_stop_at_the_ends() -> None:
    assert LINE.step(TIMES[0], 1) == TIMES[1]
    assert LINE.step(TIMES[1], -1) == TIMES[0]
    assert LINE.step(TIMES[0], -1) == TIMES[0]
    assert LINE.step(TIMES[5], 1) == TIMES[5]
    between = TIMES[2] + timedelta(seconds=2)  # a TIME between two samples
    assert LINE.step(between, 1) == TIMES[3]
    assert LINE.step(between, -1) == TIMES[2]


def test_changes_are_found_either_way_and_none_past_the_last() -> None:
    assert LINE.change(TIMES[0], 1) == TIMES[2]
    assert LINE.change(TIMES[2], 1) == TIMES[4]
    assert LINE.change(TIMES[4], 1) is None
    assert LINE.change(TIMES[5], -1) == TIMES[4]
    assert LINE.change(TIMES[2], -1) is None
    assert LINE.typical_step_s() == 5.0


def test_a_moment_is_named_the_same_everywhere() -> None:
    moment = START + timedelta(minutes=2, seconds=5, microseconds=512)
    assert iso(moment) == "2026-12-05T03:12:05Z"
    assert clock(moment) == "03:12:05"
    assert offset(moment, START) == "+2m05s"
    assert offset(START + timedelta(seconds=30), START) == "+30s"
    assert offset(START + timedelta(hours=1, seconds=1), START) == "+1h00m01s"
