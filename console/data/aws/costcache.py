"""The paid-call cache: every Cost Explorer request costs $0.01, so each is made once at most.

Answers are kept on disk for a TTL, keyed by a hash of the request; identical requests in flight
share one call (one asyncio task); every paid request is counted (this session, and today in a
per-day file shared by every console process) and refused once today's spend would pass the
daily budget. Disk work runs in a thread; the counter is readable as a `PaidCalls` model.

One budget for a team: when the folder is group-writable (e.g. `install -d -m 2770 -g dba`),
every file and folder made there is the folder's group and 0660/2770, so each member reads the
others' answers, takes the same lock and counts on the same day's file.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.data.aws_models import PaidCalls
from console.filelock import locked

Charge = Callable[[], Awaitable[None]]
"""Awaited by the caller right before each paid request; raises BudgetExceededError past budget."""


class BudgetExceededError(Exception):
    """Today's paid calls would pass the configured daily budget: the call is not made."""


def request_key(request: Mapping[str, Any]) -> str:
    """A stable hash of a request (operation and parameters)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:40]


def utc_day() -> str:
    return datetime.now(UTC).date().isoformat()


class PaidCallCache:
    """Disk cache + in-flight sharing + counter + daily budget for one kind of paid call."""

    def __init__(
        self,
        directory: Path,
        *,
        ttl_s: float,
        budget_usd: float,
        price_usd: float,
        day: Callable[[], str] = utc_day,
    ) -> None:
        self.directory = directory
        self.ttl_s = ttl_s
        self.budget_usd = budget_usd
        self.price_usd = price_usd
        self._day = day
        self._inflight: dict[str, asyncio.Task[Any]] = {}
        self.session_calls = 0
        self.session_cached = 0
        self._today: tuple[str, int, float] = (day(), 0, 0.0)

    async def get(
        self, request: Mapping[str, Any], call: Callable[[Charge], Awaitable[Any]]
    ) -> tuple[Any, bool]:
        """(answer, from_cache): the cached answer, a shared in-flight one, or `call(charge)`.

        The answer must be JSON-serialisable. A failed call is not cached.
        """
        key = request_key(request)
        cached = await asyncio.to_thread(self._read, key)
        if cached is not None:
            self.session_cached += 1
            return cached, True
        task = self._inflight.get(key)
        if task is not None:
            answer = await asyncio.shield(task)
            self.session_cached += 1
            return answer, True
        task = asyncio.ensure_future(self._call_and_store(key, request, call))
        self._inflight[key] = task
        task.add_done_callback(lambda _done: self._inflight.pop(key, None))
        return await asyncio.shield(task), False

    async def _call_and_store(
        self, key: str, request: Mapping[str, Any], call: Callable[[Charge], Awaitable[Any]]
    ) -> Any:
        answer = await call(self.charge)
        await asyncio.to_thread(self._write, key, request, answer)
        return answer

    async def charge(self) -> None:
        """Count one paid request, or raise BudgetExceededError (nothing is counted then)."""
        day, calls, usd = await asyncio.to_thread(self._charge_today)
        self._today = (day, calls, usd)
        self.session_calls += 1

    def counter(self) -> PaidCalls:
        """The counter as last seen by this process (no I/O)."""
        day, calls, usd = self._today
        if day != self._day():
            calls, usd = 0, 0.0
        return PaidCalls(
            session_calls=self.session_calls,
            session_cached=self.session_cached,
            session_usd=round(self.session_calls * self.price_usd, 4),
            today_calls=calls,
            today_usd=usd,
            budget_usd=self.budget_usd,
        )

    async def snapshot(self) -> PaidCalls:
        """The counter with today's figures re-read from disk (other processes count too)."""
        day = self._day()
        calls, usd = await asyncio.to_thread(self._read_day, day)
        self._today = (day, calls, usd)
        return self.counter()

    # --- disk (run in a thread) ---------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self.directory / f"ce-{key}.json"

    def _read(self, key: str) -> Any | None:
        path = self._path(key)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or time.time() - float(stored.get("at", 0)) > self.ttl_s:
            return None
        return stored.get("answer")

    def _write(self, key: str, request: Mapping[str, Any], answer: Any) -> None:
        record = {"at": time.time(), "request": request, "answer": answer}
        write_shared(self._path(key), json.dumps(record, default=str))

    def _day_path(self, day: str) -> Path:
        return self.directory / f"paid-calls-{day}.json"

    def _read_day(self, day: str) -> tuple[int, float]:
        try:
            stored = json.loads(self._day_path(day).read_text(encoding="utf-8"))
            return int(stored["calls"]), float(stored["usd"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    def _charge_today(self) -> tuple[str, int, float]:
        day = self._day()
        with shared_lock(self.directory):
            calls, usd = self._read_day(day)
            if usd + self.price_usd > self.budget_usd + 1e-9:
                raise BudgetExceededError(
                    f"daily Cost Explorer budget reached: {calls} calls, ${usd:.2f} of "
                    f"${self.budget_usd:.2f} spent today (UTC); each call costs "
                    f"${self.price_usd:.2f}. Cached answers still show; raise "
                    "[aws] cost_daily_budget_usd to allow more"
                )
            calls, usd = calls + 1, round(usd + self.price_usd, 4)
            record = json.dumps({"day": day, "calls": calls, "usd": usd})
            write_shared(self._day_path(day), record)
        return day, calls, usd


def shared_lock(directory: Path) -> contextlib.AbstractContextManager[None]:
    """The counters' lock in the cache folder (made with the folder's group and mode, so every
    member of a team's shared folder takes the same one): Cost Explorer's paid calls and Logs
    Insights' bytes scanned (console/data/aws/scancount.py) are counted under it."""
    lock = directory / "paid-calls.lock"
    _make_folder(directory)
    with contextlib.suppress(FileExistsError):
        os.close(_create(lock, os.O_EXCL))  # the folder's group and mode, for every member
    return locked(lock)


def _shared(directory: Path) -> os.stat_result | None:
    """The folder's status when it is group-writable (a team's shared cache), else None."""
    try:
        info = directory.stat()
    except OSError:
        return None
    return info if info.st_mode & stat.S_IWGRP else None


def _make_folder(directory: Path) -> None:
    """Create the cache folder; under a shared parent it is the parent's group and 2770."""
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    parent = _shared(directory.parent)
    if parent is not None:
        with contextlib.suppress(OSError):  # not a member of the parent's group
            os.chown(directory, -1, parent.st_gid)
        os.chmod(directory, 0o2770)


def _create(path: Path, flags: int = os.O_TRUNC) -> int:
    """Open a file for writing; one this user owns in a shared folder gets the folder's group
    (setgid or not) and 0660, whatever the member's umask; elsewhere as before (umask)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | flags, 0o666)
    shared = _shared(path.parent)
    if shared is not None and os.fstat(descriptor).st_uid == os.geteuid():
        with contextlib.suppress(OSError):  # not a member of the folder's group: keep our own
            os.fchown(descriptor, -1, shared.st_gid)
        os.fchmod(descriptor, 0o660)
    return descriptor


def write_shared(path: Path, text: str) -> None:
    """Write `text` to a temporary file and rename it over `path` (a reader never sees half
    of it; any member may replace a file another one wrote)."""
    _make_folder(path.parent)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    with os.fdopen(_create(temporary), "w", encoding="utf-8") as handle:
        handle.write(text)
    try:
        os.replace(temporary, path)
    except PermissionError:  # a sticky folder: only its owner may replace it, all may write
        temporary.unlink(missing_ok=True)
        with os.fdopen(_create(path), "w", encoding="utf-8") as handle:
            handle.write(text)
