"""Harness apps for the silence form and the silences list (snapshot tests), on fixed data."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import msgspec
from textual.app import App, ComposeResult

from console.config import load_settings
from console.data.layer import DataLayer
from console.data.models import Alert, Reading, Silence
from console.screens.silence_form import SilenceForm
from tests import factories
from tests import factories_alerts as fa
from tests.conftest import ROOT
from widgets.silence_table import SilenceTable

CLOSED = "http://127.0.0.1:9"
"""The discard port, where nothing listens: the form's preview is never answered by a server
here (the snapshot shows the preview text the test sets once the form has tried)."""


def fixed_clock() -> datetime:
    return factories.AT


def silences() -> tuple[Silence, ...]:
    at = factories.AT
    return (
        Silence(
            "5b1c7e2a-7a4f-4c1e-9d0a-3f2b1c0d9e8f", "active", "alice",
            "failover of devops in progress, ask the DBA on call",
            at - timedelta(minutes=50), at + timedelta(minutes=70),
            ('alertname="InstanceDown"', 'instance="aws-luckyus-devops-rw:3306"'),
        ),
        Silence(
            "9c2d0f11-0b7e-4e53-8a61-5e2a9d7c4b10", "active", "bob",
            "known: nightly batch, ***@example.com owns it",
            at - timedelta(hours=3), at + timedelta(days=1, hours=2),
            ('alertname="RedisMemoryHigh"', 'instance=~"luckyus-isales-.*"'),
        ),
        Silence(
            "e4a1b2c3-d4e5-4f60-8a1b-2c3d4e5f6a7b", "pending", "alice",
            "maintenance window", at + timedelta(hours=1), at + timedelta(hours=3),
            ('job="node"', 'severity!="critical"'),
        ),
    )  # fmt: skip


class SilencesHarness(App[None]):
    """The silences list as `S` shows it."""

    def compose(self) -> ComposeResult:
        yield SilenceTable(clock=fixed_clock, id="silence-table")

    def on_mount(self) -> None:
        table = self.query_one(SilenceTable)
        table.reading = Reading("alertmanager", "alertmanager", factories.AT, 0.01, silences())
        table.focus()


class SilenceFormHarness(App[None]):
    """The silence form over an empty screen, on the first warning alert of the factories."""

    def __init__(self) -> None:
        super().__init__()
        settings = load_settings(ROOT / "config.toml", "lab")
        monitoring = msgspec.structs.replace(settings.monitoring, alertmanager=CLOSED)
        self.data = DataLayer(replace(settings, monitoring=monitoring))
        self.alert: Alert = fa.warnings()[0].alerts[0]

    def on_mount(self) -> None:
        self.push_screen(SilenceForm(self.data, self.alert, user="alice", clock=fixed_clock))

    async def on_unmount(self) -> None:
        await self.data.close()
