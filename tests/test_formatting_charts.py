"""Pure chart and age helpers: compact ages, numbers with units, resampling, sparklines."""

from __future__ import annotations

import math

import pytest

from console.formatting import (
    SPARK_BLOCKS,
    human_age,
    human_number,
    human_value,
    resample,
    sparkline,
)

NAN = math.nan


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "-"),
        (NAN, "-"),
        (-5, "0s"),
        (0, "0s"),
        (45.9, "45s"),
        (60, "1m"),
        (12 * 60 + 59, "12m"),
        (3 * 3600 + 1, "3h"),
        (2 * 86400 + 7200, "2d"),
    ],
)
def test_human_age_keeps_the_largest_whole_unit(seconds: float | None, expected: str) -> None:
    assert human_age(seconds) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "-"),
        (NAN, "-"),
        (math.inf, "∞"),
        (7, "7"),
        (0.523, "0.52"),
        (12.34, "12.3"),
        (999, "999"),
        (903.7, "904"),
        (1234, "1.2k"),
        (-2_500_000, "-2.5M"),
        (3.2e9, "3.2G"),
        (5e12, "5.0T"),
    ],
)
def test_human_number_is_short(value: float | None, expected: str) -> None:
    assert human_number(value) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (None, "bytes", "-"),
        (NAN, "%", "-"),
        (1536 * 2**20, "bytes", "1.5 GiB"),
        (2048, "bytes/s", "2.0 KiB/s"),
        (0.25, "s", "250ms"),
        (125, "s", "2m05s"),
        (87.456, "%", "87.5%"),
        (1530, "ops/s", "1.5k ops/s"),
        (42, "", "42"),
        (3, "conn", "3 conn"),
    ],
)
def test_human_value_uses_the_unit(value: float | None, unit: str, expected: str) -> None:
    assert human_value(value, unit) == expected


def test_resample_downsamples_to_width_keeping_the_spike() -> None:
    xs = [float(x) for x in range(100)]
    ys = [1.0] * 100
    ys[37] = 9.0
    columns = resample(xs, ys, 10, 0.0, 99.0)
    assert len(columns) == 10
    assert max(columns) == 9.0
    assert columns.count(9.0) == 1
    assert all(value in (1.0, 9.0) for value in columns)


def test_resample_stretches_sparse_points_over_the_width() -> None:
    columns = resample([0.0, 60.0, 120.0], [1.0, 2.0, 3.0], 12, 0.0, 120.0)
    assert len(columns) == 12
    assert not any(math.isnan(value) for value in columns)
    assert (columns[0], columns[6], columns[-1]) == (1.0, 2.0, 3.0)


def test_resample_leaves_long_gaps_and_nan_empty() -> None:
    xs = [0.0, 10.0, 20.0, 30.0, 100.0]
    ys = [1.0, 1.0, NAN, 1.0, 1.0]
    columns = resample(xs, ys, 10, 0.0, 100.0)
    assert not math.isnan(columns[0])
    assert math.isnan(columns[6])  # 60..70 s: nothing within 1.5 steps
    assert columns[-1] == 1.0


def test_resample_edge_cases() -> None:
    empty = resample([], [], 5, 0.0, 1.0)
    assert len(empty) == 5
    assert all(math.isnan(value) for value in empty)
    assert resample([1.0], [4.0], 3, 1.0, 1.0) == [4.0, 4.0, 4.0]
    assert resample([1.0], [4.0], 0, 0.0, 2.0) == []


def test_sparkline_scales_between_low_and_high() -> None:
    assert sparkline([0.0, 50.0, 100.0, NAN], 0.0, 100.0) == "▁▅█ "
    assert sparkline([5.0, 5.0], 5.0, 5.0) == SPARK_BLOCKS[0] * 2
    assert sparkline([-10.0, 200.0], 0.0, 100.0) == "▁█"
