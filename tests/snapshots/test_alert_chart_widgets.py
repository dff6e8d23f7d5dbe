"""SVG snapshots of the alert list with its detail, and of metric charts, at 80x24 and 160x50."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests import factories_alerts as fa
from tests.widgets_harness_alerts import AlertsHarness, ChartsHarness
from widgets.metric_chart import MetricChart

SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES)
def test_alert_list_with_detail(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(AlertsHarness(), terminal_size=size, press=["down"])


@pytest.mark.parametrize("size", SIZES)
def test_alert_list_stale(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    async def fail(pilot: Pilot[None]) -> None:
        pilot.app.query_one("#alerts").reading = fa.alerts_error()  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(AlertsHarness(), terminal_size=size, run_before=fail)


@pytest.mark.parametrize("size", SIZES)
def test_metric_charts(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(ChartsHarness(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_metric_chart_stale(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    async def fail(pilot: Pilot[None]) -> None:
        pilot.app.query_one("#memory", MetricChart).reading = fa.series_error()
        await pilot.pause()

    assert snap_compare(ChartsHarness(), terminal_size=size, run_before=fail)
