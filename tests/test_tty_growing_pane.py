"""A pane grows when its reading arrives late, in a real terminal (tmux), not only in run_test.

The console opens straight on a MariaDB instance's Overview while every byte to and from the
server goes through bench/delay_proxy.py (a TCP proxy adding DELAY_MS per chunk), so the first
reading arrives seconds after the first layout: the pane shows one line ("loading…") first, and
must then grow to the seven rows of the server panel. Once it stayed one line high for 20 s
on a busy machine (the panel's height was measured at first layout and never again).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.lab import topology

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import delay_proxy  # noqa: E402

INSTANCE = "aws-luckyus-salesorder-rw"
DELAY_MS = 400
ROWS = ("version", "uptime", "connections", "running", "QPS", "cache hit", "replication")


def _config(tmp_path: Path, lab_dir: Path, port: int) -> Path:
    """config.toml with the lab's MariaDB behind the proxy, lab secrets by absolute path."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace(f"port = {topology.MARIADB_PORT}", f"port = {port}")
    text = text.replace("file:.lab/", f"file:{lab_dir.resolve()}/")
    text = re.sub(r"(?m)^connect_s = .*$", "connect_s = 20.0", text)
    text = re.sub(r"(?m)^query_s = .*$", "query_s = 30.0", text)
    text = text.replace('output_dir = "output"', f'output_dir = "{tmp_path}"')
    text = text.replace('audit_log = "output/audit.jsonl"', f'audit_log = "{tmp_path}/a.jsonl"')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mariadb_behind_proxy() -> Iterator[int]:
    proxy, [port] = delay_proxy.start([(topology.HOST, topology.MARIADB_PORT, DELAY_MS)])
    yield port
    proxy.terminate()
    proxy.wait(timeout=10)


def _capture(session: str) -> str:
    done = subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False
    )
    return done.stdout


def _wait_screen(session: str, wanted: str, within_s: float) -> str:
    """Capture the pane until `wanted` (a regex) shows; the last capture either way."""
    deadline = time.monotonic() + within_s
    screen = _capture(session)
    while not re.search(wanted, screen) and time.monotonic() < deadline:
        time.sleep(0.2)  # noqa: TID251 - a test driving another process, no event loop here
        screen = _capture(session)
    return screen


def _panel_rows(screen: str) -> list[str]:
    """The labels of the server panel's rows on a captured screen."""
    return [label for label in ROWS if re.search(rf"│ {re.escape(label)} ", screen)]


def test_overview_grows_when_its_late_reading_arrives(
    tmp_path: Path, lab_dir: Path, mariadb_behind_proxy: int
) -> None:
    config = _config(tmp_path, lab_dir, mariadb_behind_proxy)
    session = f"opsconsole-grow-{uuid.uuid4().hex[:8]}"
    env = f"PYTHONPATH={ROOT} OPSCONSOLE_PROFILE=lab TERM=xterm-256color"
    command = (
        f"env {env} {sys.executable} -m console --config {config} "
        f"--instance {INSTANCE} --pane overview"
    )
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "50", command],
        check=True,
        env={**os.environ, "TMUX": ""},
    )
    try:
        early = _wait_screen(session, r"loading…", 30)
        assert "loading…" in early and _panel_rows(early) == [], early
        late = _wait_screen(session, r"│ replication ", 60)
        assert _panel_rows(late) == list(ROWS), late
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
