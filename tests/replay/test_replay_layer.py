"""The replay's data layer: the recording's readings at the cursor, gaps said as gaps, every
change refused, and no public read of DataLayer left unanswered (none can reach a server)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from console.data.layer import DataLayer
from console.data.models import RemediationPlan
from console.safety.confirm import Consent, kill_action
from console.services.recording.replay import REFUSAL, ReplayError, ReplayLayer, open_replay
from tests.replay.recordings import (
    BLOCKER,
    PG,
    REDIS,
    SQL,
    WAITING,
    WARN_AT,
    at,
    replay_settings,
    write_recording,
)


@pytest.fixture
def replay(tmp_path: Path) -> ReplayLayer:
    return open_replay(replay_settings(tmp_path), write_recording(tmp_path / "rec"))


def test_every_public_member_of_the_data_layer_is_answered_by_the_replay() -> None:
    """A read added to DataLayer and not to the replay would fail here, not reach a server
    (the replay never runs DataLayer.__init__: it has no source to fall back on)."""
    public = {name for name in vars(DataLayer) if not name.startswith("_")}
    answered = {name for name in vars(ReplayLayer) if not name.startswith("_")}
    assert public - answered == set()


async def test_reads_answer_at_the_cursor(replay: ReplayLayer) -> None:
    sql = replay.sql(SQL)
    before = await sql.processlist(SQL, 100)
    assert before.value is not None and {p.id for p in before.value} == {7, 8}
    replay.move(at(WARN_AT) + timedelta(seconds=2))  # between two samples: the one before
    during = await sql.processlist(SQL, 100)
    assert during.value is not None and during.fetched_at == at(WARN_AT)
    waiting = next(p for p in during.value if p.id == WAITING)
    assert waiting.blocked_by == (BLOCKER,)
    waits = await sql.lock_waits(SQL, 100)
    assert waits.value is not None and (waits.value[0].waiting, waits.value[0].blocking) == (
        WAITING,
        BLOCKER,
    )
    assert len((await sql.processlist(SQL, 1)).value or ()) == 1  # the limit holds
    health = await replay.health(SQL)
    assert health.value is not None and health.value.state == "warn"
    groups = await replay.alertmanager.groups()
    assert groups.value is not None and [g.name for g in groups.value] == ["MySQLLockWait"]


async def test_what_is_not_recorded_says_so_and_is_not_a_server_error(replay: ReplayLayer) -> None:
    (pg,) = await replay.fleet_health([PG])  # recorded from +20 s only
    assert pg.unrecorded and pg.reading.error is not None
    assert pg.reading.error.message.startswith("health not recorded at this time (03:10:00 UTC)")
    info = await replay.redis.info(REDIS)  # never recorded in detail
    assert info.error is not None and info.error.kind == "unrecorded"
    metrics = await replay.prometheus.query_range("up", at(0), at(60), 15)
    assert metrics.error is not None and metrics.error.kind == "unrecorded"
    replay.move(at(25))
    (pg,) = await replay.fleet_health([PG])
    assert not pg.unrecorded and pg.state == "ok"


async def test_a_recorded_failure_comes_back_as_that_failure(replay: ReplayLayer) -> None:
    alarms = await replay.cloudwatch_alarms()
    assert alarms.error is not None
    assert (alarms.error.kind, alarms.error.message) == ("timeout", "10 s")


async def test_a_detail_sample_goes_stale_when_the_recorder_stopped_taking_it(
    tmp_path: Path,
) -> None:
    from console.services.recording.store import RecordingWriter, Sample

    writer = RecordingWriter(tmp_path, 24 * 3650, 10**9)
    for seconds in range(0, 300, 5):  # the fleet every 5 s; the processlist for 20 s only
        samples = [Sample(at(seconds), None, "alerts", (), None)]
        if seconds == 0:
            samples.append(Sample(at(0), None, "fleet", (SQL,), None))
        if seconds <= 20:
            samples.append(Sample(at(seconds), SQL.name, "processlist", (), None))
        writer.write(at(seconds), samples)
    writer.close()
    replay = open_replay(replay_settings(tmp_path), tmp_path)
    replay.move(at(30))  # 10 s after the last one: still what the screen showed
    assert (await replay.sql(SQL).processlist(SQL, 10)).value == ()
    replay.move(at(120))
    stale = await replay.sql(SQL).processlist(SQL, 10)
    assert stale.error is not None and stale.error.kind == "unrecorded"
    assert "last sample 03:10:20, 1m40s earlier" in stale.error.message


async def test_every_change_kill_and_typed_statement_is_refused(replay: ReplayLayer) -> None:
    queries = replay.queries
    assert queries.read_only() == REFUSAL
    kill = await queries.kill(SQL, BLOCKER, "app_orders")
    assert kill.error is not None and (kill.error.kind, kill.error.message) == ("refused", REFUSAL)
    action = kill_action(SQL, BLOCKER, False, "app_orders")
    done = await queries.execute(SQL, Consent(action, ("yes",)))
    assert done.value is None and done.error is not None and done.error.kind == "refused"
    assert (await queries.query(SQL, "SELECT 1")).error is not None
    assert (await queries.redis(REDIS, ["GET", "k"])).error is not None
    changed = await queries.action(SQL, "DELETE FROM orders")
    assert changed is not None and changed.value is None
    plan = RemediationPlan(REDIS.name, 3600, 60, (), 0, True)
    fixed = await queries.remediation(REDIS, plan)
    assert fixed is not None and fixed.value is None
    assert queries.plan(SQL, "SELECT 1").classification == "refused"


def test_the_replays_views_answer_the_read_protocols_only(replay: ReplayLayer) -> None:
    with pytest.raises(AttributeError, match="not a read the data layer hands out"):
        _ = replay.mysql.reading  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        replay.redis.command = None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("folder", "said"),
    [("absent", "no such folder"), ("empty", "no recording in"), ("file", "is not a folder")],
)
def test_a_folder_that_holds_no_recording_is_refused_clearly(
    tmp_path: Path, folder: str, said: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("not a recording")
    with pytest.raises(ReplayError, match=said):
        open_replay(replay_settings(tmp_path), tmp_path / folder)


def test_a_time_outside_the_recording_is_refused(tmp_path: Path) -> None:
    folder = write_recording(tmp_path / "rec")
    with pytest.raises(ReplayError, match="after the recording ends"):
        open_replay(replay_settings(tmp_path), folder, "+2m")
    assert open_replay(replay_settings(tmp_path), folder, "-5s").cursor == at(55)
