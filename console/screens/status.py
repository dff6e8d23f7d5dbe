"""One helper for every screen's StatusBar: profile, firing count and paid AWS calls kept live."""

from __future__ import annotations

from textual.screen import Screen

from console.config import Settings
from console.data.aws_models import PaidCalls
from widgets.status_bar import StatusBar


def bind_status_bar(screen: Screen[None], settings: Settings) -> StatusBar:
    """Set the profile and follow the App's `firing` count (Alertmanager alerts plus CloudWatch
    alarms in ALARM; 0 until they answer) and its paid AWS call counter (`paid`)."""
    status = screen.query_one(StatusBar)
    status.profile = settings.profile

    def follow_firing(count: int) -> None:
        status.firing = count

    def follow_paid(paid: PaidCalls | None) -> None:
        status.paid = paid

    screen.watch(screen.app, "firing", follow_firing)
    if hasattr(screen.app, "paid"):  # harness apps in tests have no counter
        screen.watch(screen.app, "paid", follow_paid)
    return status
