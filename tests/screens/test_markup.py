"""Class 7 of issue 11: data and typed text are shown as plain text, never read as Rich markup.

`SELECT '[/]' AS a` typed in the Query tab used to close the console (a MarkupError from the
verdict line, exit status 0); a stored '[/]' did the same from a result cell; and
'jane.doe[b][/b]@example.com' passed masking and then rendered as the whole email. Against the
lab: the console keeps running, the literal text is on screen, the email is masked on screen and
in the screenshot. And a widget that fails anyway is reported in place, not fatal.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import asyncmy
import pytest
from textual.widgets import DataTable, Input, Static

from console.app import OpsConsoleApp
from console.config import Settings
from console.inventory import Instance
from console.lab import topology
from console.screens.messages import OpenInstance
from tests.helpers import mounted, screen_text, wait_until
from tests.screens.conftest import app_for

pytestmark = pytest.mark.lab

INSTANCE = "aws-luckyus-isalesmembermarketing-rw"
DATABASE = "isalesmembermarketing"
TRICKY_EMAIL = "jane.doe[b][/b]@example.com"


def running(app: OpsConsoleApp) -> bool:
    """Still up: no exit requested, nothing queued to print on exit."""
    return app.return_code is None and not app._exit_renderables and app.is_running


async def type_and_run(pilot: Any, app: OpsConsoleApp, statement: str) -> DataTable[Any]:
    box = await mounted(pilot, Input, "query-input")
    box.focus()
    box.value = ""
    await pilot.press(*statement)
    verdict = app.screen.query_one("#verdict", Static)
    await wait_until(pilot, lambda: "read_only" in str(verdict.render()))
    assert running(app)
    await pilot.press("enter")
    table = app.screen.query_one("#results", DataTable)
    await wait_until(pilot, lambda: "rows" in str(verdict.render()))
    return table


@pytest.mark.parametrize(
    ("statement", "literal"), [("SELECT '[/]' AS a", "[/]"), ("SELECT '[b]x[/b]'", "[b]x[/b]")]
)
async def test_markup_typed_in_the_query_tab_is_shown_as_typed(
    settings: Settings, tmp_path: Path, statement: str, literal: str
) -> None:
    app = app_for(settings, tmp_path, instance=INSTANCE, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        table = await type_and_run(pilot, app, statement)
        verdict = str(app.screen.query_one("#verdict", Static).render())
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == literal
        shown = screen_text(app.export_screenshot())
        assert literal in shown
        assert "1 rows" in verdict
        assert running(app) and app.worker_errors == []
    assert app.return_code in (None, 0)  # never the fatal-error status


@pytest.fixture
async def markup_table(lab_dir: Path) -> AsyncIterator[str]:
    """A MariaDB table whose row holds '[/]' and an email with markup inside it."""
    password = (lab_dir / "secrets" / "mysql-admin.pass").read_text().strip()
    name = f"markup_probe_{secrets.token_hex(3)}"
    conn: Any = await asyncmy.connect(
        host=topology.HOST,
        port=topology.MARIADB_PORT,
        user=topology.MYSQL_ADMIN_USER,
        password=password,
        database=DATABASE,
        autocommit=True,
    )
    try:
        async with conn.cursor() as cursor:
            await cursor.execute(f"CREATE TABLE {name} (note VARCHAR(40), email VARCHAR(80))")
            await cursor.execute(
                f"INSERT INTO {name} VALUES (%s, %s)",
                ("[/]", TRICKY_EMAIL),
            )
        yield name
    finally:
        async with conn.cursor() as cursor:
            await cursor.execute(f"DROP TABLE IF EXISTS {name}")
        conn.close()


async def test_stored_markup_is_shown_literally_and_the_email_masked(
    settings: Settings, tmp_path: Path, markup_table: str
) -> None:
    app = app_for(settings, tmp_path, instance=INSTANCE, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        table = await type_and_run(pilot, app, f"SELECT note, email FROM {markup_table}")
        assert table.row_count == 1
        note, email = (str(c) for c in table.get_row_at(0))
        assert note == "[/]" and email.endswith("@example.com") and "jane" not in email
        svg = app.export_screenshot()
        shown = screen_text(svg)
        assert "[/]" in shown and "@example.com" in shown
        assert "jane" not in shown and "jane" not in svg
        assert running(app) and app.worker_errors == []


async def test_a_failing_handler_is_reported_in_place_and_the_console_keeps_running(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug a value triggers (here the guard raising on one statement, in the verdict's
    handler) is a redacted notification; the pane goes on answering."""
    app = app_for(settings, tmp_path, instance=INSTANCE, pane="query")
    guard = app.data.queries.judge  # what the verdict line asks, off the event loop

    async def failing_judge(instance: Any, sql: str) -> Any:
        if "explode" in sql:
            raise ValueError("boom [/] jane.doe@example.com")
        return await guard(instance, sql)

    monkeypatch.setattr(app.data.queries, "judge", failing_judge)
    async with app.run_test(size=(160, 50)) as pilot:
        (await mounted(pilot, Input, "query-input")).focus()
        await pilot.press(*"SELECT 'explode'")
        await wait_until(pilot, lambda: any("boom" in e for e in app.worker_errors))
        assert running(app)
        [message] = [e for e in app.worker_errors if "boom" in e]  # one, not one a keystroke
        assert "boom [/]" in message and "jane.doe" not in message
        assert any(n.message == message for n in app._notifications)
        table = await type_and_run(pilot, app, "SELECT 1 AS still_here")
        assert table.row_count == 1 and running(app)
    assert app.return_code in (None, 0)


