"""The fleet's slow queries: one digest of many instances' logs, each class naming its instances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.analysis.digest import digest_fleet, digest_lines, where
from console.config import Settings
from console.data.layer import DataLayer
from console.screens.instance import InstanceScreen
from console.screens.slow_fleet import SlowFleetScreen
from tests.analysis.helpers import MARIADB_LOG, MYSQL80_LOG, put_slow_log, unique_table
from tests.helpers import run_opsconsole as opsconsole
from tests.helpers import wait_until
from tests.screens.conftest import app_for
from widgets.digest_table import DigestTable

SALESORDER = "aws-luckyus-salesorder-rw"
SALESPAYMENT = "aws-luckyus-salespayment-rw"


def test_classes_merge_across_instances_and_name_them() -> None:
    lines = MYSQL80_LOG.read_text().splitlines()
    alone = digest_lines(lines)
    twice, problems = digest_fleet([("aws-luckyus-a-rw", lines), ("aws-luckyus-b-rw", lines)])
    assert problems == []
    assert twice.events == 2 * alone.events
    assert [r.fingerprint for r in twice.rows] == [r.fingerprint for r in alone.rows]
    top, single = twice.rows[0], alone.rows[0]
    assert top.count == 2 * single.count
    assert top.total_time_s == pytest.approx(2 * single.total_time_s)
    assert top.instances == (("aws-luckyus-a-rw", single.count), ("aws-luckyus-b-rw", single.count))
    assert where(top) == "a +1"


def test_an_instance_whose_log_is_not_a_slow_log_is_left_out_and_named() -> None:
    report, problems = digest_fleet(
        [("aws-luckyus-a-rw", MARIADB_LOG.read_text().splitlines()),
         ("aws-luckyus-b-rw", ["hello", "not a slow log"])]
    )  # fmt: skip
    assert report.events > 0 and all(r.instances[0][0] == "aws-luckyus-a-rw" for r in report.rows)
    assert len(problems) == 1 and problems[0].startswith("aws-luckyus-b-rw")


@pytest.mark.lab
async def test_fleet_verb_and_screen_rank_a_class_seen_on_two_instances(
    data: DataLayer, settings: Settings, tmp_path: Path
) -> None:
    table = unique_table()
    await put_slow_log(data, SALESORDER, table, count=3)
    await put_slow_log(data, SALESPAYMENT, table, count=2)
    result = opsconsole("digest", "--fleet", "--since", "1h", "--json", "--top", "500")
    assert result.returncode == 0, result.stderr
    (mine,) = [row for row in json.loads(result.stdout) if table in row["fingerprint"]]
    assert mine["count"] == 5
    assert mine["instances"] == [
        {"name": SALESORDER, "count": 3}, {"name": SALESPAYMENT, "count": 2}
    ]  # fmt: skip
    assert "jane.doe" not in result.stdout
    assert "instances without a slow log" in result.stderr  # the lab has 52 groups for 61 names

    app = app_for(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, SlowFleetScreen))
        screen = app.screen
        assert isinstance(screen, SlowFleetScreen)
        await wait_until(pilot, screen.has_data, within_s=60)
        digests = screen.query_one(DigestTable)
        keys = [f"{where(r)}/{key}" for key, r in screen.rows.items() if table in r.fingerprint]
        assert keys == [f"salesorder +1/{mine['query_id']}"]
        digests.move_cursor(row=digests.get_row_index(keys[0]))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        opened = app.screen
        assert isinstance(opened, InstanceScreen)
        assert opened.instance.name == SALESORDER and opened.pane == "slow"
