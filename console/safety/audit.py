"""The audit log: one JSON line per statement or command the console executed, append-only,
each line chained to the one before it by a hash.

Who ran what, where, how it was classified and confirmed, and what came of it, kept even when
the console crashes mid-session. Statement and error texts are redacted and masked before they
are written, so the log never holds a password or unmasked PII.

Two places: one private file (`[console] audit_log`, 0600 in a 0700 folder), or the team's
folder (`[console] audit_dir`, sticky and group-writable, made by an admin) holding one file per
Unix user, created 0640 in the folder's group, so every member reads all and writes only their
own. Why the chain: each line carries `prev`, the SHA-256 of the previous line's bytes (the
first line: of a per-file anchor), and `hash`, the SHA-256 of its own text before that field,
so `opsconsole audit verify` finds an edited, removed or reordered line (see
console/services/audit_trail.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import getpass
import hashlib
import json
import os
import stat
import syslog
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from console.errors import ConsoleError
from console.safety.scrub import scrub

if TYPE_CHECKING:
    from console.config import ConsoleOptions

FILE_MODE = 0o600
DIR_MODE = 0o700
TEAM_FILE_MODE = 0o640
"""A member's own file in the team folder: the group reads it, only its owner appends."""
TEAM_FOLDER_HELP = "sudo install -d -m 1770 -g TEAM_GROUP {folder}"
HASH_KEY = "hash"
_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
_TAIL_CHUNK = 8192


class AuditError(ConsoleError):
    """The audit line cannot be written (the team folder is missing, not writable, or the
    file is not the user's own): nothing runs unaudited, so the action fails with this text."""


def current_user() -> str:
    """The OS user running the console (uid:N when the system cannot name it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def user_file_name(user: str) -> str:
    """A member's file in the team folder (`alice.jsonl`; never a path separator)."""
    return user.replace("/", "_").lstrip(".") + ".jsonl"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_anchor(path: Path) -> str:
    """What the first line of a file records as `prev`: bound to the file's name, so a
    member's file renamed to another's, or a first line removed, is found."""
    return sha256_hex(b"opsconsole-audit:" + path.name.encode("utf-8", "surrogateescape"))


