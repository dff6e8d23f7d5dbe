"""SVG snapshots of a replayed instance screen at +30 s of the deterministic recording: the
lock chain on the Processes tab, the time bar and REPLAY in the status bar (no live clock: the
widgets take the cursor for now)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.app import OpsConsoleApp
from console.services.recording.replay import open_replay
from tests.helpers import wait_until
from tests.replay.recordings import BLOCKER, SQL, WAITING, replay_settings, write_recording
from widgets.process_table import ProcessTable


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_replayed_processes(
    snap_compare: Callable[..., bool], tmp_path: Path, size: tuple[int, int]
) -> None:
    settings = replay_settings(tmp_path)
    replay = open_replay(settings, write_recording(tmp_path / "rec"), "+30s")
    app = OpsConsoleApp(replay.settings, SQL.name, "processes", replay=replay)

    async def loaded(pilot: Pilot[None]) -> None:
        await wait_until(pilot, lambda: bool(pilot.app.screen.query(ProcessTable)))
        table = pilot.app.screen.query_one(ProcessTable)
        await wait_until(pilot, lambda: {str(BLOCKER), str(WAITING)} <= {
            str(key.value) for key in table.rows})  # fmt: skip

    assert snap_compare(app, terminal_size=size, run_before=loaded)
