"""SVG snapshots of the silence form (`s`) and the silences list (`S`), at 80x24 and 200x50."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from console.screens.silence_form import SilenceForm
from tests.helpers import wait_until
from tests.widgets_harness_silences import SilenceFormHarness, SilencesHarness

SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES)
def test_silence_form(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    async def previewed(pilot: Pilot[None]) -> None:
        form = pilot.app.screen
        assert isinstance(form, SilenceForm)
        await wait_until(pilot, lambda: form.preview_text != "")  # it asked (nothing answers)
        form.show_preview("matches 2 firing alerts now (1 already silenced)")
        await pilot.press(*"failover in progress, ask the DBA on call")
        await pilot.pause()

    assert snap_compare(SilenceFormHarness(), terminal_size=size, run_before=previewed)


@pytest.mark.parametrize("size", SIZES)
def test_silences_list(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(SilencesHarness(), terminal_size=size, press=["down"])
