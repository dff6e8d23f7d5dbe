"""The cost service (console/services/cost.py): what one request cost, told the same way to
`opsconsole cost` and the cost screen."""

from __future__ import annotations

import pytest

from console.data.aws_models import PaidCalls
from console.data.layer import DataLayer
from console.services.cost import cost_report, daily_trend, outcome_of
from tests import factories_aws as fw
from tests.aws.conftest import CallCounter


def _calls(session_calls: int) -> PaidCalls:
    return PaidCalls(session_calls, 0, session_calls * 0.01, session_calls, 0.01, 0.5)


@pytest.mark.parametrize(
    ("before", "after", "answered", "cached", "said"),
    [
        (None, 0, True, True, "from cache"),
        (1, 1, True, True, "from cache"),
        (0, 1, True, False, "1 paid call"),
        (1, 3, True, False, "2 paid calls"),
        (2, 2, False, False, "refused or failed, no call"),
        (2, 3, False, False, "failed after 1 paid call(s)"),
    ],
)
def test_the_outcome_counts_only_this_request(
    before: int | None, after: int, answered: bool, cached: bool, said: str
) -> None:
    shown = None if before is None else _calls(before)
    assert outcome_of(shown, _calls(after), answered, cached) == said


def test_the_chart_gets_one_point_per_day_at_midnight_and_none_without_a_report() -> None:
    reading = fw.cost_reading(days=7)
    assert reading.value is not None
    trend = daily_trend(reading)
    assert trend is not None and trend.value is not None and trend.fetched_at == reading.fetched_at
    (series,) = trend.value
    assert [value for _at, value in series.points] == [d.amount for d in reading.value.daily]
    assert [at.date() for at, _value in series.points] == [d.day for d in reading.value.daily]
    assert {at.hour for at, _value in series.points} == {0}
    assert daily_trend(fw.cost_refused()) is None  # a refusal keeps the last chart


@pytest.mark.lab
async def test_a_paid_call_then_the_same_window_from_cache(
    aws_data: DataLayer, ce_calls: CallCounter
) -> None:
    first = await cost_report(aws_data, 4)
    second = await cost_report(aws_data, 4, first.paid)
    assert (first.outcome, second.outcome) == ("1 paid call", "from cache")
    assert first.reading.value is not None and second.reading.value is not None
    assert second.reading.value.by_service == first.reading.value.by_service
    assert (second.paid.session_calls, second.paid.session_cached) == (1, 1)
    assert ce_calls.calls == 1
