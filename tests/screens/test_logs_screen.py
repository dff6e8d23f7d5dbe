"""The Logs screen on the lab, through real keys: from the palette and from an instance, a saved
query run over ticked groups shows its rows masked and the bytes figure; past the day's budget a
run is refused in place, and F5 again runs it past the budget, as asked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest
from textual.widgets import DataTable, SelectionList

from console.app import OpsConsoleApp
from console.config import Settings
from console.data.aws.scancount import ScanCounter
from console.lab import seed_logs
from console.screens.instance import InstanceScreen
from console.screens.logs import LogsScreen
from tests.aws.conftest import with_aws
from tests.aws.test_logs_insights import seeded_pii
from tests.helpers import screen_text, wait_until
from tests.screens.conftest import app_for

pytestmark = pytest.mark.lab

SAVED = {"Newest lines": "fields @timestamp, @message | sort @timestamp desc"}
APP_GROUPS = (seed_logs.MEMBER_GROUP, seed_logs.ORDER_GROUP)


def logs_app(settings: Settings, tmp_path: Path, **aws: Any) -> OpsConsoleApp:
    logs = msgspec.structs.replace(settings.logs, queries=SAVED)
    chosen = with_aws(replace(settings, logs=logs), tmp_path / "aws-cache", discovery=False, **aws)
    return app_for(chosen, tmp_path / "out")


def rows_text(screen: LogsScreen) -> str:
    table = screen.query_one("#logs-rows", DataTable)
    return "\n".join(" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))


def shown(app: OpsConsoleApp) -> str:
    return screen_text(app.export_screenshot())


async def open_from_palette(pilot: Any, app: OpsConsoleApp) -> LogsScreen:
    await pilot.press("ctrl+p", *"Logs Insights")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen))
    screen = app.screen
    assert isinstance(screen, LogsScreen)
    box = screen.query_one("#logs-groups", SelectionList)
    await wait_until(pilot, lambda: box.option_count > 0)
    return screen


async def tick(pilot: Any, screen: LogsScreen, groups: tuple[str, ...]) -> None:
    """Tick `groups` in the list with the keys a user presses (Down to each, Space)."""
    box = screen.query_one("#logs-groups", SelectionList)
    box.focus()
    await pilot.press("home")
    for _ in range(box.option_count):
        highlighted = box.highlighted
        if highlighted is not None and box.get_option_at_index(highlighted).value in groups:
            await pilot.press("space")
        await pilot.press("down")
    assert set(box.selected) == set(groups)


async def run_saved(pilot: Any, screen: LogsScreen, runs: int) -> None:
    """The 7-day window (F6 three times), then Enter on the first saved query."""
    screen.query_one("#logs-saved").focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.runs >= runs)
    await pilot.pause(0.2)


async def test_a_saved_query_from_the_palette_shows_masked_rows_and_bytes(
    settings: Settings, tmp_path: Path
) -> None:
    app = logs_app(settings, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_from_palette(pilot, app)
        await tick(pilot, screen, APP_GROUPS)
        screen.query_one("#logs-query").focus()
        await pilot.press("f6", "f6", "f6")  # 1h -> 6h -> 24h -> 7d: the seeded hours
        assert "last 7d · limit 100" in shown(app)
        await run_saved(pilot, screen, 1)
        text = shown(app)
        assert "Complete · 100 rows · bytes scanned, records: not reported by this endpoint" in text
        assert (
            "Scanned today 0.000 GB of the 5 GB daily budget (1 query, 1 not reported: 0)" in text
        )
        assert "Rows · 100 · Complete" in text
        assert [p for p in seeded_pii() if p in text] == []
        cells = rows_text(screen)  # the whole rows, as scrolling right shows them
        assert "***@" in cells and "***-***-" in cells and "card=****" in cells
        assert [p for p in seeded_pii() if p in cells] == []
        assert app.worker_errors == []


async def test_from_an_instance_its_log_groups_are_offered_ticked(
    settings: Settings, tmp_path: Path
) -> None:
    app = logs_app(settings, tmp_path)
    app.start = ("aws-luckyus-salesorder-rw", "overview")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen))
        screen = app.screen
        assert isinstance(screen, LogsScreen)
        box = screen.query_one("#logs-groups", SelectionList)
        await wait_until(pilot, lambda: box.option_count > 0)
        prefix = "/aws/rds/instance/aws-luckyus-salesorder-rw/"
        assert {seed_logs.ERROR_GROUP, prefix + "slowquery"} <= set(box.selected)
        assert all(g.startswith(prefix) for g in box.selected)
        assert "aws-luckyus-salesorder-rw · last 1h" in shown(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))


async def test_past_the_budget_the_pane_refuses_then_runs_when_asked_again(
    settings: Settings, tmp_path: Path
) -> None:
    # moto reports no bytes scanned: the day's count is set as a teammate's query on AWS
    # would have left it, through the counter itself
    await ScanCounter(tmp_path / "aws-cache", 0.001).add(2_500_000.0)
    app = logs_app(settings, tmp_path, logs_daily_budget_gb=0.001)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_from_palette(pilot, app)
        await tick(pilot, screen, APP_GROUPS[:1])
        screen.query_one("#logs-query").focus()
        await pilot.press("f6", "f6", "f6")
        await run_saved(pilot, screen, 1)
        text = shown(app)
        assert "Refused, nothing scanned: daily Logs Insights budget reached" in text
        assert "0.003 GB scanned today" in text and "budget of 0.001 GB" in text
        assert screen.refused_query == SAVED["Newest lines"]
        screen.query_one("#logs-query").focus()
        await pilot.press("f5")  # again: past the budget, on purpose
        await wait_until(pilot, lambda: screen.runs >= 2)
        await pilot.pause(0.2)
        text = shown(app)
        assert "running past the daily budget, as asked" in text
        assert "Complete · 100 rows" in text
        assert "spent, the next query is refused" in text
        assert screen.refused_query is None


async def test_an_instance_without_log_groups_lists_the_regions(
    settings: Settings, tmp_path: Path
) -> None:
    app = logs_app(settings, tmp_path)
    app.start = ("aws-luckyus-dify-rw", "overview")  # PostgreSQL: no group seeded for it
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen))
        screen = app.screen
        assert isinstance(screen, LogsScreen)
        box = screen.query_one("#logs-groups", SelectionList)
        await wait_until(pilot, lambda: box.option_count > 0)
        assert box.selected == []
        assert seed_logs.ORDER_GROUP in {box.get_option_at_index(i).value
                                         for i in range(box.option_count)}  # fmt: skip
        assert "AWS has no log group for aws-luckyus-dify-rw: all are listed" in shown(app)
