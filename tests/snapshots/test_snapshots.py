"""SVG snapshots of the fleet view from deterministic data, at 80x24 and 160x50."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.widgets_harness import FleetHarness


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_fleet_view(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(FleetHarness(), terminal_size=size)
