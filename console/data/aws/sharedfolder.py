"""The AWS cache folder a team may share: its lock, and files every member can replace.

Why one module: the paid-call cache's answers (costcache.py) and the per-day counters
(daytally.py: Cost Explorer's paid calls, Logs Insights' bytes, CloudWatch's metrics) live in
one folder. When it is group-writable (e.g. `install -d -m 2770 -g dba`), every file and folder
made there is the folder's group and 0660/2770, so each member reads the others' files, takes
the same lock and counts on the same day's file. Blocking: callers on the event loop run these
in a thread.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from console.filelock import locked


def shared_lock(directory: Path) -> contextlib.AbstractContextManager[None]:
    """The counters' lock in the cache folder (made with the folder's group and mode, so every
    member of a team's shared folder takes the same one): every per-day counter
    (console/data/aws/daytally.py) is counted under it."""
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
