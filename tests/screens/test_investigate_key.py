"""`i` in the console: the same investigation as the verb, a bundle in the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import Settings
from console.screens.alerts import AlertsScreen
from console.screens.instance import InstanceScreen
from tests.conftest import PostAlert
from tests.helpers import mounted, wait_until
from tests.screens.conftest import EMAIL, app_for
from widgets.alert_list import AlertList

pytestmark = pytest.mark.lab


def reports(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "investigations").glob("*/report.md"))


async def test_i_on_an_instance_writes_its_bundle(settings: Settings, tmp_path: Path) -> None:
    app = app_for(settings, tmp_path, instance="aws-luckyus-salesorder-rw")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        await pilot.press("i")
        await wait_until(pilot, lambda: bool(reports(tmp_path)), within_s=90)
        await pilot.pause(0.5)
        assert app.worker_errors == []
    [report] = reports(tmp_path)
    assert "aws-luckyus-salesorder-rw" in report.read_text()
    assert (report.parent / "screens" / "processes.svg").exists()


async def test_i_on_an_alert_investigates_what_it_names(
    settings: Settings, tmp_path: Path, post_alert: PostAlert
) -> None:
    await post_alert(
        "AaaOpsconsoleInvestigateMe", "critical", "luckyus-isales-market", f"owner {EMAIL}"
    )
    app = app_for(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        listing = await mounted(pilot, AlertList)
        await wait_until(pilot, lambda: listing.firing_count > 0)
        for _ in range(40):  # down the list to the posted alert, as a user would
            alert = listing.highlighted_alert()
            if alert is not None and alert.name == "AaaOpsconsoleInvestigateMe":
                break
            await pilot.press("down")
        else:
            raise AssertionError("the posted alert is not in the list")
        await pilot.press("i")
        await wait_until(pilot, lambda: bool(reports(tmp_path)), within_s=90)
        await pilot.pause(0.5)
    [report] = reports(tmp_path)
    text = report.read_text()
    assert "luckyus-isales-market" in text and "AaaOpsconsoleInvestigateMe" in text
    assert EMAIL not in text
