"""App-wide intents that screens post to the App (which owns navigation)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from console.data.aws_models import PaidCalls
from console.inventory import Fleet, Instance


@dataclass
class OpenInstance(Message):
    """Open this instance's view on this tab (from the tree, an alert or the palette)."""

    instance: Instance
    pane: str = "overview"


@dataclass
class FleetLoaded(Message):
    """The inventory with discovery merged: the App keeps it for alerts and the palette."""

    fleet: Fleet


class FirstReadingShown(Message):
    """An instance view has its first reading (or error) in place: what the App deferred so as
    not to compete with it (the app-wide polls, the fleet's list) can start."""


class AlarmsWanted(Message):
    """A screen that counts or lists the CloudWatch alarms is shown: the App polls them from now
    on (until then the AWS SDK is not even loaded: an instance's view never needs it)."""


@dataclass
class PaidCallsChanged(Message):
    """The paid-call counter after a Cost Explorer request (for every status bar)."""

    calls: PaidCalls
