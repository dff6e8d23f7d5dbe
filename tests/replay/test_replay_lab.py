"""On the lab: the lock-wait scenario recorded for 40 s by `opsconsole record`, then replayed
headless at +30 s (the Processes pane shows the blocked sessions and their blocker) and
investigated from the recording (the bundle names the blocker).

The recording is made once for the session (the scenario is shared by every test that runs it,
so it is held as briefly as the recorder needs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_opsconsole
from tests.investigate.conftest import scenario

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"
CONFIG = ("--config", str(ROOT / "config.toml"), "--profile", "lab")
SECONDS = "40"


@pytest.fixture(scope="session")
def lock_wait_recording(lab_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 s of the lock-wait scenario, recorded by the real recorder in detail for SALESORDER."""
    folder = tmp_path_factory.mktemp("lock-wait-recording")
    with scenario(lab_dir, "lock-wait") as lines:
        done = run_opsconsole(
            *CONFIG, "record", "--for", SECONDS, "--output", str(folder), "--instance", SALESORDER
        )
    assert done.returncode == 0, (done.stderr, lines)
    return folder


def blocker_of(text: str) -> str:
    """The session the others wait for: the one marked ◆ that runs A's SLEEP(600)."""
    found = re.search(r"◆ (\d+)\s+\S+\s+Query\s+.*SELECT SLEEP\(600\)", text)
    assert found is not None, text
    return found[1]


def test_the_replayed_processes_show_the_blocker_and_who_it_blocks_at_30s(
    lock_wait_recording: Path, tmp_path: Path
) -> None:
    output = tmp_path / "processes.svg"
    done = run_opsconsole(
        *CONFIG, "screenshot", "--replay", str(lock_wait_recording), "--at", "+30s",
        "--instance", SALESORDER, "--pane", "processes", "-o", str(output), "--size", "200x50",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = output.with_suffix(".txt").read_text(encoding="utf-8")
    blocker = blocker_of(text)
    assert text.count(f"↳ by {blocker}") == 2  # B and D wait for A directly
    assert "REPLAY" in text and "+30s" in text
    tabs = next(line for line in text.splitlines() if "Overview" in line and "Processes" in line)
    assert tabs.split() == ["Overview", "Processes", "Top", "queries"]  # no Query tab


def test_investigate_from_the_recording_names_the_blocker(
    lab_dir: Path, lock_wait_recording: Path, tmp_path: Path
) -> None:
    done = run_opsconsole(
        *CONFIG, "investigate", "--replay", str(lock_wait_recording), "--at", "+30s",
        "--instance", SALESORDER, "--output", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # a warning or critical finding
    named = re.search(r"Lock wait: session (\d+) blocks 3 sessions", done.stdout)
    assert named is not None, done.stdout
    folder = Path(done.stdout.splitlines()[0])
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert f"Lock wait: session {named[1]} blocks 3 sessions" in report
    assert f"replayed from the recording in {lock_wait_recording}" in report
    shots = {p.name for p in (folder / "screens").glob("*.svg")}
    assert shots == {"overview.svg", "processes.svg", "queries.svg"}
    processes = (folder / "screens" / "processes.txt").read_text(encoding="utf-8")
    assert blocker_of(processes) == named[1]  # the replayed pane at the same moment
    passwords = [p.read_text().strip() for p in (lab_dir / "secrets").glob("*.pass")]
    bundle = "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file())
    assert passwords and not [p for p in passwords if p in bundle]
