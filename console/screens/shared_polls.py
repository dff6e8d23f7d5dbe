"""The app-wide polls every screen reads: firing alerts, CloudWatch alarms, paid AWS calls.

Alertmanager is asked every ALERT_POLL_S; CloudWatch alarms only every `[console]
fleet_refresh_s` (each describe_alarms is an AWS request, so never at the 2 s pane rate) or
when a user asks (`r` on the alerts screen); the paid-call counter is re-read from disk at the
same pace (other console processes count too) and at once after a Cost Explorer call. The
results live on the App as reactives, so a screen follows them instead of polling again.

Why the alarms have their own loop, started by the App only once a screen that shows them is
shown (the fleet, the alerts): the AWS SDK costs ~40 MiB and ~0.5 s of CPU to load, which an
on-call user watching one instance's processes does not need; until then the status bar says
the alarms are not counted (`alarms: -`).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from console.config import Settings
from console.data.aws_models import CloudWatchAlarm, PaidCalls
from console.data.layer import DataLayer
from console.data.models import Reading

ALERT_POLL_S = 15.0
AlarmsReading = Reading[tuple[CloudWatchAlarm, ...]]


class Board(Protocol):
    """Where the polls put what they learn (the App's reactives)."""

    firing: int
    alarms: AlarmsReading | None
    paid: PaidCalls | None


class SharedPolls:
    """The loops behind `Board`; the App runs `alertmanager()` and `paid()` as workers, and
    `alarms()` once a screen shows the alarms."""

    def __init__(self, board: Board, data: DataLayer, settings: Settings) -> None:
        self.board = board
        self.data = data
        self.settings = settings
        self.alerts_firing = 0
        self.alarms_firing = 0
        self._wake_aws = asyncio.Event()
        self._wake_paid = asyncio.Event()

    def _publish(self) -> None:
        self.board.firing = self.alerts_firing + self.alarms_firing

    async def alertmanager(self) -> None:
        """Alerts firing and not silenced, every ALERT_POLL_S (kept when it does not answer)."""
        while True:
            reading = await self.data.alertmanager.alerts(include_silenced=False)
            if reading.value is not None:
                self.alerts_firing = sum(1 for alert in reading.value if alert.state == "active")
                self._publish()
            with contextlib.suppress(TimeoutError):
                await asyncio.sleep(ALERT_POLL_S)

    async def alarms(self) -> None:
        """CloudWatch alarms, every fleet_refresh_s or on demand."""
        while True:
            reading = await self.data.cloudwatch_alarms()
            self.board.alarms = reading
            if reading.value is not None:
                self.alarms_firing = sum(1 for alarm in reading.value if alarm.firing)
                self._publish()
            await _wait(self._wake_aws, self.settings.console.fleet_refresh_s)

    async def paid(self) -> None:
        """The paid-call counter, every fleet_refresh_s or on demand (no AWS call: a file)."""
        while True:
            await self.refresh_paid()
            await _wait(self._wake_paid, self.settings.console.fleet_refresh_s)

    def wake_aws(self) -> None:
        """Ask CloudWatch (and re-read the counter) now rather than at the end of the interval
        (a user's `r`)."""
        self._wake_aws.set()
        self._wake_paid.set()

    async def refresh_paid(self) -> None:
        """Re-read the paid-call counter (a disk read in a thread)."""
        self.board.paid = await self.data.paid_calls()


async def _wait(wake: asyncio.Event, interval_s: float) -> None:
    """Until `wake` is set or `interval_s` has passed; `wake` is cleared for the next round."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), interval_s)
    wake.clear()
