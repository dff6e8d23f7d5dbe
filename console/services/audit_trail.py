"""Reading the team's audit trail: every member's file merged in time order, filtered, and
each file's hash chain verified.

Why a service: `opsconsole audit tail|search|verify` only parse arguments and print; what a
line means, how files merge and what breaks a chain live here, beside nothing of the UI.
The chain is written by console/safety/audit.py: each line's `prev` is the SHA-256 of the
previous line's bytes (the first line's: of the file's anchor) and its `hash` the SHA-256 of
its own text up to that key.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.safety.audit import HASH_KEY, chain_anchor, sha256_hex

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_HASH_SUFFIX = re.compile(rb', "' + HASH_KEY.encode() + rb'": "([0-9a-f]{64})"\}$')


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One line of one member's file, as written (texts were scrubbed on writing)."""

    at: datetime
    user: str
    instance: str
    fields: dict[str, Any]
    file: Path
    line: int

    def as_json(self) -> dict[str, Any]:
        """The line's own fields (without the chain's hashes), plus where it was read."""
        shown = {k: v for k, v in self.fields.items() if k not in ("prev", HASH_KEY)}
        return {**shown, "file": str(self.file), "line": self.line}


@dataclass(frozen=True, slots=True)
class Problem:
    """One break in a file: the line it names (1-based) and what is wrong there."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """What `verify` found in one file: its lines, any leading lines written before the
    chain existed (not verifiable), and every break."""

    path: Path
    lines: int
    unchained: int = 0
    problems: tuple[Problem, ...] = ()
    unreadable: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.unreadable is None


@dataclass(frozen=True, slots=True)
class TrailFilter:
    """Which records `tail` and `search` show."""

    user: str | None = None
    instance: str | None = None
    since: datetime | None = None
    text: str | None = None

    def matches(self, record: AuditRecord) -> bool:
        if self.user is not None and record.user != self.user:
            return False
        if self.instance is not None and record.instance != self.instance:
            return False
        if self.since is not None and record.at < self.since:
            return False
        if self.text is not None:
            haystack = f"{record.fields.get('statement') or ''} {record.fields.get('error') or ''}"
            return self.text.casefold() in haystack.casefold()
        return True


@dataclass(slots=True)
class Trail:
    """The records read, in time order, and the files that could not be read (and why)."""

    records: list[AuditRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`1h`, `30m`, `2d`, `90s`, `1w` ago, or an ISO date/time (UTC unless it says)."""
    match = _DURATION.match(text.strip())
    if match:
        seconds = float(match.group(1)) * _UNIT_S[match.group(2)]
        return (now or datetime.now(UTC)) - timedelta(seconds=seconds)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        expected = "expected e.g. 1h, 30m, 2d or 2026-12-05T06:00"
        raise ValueError(f"--since {text!r}: {expected}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def trail_files(audit_dir: Path | None, audit_log: Path) -> list[Path]:
    """The files of the trail: every member's `*.jsonl` in the team folder, else the one log."""
    if audit_dir is None:
        return [audit_log] if audit_log.exists() else []
    if not audit_dir.is_dir():
        return []
    return sorted(p for p in audit_dir.glob("*.jsonl") if p.is_file() and not p.is_symlink())


def read_trail(files: Iterable[Path], wanted: TrailFilter | None = None) -> Trail:
    """Every readable record of `files` that `wanted` matches, merged in time order (ties: by
    file, then line); a line that is not a record is left to `verify`."""
    trail = Trail()
    chosen = wanted or TrailFilter()
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            trail.skipped.append(f"{path}: {exc.strerror or exc}")
            continue
        for number, line in enumerate(raw.splitlines(), start=1):
            record = _record(line, path, number)
            if record is not None and chosen.matches(record):
                trail.records.append(record)
    trail.records.sort(key=lambda r: (r.at, str(r.file), r.line))
    return trail


def _record(line: bytes, path: Path, number: int) -> AuditRecord | None:
    try:
        fields = json.loads(line)
        at = datetime.fromisoformat(fields["at"])
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(fields, dict):
        return None
    return AuditRecord(
        at=at if at.tzinfo else at.replace(tzinfo=UTC),
        user=str(fields.get("user", "")),
        instance=str(fields.get("instance", "")),
        fields=fields,
        file=path,
        line=number,
    )


def verify_file(path: Path, *, allow_unchained: bool = False) -> FileVerdict:
    """Walk one file's chain and name every line where it breaks: a line not whole (torn or
    edited into invalid JSON), a line whose text no longer matches its own hash (edited), a
    line that follows another than the one it was written after (reordered), and a line whose
    predecessor is gone (removed). `allow_unchained`: the single `audit_log` may begin with
    lines written before the chain existed (counted, not checked); a team file never does."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return FileVerdict(path, 0, unreadable=str(exc.strerror or exc))
    lines = raw.split(b"\n")
    torn_tail = lines[-1] != b""
    if not torn_tail:
        lines.pop()
    hashes = [sha256_hex(line) for line in lines]
    where = {digest: index for index, digest in enumerate(hashes)}
    problems: list[Problem] = []
    edited: set[int] = set()
    unchained = 0
    chained = False
    for index, line in enumerate(lines):
        number = index + 1
        fields = _fields(line)
        if fields is None:
            torn = torn_tail and index == len(lines) - 1
            what = "the last line is torn (cut short)" if torn else "not a whole audit record"
            problems.append(Problem(number, f"{what}: truncated or edited"))
            edited.add(index)
            continue
        if torn_tail and index == len(lines) - 1:
            problems.append(Problem(number, "the last line is torn (its newline cut off)"))
        if allow_unchained and not chained and "prev" not in fields and HASH_KEY not in fields:
            unchained += 1  # written before the chain existed: nothing to check it against
            continue
        chained = True
        if not _seal_holds(line):  # its own `prev` is then no evidence either
            problems.append(Problem(number, "edited: its text no longer matches its hash"))
            edited.add(index)
            continue
        expected = chain_anchor(path) if index == 0 else hashes[index - 1]
        prev = fields.get("prev")
        if prev == expected or (index - 1) in edited:
            continue  # intact, or the break already named on the edited line before it
        problems.append(Problem(number, _break(index, prev, where, path)))
    return FileVerdict(path, len(lines), unchained, tuple(problems))


def _fields(line: bytes) -> dict[str, Any] | None:
    try:
        fields = json.loads(line)
    except ValueError:
        return None
    return fields if isinstance(fields, dict) else None


def _seal_holds(line: bytes) -> bool:
    match = _HASH_SUFFIX.search(line)
    if match is None:
        return False
    body = line[: match.start()] + b"}"
    return sha256_hex(body) == match.group(1).decode("ascii")


def _break(index: int, prev: object, where: dict[str, int], path: Path) -> str:
    """Why line `index` does not follow the line before it."""
    if isinstance(prev, str) and prev in where:
        return f"out of order: it was written after the line now at {where[prev] + 1}"
    if prev == chain_anchor(path):
        return "out of order: it was written as the file's first line"
    if index == 0:
        return "lines were removed before it (it does not start the file's chain)"
    return f"a line was removed between lines {index} and {index + 1}"


def folder_warnings(audit_dir: Path | None) -> list[str]:
    """What about the team folder lets a member delete or replace another's file."""
    if audit_dir is None:
        return []
    try:
        mode = audit_dir.stat().st_mode
    except OSError as exc:
        return [f"audit folder {audit_dir}: {exc.strerror or exc}"]
    warnings: list[str] = []
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and not mode & stat.S_ISVTX:
        warnings.append(
            f"audit folder {audit_dir} is not sticky: members can delete or replace each "
            f"other's files (an admin runs: chmod +t {audit_dir})"
        )
    return warnings


def verify_files(files: Sequence[Path], *, allow_unchained: bool = False) -> list[FileVerdict]:
    return [verify_file(path, allow_unchained=allow_unchained) for path in files]
