"""Pure formatting helpers of the instance widgets: ratios, percents, rates, one line, severity."""

from __future__ import annotations

import pytest

from console.formatting import first_line, human_percent, human_rate, safe_ratio, severity


def test_safe_ratio_is_none_without_a_limit() -> None:
    assert safe_ratio(342, 400) == pytest.approx(0.855)
    assert safe_ratio(342, 0) is None
    assert safe_ratio(342, None) is None
    assert safe_ratio(None, 400) is None


@pytest.mark.parametrize(
    ("ratio", "decimals", "expected"),
    [(0.855, 0, "86%"), (0.9712, 1, "97.1%"), (1.0, 0, "100%"), (0.0, 0, "0%"), (None, 0, "-")],
)
def test_human_percent(ratio: float | None, decimals: int, expected: str) -> None:
    assert human_percent(ratio, decimals) == expected


@pytest.mark.parametrize(
    ("per_s", "expected"),
    [(0.0, "0/s"), (3.25, "3.25/s"), (1234.5, "1.2k/s"), (2_500_000, "2.5M/s"), (None, "-")],
)
def test_human_rate(per_s: float | None, expected: str) -> None:
    assert human_rate(per_s) == expected


def test_first_line_takes_the_first_non_blank_line_collapsed() -> None:
    assert first_line("\n  SELECT  *\tFROM t\n WHERE x = 1", 40) == "SELECT * FROM t"
    assert first_line(None, 10) == ""
    assert first_line("", 10) == ""


def test_first_line_cuts_with_an_ellipsis_at_the_width() -> None:
    assert first_line("SELECT * FROM orders", 10) == "SELECT * …"
    assert len(first_line("x" * 100, 46)) == 46
    assert first_line("exactly ten", 11) == "exactly ten"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, "ok"), (0.8, "warn"), (0.85, "warn"), (0.9, "crit"), (1.2, "crit"), (None, "ok")],
)
def test_severity_higher_is_worse_by_default(value: float | None, expected: str) -> None:
    assert severity(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.999, "ok"), (0.99, "warn"), (0.97, "warn"), (0.95, "crit")]
)
def test_severity_low_is_bad_for_hit_ratios(value: float, expected: str) -> None:
    assert severity(value, 0.99, 0.95, low_is_bad=True) == expected


def test_severity_thresholds_in_other_units() -> None:
    assert severity(42.0, 10.0, 60.0) == "warn"  # replication lag, seconds
    assert severity(61.0, 10.0, 60.0) == "crit"
