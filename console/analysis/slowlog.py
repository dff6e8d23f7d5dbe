"""A streaming parser of MySQL 5.7/8.0 (RDS) and MariaDB slow query logs.

Lines go in one at a time (a file, CloudWatch Logs events, any iterable of strings); events come
out one at a time, so memory does not grow with the log. Event boundaries and the statement text
follow pt-query-digest's `SlowLogParser`: an entry starts at a `#` line right after a line that
ends with `;`, its header is the `#`, `use db;` and `SET timestamp=...;` lines, and the statement
is everything after them (several lines, `#` lines inside it included) without its final `;`.
The server's preamble (`... started with:`, `Tcp port: ...`, `Time  Id Command  Argument`) is
dropped wherever it appears, including when a restart writes it in the middle of the log; unlike
pt 3.2, MariaDB's `mariadbd, Version: ...` line is recognised too. An administrator command
(`# administrator command: Quit;`) is an entry of its own, with no rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import NamedTuple

NO_QUERY = "/* No query */"
"""The statement of an entry whose header is followed by nothing (pt's name for it)."""

_HEADER = re.compile(
    r"(?:T[cC][pP]\s[pP]ort:\s+\d+"
    r"|(?:[/A-Za-z].*)?(?:mysqld|mariadbd),\sVersion.*(?:started\swith:|embedded\slibrary)"
    r"|Time\s+Id\s+Command)",
    re.ASCII,
)
_QUERY_TIME = re.compile(
    r"# Query_time: (\S+)\s+Lock_time: (\S+)\s+Rows_sent: (\S+)\s+Rows_examined: (\S+)", re.ASCII
)
_SCHEMA = re.compile(r"Schema: (\w\S*)", re.ASCII)
_HEADER_LINE_NAME = re.compile(r"\s*[A-Z][a-z_]+: ", re.ASCII)
_SET_LINES = ("SET timestamp", "SET insert_id", "SET last_insert_id")
_PREAMBLE_ENDS = ("with:\n", "library\n")


class SlowEvent(NamedTuple):
    """One slow-log entry: the statement as logged (not masked) and its figures."""

    query: str
    query_time_s: float
    lock_time_s: float
    rows_sent: int
    rows_examined: int
    timestamp_s: float | None  # epoch seconds: SET timestamp, else the `# Time:` line (UTC)
    db: str | None
    admin: bool


class NotASlowLogError(ValueError):
    """The input has lines, but none of a slow log's."""


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _figures(qt: str, lt: str, sent: str, examined: str) -> tuple[float, float, int, int]:
    """Query_time, Lock_time, Rows_sent, Rows_examined; a malformed figure reads as 0."""
    try:
        return float(qt), float(lt), int(sent), int(examined)
    except ValueError:
        return _number(qt), _number(lt), int(_number(sent)), int(_number(examined))


def log_time(text: str) -> float | None:
    """`# Time:` of MySQL 5.7/8.0 (`2026-11-25T14:59:17.123456Z`) or MariaDB and MySQL 5.6
    (`261125 14:59:17`, hour space-padded) as epoch seconds, read as UTC (RDS logs in UTC)."""
    text = text.strip()
    try:
        if "T" in text or "-" in text:
            moment = datetime.fromisoformat(text)
        else:
            moment = datetime.strptime(" ".join(text.split()) + " +0000", "%y%m%d %H:%M:%S %z")
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def is_preamble(line: str) -> bool:
    """A line the server writes when it (re)opens the log."""
    return _HEADER.match(line) is not None


class _Entry:
    """The header of the entry being read."""

    __slots__ = ("admin", "db", "figures", "seen", "time_text", "timestamp")

    def __init__(self) -> None:
        self.figures: tuple[float, float, int, int] = (0.0, 0.0, 0, 0)
        self.timestamp: float | None = None
        self.time_text: str | None = None
        self.db: str | None = None
        self.admin: str | None = None  # the administrator command, when a `#` line gave it
        self.seen = False

    def hash_line(self, line: str) -> None:
        """A `#` line of the header: dispatched on its third character (the hot path)."""
        self.seen = True
        kind = line[2:3]
        if kind == "Q":
            if line.startswith("# Query_time:") and (found := _QUERY_TIME.match(line)):
                self.figures = _figures(*found.groups())
        elif kind == "T":
            if line.startswith("# Time:"):
                if self.time_text is None:
                    self.time_text = line[7:]
            elif line.startswith("# Thread_id:"):
                self._schema(line)
        elif kind == "S":
            if line.startswith("# Schema:"):
                self._schema(line)
        elif kind == "a" and line.startswith("# administrator command:") and self.admin is None:
            command = line[1:].lstrip().rstrip("\n")
            self.admin = command[:-1] if command.endswith(";") else command

    def _schema(self, line: str) -> None:
        schema = _SCHEMA.search(line)
        if schema and self.db is None:
            self.db = schema.group(1)

    def plain_line(self, line: str) -> None:
        """`use db;` or `SET timestamp=...;`."""
        self.seen = True
        if line.startswith("use "):
            if self.db is None:
                self.db = line[4:].split(";", 1)[0].strip().strip("`")
        elif line.startswith("SET timestamp=") and self.timestamp is None:
            self.timestamp = _number(line[14:].split(";", 1)[0])

    def event(self, query: str, admin: bool) -> SlowEvent:
        qt, lt, sent, examined = self.figures
        if admin:
            sent = examined = 0
        stamp = self.timestamp
        if stamp is None and self.time_text is not None:
            stamp = log_time(self.time_text)
        return SlowEvent(query, qt, lt, sent, examined, stamp, self.db, admin)


def _statement(lines: list[str]) -> str:
    text = "".join(lines)
    return text[:-2] if text.endswith(";\n") else text


def _terminated(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line if line.endswith("\n") else line + "\n"


def parse(lines: Iterable[str], *, terminated: bool = False) -> Iterator[SlowEvent]:
    """The entries of a slow log, in order; `lines` may lack their newlines (log events).

    `terminated`: every line ends with a newline but perhaps the last, as a file's do (saves a
    step per line; a last line without one keeps its `;`, as in pt-query-digest).
    """
    entry = _Entry()
    statement: list[str] | None = None  # the statement's lines once it has started
    admin: list[str] | None = None  # an administrator command after a header ending in `;`
    after_semicolon = False
    for line in lines if terminated else _terminated(lines):
        if admin is not None:
            admin.append(line)
            if line.endswith(";\n"):
                yield entry.event(_statement(admin).lstrip(), True)
                entry, admin, after_semicolon = _Entry(), None, False
            continue
        first = line[0]
        if first == "#":
            if statement is not None:
                if not after_semicolon:
                    statement.append(line)
                    continue
                yield entry.event(_statement(statement), False)
                entry, statement = _Entry(), None
            elif after_semicolon and entry.seen:
                if entry.admin is not None:
                    yield entry.event(entry.admin, True)
                elif not _HEADER_LINE_NAME.match(line, 1):
                    admin = [line[1:]]
                    if line.endswith(";\n"):
                        yield entry.event(_statement(admin).lstrip(), True)
                        entry, admin = _Entry(), None
                    after_semicolon = False
                    continue
                else:
                    yield entry.event(NO_QUERY, False)
                entry = _Entry()
            entry.hash_line(line)
        elif (first == "T" or line.endswith(_PREAMBLE_ENDS)) and _HEADER.match(line):
            continue  # the preamble is dropped wherever it is: `;` before it still counts
        elif statement is not None:
            statement.append(line)
        elif (first == "u" and line.startswith("use ")) or line.startswith(_SET_LINES):
            entry.plain_line(line)
        else:
            statement = [line]
        after_semicolon = line.endswith(";\n")
    if admin is not None:
        yield entry.event(_statement(admin).lstrip(), True)
    elif statement is not None:
        yield entry.event(_statement(statement), False)
    elif entry.admin is not None:
        yield entry.event(entry.admin, True)
