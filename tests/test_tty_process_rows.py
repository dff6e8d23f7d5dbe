"""Sessions that come and go leave no stale line in a real terminal (tmux), at 200x50 and 80x24.

The processes pane repaints only the lines that moved (`KeyedTable._refresh_moved`) and only the
title's line for a new count (`KeyedTable._retitle`). A line it forgot would stay on the
terminal as a ghost row: a session that ended still shown, or an old count in the title. Here
the real console runs on the lab's MariaDB while the test starts and ends statements of its own
(beside the lab's workload), and every captured screen must agree with itself: the rows shown
are the count the title gives (or fill the pane), no id twice, nothing below the last row.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from console.lab import clients
from console.lab.layout import Layout

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = "aws-luckyus-salesorder-rw"
ROW = re.compile(r"^│ (?:◆ )?(\d+) ")
TITLE = re.compile(r"processes · (\d+)(?: of \d+)?")


def _config(tmp_path: Path, lab_dir: Path) -> Path:
    """config.toml with a 1 s refresh, lab secrets by absolute path, files in tmp_path."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace("file:.lab/", f"file:{lab_dir.resolve()}/")
    text = re.sub(r"(?m)^refresh_s = .*$", "refresh_s = 1.0", text)
    text = text.replace('output_dir = "output"', f'output_dir = "{tmp_path}"')
    text = text.replace('audit_log = "output/audit.jsonl"', f'audit_log = "{tmp_path}/a.jsonl"')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def _capture(session: str) -> list[str]:
    done = subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False
    )
    return done.stdout.splitlines()


def _problem(screen: list[str]) -> str | None:
    """What is wrong with one captured processes pane, or None when it agrees with itself."""
    titles = [i for i, line in enumerate(screen) if TITLE.search(line)]
    if not titles:
        return "no processes title"
    top = titles[0]
    bottom = next((i for i in range(top + 1, len(screen)) if screen[i].startswith("╰")), None)
    if bottom is None:
        return "no bottom border"
    title = TITLE.search(screen[top])
    assert title is not None
    count = int(title[1])
    body = [  # below the column header; not the horizontal scrollbar's line (80 columns)
        line
        for line in screen[top + 2 : bottom]
        if ROW.match(line) or not any("\u2580" <= ch <= "\u259f" for ch in line)
    ]
    ids = [m[1] for line in body if (m := ROW.match(line))]
    if len(set(ids)) != len(ids):
        return f"an id shown twice: {ids}"
    if len(ids) != min(count, len(body)):
        return f"title says {count}, {len(ids)} rows shown in {len(body)} lines"
    below = body[len(ids) :]
    if any(line.strip("│ ") for line in below):
        return f"a stale line below the last row: {[ln for ln in below if ln.strip('│ ')]}"
    return None


@pytest.mark.parametrize("size", ["200x50", "80x24"])
def test_rows_that_come_and_go_leave_no_ghost_line(
    tmp_path: Path, lab_dir: Path, size: str
) -> None:
    config = _config(tmp_path, lab_dir)
    width, height = size.split("x")
    session = f"opsconsole-rows-{uuid.uuid4().hex[:8]}"
    env = f"PYTHONPATH={ROOT} OPSCONSOLE_PROFILE=lab TERM=xterm-256color"
    command = (
        f"env {env} {sys.executable} -m console --config {config} "
        f"--instance {INSTANCE} --pane processes"
    )
    layout = Layout(lab_dir.absolute())
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", width, "-y", height, command],
        check=True,
        env={**os.environ, "TMUX": ""},
    )
    statements: list[subprocess.Popen[bytes]] = []
    try:
        deadline = time.monotonic() + 60
        while _problem(_capture(session)) == "no processes title" and time.monotonic() < deadline:
            time.sleep(0.3)  # noqa: TID251 - a test driving another process, no event loop here
        seen: list[list[str]] = []
        for step in range(12):
            # statements of 1-3 s started every poll or so: rows come, go and move each poll
            sql = f"SELECT SLEEP({1 + step % 3}) /* tty rows {step} */"
            statements.append(
                subprocess.Popen(
                    clients.mysql_argv(layout, "app", "-e", sql),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            time.sleep(0.9)  # noqa: TID251
            screen = _capture(session)
            if _problem(screen) is not None:  # maybe caught mid-frame: the next capture decides
                time.sleep(0.3)  # noqa: TID251
                screen = _capture(session)
            assert _problem(screen) is None, (_problem(screen), "\n".join(screen))
            seen.append(screen)
        shown = {tuple(m[1] for ln in screen if (m := ROW.match(ln))) for screen in seen}
        assert len(shown) > 3, "the rows never changed: the test saw nothing come or go"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
        for statement in statements:
            statement.wait(timeout=10)