async def test_a_cell_that_fails_to_render_is_reported_and_the_console_keeps_running(
    settings: Settings, tmp_path: Path
) -> None:
    """Should a markup cell slip past (a str cell added somewhere), rendering it fails once,
    in place; the next result replaces it."""
    app = app_for(settings, tmp_path, instance=INSTANCE, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        results = await mounted(pilot, DataTable, "results")
        results.add_column("x")
        results.add_row("[/]")  # a str cell: DataTable reads it as markup when drawing it
        await wait_until(pilot, lambda: any("MarkupError" in e for e in app.worker_errors))
        assert running(app)
        table = await type_and_run(pilot, app, "SELECT 3 AS later")
        assert table.row_count == 1 and running(app)


async def test_a_failing_app_handler_is_reported_and_the_console_keeps_running(
    settings: Settings, tmp_path: Path
) -> None:
    """The App's own handlers too: an intent it cannot carry out is reported, not fatal."""
    app = app_for(settings, tmp_path, instance=INSTANCE, pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query("#query-input")))
        app.post_message(OpenInstance(cast(Instance, None)))  # a bug upstream: no instance
        await wait_until(pilot, lambda: any("AttributeError" in e for e in app.worker_errors))
        assert running(app)
        table = await type_and_run(pilot, app, "SELECT 2 AS after_the_failure")
        assert table.row_count == 1 and running(app)
    assert app.return_code in (None, 0)


async def test_a_failure_before_the_first_screen_exits_non_zero(settings: Settings) -> None:
    class Broken(OpsConsoleApp):
        CSS_PATH = str(Path(__file__).parents[2] / "console" / "app.tcss")

        def on_mount(self) -> None:
            raise ValueError("broken start")

    app = Broken(settings)
    with pytest.raises(ValueError, match="broken start"):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
    assert app.return_code == 1


async def test_the_palette_shows_markup_shaped_names_and_groups_as_they_are(
    settings: Settings,
) -> None:
    """The palette (ctrl+p) reads hits as markup: a name or group (discovered: data) is escaped."""
    tricky = ("[/]", "[b]x[/b]", "[@click=app.quit]q")
    mysql = [i for i in settings.fleet.instances if i.kind == "mysql"][: len(tricky)]
    renamed = tuple(
        replace(i, name=f"db-{t}", group=f"g {t}") for i, t in zip(mysql, tricky, strict=True)
    )
    app = OpsConsoleApp(replace(settings, fleet=replace(settings.fleet, instances=renamed)))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("ctrl+p", *"db-")
        await pilot.pause(0.8)
        shown = screen_text(app.export_screenshot())
        compact = shown.replace(" ", "")  # the highlighted prompt is drawn a span a letter
        for t in tricky:
            assert f"db-{t}" in compact and f"mysql · g {t} · production" in shown, t
        assert running(app) and not any("Markup" in e for e in app.worker_errors)
