"""Changes pressed through real keys on the lab: kill a session from the process list, write
from the Query tab, and the prompts that stand in the way (Cancel first, the typed name)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from console.app import OpsConsoleApp
from console.config import Settings
from console.screens.confirm import ConfirmScreen
from tests.helpers import mounted, screen_text, wait_until
from tests.screens.conftest import EMAIL, app_for, audit_of
from widgets.process_table import ProcessTable

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"


def keys(table: DataTable[Any]) -> set[str | None]:
    return {key.value for key in table.rows}


def audit(tmp_path: Path) -> list[dict[str, object]]:
    log = audit_of(tmp_path)
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


async def kill_prompt(pilot: Pilot[None], app: OpsConsoleApp, session: int) -> ProcessTable:
    """Highlight the session in Processes, press k, wait for the prompt; the table."""
    table = await mounted(pilot, ProcessTable)
    await wait_until(pilot, lambda: str(session) in keys(table))
    table.move_cursor(row=table.get_row_index(str(session)))
    table.focus()
    await pilot.press("k")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    return table


async def test_kill_asks_twice_on_production_and_ends_the_session(
    settings: Settings, tmp_path: Path, sleeping_session: int
) -> None:
    app = app_for(settings, tmp_path, instance=SALESORDER, pane="processes")
    async with app.run_test(size=(160, 50)) as pilot:
        table = await kill_prompt(pilot, app, sleeping_session)
        prompt = app.screen
        shown = screen_text(app.export_screenshot())
        assert f"KILL {sleeping_session}" in shown and SALESORDER in shown
        assert "PRODUCTION" in shown and EMAIL not in shown
        assert isinstance(app.focused, Button) and app.focused.id == "cancel"
        await pilot.press("tab", "enter")  # the Kill… button: the second prompt
        typed = prompt.query_one("#typed", Input)
        await wait_until(pilot, lambda: typed.has_focus)
        await pilot.press(*"aws-luckyus-salesorder", "enter")  # not the whole name
        assert isinstance(app.screen, ConfirmScreen)
        assert "not the instance name" in str(prompt.query_one("#mismatch").render())
        typed.value = ""
        await pilot.press(*SALESORDER, "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await wait_until(pilot, lambda: str(sleeping_session) not in keys(table))
        assert app.worker_errors == []
    [entry] = audit(tmp_path)
    assert entry["statement"] == f"KILL {sleeping_session}"
    assert entry["outcome"] == "ok" and entry["confirmations"] == 2


async def test_escape_cancels_a_kill_and_nothing_is_sent(
    settings: Settings, tmp_path: Path, sleeping_session: int
) -> None:
    app = app_for(settings, tmp_path, instance=SALESORDER, pane="processes")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await kill_prompt(pilot, app, sleeping_session)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await pilot.pause(1.2)  # two refreshes: the session is still there
        assert str(sleeping_session) in keys(table)
    [entry] = audit(tmp_path)
    assert entry["outcome"] == "cancelled" and entry["confirmations"] == 0


async def test_a_write_from_the_query_tab_asks_once_and_runs(
    settings: Settings, tmp_path: Path
) -> None:
    app = app_for(settings, tmp_path, instance=SALESORDER, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        verdict = await mounted(pilot, Static, "verdict")
        app.screen.query_one("#query-input").focus()
        await pilot.press(*"UPDATE orders SET status = status WHERE id = 1", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "asks once" in screen_text(app.export_screenshot())
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: "done" in str(verdict.render()))
    [entry] = audit(tmp_path)
    assert entry["classification"] == "write" and entry["outcome"] == "ok"


async def test_tables_then_columns_then_explain(settings: Settings, tmp_path: Path) -> None:
    app = app_for(settings, tmp_path, instance=SALESORDER, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        verdict = await mounted(pilot, Static, "verdict")
        results = app.screen.query_one("#results", DataTable)
        box = app.screen.query_one("#query-input", Input)
        box.focus()
        await pilot.press("f3")
        await wait_until(pilot, lambda: "tables" in str(verdict.render()))
        names = [str(results.get_row_at(i)[1]) for i in range(results.row_count)]
        assert "orders" in names
        results.focus()
        results.move_cursor(row=names.index("orders"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: box.value == "SELECT * FROM `salesorder`.`orders`")
        await wait_until(pilot, lambda: "read_only" in str(verdict.render()))
        columns = {str(results.get_row_at(i)[0]) for i in range(results.row_count)}
        assert {"id", "member_id", "status"} <= columns
        box.focus()
        await pilot.press("f4")
        await wait_until(pilot, lambda: "EXPLAIN" in str(verdict.render()))
        assert "estimated rows" in str(verdict.render()) and results.row_count >= 1


async def test_a_heavy_production_read_waits_for_a_second_enter(
    settings: Settings, tmp_path: Path
) -> None:
    """The lab's orders table is small: a threshold of 1 row makes any scan 'heavy'."""
    console = msgspec.structs.replace(settings.console, heavy_rows=1)
    app = app_for(replace(settings, console=console), tmp_path, instance=SALESORDER, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        verdict = await mounted(pilot, Static, "verdict")
        results = app.screen.query_one("#results", DataTable)
        app.screen.query_one("#query-input").focus()
        await pilot.press(*"SELECT * FROM orders", "enter")
        await wait_until(pilot, lambda: "heavy" in str(verdict.render()))
        assert "EXPLAIN estimates" in str(verdict.render()) and results.row_count == 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: results.row_count > 0)


