"""The main journeys pressed through real keys against the live lab.

tree/palette -> instance -> processes -> statement + EXPLAIN; alert -> instance on the right tab;
exports from the screen a user is looking at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from console.config import Settings
from console.screens.alerts import AlertsScreen
from console.screens.confirm import ConfirmScreen
from console.screens.instance import InstanceScreen
from console.screens.process_detail import ProcessDetailScreen
from tests.conftest import PostAlert
from tests.helpers import mounted, wait_until
from tests.screens.conftest import EMAIL, app_for
from widgets.alert_list import AlertList
from widgets.process_table import ProcessTable

pytestmark = pytest.mark.lab


async def test_palette_to_processes_to_statement(
    settings: Settings, tmp_path: Path, sleeping_session: int
) -> None:
    app = app_for(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("ctrl+p", *"salesorder-rw")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        await pilot.press("2")
        table = await mounted(pilot, ProcessTable)
        await wait_until(pilot, lambda: table.reading is not None and table.row_count > 0)
        table.focus()

        def has_session() -> bool:
            reading = table.reading
            values = reading.value if reading is not None else None
            return any(p.id == sleeping_session for p in values or ())

        await wait_until(pilot, has_session)
        for _ in range(table.row_count):
            process = table.highlighted_process()
            if process is not None and process.id == sleeping_session:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ProcessDetailScreen))
        # SLEEP() is refused by the guard: the plan is not run, and the screen says why (the
        # guard judges in a worker thread: the screenshot waits for its verdict on screen)
        await wait_until(
            pilot, lambda: "not run" in str(app.screen.query_one("#plan-title").render())
        )
        text = app.export_screenshot()
        assert "SLEEP(20)" in text
        assert EMAIL not in text and "***@example.com" in text
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, InstanceScreen))
        assert app.worker_errors == []


async def test_alert_jumps_to_its_instance_on_the_right_tab(
    settings: Settings, tmp_path: Path, post_alert: PostAlert
) -> None:
    await post_alert(
        "AaaOpsconsoleTooManyConnections",
        "critical",
        "luckyus-isales-market",
        f"clients high, owner {EMAIL}",
    )
    app = app_for(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: app.fleet.by_name("luckyus-isales-market") is not None)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        alerts = await mounted(pilot, AlertList)

        def mine_highlighted() -> bool:
            chosen = alerts.highlighted_alert()
            return chosen is not None and chosen.name == "AaaOpsconsoleTooManyConnections"

        await wait_until(pilot, lambda: alerts.reading is not None and alerts.option_count > 0)
        for _ in range(alerts.option_count):
            if mine_highlighted():
                break
            await pilot.press("down")
        assert mine_highlighted()
        assert EMAIL not in app.export_screenshot()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        screen = app.screen
        assert isinstance(screen, InstanceScreen)
        assert screen.instance.name == "luckyus-isales-market"
        assert screen.pane == "processes"
        assert app.firing >= 1


async def test_exports_name_files_by_instance_and_mask(
    settings: Settings, tmp_path: Path, sleeping_session: int
) -> None:
    app = app_for(settings, tmp_path, instance="aws-luckyus-salesorder-rw", pane="processes")
    async with app.run_test(size=(160, 50)) as pilot:
        table = await mounted(pilot, ProcessTable)
        await wait_until(pilot, lambda: table.row_count > 0)
        table.focus()
        await pilot.press("ctrl+e", "ctrl+s", "y")
        await wait_until(pilot, lambda: len(list(tmp_path.iterdir())) >= 4)
        names = sorted(p.name for p in tmp_path.iterdir())  # noqa: ASYNC240
        assert all("aws-luckyus-salesorder-rw" in name for name in names)
        assert {Path(n).suffix for n in names} == {".csv", ".md", ".svg", ".txt"}
        for path in tmp_path.iterdir():  # noqa: ASYNC240
            assert EMAIL not in path.read_text()
        csv_text = next(tmp_path.glob("*.csv")).read_text()  # noqa: ASYNC240
        assert "SLEEP(20)" in csv_text and "***@example.com" in csv_text
        assert app.clipboard
        assert EMAIL not in app.clipboard


async def test_query_tab_shows_the_verdict_runs_reads_and_refuses_writes(
    settings: Settings, tmp_path: Path
) -> None:
    app = app_for(settings, tmp_path, instance="aws-luckyus-isalesmembermarketing-rw", pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        verdict = await mounted(pilot, Static, "verdict")
        app.screen.query_one("#query-input").focus()
        await pilot.press(*"SELECT * FROM members")
        await wait_until(pilot, lambda: "read_only" in str(verdict.render()))
        assert "LIMIT 100" in str(verdict.render())
        await pilot.press("enter")
        table = app.screen.query_one("#results", DataTable)
        await wait_until(pilot, lambda: table.row_count > 0)
        shown = app.export_screenshot()
        assert "***@" in shown
        box = app.screen.query_one("#query-input", Input)
        box.value = ""
        await pilot.press(*"DELETE FROM members")
        await wait_until(pilot, lambda: "destructive" in str(verdict.render()))
        assert "2x" in str(verdict.render())
        await pilot.press("enter")  # the prompts open, Cancel focused: Enter cancels
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "cancelled" in str(verdict.render()))
