"""Today's paid Cost Explorer calls on a real disk: the day's file a team shares, as the
console before DayTally wrote it, and the last call the budget allows raced for by processes.

Why no AWS here: these are about the day's file and its lock; the call itself is not made
(`charge` is what runs right before each paid request). tests/aws/test_cost.py asks the lab's
Cost Explorer for real.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from console.data.aws.costcache import BudgetExceededError, PaidCallCache
from console.data.aws.sharedfolder import shared_lock

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-12-05"
REFUSED = (
    "daily Cost Explorer budget reached: {calls} calls, ${usd} of ${budget} spent today (UTC); "
    "each call costs $0.01. Cached answers still show; raise [aws] cost_daily_budget_usd to "
    "allow more"
)
CHARGE_ONCE = """
import asyncio, sys
from pathlib import Path
from console.data.aws.costcache import BudgetExceededError, PaidCallCache
cache = PaidCallCache(Path(sys.argv[1]), ttl_s=0, budget_usd=float(sys.argv[3]),
                      price_usd=0.01, day=lambda: sys.argv[2])
try:
    asyncio.run(cache.charge())
except BudgetExceededError as refused:
    print(refused)
else:
    print("charged")
"""


def cache(folder: Path, budget_usd: float) -> PaidCallCache:
    return PaidCallCache(folder, ttl_s=0, budget_usd=budget_usd, price_usd=0.01, day=lambda: DAY)


def day_file(folder: Path) -> Path:
    return folder / f"paid-calls-{DAY}.json"


def write_old_day(folder: Path, calls: int, usd: float) -> None:
    """The day's file as the console before DayTally wrote it (its keys, in its order)."""
    folder.mkdir(parents=True, exist_ok=True)
    day_file(folder).write_text(json.dumps({"day": DAY, "calls": calls, "usd": usd}))


async def test_a_day_file_the_previous_version_wrote_is_read_and_counted_on(
    tmp_path: Path,
) -> None:
    write_old_day(tmp_path, 7, 0.07)  # a teammate's calls today, before the upgrade
    costs = cache(tmp_path, budget_usd=0.08)
    seen = await costs.snapshot()
    assert (seen.today_calls, seen.today_usd, seen.session_calls) == (7, 0.07, 0)
    await costs.charge()
    assert (costs.counter().today_calls, costs.counter().today_usd) == (8, 0.08)
    stored = json.loads(day_file(tmp_path).read_text())
    assert stored == {"day": DAY, "calls": 8, "usd": 0.08}  # still what the old version reads
    with pytest.raises(BudgetExceededError) as refused:
        await costs.charge()
    assert str(refused.value) == REFUSED.format(calls=8, usd="0.08", budget="0.08")
    assert json.loads(day_file(tmp_path).read_text()) == stored  # a refusal counts nothing


def waiting_on(lock: Path) -> int:
    """How many processes wait for `lock` (the kernel's list: '-> FLOCK ... MAJ:MIN:INODE')."""
    inode = f":{lock.stat().st_ino}"
    lines = Path("/proc/locks").read_text().splitlines()
    return sum(1 for line in lines if "->" in line.split() and line.split()[-3].endswith(inode))


async def test_processes_racing_for_the_last_allowed_call_let_exactly_one_make_it(
    tmp_path: Path,
) -> None:
    if not os.path.exists("/proc/locks"):  # noqa: ASYNC240 (a stat, before anything runs)
        pytest.skip("needs Linux's /proc/locks to see the processes wait")
    write_old_day(tmp_path, 1, 0.01)  # one call left of a $0.02 budget
    racers = 4
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = (sys.executable, "-c", CHARGE_ONCE, str(tmp_path), DAY, "0.02")
    pipe = asyncio.subprocess.PIPE
    with shared_lock(tmp_path):  # held until every racer waits for it: they all go at once
        runs = [
            await asyncio.create_subprocess_exec(*argv, stdout=pipe, stderr=pipe, env=env)
            for _ in range(racers)
        ]
        for _ in range(1200):  # each racer starts Python and imports the console first
            if waiting_on(tmp_path / "paid-calls.lock") == racers:
                break
            await asyncio.sleep(0.05)
        assert waiting_on(tmp_path / "paid-calls.lock") == racers
    answers = [await run.communicate() for run in runs]
    said = sorted(out.decode().strip() for out, _err in answers)
    assert said == [
        "charged",
        *[REFUSED.format(calls=2, usd="0.02", budget="0.02")] * (racers - 1),
    ], [err.decode()[-400:] for _out, err in answers]
    stored = json.loads(day_file(tmp_path).read_text())
    assert (stored["calls"], stored["usd"]) == (2, 0.02)
