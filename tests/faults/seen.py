"""What a user sees while a part fails: the screen's text, the fleet's rows, the status bar,
and `opsconsole check --json` run as a user would run it.

Why one module: every fault test reads the console the same way, so the reading lives once.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.pilot import Pilot

from console.app import OpsConsoleApp
from console.config import Settings
from console.data.models import FleetHealth
from console.screens.instance import InstanceScreen
from tests.faults.fault_config import PROFILE
from tests.helpers import screen_text, wait_until
from widgets.fleet_tree import FleetTree
from widgets.status_bar import StatusBar

SCREEN = (200, 50)
"""Wide enough that no error text in a border or a detail row is cut short."""


@dataclass(frozen=True, slots=True)
class CheckRun:
    """`opsconsole check --json`: its exit code, its rows by name, and its warnings."""

    code: int
    rows: dict[str, dict[str, Any]]
    warnings: str

    def answered(self, name: str) -> bool:
        """The instance answered its probe (`ok`, or `warn` for a slow probe on a busy machine)."""
        row = self.rows[name]
        return row["error"] is None and row["state"] in ("ok", "warn")

    def error(self, name: str) -> str:
        """`kind: message` of an instance's row, as the text form prints it ('' if none)."""
        found = self.rows[name]["error"]
        return "" if found is None else f"{found['kind']}: {found['message']}"


async def run_check(settings: Settings) -> CheckRun:
    """Run `opsconsole check --json` on the fault config in a subprocess, as a user would."""
    argv = [sys.executable, "-m", "console", "--config", str(settings.path)]
    argv += ["--profile", PROFILE, "check", "--json"]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    rows = {row["name"]: row for row in json.loads(out)}
    return CheckRun(process.returncode or 0, rows, err.decode("utf-8", errors="replace"))


WITHIN_S = 30.0
"""Hang guard for each wait: far above every timeout in the fault config (a few seconds)."""


def visible(app: OpsConsoleApp) -> str:
    """The text on the screen right now (from an SVG export, as `ctrl+s` saves it)."""
    return " ".join(screen_text(app.export_screenshot()).split())


async def painted(pilot: Pilot[None], app: OpsConsoleApp) -> str:
    """The screen's text once it is whole (its status bar drawn): a look taken between a
    change and its repaint reads a half-drawn screen, where any text is 'not shown'."""
    await wait_until(pilot, lambda: f"{PROFILE} live" in visible(app), WITHIN_S)
    return visible(app)


async def shows(pilot: Pilot[None], app: OpsConsoleApp, text: str) -> None:
    """Wait (hang guard only) until `text` is on the screen."""
    await wait_until(pilot, lambda: text in visible(app), WITHIN_S)


def health(app: OpsConsoleApp, name: str) -> FleetHealth | None:
    return app.screen.query_one(FleetTree).health_of(name)


def checked_after(app: OpsConsoleApp, name: str, moment: datetime) -> bool:
    """The fleet has a probe of `name` newer than `moment` (its row kept updating)."""
    result = health(app, name)
    return result is not None and result.reading.fetched_at > moment


def answered(app: OpsConsoleApp, name: str) -> bool:
    """The fleet shows a probe of `name` that got an answer (`ok`, or `warn` when the machine
    is busy: a slow probe is a figure, not a fault)."""
    result = health(app, name)
    return result is not None and result.reading.error is None and result.state != "down"


def fleet_error(app: OpsConsoleApp, name: str) -> str:
    result = health(app, name)
    error = None if result is None else result.reading.error
    return "" if error is None else f"{error.kind}: {error.message}"


async def open_instance(app: OpsConsoleApp, pilot, name: str) -> InstanceScreen:  # type: ignore[no-untyped-def]
    app.open_instance(name)
    await wait_until(
        pilot, lambda: isinstance(app.screen, InstanceScreen) and bool(app.screen.loaded), WITHIN_S
    )
    screen = app.screen
    assert isinstance(screen, InstanceScreen)
    return screen


def failing(screen: InstanceScreen) -> tuple[str, ...]:
    return screen.query_one(StatusBar).failing
