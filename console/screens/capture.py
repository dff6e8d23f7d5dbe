"""`opsconsole screenshot`: open a pane headless, wait for its data, save SVG and text.

For scripts and reports: the same app, data layer, masking and redaction as the console (on a
recording with `replay`: the same app on the replay's data layer, at its cursor).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual.pilot import Pilot

from console.app import OpsConsoleApp
from console.config import Settings
from console.screens.alerts import AlertsScreen
from console.screens.aws_resource import AwsResourceScreen
from console.screens.exports import save_screenshot
from console.screens.fleet import FleetScreen
from console.screens.instance import InstanceScreen

if TYPE_CHECKING:
    from console.services.recording.replay import ReplayLayer

INSTANCE_PANES = ("overview", "processes", "queries", "metrics")


def _screen_ready(app: OpsConsoleApp, pane: str, instance: str | None) -> bool:
    screen = app.screen
    if instance is not None:  # a server's tabs, or an AWS resource's (overview, metrics)
        if not isinstance(screen, InstanceScreen | AwsResourceScreen):
            return False
        return screen.pane == pane and screen.has_data()
    if pane == "alerts":
        return isinstance(screen, AlertsScreen) and screen.has_data()
    return isinstance(screen, FleetScreen) and screen.has_data()


def capture(
    settings: Settings,
    pane: str,
    output: Path,
    instance: str | None = None,
    size: tuple[int, int] = (160, 50),
    wait_s: float = 15.0,
    replay: ReplayLayer | None = None,
) -> tuple[Path, bool]:
    """Save the screenshot; returns its path and whether the data arrived in time."""
    shown = pane if instance else None
    app = OpsConsoleApp(settings, instance=instance, pane=shown, replay=replay)
    result: dict[str, bool] = {"ready": False}

    async def pilot_run(pilot: Pilot[object]) -> None:
        deadline = time.monotonic() + wait_s
        if pane == "alerts" and instance is None:
            await pilot.pause(0.2)
            await pilot.press("a")
        while time.monotonic() < deadline and not _screen_ready(app, pane, instance):
            await pilot.pause(0.1)
        result["ready"] = _screen_ready(app, pane, instance)
        await pilot.pause(0.3)
        save_screenshot(app, output.parent, pane, path=output)
        app.exit()

    app.run(headless=True, size=size, auto_pilot=pilot_run)
    return output, result["ready"]
