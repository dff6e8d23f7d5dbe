"""Two members of the team on one jump host count Logs Insights' bytes scanned together.

Both run `opsconsole logs` as real Unix users with one config whose `[aws] cache_dir` is a
setgid folder of the team's group (as the README says to make it): the day's count is one file
there, made 0660 and the folder's group whatever the member's umask, so the second member's
run sees the first one's query. moto reports no bytes scanned, so the queries are what moves.
"""

from __future__ import annotations

import grp
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.lab import seed_logs
from tests.users import TEAM_GROUP, TeamUser

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def team_config(lab_dir: Path, team: tuple[TeamUser, TeamUser]) -> Iterator[Path]:
    """The repository's config (lab profile) in a folder of the team's group, its AWS cache
    a setgid group-writable folder beside it; removed afterwards."""
    gid = grp.getgrnam(TEAM_GROUP).gr_gid
    root = Path(tempfile.mkdtemp(prefix="opsc-logs-", dir="/tmp"))
    try:
        os.chown(root, 0, gid)
        root.chmod(0o750)
        cache = root / "aws-cache"
        cache.mkdir()
        os.chown(cache, 0, gid)
        cache.chmod(0o2770)
        text = (ROOT / "config.toml").read_text()
        assert 'cache_dir = "output/aws-cache"' in text
        config = root / "config.toml"
        config.write_text(text.replace('"output/aws-cache"', f'"{cache}"'))
        os.chown(config, 0, gid)
        config.chmod(0o640)
        yield config
    finally:
        shutil.rmtree(root)


def _logs(user: TeamUser, config: Path) -> dict[str, int]:
    """`logs --json` as `user`: the day's figures it printed."""
    done = user.opsconsole(
        "--config", str(config), "logs", "--group", seed_logs.ORDER_GROUP,
        "--query", "fields @message", "--since", "2d", "--limit", "3", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    budget: dict[str, int] = json.loads(done.stdout)["budget"]
    return budget


def test_two_members_count_on_the_same_days_file(
    team: tuple[TeamUser, TeamUser], team_config: Path
) -> None:
    alice, bob = team
    first = _logs(alice, team_config)
    second = _logs(bob, team_config)
    assert (first["today_queries"], second["today_queries"]) == (1, 2)
    assert first["budget_bytes"] == second["budget_bytes"] == 5 * 10**9
    [day] = (team_config.parent / "aws-cache").glob("logs-scanned-*.json")
    info = day.stat()
    assert stat.S_IMODE(info.st_mode) == 0o660
    assert info.st_gid == grp.getgrnam(TEAM_GROUP).gr_gid
    assert json.loads(day.read_text())["queries"] == 2
