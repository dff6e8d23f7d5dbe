"""ConsoleScreen and PollingScreen: the keys every screen shares, and the one poll loop.

ConsoleScreen owns back and refresh (one binding id each, from console/keymap.py) for every
full screen; PollingScreen adds pause. Screens inherit them and never redeclare them, so one
`[keymap]` line rebinds the key everywhere.

Each poll waits the interval after the previous one completes (never overlapping), runs only
while its screen is the one shown and not paused, and wakes at once on `r`, on resume and when
a screen comes back into view, so hidden screens cost the servers and the terminal nothing.
On a replay (`opsconsole --replay`) the cursor drives it: a poll runs when the cursor moves.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.screen import Screen

from widgets.bindings import bindings
from widgets.resilient import Resilient
from widgets.status_bar import StatusBar


class ConsoleScreen(Resilient, Screen[None]):
    """A full screen of the console: Escape goes back, `r` asks again now."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("screen.back", "screen.refresh")
    ROOT: ClassVar[bool] = False
    """The screen the console opens on: nothing under it to go back to (no Back key)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.ROOT and action == "back")

    async def action_back(self) -> None:
        await self.app.pop_screen()

    def action_refresh(self) -> None:
        """Ask again now; each screen says what that is (a poll, a cached report, a re-read)."""


FRESH_S = 1.0
"""A reading younger than this is not asked again when its screen is shown."""


class PollingScreen(ConsoleScreen):
    """A screen with a paused flag and an interval loop that sleeps while hidden."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("screen.pause")

    def __init__(self) -> None:
        super().__init__()
        self.paused = False
        self._wake = asyncio.Event()
        self._polled_at: float | None = None  # when the last round ended (monotonic)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pause" and getattr(self.app, "replay", None) is not None:
            return False  # a replay polls nothing: the cursor moves only when asked
        return super().check_action(action, parameters)

    async def every(self, interval_s: float, once: Callable[[], Awaitable[None]]) -> None:
        """Run `once` now and then `interval_s` after each completion, while visible; on a
        replay only when woken (the cursor moved, `r`): no timer, no live server."""
        interval = None if getattr(self.app, "replay", None) is not None else interval_s
        while True:
            if not self.paused and self.app.screen is self:
                await once()
                self._polled_at = time.monotonic()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)

    def wake(self) -> None:
        """Poll now instead of at the end of the interval."""
        self._wake.set()

    def moved(self) -> None:
        """The replay's cursor moved: ask again now if shown, else as soon as shown again."""
        self._polled_at = None
        self.wake()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown again: poll now, unless a round ended less than FRESH_S ago (a screen that
        asks for its first reading while it is built is shown just after that reading came:
        a second round then would cost a poll and show nothing new)."""
        super()._on_screen_resume(event)
        if self._polled_at is None or time.monotonic() - self._polled_at >= FRESH_S:
            self.wake()

    def action_refresh(self) -> None:
        self.wake()

    def action_pause(self) -> None:
        self.paused = not self.paused
        for status in self.query(StatusBar):
            status.paused = self.paused
        self.wake()
