"""The audit log: one JSON line per statement or command the console executed, append-only.

Who ran what, where, how it was classified and confirmed, and what came of it, kept even when
the console crashes mid-session. Statement and error texts are redacted and masked before they
are written, so the log never holds a password or unmasked PII.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from console.safety.scrub import scrub

FILE_MODE = 0o600
DIR_MODE = 0o700
_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)


def current_user() -> str:
    """The OS user running the console (uid:N when the system cannot name it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What one audit line says about one statement or command (texts masked on writing)."""

    instance: str
    env: str
    statement: str
    classification: str
    confirmations: int
    outcome: str  # "ok", "refused", "failed", "cancelled"
    rows: int | None = None
    error: str | None = None


class AuditLog:
    """Appends one JSON object per line to `path` (created 0600, in a 0700 folder if new).

    Each record is a single write(2) on a descriptor opened with O_APPEND, so lines from
    concurrent consoles never interleave and earlier lines are never rewritten.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._user = current_user()

    def record(self, entry: AuditEntry) -> None:
        """Append one record (blocking file I/O: on the event loop, await `arecord`)."""
        fields = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "user": self._user,
            "instance": entry.instance,
            "env": entry.env,
            "statement": scrub(entry.statement),
            "classification": entry.classification,
            "confirmations": entry.confirmations,
            "outcome": entry.outcome,
            "rows": entry.rows,
            "error": None if entry.error is None else scrub(entry.error),
        }
        # ensure_ascii: no raw U+2028 or other line breaks that a line reader would split on
        self._append((json.dumps(fields, ensure_ascii=True) + "\n").encode("ascii"))

    async def arecord(self, entry: AuditEntry) -> None:
        """`record` in a worker thread, for callers on the event loop."""
        await asyncio.to_thread(self.record, entry)

    def check(self) -> None:
        """Open the log for appending as `record` does, writing nothing (blocking file I/O).

        Why: a change is sent only when its audit line can be written; this raises the
        OSError that `record` would, before anything runs.
        """
        self._append(b"")

    def _append(self, line: bytes) -> None:
        """One write of a whole line; the file is opened (never followed if a symlink) each time."""
        self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        descriptor = os.open(self.path, _FLAGS, FILE_MODE)
        try:
            if os.fstat(descriptor).st_mode & 0o077:
                os.fchmod(descriptor, FILE_MODE)
            written = os.write(descriptor, line)
            while written < len(line):  # a short write: finish the line rather than lose it
                written += os.write(descriptor, line[written:])
        finally:
            os.close(descriptor)
