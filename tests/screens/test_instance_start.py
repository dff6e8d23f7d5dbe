"""Opened on an instance, the console builds and polls only what that view shows: the instance
alone (the fleet screen when the user goes back to it), its shown tab (the others when opened),
no CloudWatch alarms until a screen that counts them is shown; the palette still gets the fleet."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import msgspec
import pytest
from textual.pilot import Pilot

from console.app import OpsConsoleApp
from console.config import Settings
from console.screens.alerts import AlertsScreen
from console.screens.fleet import FleetScreen
from console.screens.instance import InstanceScreen
from console.screens.metrics_pane import MetricsPane
from tests.helpers import wait_until
from tests.screens.conftest import app_for
from widgets.digest_table import DigestTable
from widgets.process_table import ProcessTable
from widgets.status_bar import StatusBar

pytestmark = pytest.mark.lab

DISCOVERED = "luckyus-isales-market"  # a Redis cluster the lab's Prometheus lists


def status_text(app: OpsConsoleApp) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def opened(app: OpsConsoleApp, pilot: Pilot[None]) -> InstanceScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
    screen = app.screen
    assert isinstance(screen, InstanceScreen)
    await wait_until(pilot, screen.has_data)
    return screen


async def test_an_instance_opened_from_the_command_line_builds_what_it_shows(
    settings: Settings, tmp_path: Path
) -> None:
    app = app_for(settings, tmp_path, instance="aws-luckyus-dify-rw", pane="processes")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await opened(app, pilot)
        assert not [s for s in app.screen_stack if isinstance(s, FleetScreen)]
        assert screen.query(ProcessTable)
        assert not screen.query(DigestTable) and not screen.query(MetricsPane)
        assert "alarms: - (a)" in status_text(app)  # not counted, and said so
        assert not app.alarms_polled
        # the palette's list: kept and discovered behind the instance
        await wait_until(pilot, lambda: app.fleet.by_name(DISCOVERED) is not None, within_s=20)

        await pilot.press("3")
        await wait_until(pilot, lambda: screen.pane == "queries" and screen.has_data())
        assert screen.query(DigestTable)

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen))
        await wait_until(pilot, lambda: app.alarms is not None, within_s=20)
        await wait_until(pilot, lambda: "alarms: -" not in status_text(app))
        assert app.worker_errors == []


async def test_the_alerts_screen_starts_the_alarm_count_for_every_screen(
    settings: Settings, tmp_path: Path
) -> None:
    app = app_for(settings, tmp_path, instance="aws-luckyus-salesorder-rw", pane="overview")
    async with app.run_test(size=(160, 40)) as pilot:
        await opened(app, pilot)
        assert "alarms: - (a)" in status_text(app)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        await wait_until(pilot, lambda: app.alarms is not None, within_s=20)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        await wait_until(pilot, lambda: "alarms: -" not in status_text(app))
        assert app.worker_errors == []


EC2_HOST = "luckyus-doris-be-03"  # an EC2 host the lab's moto lists (discover_kinds: lab)


async def test_aws_is_asked_for_the_fleet_only_once_a_screen_that_lists_it_is_shown(
    settings: Settings, tmp_path: Path
) -> None:
    """Behind one instance, the palette's fleet takes AWS's parts from the kept lists (the SDK
    and its clients are ~50 MiB of a view of one server: bench/vs_anchors.py's RSS); the alerts
    screen, whose Enter on an alarm opens the resource, has AWS asked."""
    state = tmp_path / "state"  # nothing kept yet: AWS's parts can only come from asking
    settings = replace(
        settings, console=msgspec.structs.replace(settings.console, state_dir=str(state))
    )
    app = app_for(settings, tmp_path, instance="aws-luckyus-salesorder-rw", pane="overview")
    async with app.run_test(size=(160, 40)) as pilot:
        await opened(app, pilot)
        await wait_until(pilot, lambda: app.fleet.by_name(DISCOVERED) is not None, within_s=20)
        await pilot.pause(1.0)
        assert app.fleet.by_name(EC2_HOST) is None  # Prometheus asked, AWS not
        await pilot.press("a")
        await wait_until(pilot, lambda: app.fleet.by_name(EC2_HOST) is not None, within_s=30)
        host = app.fleet.by_name(EC2_HOST)
        assert host is not None and host.origin == "aws"
        assert app.worker_errors == []


async def test_the_collector_is_back_on_once_the_first_reading_is_painted(
    settings: Settings, tmp_path: Path
) -> None:
    """`opsconsole` starts with the cyclic collector off (console/startup.py): it must come back
    once the instance shows its first reading, start-up's objects frozen."""
    import gc

    from console import startup

    app = app_for(settings, tmp_path, instance="aws-luckyus-dify-rw", pane="processes")
    startup.begin()
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await opened(app, pilot)
            await wait_until(pilot, gc.isenabled)
            assert gc.get_freeze_count() > 0
    finally:
        startup.done()
        gc.enable()
        gc.unfreeze()
