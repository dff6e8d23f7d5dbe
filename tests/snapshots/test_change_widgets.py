"""SVG snapshots of the change prompts and the Redis audit tables at 80x24 and 160x50."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests.widgets_harness_changes import ConfirmHarness, KeysHarness, kill_prompt, ttl_prompt

SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES)
def test_kill_prompt_first_confirmation(
    snap_compare: Callable[..., bool], size: tuple[int, int]
) -> None:
    assert snap_compare(ConfirmHarness(kill_prompt()), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_kill_prompt_asks_for_the_name(
    snap_compare: Callable[..., bool], size: tuple[int, int]
) -> None:
    async def second(pilot: Pilot[None]) -> None:
        await pilot.press("tab", "enter", *"aws-luckyus", "enter")

    assert snap_compare(ConfirmHarness(kill_prompt()), terminal_size=size, run_before=second)


@pytest.mark.parametrize("size", SIZES)
def test_ttl_plan_prompt_with_a_heavy_warning(
    snap_compare: Callable[..., bool], size: tuple[int, int]
) -> None:
    warnings = ("62 sessions are active on luckyus-isales-market (warns above 50)",)
    assert snap_compare(ConfirmHarness(ttl_prompt(), warnings), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_key_audit_tables(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(KeysHarness(), terminal_size=size)
