"""SVG snapshots of the fleet view with the AWS kinds under their heading, at 80x24 and 200x50."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.widgets.test_fleet_tree_aws import harness


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_fleet_view_with_aws_kinds(
    snap_compare: Callable[..., bool], size: tuple[int, int]
) -> None:
    assert snap_compare(harness(), terminal_size=size)
