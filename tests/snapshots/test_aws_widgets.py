"""SVG snapshots of the AWS views (alerts with CloudWatch alarms, cost) at 80x24 and 160x50."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests import factories_aws as fw
from tests.widgets_harness_aws import AlarmsHarness, CostHarness
from widgets.alert_list import AlertList
from widgets.cost_view import CostView

SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES)
def test_alerts_with_cloudwatch_alarms(
    snap_compare: Callable[..., bool], size: tuple[int, int]
) -> None:
    async def to_alarm(pilot: Pilot[None]) -> None:
        alerts = pilot.app.query_one(AlertList)
        while alerts.highlighted_alarm() is None:
            await pilot.press("down")

    assert snap_compare(AlarmsHarness(), terminal_size=size, run_before=to_alarm)


@pytest.mark.parametrize("size", SIZES)
def test_alerts_with_cloudwatch_failing(
    snap_compare: Callable[..., bool], size: tuple[int, int]
) -> None:
    async def fail(pilot: Pilot[None]) -> None:
        pilot.app.query_one(AlertList).alarms = fw.alarms_error()
        await pilot.pause()

    assert snap_compare(AlarmsHarness(), terminal_size=size, run_before=fail)


@pytest.mark.parametrize("size", SIZES)
def test_cost_view(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(CostHarness(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_cost_view_refused(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    async def refuse(pilot: Pilot[None]) -> None:
        view = pilot.app.query_one(CostView)
        view.outcome = "refused or failed, no call"
        view.paid = fw.paid_calls(today_calls=50)
        view.reading = fw.cost_refused()
        await pilot.pause()

    assert snap_compare(CostHarness(), terminal_size=size, run_before=refuse)
