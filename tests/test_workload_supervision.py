"""When the lab's workload ends by itself: its pid file gone or taken, or the lab down for a while.

No servers needed: a lab directory in tmp_path with pid files written by hand. A "server" that
runs is this test process itself, tracked the way the lab tracks its parts.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from console import cli
from console.lab import procs, workload
from console.lab.layout import Layout

ME = os.getpid()


@pytest.fixture
def lab(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path)
    layout.run.mkdir()
    return layout


def _track(lab: Layout, part: str, pid: int = ME) -> None:
    token = procs.cmdline(pid).split()[0]  # a token in the process's own command line
    procs.write_pidfile(lab.pid(part), pid, token)


def test_stops_when_its_pid_file_is_gone_or_names_another_process(lab: Layout) -> None:
    assert "pid file" in (workload.should_stop(lab, ME, []) or "")
    _track(lab, "workload", pid=1)
    assert "pid file" in (workload.should_stop(lab, ME, []) or "")


def test_runs_while_either_database_server_runs(lab: Layout) -> None:
    _track(lab, "workload")
    _track(lab, "postgres")  # MariaDB has no pid file: stopped by a fault test, say
    down_since: list[float] = [0.0]
    assert workload.should_stop(lab, ME, down_since) is None
    assert down_since == []  # the clock of "down" starts again


def test_stops_once_neither_server_ran_for_the_grace_time(
    lab: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    _track(lab, "workload")
    down_since: list[float] = []
    assert workload.should_stop(lab, ME, down_since) is None  # down just now: wait
    assert len(down_since) == 1
    monkeypatch.setattr(workload, "LAB_DOWN_S", 0.0)
    assert "the lab is down" in (workload.should_stop(lab, ME, down_since) or "")


def test_lab_workload_needs_on_or_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPSCONSOLE_LAB_DIR", str(tmp_path))
    assert cli.main(["lab", "workload"]) == 2
    assert cli.main(["lab", "workload", "maybe"]) == 2
    assert "expected on or off" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()  # refused before touching the lab
