"""The instance view's Slow log tab (MySQL): CloudWatch's slow log digested, window keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from console.config import Settings
from console.data.layer import DataLayer
from console.screens.instance import InstanceScreen
from console.screens.slow_pane import SlowPane
from tests.analysis.helpers import put_slow_log, unique_table
from tests.helpers import mounted, wait_until
from tests.screens.conftest import app_for
from widgets.digest_table import DigestTable

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"


async def test_slow_log_tab_digests_the_window_and_t_changes_it(
    settings: Settings, tmp_path: Path, data: DataLayer
) -> None:
    table_name = unique_table()
    await put_slow_log(data, SALESORDER, table_name, count=4)
    app = app_for(settings, tmp_path, instance=SALESORDER, pane="slow")
    async with app.run_test(size=(160, 50)) as pilot:
        pane = await mounted(pilot, SlowPane)
        table = pane.query_one(DigestTable)

        def mine() -> list[str]:
            for row_key in table.rows:
                cells = [str(c) for c in table.get_row(row_key)]
                if any(table_name in c for c in cells):
                    return cells
            return []

        await wait_until(pilot, lambda: bool(mine()))
        assert mine()[1] == "4"  # calls
        assert all("jane.doe" not in " ".join(str(c) for c in table.get_row(k)) for k in table.rows)
        header = pane.query_one("#slow-window", Static)
        assert "[1h]" in str(header.render())
        table.focus()
        await pilot.press("t")
        await wait_until(pilot, lambda: "[6h]" in str(header.render()))
        await wait_until(pilot, lambda: bool(mine()))


async def test_the_tab_exists_for_mysql_only(settings: Settings, tmp_path: Path) -> None:
    """A PostgreSQL instance has no slow-log tab: asking for it opens the overview."""
    app = app_for(settings, tmp_path, instance="aws-luckyus-dify-rw", pane="slow")
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        screen = app.screen
        assert isinstance(screen, InstanceScreen)
        assert "slow" not in screen.panes and not screen.query(SlowPane)
        assert screen.pane == "overview"
