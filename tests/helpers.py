"""Test helpers: wait on a predicate (never on polling workers, which never complete)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.widget import Widget

from console.data.models import Reading
from console.inventory import DB_KINDS
from widgets.fleet_tree import FleetTree

T = TypeVar("T")
W = TypeVar("W", bound=Widget)

LAB_SERVERS = 142
"""The lab's servers: 61 MySQL and 3 PostgreSQL names, 78 Redis clusters. The AWS kinds seeded
in moto (MSK, EKS, DocumentDB, OpenSearch, EC2: `[aws] discover_kinds`) come on top of them."""


def servers(tree: FleetTree) -> list[str]:
    """The names of the servers a fleet tree shows (the AWS kinds left out)."""
    return [ref.name for ref in tree._refs.values() if ref.kind in DB_KINDS]


def server_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON records (inventory, check) of servers: the AWS kinds left out."""
    return [r for r in records if r["kind"] in DB_KINDS]


async def wait_until(
    pilot: Pilot[None], predicate: Callable[[], bool], within_s: float = 15.0
) -> None:
    deadline = time.monotonic() + within_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within_s}s")
        await pilot.pause(0.05)


async def mounted(pilot: Pilot[None], kind: type[W], id_: str = "") -> W:
    """The current screen's widget of this kind (and id), once it is in the DOM. A screen, or a
    pane, is current a moment before the children it composes are mounted: query them after this."""
    query = f"{kind.__name__}#{id_}" if id_ else kind.__name__
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(query)))
    return pilot.app.screen.query_one(query, kind)


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


def fresh_python(code: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """`python -c CODE ARGV` in a fresh interpreter on this tree, with a bare environment: what
    a launch imports and does, unaffected by what the test process has loaded. Fails the test
    when the code fails (its stderr in the error)."""
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=True,
        timeout=60,
    )


def offered(reading: Reading[T] | None) -> T | None:
    """The value of what the data layer offers (an action, a change), None when there is none
    or it was refused: `action = offered(await data.queries.action(...))`."""
    return None if reading is None else reading.value
