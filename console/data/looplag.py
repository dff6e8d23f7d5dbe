"""LoopLag: how late the console's own event loop runs, measured by a small monitor task.

Why: on a busy host (or while 140 connection set-ups share one loop) a probe's answer can sit
ready for hundreds of milliseconds before the loop gets to it. That time is the console's, not
the server's. The monitor sleeps a fixed interval and records every stretch between when it was
due and when it actually woke; a probe subtracts the stretches that overlap its own window, and
the status bar says "console busy" instead of blaming the servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Iterator

INTERVAL_S = 0.1
"""How often the monitor wakes when nothing is being timed (cheap: ~10 wake-ups/s)."""
FINE_INTERVAL_S = 0.01
"""How often it wakes while a probe is being timed: a saturated loop's lateness between two
wake-ups goes unseen, so the finer the interval, the less of it is blamed on a server."""
KEEP_S = 120.0
"""How long late stretches are remembered."""
NOISE_S = 0.003
"""Wake-ups later than this count as lag (timer resolution and scheduling noise below it)."""
BUSY_S = 0.2
"""Lag from this much up is worth telling the user ("console busy: figures up to 0.6 s late")."""


class LoopLag:
    """The running loop's lateness: late stretches (due, woke) on the monotonic clock."""

    def __init__(
        self,
        interval_s: float = INTERVAL_S,
        keep_s: float = KEEP_S,
        fine_interval_s: float = FINE_INTERVAL_S,
    ) -> None:
        self._interval_s = interval_s
        self._fine_interval_s = fine_interval_s
        self._keep_s = keep_s
        self._timing = 0
        self._late: deque[tuple[float, float]] = deque()
        self._due: float | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the monitor on the running loop (again after the loop it ran on is gone)."""
        running = asyncio.get_running_loop()
        if self._task is not None and not self._task.done() and self._task.get_loop() is running:
            return
        self._due = None
        self._task = running.create_task(self._run(), name="loop-lag")

    async def stop(self) -> None:
        task, self._task = self._task, None
        self._due = None
        if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
            return  # nothing running here (a task of a loop that is gone ended with it)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    @contextlib.contextmanager
    def timing(self) -> Iterator[None]:
        """While inside, the monitor wakes at the fine interval (a probe is being timed)."""
        self._timing += 1
        try:
            yield
        finally:
            self._timing -= 1

    async def _run(self) -> None:
        while True:
            interval = self._fine_interval_s if self._timing else self._interval_s
            due = time.monotonic() + interval
            self._due = due
            await asyncio.sleep(interval)
            self.record(due, time.monotonic())

    def record(self, due: float, woke: float) -> None:
        """Note one wake-up: late beyond the noise, it is a stretch the loop was behind."""
        if woke - due > NOISE_S:
            self._late.append((due, woke))
        while self._late and self._late[0][1] < woke - self._keep_s:
            self._late.popleft()

    def _stretches(self, now: float) -> list[tuple[float, float]]:
        stretches = list(self._late)
        if self._due is not None and now - self._due > NOISE_S:
            stretches.append((self._due, now))  # the monitor is late right now
        return stretches

    def overlap_s(self, start: float, end: float) -> float:
        """Seconds of [start, end] (monotonic) during which the loop was known to be late."""
        now = time.monotonic()
        return sum(max(0.0, min(end, woke) - max(start, due)) for due, woke in self._stretches(now))

    def worst_s(self, within_s: float) -> float:
        """The longest lateness that ended (or is going on) in the last `within_s` seconds."""
        now = time.monotonic()
        recent = [woke - due for due, woke in self._stretches(now) if woke >= now - within_s]
        return max(recent, default=0.0)


def busy_note(worst_s: float) -> str | None:
    """`console busy: figures up to 0.6 s late` once the lag matters, else None."""
    if worst_s < BUSY_S:
        return None
    return f"console busy: figures up to {worst_s:.1f} s late"
