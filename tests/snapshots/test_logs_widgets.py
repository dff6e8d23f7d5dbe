"""SVG snapshots of the Logs Insights pane at 80x24 and 200x50: an answer, and a refusal."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.widgets_harness_logs import LogsHarness, refused

SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES)
def test_logs_view_answer(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(LogsHarness(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_logs_view_refused(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(LogsHarness(refused()), terminal_size=size)
