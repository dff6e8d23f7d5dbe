"""Test helpers: wait on a predicate (never on polling workers, which never complete)."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot


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
