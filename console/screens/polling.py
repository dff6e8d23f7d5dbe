"""PollingScreen: the one poll loop every screen uses.

Each poll waits the interval after the previous one completes (never overlapping), runs only
while its screen is the one shown and not paused, and wakes at once on `r`, on resume and when
a screen comes back into view, so hidden screens cost the servers and the terminal nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from textual import events
from textual.screen import Screen

from widgets.resilient import Resilient
from widgets.status_bar import StatusBar


class PollingScreen(Resilient, Screen[None]):
    """A screen with a paused flag and an interval loop that sleeps while hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.paused = False
        self._wake = asyncio.Event()

    async def every(self, interval_s: float, once: Callable[[], Awaitable[None]]) -> None:
        """Run `once` now and then `interval_s` after each completion, while visible."""
        while True:
            if not self.paused and self.app.screen is self:
                await once()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval_s)

    def wake(self) -> None:
        """Poll now instead of at the end of the interval."""
        self._wake.set()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        super()._on_screen_resume(event)
        self.wake()

    def action_refresh(self) -> None:
        self.wake()

    def action_pause(self) -> None:
        self.paused = not self.paused
        for status in self.query(StatusBar):
            status.paused = self.paused
        self.wake()
