"""A key rebound in `[keymap]` works on the fleet and on an instance, and its old key no longer.

No lab needed: the config points every source at a closed port (127.0.0.1:9), so each poll
answers at once with an error reading, a new one each time, which is all these keys need.
"""

from __future__ import annotations

from pathlib import Path

from console.app import OpsConsoleApp
from console.config import Settings, load_settings
from console.screens.alerts import AlertsScreen
from console.screens.fleet import FleetScreen
from console.screens.instance import InstanceScreen
from tests.helpers import mounted, wait_until
from widgets.fleet_tree import FleetTree
from widgets.status_bar import StatusBar
from widgets.status_panel import ServerStatusPanel

NAME = "aws-luckyus-orders-rw"
OFFLINE = """
profile = "production"

[console]
refresh_s = 600.0            # no poll of its own during a test: only the keys ask
fleet_refresh_s = 600.0
output_dir = "output"
audit_log = "output/audit.jsonl"
state_dir = "state"

[monitoring]
prometheus = "http://127.0.0.1:9"
alertmanager = "http://127.0.0.1:9"
aws_endpoint = "http://127.0.0.1:9"

[monitoring.redis_discovery]
enabled = false

[aws]
discovery = false
test_credentials = true
cache_dir = "cache"

[mysql]
host = "127.0.0.1"
port = 9
secret = "none"
domains = { Sales = ["orders"] }

[postgres]
host = "127.0.0.1"
port = 9
secret = "none"

[redis]
host = "127.0.0.1"
port = 9
secret = "none"

[keymap]
"screen.refresh" = "R"
"screen.pause" = "P"
"screen.back" = "backspace"
app.alerts = "A"
"""


def offline_settings(tmp_path: Path) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(OFFLINE)
    return load_settings(path)


def paused(status: StatusBar) -> bool:
    """Read through a call: a key changes it between two asserts (mypy would narrow it)."""
    return status.paused


async def test_remapped_keys_on_the_fleet_and_the_old_ones_do_nothing(tmp_path: Path) -> None:
    app = OpsConsoleApp(offline_settings(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, FleetScreen)
        tree, status = screen.query_one(FleetTree), screen.query_one(StatusBar)
        await wait_until(pilot, lambda: screen.swept and tree.health_of(NAME) is not None)
        first = tree.health_of(NAME)
        assert "backspace" not in screen.active_bindings  # the root: nothing to go back to
        assert {"R", "P", "A"} <= set(screen.active_bindings)
        await pilot.press("r", "p", "a")
        await pilot.pause(0.5)  # a sweep asked by `r` would have landed by now
        assert tree.health_of(NAME) is first
        assert not status.paused and app.screen is screen
        await pilot.press("R")
        await wait_until(pilot, lambda: tree.health_of(NAME) is not first)
        await pilot.press("P")
        assert paused(status)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)
        await pilot.press("backspace")
        await wait_until(pilot, lambda: app.screen is screen)


async def test_remapped_keys_on_an_instance_and_the_old_ones_do_nothing(tmp_path: Path) -> None:
    app = OpsConsoleApp(offline_settings(tmp_path), instance=NAME)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        screen = app.screen
        panel, status = await mounted(pilot, ServerStatusPanel), await mounted(pilot, StatusBar)
        await wait_until(pilot, lambda: panel.reading is not None)
        first = panel.reading
        await pilot.press("r", "p", "escape")
        await pilot.pause(0.5)  # a poll asked by `r` would have landed by now
        assert panel.reading is first
        assert not status.paused and app.screen is screen
        await pilot.press("R")
        await wait_until(pilot, lambda: panel.reading is not first)
        await pilot.press("P")
        assert paused(status)
        await pilot.press("backspace")
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen))
        assert app.worker_errors == []
