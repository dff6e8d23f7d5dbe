"""Files a team shares or each member keeps (issue 13, items 2 and 3), on a real disk.

The paid-call cache in a group-writable folder must leave every file it makes writable by the
folder's group whatever the member's umask (the next member takes the same lock and counts on
the same day's file); the query history of one member is appended, so two sessions keep both.
The Cost Explorer call here is a local coroutine: these tests are about the files; the
two-user lab test (tests/test_team_lab.py) asks moto's Cost Explorer for real.
"""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.data.aws.costcache import Charge, PaidCallCache
from console.services.query import HISTORY_SIZE, append_history, load_history


@pytest.fixture
def strict_umask() -> Iterator[None]:
    """A bastion's umask 077: nothing the process creates is group-readable by default."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _other_group() -> int:
    """A group that is not this user's own, so 'the folder's group' is visible in the test."""
    for name in ("users", "nogroup", "staff"):
        try:
            gid = grp.getgrnam(name).gr_gid
        except KeyError:
            continue
        if gid != os.getgid():
            return gid
    pytest.skip("no second group on this machine")


def _cache(folder: Path) -> PaidCallCache:
    return PaidCallCache(folder, ttl_s=3600, budget_usd=1.0, price_usd=0.01)


async def _paid(charge: Charge) -> dict[str, Any]:
    await charge()
    return {"total": 12.5}


@pytest.mark.parametrize("setgid", [True, False], ids=["setgid", "plain"])
async def test_a_shared_cache_folder_keeps_every_file_its_groups(
    tmp_path: Path, strict_umask: None, setgid: bool
) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a folder another group needs root")
    team = tmp_path / "team-cache"
    team.mkdir()
    gid = _other_group()
    os.chown(team, -1, gid)
    team.chmod(0o2770 if setgid else 0o770)
    cache = _cache(team / "ce")  # a folder the console makes inside the shared one
    answer, cached = await cache.get({"op": "GetCostAndUsage", "days": 7}, _paid)
    assert (answer, cached) == ({"total": 12.5}, False)
    made = sorted(path.name for path in (team / "ce").iterdir())
    assert made == [
        next(n for n in made if n.startswith("ce-")),
        next(n for n in made if n.startswith("paid-calls-2")),
        "paid-calls.lock",
    ]
    folder = (team / "ce").stat()
    assert (stat.S_IMODE(folder.st_mode), folder.st_gid) == (0o2770, gid)
    for path in (team / "ce").iterdir():
        info = path.stat()
        assert (path.name, stat.S_IMODE(info.st_mode), info.st_gid) == (path.name, 0o660, gid)
    again, cached = await _cache(team / "ce").get({"op": "GetCostAndUsage", "days": 7}, _paid)
    assert (again, cached) == ({"total": 12.5}, True)
    assert (await _cache(team / "ce").snapshot()).today_calls == 1


async def test_a_private_cache_folder_keeps_the_users_umask(
    tmp_path: Path, strict_umask: None
) -> None:
    cache = _cache(tmp_path / "mine")
    await cache.get({"op": "GetCostAndUsage"}, _paid)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "mine").iterdir()}
    assert modes == {0o600}


def test_history_is_appended_so_two_sessions_of_one_user_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "state" / "history-mysql.txt"
    first_session, second_session = ["SELECT 1", "SELECT 3"], ["SELECT 2"]
    append_history(path, first_session[0])
    append_history(path, second_session[0])  # another console of the same user, in between
    append_history(path, first_session[1])
    assert load_history(path) == ["SELECT 1", "SELECT 2", "SELECT 3"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entries = ["SELECT 1", "SELECT 2", "SELECT 3"]
    for number in range(2 * HISTORY_SIZE):
        entries.append(f"SELECT {number + 10}")
        append_history(path, entries[-1])
    kept = load_history(path)  # trimmed to the last HISTORY_SIZE once past twice that
    assert HISTORY_SIZE <= len(kept) < 2 * HISTORY_SIZE
    assert kept == entries[-len(kept) :]
