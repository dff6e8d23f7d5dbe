"""The Query tab lets out no secret and no PII (issue 11, classes 5, 6, 8), pressed for real.

A statement carrying a password and an email is typed; the verdict line, a parse error's reason,
the result table (a password renamed by an alias), the history file, the saved screenshot (SVG
and text), the table export and the clipboard are read back, and none holds either value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from console.config import Settings
from tests.helpers import mounted, wait_until
from tests.screens.conftest import app_for

pytestmark = pytest.mark.lab

SECRET = "Zq9-S3cret-pw"
EMAIL = "jane.doe@example.com"
CARD = "4111 1111 1111 1111"
LEAKS = (SECRET, EMAIL, "jane.doe", CARD)


def leaks_in(text: str) -> list[str]:
    return [leak for leak in LEAKS if leak in text]


async def test_class6_the_query_tab_shows_and_writes_no_secret_or_pii(
    settings: Settings, tmp_path: Path
) -> None:
    app = app_for(settings, tmp_path, instance="aws-luckyus-salesorder-rw", pane="query")
    async with app.run_test(size=(160, 50)) as pilot:
        verdict = await mounted(pilot, Static, "verdict")
        box = app.screen.query_one("#query-input", Input)
        box.focus()
        shown: list[str] = []
        for typed, expect in (
            (f"SELECT ((( '{EMAIL}' {CARD}", "refused"),  # the reason quotes the raw input
            (f"CREATE USER bob IDENTIFIED BY '{SECRET}'", "IDENTIFIED"),
            (f"UPDATE members SET pw = '{SECRET}' WHERE email = '{EMAIL}'", "write"),
        ):
            box.value = typed
            await wait_until(pilot, lambda e=expect: e in str(verdict.render()))  # type: ignore[misc]
            shown.append(str(verdict.render()))
        assert [leaks_in(text) for text in shown] == [[], [], []]
        box.value = (
            f"SELECT password AS x, '{EMAIL}' AS contact FROM (SELECT '{SECRET}' AS password) AS s"
        )
        await wait_until(pilot, lambda: "read_only" in str(verdict.render()))
        assert leaks_in(str(verdict.render())) == []
        await pilot.press("enter")
        table = app.screen.query_one("#results", DataTable)
        await wait_until(pilot, lambda: table.row_count > 0)
        assert [str(c) for c in table.get_row_at(0)] == ["***", "***@example.com"]
        table.focus()
        await pilot.press("ctrl+e", "ctrl+s", "y")
        await wait_until(pilot, lambda: len(list(tmp_path.glob("opsconsole-*"))) >= 4)
        assert app.clipboard and leaks_in(app.clipboard) == []
        # the input line shows what is being typed; the saved screenshot does not
        assert SECRET in app.export_screenshot()
    written = {path.name: path.read_text("utf-8") for path in tmp_path.iterdir()}  # noqa: ASYNC240
    history = app.settings.state_dir / "history-mysql.txt"  # the user's state, not the exports
    written[history.name] = history.read_text("utf-8")
    assert {name: leaks_in(text) for name, text in written.items()} == {n: [] for n in written}
