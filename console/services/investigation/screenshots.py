"""The panes of an investigated instance, as SVG files of its bundle.

Each pane is taken by `opsconsole screenshot` in a child process: Textual runs its own event
loop, and the child is the console itself (the same data layer, masking and redaction), so the
investigation never imports the UI.

Why here and not with the UI's screenshots (console/screens/capture.py): this module only starts
the verb and records what it wrote; what the investigation's bundle holds is the service's job.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import Settings

PANES = ("overview", "processes", "queries", "metrics")
AWS_PANES = ("overview", "metrics")
"""The tabs of an MSK, EKS, DocumentDB, OpenSearch or EC2 resource (no sessions, no queries)."""


def panes_for(kind: str) -> tuple[str, ...]:
    """The tabs an investigation photographs for an instance of this kind."""
    from console.inventory import is_aws_kind

    return AWS_PANES if is_aws_kind(kind) else PANES


SCREEN_SIZE = "160x50"
SCREEN_TIMEOUT_S = 60.0
SCREEN_CONCURRENCY = 2
"""Panes captured at once: each is a Textual app in a child process (about 1 s of CPU)."""


@dataclass(frozen=True, slots=True)
class Screenshot:
    """One pane's SVG in the bundle (path relative to the bundle), or why it is missing."""

    pane: str
    path: str | None
    error: str | None = None


async def take_screenshot(
    settings: Settings,
    instance_name: str,
    pane: str,
    folder: Path,
    slots: asyncio.Semaphore,
    replay: tuple[Path, datetime] | None = None,
) -> Screenshot:
    """One pane of `instance_name` into `folder`/screens/, by a child `opsconsole screenshot`;
    at most as many children at once as `slots` allows. Its error, if any, masked and redacted.
    `replay`: the pane of a recording (its folder) at that moment, not of the live server.
    """
    from console.safety.masking import mask_text
    from console.safety.redact import redact

    relative = f"screens/{pane}.svg"
    argv = [sys.executable, "-m", "console", "screenshot", "--config", str(settings.path)]
    argv += ["--profile", settings.profile, "--instance", instance_name]
    argv += ["--pane", pane, "-o", str(folder / relative), "--size", SCREEN_SIZE]
    if replay is not None:  # the exact moment: a sample may be a fraction of a second after
        argv += ["--replay", str(replay[0]), f"--at={replay[1].isoformat()}"]
    async with slots:
        child = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(SCREEN_TIMEOUT_S):
                _, stderr = await child.communicate()
        except TimeoutError:
            child.kill()
            await child.wait()
            return Screenshot(pane, None, f"no screenshot within {SCREEN_TIMEOUT_S:.0f}s")
    message = redact(mask_text(stderr.decode("utf-8", "replace").strip()))
    if not (folder / relative).exists():
        return Screenshot(pane, None, message.splitlines()[-1] if message else "not written")
    return Screenshot(pane, relative, "the pane had no data yet" if child.returncode else None)
