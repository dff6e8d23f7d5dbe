"""Read-only mode as the on-call person sees it on the lab: READ-ONLY in the status bar, the
kill key shown disabled (pressing it asks nothing and the session runs on), and a typed write
whose verdict says read-only and is refused on Enter, before any prompt."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from console.app import OpsConsoleApp
from console.config import Settings, with_read_only_flag
from console.screens.confirm import ConfirmScreen
from tests.helpers import mounted, screen_text, wait_until
from tests.screens.conftest import app_for, audit_of
from widgets.process_table import ProcessTable

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"


def kill_key_enabled(app: OpsConsoleApp) -> bool | None:
    """Whether the screen offers `kill` now (None: no such key among its bindings)."""
    found = [a.enabled for a in app.screen.active_bindings.values() if a.binding.action == "kill"]
    return found[0] if found else None


async def processes(app: OpsConsoleApp, pilot: Any, session: int) -> ProcessTable:
    """The process list with the session highlighted and the focus on it."""
    table = await mounted(pilot, ProcessTable)
    await wait_until(pilot, lambda: str(session) in {key.value for key in table.rows})
    table.move_cursor(row=table.get_row_index(str(session)))
    table.focus()
    await pilot.pause()
    return table


@pytest.mark.parametrize("read_only", [True, False])
async def test_read_only_shows_in_the_status_bar_and_the_kill_key_is_not_offered(
    settings: Settings, tmp_path: Path, sleeping_session: int, read_only: bool
) -> None:
    chosen = with_read_only_flag(settings) if read_only else settings
    app = app_for(chosen, tmp_path, instance=SALESORDER, pane="processes")
    async with app.run_test(size=(160, 50)) as pilot:
        await processes(app, pilot, sleeping_session)
        shown = screen_text(app.export_screenshot())
        assert ("READ-ONLY" in shown) is read_only
        assert kill_key_enabled(app) is (not read_only)
        if read_only:
            await pilot.press("k")
            await asyncio.sleep(0.3)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)  # nothing asked
            assert str(sleeping_session) in {key.value for key in app.screen.query_one(
                ProcessTable).rows}  # fmt: skip
        assert app.worker_errors == []
    assert not audit_of(tmp_path).exists() or "KILL" not in audit_of(tmp_path).read_text()


async def test_a_typed_write_says_read_only_and_is_refused_before_any_prompt(
    settings: Settings, tmp_path: Path
) -> None:
    app = app_for(with_read_only_flag(settings), tmp_path, instance=SALESORDER, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        verdict = await mounted(pilot, Static, "verdict")
        box = app.screen.query_one("#query-input", Input)
        box.focus()
        await pilot.press(*"DELETE FROM orders WHERE id = -1")
        await wait_until(pilot, lambda: str(verdict.render()).startswith("read-only: DELETE"))
        assert "started with --read-only" in str(verdict.render())
        await pilot.press("enter")
        await wait_until(pilot, lambda: str(verdict.render()).startswith("refused: read-only"))
        assert not isinstance(app.screen, ConfirmScreen)
        box.value = "SELECT id FROM orders"  # reads still run
        await pilot.press("enter")
        await wait_until(pilot, lambda: "rows" in str(verdict.render()))
    [entry] = [json.loads(line) for line in audit_of(tmp_path).read_text().splitlines()][:1]
    assert entry["outcome"] == "refused" and "--read-only" in entry["error"]


async def test_the_ttl_fix_key_is_not_offered_on_a_read_only_redis(
    settings: Settings, tmp_path: Path
) -> None:
    from console.screens.keys_pane import KeysPane

    app = app_for(
        with_read_only_flag(settings), tmp_path, instance="luckyus-isales-market", pane="keys"
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query(KeysPane)))
        await pilot.pause()
        offered = {a.binding.action: a.enabled for a in app.screen.active_bindings.values()}
        assert offered.get("remediate") is False and offered.get("audit") is True
        summary = str(app.screen.query_one("#audit-summary").render())
        assert "x: off (read-only: this console was started with --read-only)" in summary
