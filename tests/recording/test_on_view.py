"""`[record] on_view = true`: the console records the fleet and the instance it shows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from console.app import OpsConsoleApp
from console.config import Settings
from console.services.recording.store import Recording, RecordingError
from tests.helpers import wait_until

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"


def _recorded(folder: Path, instance: str) -> bool:
    try:
        return bool(Recording.open(folder).samples(instance, "processlist"))
    except RecordingError:
        return False


@pytest.mark.timeout(90)
async def test_the_console_records_what_it_shows(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    update = {"on_view": True, "output_dir": str(folder), "detail_interval_s": 1.0}
    viewing = replace(settings, record=msgspec.structs.replace(settings.record, **update))
    app = OpsConsoleApp(viewing, instance=SALESORDER)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: _recorded(folder, SALESORDER), 45.0)
        await pilot.press("q")
    recording = Recording.open(folder)
    names = {i.name for i in recording.instances()}
    assert SALESORDER in names and len(names) > 100  # the fleet, as its screen shows it
    assert recording.at(SALESORDER, "health", recording.end) is not None
    detailed = {
        name
        for name in names
        if recording.samples(name, "processlist") or recording.samples(name, "redis_info")
    }
    assert detailed == {SALESORDER}  # what is on screen, not every instance in trouble


async def test_without_on_view_the_console_records_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    quiet = replace(
        settings, record=msgspec.structs.replace(settings.record, output_dir=str(folder))
    )
    app = OpsConsoleApp(quiet, instance=SALESORDER)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.behind_started, 30.0)
        await pilot.pause(1.0)
        assert not any(w.group == "app-record" for w in app.workers)
        await pilot.press("q")
    assert not folder.exists()
