"""Command-line manners on the lab: --json on the verbs that print data (one document on
stdout, nothing else), and a long verb's progress on a terminal's stderr, never when piped."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.cli.progress import terminal_progress
from console.data.layer import DataLayer
from tests.helpers import ROOT
from tests.helpers import run_opsconsole as opsconsole

MARKET = "luckyus-isales-market"


def _own_state(tmp_path: Path) -> dict[str, str]:
    """The environment of a run whose resume states and kept discoveries go to tmp_path."""
    return {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """`opsconsole ARGS` with stderr a pseudo-terminal (as in an SSH session) and stdout a
    pipe: exit status, stdout, and what the terminal received."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    out, _ = child.communicate(timeout=120)
    received = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child's end is closed and everything was read
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return child.returncode, out.decode(), received.decode(errors="replace")


def test_no_progress_callback_when_stderr_is_not_a_terminal() -> None:
    with terminal_progress(io.StringIO()) as progress:
        assert progress is None


@pytest.mark.lab
def test_redis_json_is_one_document_with_the_reply(lab_dir: Path) -> None:
    result = opsconsole("redis", "--instance", MARKET, "--json", "DBSIZE")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["instance"] == MARKET and reply["command"] == ["DBSIZE"]
    assert reply["lines"][0].removeprefix("(integer) ").isdigit()
    refused = opsconsole("redis", "--instance", MARKET, "--json", "FLUSHALL")
    assert refused.returncode == 3 and refused.stdout == ""


@pytest.mark.lab
def test_lab_status_json_names_every_part(lab_dir: Path) -> None:
    result = opsconsole("lab", "status", "--json")
    status = json.loads(result.stdout)
    names = {part["name"] for part in status["parts"]}
    assert {"mariadb", "postgres", "prometheus", "alertmanager"} <= names
    assert result.returncode == (0 if status["healthy"] else 1)
    assert status["workload"]["name"] == "workload"
    assert opsconsole("lab", "up", "--json").returncode == 2  # --json goes with status only


@pytest.mark.lab
def test_investigate_json_and_its_progress_on_a_terminal(lab_dir: Path, tmp_path: Path) -> None:
    args = ["investigate", "--instance", MARKET, "--no-screens", "--output", str(tmp_path)]
    result = opsconsole(*args, "--json", env=_own_state(tmp_path))
    assert result.returncode in (0, 1), result.stderr
    found = json.loads(result.stdout)
    assert Path(found["folder"]).parent == tmp_path and Path(found["folder"]).is_dir()
    assert found["attention"] == (result.returncode == 1)
    assert all({"severity", "title", "detail", "evidence"} == set(f) for f in found["findings"])
    assert "gathered" not in result.stderr and "\x1b" not in result.stderr
    status, out, terminal = _on_a_terminal([*args, "--json"], _own_state(tmp_path))
    assert status in (0, 1), terminal
    assert "gathered" in terminal and "2/2" in terminal  # the evidence, then the bundle
    assert Path(json.loads(out)["folder"]).is_dir()


@pytest.mark.lab
def test_redis_audit_progress_only_on_a_terminal(lab_dir: Path, tmp_path: Path) -> None:
    args = ["redis-audit", "--instance", MARKET, "--json", "--time-budget", "2"]
    piped = opsconsole(*args, env=_own_state(tmp_path))
    assert piped.returncode in (0, 1), piped.stderr
    assert (
        "scanning" not in piped.stderr and "\x1b" not in piped.stderr and "\r" not in piped.stderr
    )
    assert json.loads(piped.stdout)["instance"] == MARKET
    status, out, terminal = _on_a_terminal(args, _own_state(tmp_path))
    assert status in (0, 1), terminal
    assert "scanning (seconds of the time budget)" in terminal and "/2" in terminal
    assert json.loads(out)["instance"] == MARKET  # the progress never reaches stdout


@pytest.mark.lab
def test_report_health_progress_counts_the_sweep_on_a_terminal(
    lab_dir: Path, tmp_path: Path
) -> None:
    args = ["report", "health", "--json", "--output", str(tmp_path / "reports")]
    status, out, terminal = _on_a_terminal(args, _own_state(tmp_path))
    total = json.loads(out)["summary"]["total"]
    assert status in (0, 1), terminal
    assert "swept" in terminal and f"/{total}" in terminal
    piped = opsconsole(*args, env=_own_state(tmp_path))
    assert "swept" not in piped.stderr and "\x1b" not in piped.stderr


@pytest.mark.lab
async def test_fleet_digest_tells_each_slow_log_read_then_the_digest(data: DataLayer) -> None:
    from console.services.slow_digest.logs import fleet_digest, slow_log_instances

    told: list[tuple[str, int, int]] = []
    until = datetime.now(UTC)
    fleet = await data.fleet()
    total = len(slow_log_instances(fleet))
    digest = await fleet_digest(
        data, until - timedelta(minutes=5), until, 5, fleet, lambda *step: told.append(step)
    )
    assert digest.asked == total > 1
    read = [done for what, done, of in told if what == "slow logs read" and of == total]
    assert read == list(range(total + 1))  # 0 first, then one per log, in the order they came
    assert told[-1] == ("digested", total, total)


@pytest.mark.lab
def test_check_counts_the_sweep_on_a_terminal_only(lab_dir: Path, tmp_path: Path) -> None:
    status, out, terminal = _on_a_terminal(["check", "--json"], _own_state(tmp_path))
    total = len(json.loads(out))
    assert status in (0, 1), terminal
    assert "checked" in terminal and f"{total}/{total}" in terminal
    piped = opsconsole("check", "--json", env=_own_state(tmp_path))
    assert "checked" not in piped.stderr and "\x1b" not in piped.stderr
