"""The command palette's own commands behave like the console's: Textual's "Screenshot" goes
through the export path (masked, redacted, into the output folder, never ~/Downloads), and a
theme chosen with "Theme" is kept for the user's next start."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import msgspec
import pytest
from textual.widgets import Static

from console.app import OpsConsoleApp
from console.config import Settings
from console.screens.exports import screen_text
from console.screens.fleet import FleetScreen
from console.screens.theme_memory import theme_path
from tests.helpers import wait_until
from tests.screens.conftest import app_for

pytestmark = pytest.mark.lab

SECRET = "Zq9-S3cret-pw"
EMAIL = "jane.doe@example.com"


def _own_state(app: OpsConsoleApp, state: Path) -> OpsConsoleApp:
    """The same app's settings with the state folder at `state` (this user's own)."""
    console = msgspec.structs.replace(app.settings.console, state_dir=str(state))
    return OpsConsoleApp(replace(app.settings, console=console))


async def test_palette_screenshot_is_scrubbed_into_the_output_folder(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))  # where Textual's own would go: ~/Downloads
    output = tmp_path / "output"
    app = app_for(settings, output)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen))
        await app.screen.mount(Static(f"password={SECRET} owner {EMAIL}", id="planted"))
        await pilot.pause()
        assert SECRET in app.export_screenshot()  # it is on the screen
        await pilot.press("ctrl+p")
        await pilot.press(*"screenshot")
        await wait_until(pilot, lambda: "masked and redacted" in screen_text(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(output.glob("*.svg")))
    [svg] = output.glob("*.svg")
    text = svg.read_text("utf-8")
    assert "password=" in text and SECRET not in text and EMAIL not in text
    assert SECRET not in svg.with_suffix(".txt").read_text("utf-8")
    assert not (home / "Downloads").exists()


async def test_a_chosen_theme_is_applied_at_the_next_start(
    settings: Settings, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    first = _own_state(app_for(settings, tmp_path / "output"), state)
    default = None
    async with first.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(first.screen, FleetScreen))
        default = first.theme
        assert not theme_path(state).exists()  # nothing kept until the user chooses
        await pilot.press("ctrl+p")
        await pilot.press(*"theme")
        await wait_until(pilot, lambda: "Change the current theme" in screen_text(first))
        await pilot.press("enter")
        await pilot.press(*"nord")
        await wait_until(pilot, lambda: "nord" in screen_text(first))
        await pilot.press("enter")
        await wait_until(pilot, lambda: first.theme == "nord")
        await wait_until(pilot, lambda: theme_path(state).exists())
    assert default != "nord"
    second = _own_state(app_for(settings, tmp_path / "output"), state)
    async with second.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(second.screen, FleetScreen))
        assert second.theme == "nord"
