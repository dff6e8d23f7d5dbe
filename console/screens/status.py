"""One helper for every screen's StatusBar: profile, and the firing-alert count kept live."""

from __future__ import annotations

from textual.screen import Screen

from console.config import Settings
from widgets.status_bar import StatusBar


def bind_status_bar(screen: Screen[None], settings: Settings) -> StatusBar:
    """Set the profile and follow the App's `firing` count (0 until Alertmanager answers)."""
    status = screen.query_one(StatusBar)
    status.profile = settings.profile

    def follow(count: int) -> None:
        status.firing = count

    screen.watch(screen.app, "firing", follow)
    return status
