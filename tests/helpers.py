"""Test helpers: wait on a predicate (never on polling workers, which never complete)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from textual.pilot import Pilot

from console.data.models import Reading

T = TypeVar("T")


async def wait_until(
    pilot: Pilot[None], predicate: Callable[[], bool], within_s: float = 15.0
) -> None:
    deadline = time.monotonic() + within_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within_s}s")
        await pilot.pause(0.05)


def screen_text(svg: str) -> str:
    """The text of an SVG screenshot, entities decoded (Rich writes spaces as &#160;)."""
    import html
    import re

    return html.unescape(" ".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


ROOT = Path(__file__).resolve().parents[1]


def run_opsconsole(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m console ARGS` as a user runs it, output captured (a hang guard of 120 s)."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def offered(reading: Reading[T] | None) -> T | None:
    """The value of what the data layer offers (an action, a change), None when there is none
    or it was refused: `action = offered(await data.queries.action(...))`."""
    return None if reading is None else reading.value
