"""The console against the live lab: the fleet fills with health, keys work, faults stay visible."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from console.app import OpsConsoleApp
from console.config import Settings
from console.inventory import Fleet
from console.lab import manager
from console.screens.instance import InstanceScreen
from tests.helpers import LAB_SERVERS, servers, wait_until
from widgets.fleet_tree import FleetTree
from widgets.health_detail import HealthDetail
from widgets.status_bar import StatusBar

pytestmark = pytest.mark.lab


def tree_of(app: OpsConsoleApp) -> FleetTree:
    return app.screen.query_one(FleetTree)


async def test_fleet_fills_with_live_health_and_drills_into_detail(
    settings: Settings, tmp_path: Path
) -> None:
    console = msgspec.structs.replace(settings.console, output_dir=str(tmp_path))
    app = OpsConsoleApp(replace(settings, console=console))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(servers(tree_of(app))) == LAB_SERVERS)
        leaves = len(tree_of(app)._leaves)  # the servers and the AWS kinds seeded in moto
        await wait_until(pilot, lambda: len(tree_of(app)._health) == leaves)
        status = app.screen.query_one(StatusBar)
        await wait_until(pilot, lambda: sum(map(int, re.findall(r"\d+", status.counts))) == leaves)
        await pilot.press("down", "down", "enter", "down")
        detail = app.screen.query_one(HealthDetail)
        await wait_until(pilot, lambda: detail.health is not None)
        assert detail.instance is not None
        assert detail.instance.kind == "mysql"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(tmp_path.glob("*.svg")))
        [text] = tmp_path.glob("*.txt")  # noqa: ASYNC240 - a test reading its own output
        assert detail.instance.name in text.read_text()
        await pilot.press("p")
        assert status.paused
        assert app.worker_errors == []


async def test_prometheus_down_keeps_the_configured_fleet_and_says_why(
    settings: Settings, tmp_path: Path
) -> None:
    monitoring = msgspec.structs.replace(settings.monitoring, prometheus="http://127.0.0.1:9")
    console = msgspec.structs.replace(settings.console, state_dir=str(tmp_path))  # nothing kept
    app = OpsConsoleApp(replace(settings, monitoring=monitoring, console=console))
    async with app.run_test(size=(100, 30)) as pilot:
        status = app.screen.query_one(StatusBar)
        await wait_until(pilot, lambda: status.failing == ("prometheus discovery",))
        await wait_until(pilot, lambda: len(tree_of(app)._health) == 64)
        await pilot.press("down", "down")  # still responsive
        assert app.worker_errors == []


async def test_a_dead_host_is_marked_down_while_the_rest_answer(
    settings: Settings, tmp_path: Path
) -> None:
    dead = replace(settings.fleet.instances[0], port=9, name="aws-luckyus-deadhost-rw")
    fleet = Fleet((dead, *settings.fleet.instances[1:4]))
    disabled = msgspec.structs.replace(settings.monitoring.redis_discovery, enabled=False)
    monitoring = msgspec.structs.replace(settings.monitoring, redis_discovery=disabled)
    app = OpsConsoleApp(replace(settings, fleet=fleet, monitoring=monitoring))
    async with app.run_test(size=(100, 30)) as pilot:
        tree = tree_of(app)
        await wait_until(pilot, lambda: len(tree._health) == 4)
        assert tree._health["aws-luckyus-deadhost-rw"].state == "down"
        assert str(tree._leaves["aws-luckyus-deadhost-rw"].label).startswith("✖")
        assert [h.state for n, h in tree._health.items() if n != dead.name] == ["ok"] * 3
        assert "✖1 down" in str(tree._kinds["mysql"].label)


async def test_instance_option_opens_on_that_instance_and_pane(settings: Settings) -> None:
    app = OpsConsoleApp(settings, instance="luckyus-isales-market", pane="queries")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        screen = app.screen
        assert isinstance(screen, InstanceScreen)
        assert screen.instance.name == "luckyus-isales-market"
        await wait_until(pilot, screen.has_data)
        assert screen.pane == "queries"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, InstanceScreen))


async def test_unknown_instance_option_says_so(settings: Settings) -> None:
    app = OpsConsoleApp(settings, instance="aws-luckyus-nosuch-rw")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: any("nosuch" in n.message for n in app._notifications))
        assert app.worker_errors == []


async def test_slash_filters_the_fleet_tree(settings: Settings) -> None:
    app = OpsConsoleApp(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        tree = tree_of(app)
        await wait_until(pilot, lambda: len(servers(tree)) == LAB_SERVERS)
        await pilot.press("slash", *"isales-market")
        await wait_until(pilot, lambda: list(tree._leaves) == ["luckyus-isales-market"])
        await pilot.press("enter", "down", "down", "down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))


async def test_dead_host_in_the_instance_view_shows_its_error_in_place(
    settings: Settings,
) -> None:
    dead = replace(settings.fleet.instances[0], port=9, name="aws-luckyus-deadhost-rw")
    fleet = Fleet((dead, *settings.fleet.instances[1:]))
    app = OpsConsoleApp(replace(settings, fleet=fleet), instance=dead.name, pane="overview")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        screen = app.screen
        assert isinstance(screen, InstanceScreen)
        await wait_until(pilot, screen.has_data)
        panel = screen.query_one("#info")
        assert panel.has_class("-error")
        assert "unreachable" in str(panel.border_subtitle)
        assert screen.query_one(StatusBar).failing == ("mysql unreachable",)
        await pilot.press("2")  # still responsive: the next tab polls and fails the same way
        await wait_until(pilot, lambda: screen.pane == "processes" and screen.has_data())
        assert app.worker_errors == []


async def test_instance_view_marks_stale_and_recovers_when_the_server_returns(
    settings: Settings, lab_dir: Path
) -> None:
    console = msgspec.structs.replace(settings.console, refresh_s=0.3)
    app = OpsConsoleApp(replace(settings, console=console), instance="luckyus-dify")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        screen = app.screen
        assert isinstance(screen, InstanceScreen)
        await wait_until(pilot, screen.has_data)
        panel = screen.query_one("#info")
        assert not panel.has_class("-stale")
        manager.stop_part(lab_dir, "redis-dify")
        try:
            await wait_until(pilot, lambda: panel.has_class("-stale"))
            assert "stale" in str(panel.border_subtitle)
        finally:
            assert manager.up(lab_dir, lambda _line: None)
        await wait_until(pilot, lambda: not panel.has_class("-stale"), within_s=20)
        assert app.worker_errors == []
