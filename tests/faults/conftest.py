"""Fault-test fixtures: throwaway copies of lab parts, and what `opsconsole check` and the
console show while one of them is stopped, frozen or killed.

Every copy runs on its own free port in its own folder and is stopped (thawed first) when the
test ends, so a failing test never leaves a frozen server or an orphan behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
from textual.pilot import Pilot

from console.app import OpsConsoleApp
from console.config import Settings
from tests.faults.copies import Copy, copy_root, remove, start_copy
from tests.faults.fault_config import PROFILE
from tests.helpers import screen_text, wait_until


class StartCopy(Protocol):
    def __call__(self, kind: str, secrets_from: Path | None = None) -> Copy: ...


SCREEN = (200, 50)
"""Wide enough that no error text in a border or a detail row is cut short."""


@pytest.fixture
def fault_root() -> Iterator[Path]:
    root = copy_root()
    try:
        yield root
    finally:
        remove(root)


@pytest.fixture
def start(fault_root: Path) -> Iterator[StartCopy]:
    """Start a copy of a lab part (`prometheus`, `alertmanager`, `moto`, `redis`, `mariadb`,
    `postgres`); all are stopped at the end of the test."""
    started: list[Copy] = []

    def start_one(kind: str, secrets_from: Path | None = None) -> Copy:
        copy = start_copy(kind, fault_root, secrets_from)
        started.append(copy)
        return copy

    try:
        yield start_one
    finally:
        for copy in started:
            with contextlib.suppress(AssertionError, ProcessLookupError):
                copy.thaw()  # a frozen process cannot act on SIGTERM
            copy.stop()


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
