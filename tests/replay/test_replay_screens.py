"""The console on a recording, driven by its keys: REPLAY and the cursor's time in the status
bar, `[` `]` `{` `}` `g` moving every screen, no Query tab and no kill, the fleet and the alerts
as recorded. No server is asked: the recording is deterministic (recordings.py)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path

import msgspec
from textual.widgets import Input

from console.app import OpsConsoleApp
from console.screens.alerts import AlertsScreen
from console.screens.confirm import ConfirmScreen
from console.screens.fleet import FleetScreen
from console.screens.instance import InstanceScreen
from console.screens.replay import GoToTime
from console.services.recording.replay import open_replay
from tests.helpers import mounted, screen_text, wait_until
from tests.replay.recordings import BLOCKER, SQL, WAITING, replay_settings, write_recording
from widgets.alert_detail import AlertDetail
from widgets.alert_list import AlertList
from widgets.fleet_tree import FleetTree
from widgets.pane_tabs import Pane
from widgets.process_table import ProcessTable
from widgets.status_bar import StatusBar
from widgets.time_bar import TimeBar


def replayed(tmp_path: Path, at: str | None = None, **options: str) -> OpsConsoleApp:
    replay = open_replay(replay_settings(tmp_path), write_recording(tmp_path / "rec"), at)
    return OpsConsoleApp(replay.settings, replay=replay, **options)


def shown_ids(table: ProcessTable) -> set[int]:
    return {int(str(key.value)) for key in table.rows}


def status_of(app: OpsConsoleApp) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def test_the_keys_move_the_cursor_and_the_processes_follow(tmp_path: Path) -> None:
    app = replayed(tmp_path, instance=SQL.name, pane="processes")
    async with app.run_test(size=(160, 50)) as pilot:
        table = await mounted(pilot, ProcessTable)
        await wait_until(pilot, lambda: shown_ids(table) == {7})  # 8 sleeps: idle, hidden
        assert "REPLAY 2026-12-05T03:10:00Z" in status_of(app)
        assert "● 03:10:00 +0s" in str(app.screen.query_one(TimeBar).render())

        await pilot.press("right_curly_bracket")  # the next change: +30 s, the lock chain
        await wait_until(pilot, lambda: {BLOCKER, WAITING} <= shown_ids(table))
        assert "REPLAY 2026-12-05T03:10:30Z" in status_of(app)
        text = screen_text(app.export_screenshot())
        assert f"↳ by {BLOCKER}" in text and "◆" in text

        await pilot.press("left_square_bracket")  # one sample earlier: +25 s
        await wait_until(pilot, lambda: "03:10:25Z" in status_of(app))
        await pilot.press("left_square_bracket", "left_square_bracket")  # +15 s: no chain yet
        await wait_until(pilot, lambda: shown_ids(table) == {7})
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: "03:10:20Z" in status_of(app))

        await pilot.press("left_curly_bracket")  # no change before +20 s
        await wait_until(pilot, lambda: any("no earlier change" in str(n.message)
                                            for n in app._notifications))  # fmt: skip
        assert "03:10:20Z" in status_of(app)
        assert app.worker_errors == []


async def test_g_goes_to_a_time_and_a_bad_one_is_refused_in_place(tmp_path: Path) -> None:
    app = replayed(tmp_path, instance=SQL.name, pane="processes")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query(ProcessTable)))
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, GoToTime))
        box = await mounted(pilot, Input)
        box.value = "+2h"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GoToTime)  # still asking
        said = str(app.screen.query_one("#time-error").render())
        assert "after the recording ends" in said
        box.value = "03:10:45"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        await wait_until(pilot, lambda: "REPLAY 2026-12-05T03:10:45Z" in status_of(app))
        table = await mounted(pilot, ProcessTable)
        await wait_until(pilot, lambda: WAITING in shown_ids(table))
        await pilot.press("g", "escape")  # Escape: nowhere else
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        assert "03:10:45Z" in status_of(app)


async def test_no_query_tab_no_kill_and_nothing_live_is_offered(tmp_path: Path) -> None:
    app = replayed(tmp_path, "+30s", instance=SQL.name, pane="processes")
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query(ProcessTable)))
        screen = app.screen
        assert isinstance(screen, InstanceScreen)
        tabs = {pane.id for pane in screen.query(Pane)}
        assert tabs == {"overview", "processes", "queries"}  # no Query, Metrics or Slow log
        table = screen.query_one(ProcessTable)
        await wait_until(pilot, lambda: BLOCKER in shown_ids(table))
        table.move_cursor(row=table.get_row_index(str(BLOCKER)))
        table.focus()
        await pilot.pause()
        offered = {b.binding.action for b in screen.active_bindings.values()}
        assert "kill" not in offered
        assert {"cost", "slow_fleet", "pause"} & offered == set()
        await pilot.press("k", "5", "dollar_sign")
        await asyncio.sleep(0.2)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)  # nothing asked
        assert isinstance(app.screen, InstanceScreen) and app.screen.pane == "processes"
        assert app.worker_errors == []


async def test_the_fleet_and_the_alerts_are_the_recordings_at_the_cursor(tmp_path: Path) -> None:
    app = replayed(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen) and app.screen.swept)
        tree = await mounted(pilot, FleetTree)
        tree.root.expand_all()
        await pilot.pause()
        text = screen_text(app.export_screenshot())
        assert re.search(r"○\s+pg-dify\s+not recorded", text)  # before +20 s: not "down"
        assert "2 ok · 0 warn · 0 down" in status_of(app)
        await pilot.press("right_curly_bracket")
        await wait_until(pilot, lambda: "2 ok · 1 warn · 0 down" in status_of(app))
        assert "▲ 1 firing" in status_of(app)

        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        alerts = await mounted(pilot, AlertList)
        await wait_until(pilot, lambda: alerts.reading is not None)
        assert "MySQLLockWait" in screen_text(app.export_screenshot())
        await pilot.press("left_square_bracket")  # +25 s: nothing fired yet
        await wait_until(
            pilot, lambda: "MySQLLockWait" not in screen_text(app.export_screenshot())
        )  # fmt: skip  (the list, and the detail no longer shows it)
        assert "REPLAY 2026-12-05T03:10:25Z" in status_of(app)
        await pilot.press("right_square_bracket")  # it fires again: listed and detailed
        detail = app.screen.query_one(AlertDetail)
        await wait_until(pilot, lambda: detail.alert is not None)
        assert "MySQLLockWait" in screen_text(app.export_screenshot())
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: detail.alert is None)
        await pilot.press("escape")  # the fleet, moved while hidden, shows +25 s
        await wait_until(pilot, lambda: "3 ok · 0 warn" in status_of(app))
        assert app.worker_errors == []


def test_the_replay_keys_are_not_offered_live(tmp_path: Path) -> None:
    live = OpsConsoleApp(replay_settings(tmp_path))
    assert live.check_action("replay_step", (-1,)) is False
    assert live.check_action("replay_change", (1,)) is False
    assert live.check_action("replay_goto", ()) is False
    assert live.check_action("cost", ()) is not False  # offered live, not on a replay


async def test_a_replay_never_records_what_it_shows(tmp_path: Path) -> None:
    """`[record] on_view` records live screens; a replay's would copy the recording into the
    team's recordings as if it were now: it is not started."""
    settings = replay_settings(tmp_path)
    record = msgspec.structs.replace(
        settings.record, on_view=True, output_dir=str(tmp_path / "recordings")
    )
    replay = open_replay(replace(settings, record=record), write_recording(tmp_path / "rec"))
    app = OpsConsoleApp(replay.settings, replay=replay)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen) and app.screen.swept)
        await pilot.press("right_curly_bracket")
        await pilot.pause(0.3)
        assert app.settings.record.on_view  # asked for, and still not started:
        assert not [w for w in app.workers if w.group == "app-record"]
    assert not (tmp_path / "recordings").exists()
