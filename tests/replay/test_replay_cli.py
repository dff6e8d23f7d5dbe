"""The replay's fronts from the command line, as a user types them: a clear line and exit 2
for a bad TIME, a missing or empty folder, an instance or pane the recording does not hold;
a headless screenshot of the recording (no server asked: the deterministic recording)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ROOT, run_opsconsole
from tests.replay.recordings import BLOCKER, SQL, write_recording

CONFIG = ("--config", str(ROOT / "config.toml"), "--profile", "lab")


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    return write_recording(tmp_path / "rec")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--at", "+2h"), "replay: TIME '+2h' (2026-12-05T05:10:00Z) is after the recording ends"),
        (("--at", "soon"), "replay: TIME 'soon': expected +30s (from the start)"),
        (("--at", "-5m"), "is before the recording starts"),  # `--at -5m`: read as a TIME
        (("--instance", "db-nowhere"), "holds no instance named 'db-nowhere' (it holds: "
                                       "db-orders, pg-dify, cache-market)"),
        (("--instance", SQL.name, "--pane", "metrics"), "not 'metrics' (metrics stay in"),
    ],
)  # fmt: skip
def test_the_console_refuses_what_it_cannot_replay(
    recording: Path, argv: tuple[str, ...], said: str
) -> None:
    done = run_opsconsole(*CONFIG, "--replay", str(recording), *argv)
    assert done.returncode == 2
    assert said in done.stderr
    assert done.stderr.count("\n") == 1  # one line, no traceback


@pytest.mark.parametrize("folder", ["absent", "empty"])
def test_a_missing_or_empty_folder_is_one_clear_line(tmp_path: Path, folder: str) -> None:
    (tmp_path / "empty").mkdir()
    target = str(tmp_path / folder)
    for argv in (
        ("--replay", target),
        ("screenshot", "--replay", target, "--pane", "fleet", "-o", str(tmp_path / "f.svg")),
        ("investigate", "--replay", target, "--instance", SQL.name),
    ):
        done = run_opsconsole(*CONFIG, *argv)
        assert done.returncode == 2, done.stderr
        expected = "no such folder" if folder == "absent" else "no recording in"
        assert expected in done.stderr and done.stderr.count("\n") == 1


def test_at_without_replay_is_a_usage_error(tmp_path: Path) -> None:
    done = run_opsconsole(*CONFIG, "--at", "+30s")
    assert (done.returncode, done.stderr.strip()) == (2, "opsconsole: replay: --at TIME needs "
                                                           "--replay DIR")  # fmt: skip


def test_a_headless_screenshot_of_the_recording(recording: Path, tmp_path: Path) -> None:
    output = tmp_path / "processes.svg"
    argv = ("screenshot", "--replay", str(recording), "--at", "+30s", "--instance", SQL.name)
    done = run_opsconsole(*CONFIG, *argv, "--pane", "processes", "-o", str(output))
    assert done.returncode == 0, done.stderr
    text = output.with_suffix(".txt").read_text(encoding="utf-8")
    assert f"◆ {BLOCKER}" in text and f"↳ by {BLOCKER}" in text
    assert "REPLAY 2026-12-05T03:10:30Z" in text