async def lab_pii(lab_dir: Path) -> list[str]:
    """The raw emails, phones and card numbers of the first rows, read as the admin (setup)."""
    import asyncmy

    from console.lab import topology

    conn = await asyncmy.connect(
        host=topology.HOST,
        port=topology.MARIADB_PORT,
        user=topology.MYSQL_ADMIN_USER,
        password=(lab_dir / "secrets" / "mysql-admin.pass").read_text().strip(),
    )
    try:
        async with conn.cursor() as cursor:
            await cursor.execute(
                "SELECT email, phone FROM isalesmembermarketing.members ORDER BY id LIMIT 30"
            )
            values = [str(v) for row in await cursor.fetchall() for v in row if v]
            await cursor.execute(
                "SELECT card_number FROM salespayment.payments ORDER BY id LIMIT 30"
            )
            values += [str(row[0]) for row in await cursor.fetchall()]
    finally:
        conn.close()
    return values


@pytest.mark.parametrize(
    ("instance", "statement"),
    [
        ("aws-luckyus-isalesmembermarketing-rw", "SELECT * FROM members ORDER BY id"),
        ("aws-luckyus-salespayment-rw", "SELECT * FROM payments ORDER BY id"),
    ],
)
async def test_a_screenshot_of_a_table_full_of_pii_shows_none_of_it(
    settings: Settings, tmp_path: Path, lab_dir: Path, instance: str, statement: str
) -> None:
    raw = await lab_pii(lab_dir)
    digits = [v for v in raw if v.replace("-", "").replace(" ", "").isdigit()]
    assert len(raw) >= 60 and digits  # the check below has something to find
    app = app_for(settings, tmp_path, instance=instance, pane="query")
    async with app.run_test(size=(200, 50)) as pilot:
        results = await mounted(pilot, DataTable, "results")
        app.screen.query_one("#query-input").focus()
        await pilot.press(*statement, "enter")
        await wait_until(pilot, lambda: results.row_count >= 30)
        await pilot.press("ctrl+s")  # the app's screenshot key: the SVG file a user shares
        await wait_until(pilot, lambda: any(tmp_path.glob("*.svg")))
    for svg in tmp_path.glob("*.svg"):  # noqa: ASYNC240
        shown = screen_text(svg.read_text())
        assert "***" in shown
        leaked = [value for value in raw if value in shown]
        assert leaked == []


async def test_keys_tab_audits_and_asks_before_setting_ttls(
    settings: Settings, tmp_path: Path
) -> None:
    app = app_for(settings, tmp_path, instance="luckyus-isales-market", pane="keys")
    async with app.run_test(size=(160, 50)) as pilot:
        summary = await mounted(pilot, Static, "audit-summary")  # the pane's own children
        prefixes = await mounted(pilot, DataTable, "prefixes")
        await wait_until(pilot, lambda: app.focused is prefixes)  # its keys act from there
        await pilot.press("s")
        await wait_until(pilot, lambda: "keys scanned" in str(summary.render()))
        assert "without TTL" in str(summary.render()) and prefixes.row_count > 0
        shown = screen_text(app.export_screenshot())
        assert "isales:market:couponlimit" in shown
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        prompt = screen_text(app.export_screenshot())
        assert "EXPIRE" in prompt and "Set a TTL on" in prompt
        await pilot.press("escape")
        await wait_until(pilot, lambda: "cancelled" in str(summary.render()))
        assert app.worker_errors == []
    [entry] = audit(tmp_path)
    assert entry["outcome"] == "cancelled"