def seal(fields: dict[str, object]) -> bytes:
    """The line of `fields` (which end with `prev`), closed by `hash`: the SHA-256 of the
    line's text up to that key (ASCII only: no raw U+2028 or line break a reader would split)."""
    body = json.dumps(fields, ensure_ascii=True)
    closed = f'{body[:-1]}, "{HASH_KEY}": "{sha256_hex(body.encode("ascii"))}"}}'
    return closed.encode("ascii")


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
    """Appends one chained JSON object per line to `path`.

    Each record is appended under an exclusive lock on the file (flock), after reading the last
    line to chain to, and written with one write(2) on an O_APPEND descriptor: lines from
    concurrent consoles never interleave, never fork the chain, and earlier lines are never
    rewritten. `team`: `path` is the user's own file in the team's folder (the folder is the
    admin's: never created nor chmodded here). `to_syslog`: each line also goes to syslog
    (facility authpriv).
    """

    def __init__(self, path: Path, *, team: bool = False, to_syslog: bool = False) -> None:
        self.path = path
        self.team = team
        self.to_syslog = to_syslog
        self._user = current_user()

    @classmethod
    def for_console(cls, path: Path, options: ConsoleOptions) -> AuditLog:
        """The log `[console]` configures: the team folder's file when `audit_dir` is set."""
        return cls(path, team=bool(options.audit_dir), to_syslog=options.audit_syslog)

    def record(self, entry: AuditEntry) -> None:
        """Append one record (blocking file I/O: on the event loop, await `arecord`)."""
        fields: dict[str, object] = {
            "at": "",  # stamped under the lock: a file's lines are in time order
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
        line = self._append(fields)
        if self.to_syslog:
            syslog.openlog("opsconsole", syslog.LOG_PID, syslog.LOG_AUTHPRIV)
            syslog.syslog(syslog.LOG_NOTICE, line.decode("ascii"))

    def ready(self) -> None:
        """Open (creating if new) the file as `record` will, writing nothing, and raise now
        (AuditError for the team folder, OSError otherwise) rather than after a statement ran:
        the start-up check of a team folder, and the check before a change is sent, which is
        sent only when its audit line can be written (blocking I/O)."""
        os.close(self._open())

    async def arecord(self, entry: AuditEntry) -> None:
        """`record` in a worker thread, for callers on the event loop."""
        await asyncio.to_thread(self.record, entry)

    def _append(self, fields: dict[str, object]) -> bytes:
        """Chain and write one whole line; the file is opened (never followed if a symlink)
        each time. Returns the line written (without its newline)."""
        descriptor = self._open()
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            last, ends_whole = _last_line(descriptor)
            fields["at"] = datetime.now(UTC).isoformat(timespec="microseconds")
            fields["prev"] = chain_anchor(self.path) if last is None else sha256_hex(last)
            line = seal(fields)
            data = line + b"\n" if ends_whole else b"\n" + line + b"\n"  # after a torn line
            written = os.write(descriptor, data)
            while written < len(data):  # a short write: finish the line rather than lose it
                written += os.write(descriptor, data[written:])
            return line
        finally:
            os.close(descriptor)  # releases the lock

    def _open(self) -> int:
        if not self.team:
            self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            descriptor = os.open(self.path, _FLAGS, FILE_MODE)
            if os.fstat(descriptor).st_mode & 0o077:
                os.fchmod(descriptor, FILE_MODE)
            return descriptor
        folder = self.path.parent
        try:
            descriptor = os.open(self.path, _FLAGS, TEAM_FILE_MODE)
        except FileNotFoundError:
            raise AuditError(_folder_problem(folder, "does not exist")) from None
        except OSError as exc:
            raise AuditError(_open_problem(self.path, exc)) from None
        try:
            _own_team_file(descriptor, self.path)
        except BaseException:
            os.close(descriptor)
            raise
        return descriptor


def _folder_problem(folder: Path, problem: str) -> str:
    command = TEAM_FOLDER_HELP.format(folder=folder)
    return (
        f"audit folder {folder} (config [console] audit_dir) {problem}: an admin creates it "
        f"sticky and group-writable for the team ({command}) and adds you to that group"
    )


def _open_problem(path: Path, exc: OSError) -> str:
    """Why the user's own file cannot be opened: planted by someone else (a file of theirs,
    or a symlink), else the folder refuses."""
    try:
        planted = path.lstat()
    except OSError:
        planted = None
    if planted is not None and stat.S_ISLNK(planted.st_mode):
        return f"audit file {path} is a symlink: an admin removes it (never followed)"
    if planted is not None and planted.st_uid != os.geteuid():
        return _not_yours(path, planted.st_uid)
    if isinstance(exc, PermissionError):
        return _folder_problem(path.parent, "is not writable by you")
    return f"audit file {path}: {exc.strerror or exc}"


def _not_yours(path: Path, uid: int) -> str:
    return (
        f"audit file {path} belongs to uid {uid}, not to you: an admin removes it "
        "(someone else created your file)"
    )


def _own_team_file(descriptor: int, path: Path) -> None:
    """The user's own file, in the folder's group, readable by the team and by nobody else
    writable; one someone else created under this name is refused, never written into."""
    status = os.fstat(descriptor)
    if status.st_uid != os.geteuid():
        raise AuditError(_not_yours(path, status.st_uid))
    group = os.stat(path.parent).st_gid
    if status.st_gid != group:
        with contextlib.suppress(PermissionError):  # not a member: the folder's mode decides
            os.fchown(descriptor, -1, group)
    if stat.S_IMODE(status.st_mode) not in (TEAM_FILE_MODE, 0o644):
        os.fchmod(descriptor, TEAM_FILE_MODE)


def _last_line(descriptor: int) -> tuple[bytes | None, bool]:
    """The file's last line without its newline (None: the file is empty), and whether the
    file ends with a newline (False: the last line was torn, by a crash or by hand)."""
    end = os.lseek(descriptor, 0, os.SEEK_END)
    if end == 0:
        return None, True
    tail = b""
    position = end
    while position > 0:
        step = min(_TAIL_CHUNK, position)
        position -= step
        tail = os.pread(descriptor, step, position) + tail
        cut = tail.rfind(b"\n", 0, len(tail) - 1)
        if cut >= 0:
            tail = tail[cut + 1 :]
            break
    ends_whole = tail.endswith(b"\n")
    return (tail[:-1] if ends_whole else tail), ends_whole
