"""Keep what was discovered: with Prometheus not answering, the last known Redis clusters stay.

The shared lab's Prometheus is never stopped: a copy of the settings points at a frozen socket
(a listening socket this test opens and never accepts from), and the state directory is a tmp
one, so nothing is read from or written to the user's own.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from console.app import OpsConsoleApp
from console.config import Settings
from console.data.layer import DataLayer
from console.screens.fleet import FleetScreen
from tests.helpers import LAB_SERVERS, server_records, servers, wait_until
from widgets.fleet_tree import FleetTree
from widgets.status_bar import StatusBar

pytestmark = pytest.mark.lab
ROOT = Path(__file__).resolve().parents[1]
LAB_PROMETHEUS = "http://127.0.0.1:19090"


@pytest.fixture
def frozen_port() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield int(sock.getsockname()[1])


def inventory(config: Path, state: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_STATE_HOME": str(state)}
    return subprocess.run(
        [sys.executable, "-m", "console", "--config", str(config), "inventory", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def config_copy(tmp_path: Path, name: str, prometheus: str) -> Path:
    text = (ROOT / "config.toml").read_text().replace(LAB_PROMETHEUS, prometheus)
    path = tmp_path / name
    path.write_text(text.replace("http_s = 5.0", "http_s = 1.0"))
    return path


def test_inventory_lists_the_kept_clusters_when_prometheus_does_not_answer(
    lab_dir: Path, tmp_path: Path, frozen_port: int
) -> None:
    state = tmp_path / "state"
    first = inventory(config_copy(tmp_path, "live.toml", LAB_PROMETHEUS), state)
    assert first.returncode == 0, first.stderr
    kept_file = state / "opsconsole" / "lab-prometheus-redis.json"
    assert stat.S_IMODE(kept_file.stat().st_mode) == 0o600
    live = [r for r in json.loads(first.stdout) if r["kind"] == "redis"]
    assert len(live) == 78 and {r["origin"] for r in live} == {"prometheus"}

    frozen = config_copy(tmp_path, "frozen.toml", f"http://127.0.0.1:{frozen_port}")
    result = inventory(frozen, state)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    redis = [r for r in rows if r["kind"] == "redis"]
    assert len(redis) == 78
    assert {r["origin"] for r in redis} == {"kept"}
    assert {r["name"] for r in redis} == {r["name"] for r in live}
    assert {r["discovered_at"] for r in redis} == {live[0]["discovered_at"]}
    assert all(r["age_s"] is not None and r["age_s"] >= 0 for r in redis)
    configured = [r for r in server_records(rows) if r["kind"] != "redis"]
    assert {r["origin"] for r in configured} == {"config"}
    assert all(r["discovered_at"] is None for r in configured)
    assert "Redis discovery from Prometheus failed (timeout" in result.stderr
    assert "showing the 78 Redis clusters kept from " in result.stderr
    assert " ago)" in result.stderr


async def test_the_fleet_shows_the_kept_list_at_once_with_its_age_and_the_reason(
    settings: Settings, tmp_path: Path, frozen_port: int
) -> None:
    console = msgspec.structs.replace(settings.console, state_dir=str(tmp_path / "state"))
    live = replace(settings, console=console)
    data = DataLayer(live)
    try:
        assert len((await data.fleet()).of_kind("redis")) == 78  # discovery once: kept
    finally:
        await data.close()
    monitoring = msgspec.structs.replace(
        settings.monitoring, prometheus=f"http://127.0.0.1:{frozen_port}"
    )
    app = OpsConsoleApp(replace(live, monitoring=monitoring))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, FleetScreen)
        tree = screen.query_one(FleetTree)
        await wait_until(pilot, lambda: len(servers(tree)) == LAB_SERVERS, within_s=3)
        assert not screen.discovered  # Prometheus has not answered: the kept list is shown
        kept = [ref for ref in tree._refs.values() if ref.kind == "redis"]
        assert len(kept) == 78 and {ref.origin for ref in kept} == {"kept"}
        assert all(ref.discovered_at is not None for ref in kept)
        assert all(ref.discovered_at <= datetime.now(UTC) for ref in kept if ref.discovered_at)
        notice = screen.query_one("#fleet-notice")
        status = screen.query_one(StatusBar)
        await wait_until(pilot, lambda: status.failing == ("prometheus discovery",), within_s=20)
        text = str(notice.render())
        assert "Redis discovery from Prometheus failed (timeout" in text
        assert "showing the 78 Redis clusters kept from" in text and "ago)" in text
        assert notice.display
        assert len(servers(tree)) == LAB_SERVERS
        await wait_until(pilot, lambda: len(tree._health) == len(tree._leaves), within_s=30)
        assert app.worker_errors == []
