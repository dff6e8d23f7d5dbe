"""One helper for every screen's StatusBar: profile, read-only mode, firing count, whether the
CloudWatch alarms are in it, and paid AWS calls kept live; on a replay, REPLAY with the cursor's
time and the time bar above it (screens/replay.py)."""

from __future__ import annotations

from textual.screen import Screen

from console.config import Settings
from console.data.aws_models import CloudWatchAlarm, PaidCalls
from console.data.models import Reading
from widgets.status_bar import StatusBar


def bind_status_bar(screen: Screen[None], settings: Settings) -> StatusBar:
    """Set the profile and the READ-ONLY mark (the console refuses every change), and follow
    the App's `firing` count (Alertmanager alerts plus CloudWatch alarms in ALARM; 0 until they
    answer), whether the alarms are counted yet (`alarms`: None until CloudWatch answers once)
    and its paid AWS call counter (`paid`)."""
    status = screen.query_one(StatusBar)
    status.profile = settings.profile
    status.read_only = settings.read_only_reason is not None

    def follow_firing(count: int) -> None:
        status.firing = count

    def follow_paid(paid: PaidCalls | None) -> None:
        status.paid = paid

    def follow_alarms(alarms: Reading[tuple[CloudWatchAlarm, ...]] | None) -> None:
        status.alarms_counted = alarms is not None

    replay = getattr(screen.app, "replay", None)
    if replay is not None:  # on a recording: REPLAY, its time and the time bar
        from console.screens.replay import bind_replay  # loads the recording's modules

        bind_replay(screen, replay, status)
    screen.watch(screen.app, "firing", follow_firing)
    if hasattr(screen.app, "paid"):  # harness apps in tests have no counter and no alarms
        screen.watch(screen.app, "paid", follow_paid)
        screen.watch(screen.app, "alarms", follow_alarms)
    return status
