"""A streaming parser of MySQL 5.6-8.0 (RDS), Percona Server and MariaDB slow query logs.

Lines go in one at a time (a file, CloudWatch Logs events, any iterable of strings); events come
out one at a time, so memory does not grow with the log. Event boundaries, header fields and the
statement text follow pt-query-digest's `SlowLogParser` and `EventAggregator`:
- an entry starts at a `#` line right after a line that ends with `;`; its header is the `#`,
  `use db;` and `SET timestamp=...;` lines, and the statement is everything after them (several
  lines, `#` lines inside it included) without its final `;`;
- a header line's fields are read one by one (`Name: value`, a space after the colon): a field
  written `Name:value` is lost, the others on the line are kept; a line whose first field has no
  space is no field line at all;
- Query_time is its leading digits (`2.5s` is 2.5); an entry whose Query_time or Lock_time is not
  a number (`abc`, empty, NaN) is dropped; one without a Query_time is counted in its class but in
  no time figure (SlowEvent.query_time_s None);
- the log's first line is read as a header line (a log cut inside an entry: the cut part has no
  figures), after leading empty lines and a byte-order mark, which pt would stumble on.
The server's preamble (`... started with:`, `Tcp port: ...`, `Time  Id Command  Argument`) is
dropped wherever it appears, including when a restart writes it in the middle of the log; unlike
pt 3.2, MariaDB's `mariadbd, Version: ...` line is recognised too. An administrator command
(`# administrator command: Quit;`) is an entry of its own, with no rows. CRLF line ends read as
LF (pt reads a CRLF log as one statement).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain
from typing import NamedTuple

NO_QUERY = "/* No query */"
"""The statement of an entry whose header is followed by nothing (pt's name for it)."""

_HEADER = re.compile(
    r"(?:T[cC][pP]\s[pP]ort:\s+\d+"
    r"|(?:[/A-Za-z].*)?(?:mysqld|mariadbd),\sVersion.*(?:started\swith:|embedded\slibrary)"
    r"|Time\s+Id\s+Command)",
    re.ASCII,
)
_TIME_LINE = re.compile(r"# Time: (?:[0-9: ]{15}|[-0-9: T]{19})", re.ASCII)
"""pt's `# Time:` line: anything else after `# Time:` is a field like any other."""
_PROPERTY_LINE = re.compile(r"# +[A-Z][A-Za-z_]+: \S", re.ASCII)
"""A header line of `Name: value` fields, as pt tests it: the first name is followed by `: `."""
_FIELD = re.compile(r"(\w+):\s+(\S+|\Z)", re.ASCII)
"""pt's fields of such a line: a name, a colon, spaces, a value (a field whose colon has no
space after it is skipped, and the fields after it are still read)."""
_EMPTY_SCHEMA = re.compile(r"Schema:\s+\w+: ", re.ASCII)
_SCHEMA_LABEL = re.compile(r"Schema:\s+", re.ASCII)
_QUERY_TIME = re.compile(
    r"# Query_time: (\S+) +Lock_time: (\S+) +Rows_sent: (\S+) +Rows_examined: (\S+)", re.ASCII
)
"""The usual figures line, read in one match; any other shape goes field by field."""
_FIELD_NAMES = frozenset({"Query_time", "Lock_time", "Rows_sent", "Rows_examined", "Schema"})
_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_PERL_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_HEADER_LINE_NAME = re.compile(r"\s*[A-Z][a-z_]+: ", re.ASCII)
_SET_LINES = ("SET timestamp", "SET insert_id", "SET last_insert_id")
_SET_TIMESTAMP = re.compile(r"timestamp\s*=\s*([0-9.]+)", re.ASCII)
_PREAMBLE_ENDS = ("with:\n", "library\n")
_BOM = "\ufeff"


class SlowEvent(NamedTuple):
    """One slow-log entry: the statement as logged (not masked) and its figures.

    `query_time_s` is None when the header gave no `Query_time` (a log cut in the middle of an
    entry, a header line pt cannot read): pt counts such an entry in its class but not in the
    time figures, and so does the digest.
    """

    query: str
    query_time_s: float | None
    lock_time_s: float
    rows_sent: int
    rows_examined: int
    timestamp_s: float | None  # epoch seconds: SET timestamp, else the `# Time:` line (UTC)
    db: str | None
    admin: bool


class NotASlowLogError(ValueError):
    """The input has lines, but none of a slow log's."""


def seconds_of(text: str, *, leading: bool = False) -> float | None:
    r"""A time figure as pt-query-digest reads it, or None when it is corrupt.

    `leading` (Query_time): the leading digits are the value (`1.5s` is 1.5, pt's
    `s/^(\d+(?:\.\d+)?).*/$1/`); otherwise, and for Lock_time, the whole text must be a
    number (`-1.5`, `.5`, `1e3`). pt drops an event whose figure is not a number (`abc`,
    empty); so does the digest. NaN and infinities are corrupt too (pt stops on NaN).
    """
    if text.isascii() and text.replace(".", "", 1).isdigit():  # `0.123456`: the hot path
        return float(text)
    found = _LEADING_NUMBER.match(text) if leading else None
    if found is not None:
        return float(found.group())
    if _PERL_NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _count(text: str | None) -> int:
    """Rows_sent, Rows_examined: a count that is not a number reads as 0."""
    if text is None:
        return 0
    if text.isdigit():
        return int(text)
    value = seconds_of(text, leading=True)
    return int(value) if value is not None else 0


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

    __slots__ = (
        "Lock_time",
        "Query_time",
        "Rows_examined",
        "Rows_sent",
        "Schema",
        "admin",
        "db",
        "seen",
        "time_text",
        "timestamp",
    )  # the fields keep pt's names: `_fields` sets them by name

    def __init__(self) -> None:
        self.Query_time: str | None = None
        self.Lock_time: str | None = None
        self.Rows_sent: str | None = None
        self.Rows_examined: str | None = None
        self.Schema: str | None = None
        self.timestamp: float | None = None
        self.time_text: str | None = None
        self.db: str | None = None
        self.admin: str | None = None  # the administrator command, when a `#` line gave it
        self.seen = False

    def hash_line(self, line: str) -> None:
        """A `#` line of the header, read in pt's order: `# Time:`, `# User@Host:`, an
        administrator command, then any line of `Name: value` fields."""
        self.seen = True
        kind = line[2:3]  # dispatch on the third character: the hot path
        if kind == "Q" and (found := _QUERY_TIME.match(line)):
            self.Query_time, self.Lock_time, self.Rows_sent, self.Rows_examined = found.groups()
            rest = line[found.end() :]
            if "_time:" in rest or "Rows_" in rest or "Schema:" in rest:
                self._fields(line.rstrip("\r\n"))  # the same name again: the last one wins
        elif kind == "T" and line.startswith("# Time:") and _TIME_LINE.match(line):
            if self.time_text is None:
                self.time_text = line[7:]
        elif kind == "U" and line.startswith("# User@Host:"):
            pass
        elif kind == "a" and line.startswith("# administrator command:"):
            if self.admin is None:
                command = line[1:].lstrip().rstrip("\n")
                self.admin = command[:-1] if command.endswith(";") else command
        elif ("_time:" in line or "Rows_" in line or "Schema:" in line) and _PROPERTY_LINE.match(
            line
        ):
            self._fields(line.rstrip("\r\n"))

    def _fields(self, text: str) -> None:
        if "Schema:" in text and _EMPTY_SCHEMA.search(text):  # MariaDB's `Schema:   QC_hit:`
            text = _SCHEMA_LABEL.sub("", text, count=1)
        for name, value in _FIELD.findall(text):
            if name in _FIELD_NAMES:
                setattr(self, name, value)  # a name given twice: the last one, as in pt

    def plain_line(self, line: str) -> None:
        """`use db;` or `SET timestamp=...;` (or `SET last_insert_id=..,timestamp=..;`)."""
        self.seen = True
        if line.startswith("use "):
            if self.db is None:
                self.db = line[4:].split(";", 1)[0].strip().strip("`")
        elif self.timestamp is None:
            if line.startswith("SET timestamp="):  # the hot path
                self.timestamp = seconds_of(line[14:].split(";", 1)[0])
            elif found := _SET_TIMESTAMP.search(line):
                self.timestamp = seconds_of(found.group(1))

    def event(self, query: str, admin: bool) -> SlowEvent | None:
        """The entry with its statement; None when a time figure is corrupt (pt drops it)."""
        query_time = lock_time = None
        if (text := self.Query_time) is not None:
            query_time = seconds_of(text, leading=True)
            if query_time is None:
                return None
        if (text := self.Lock_time) is not None:
            lock_time = seconds_of(text)
            if lock_time is None:
                return None
        sent = examined = 0
        if not admin:
            sent, examined = _count(self.Rows_sent), _count(self.Rows_examined)
        stamp = self.timestamp
        if stamp is None and self.time_text is not None:
            stamp = log_time(self.time_text)
        db = self.db
        if db is None and (schema := self.Schema):
            db = schema
        return SlowEvent(query, query_time, lock_time or 0.0, sent, examined, stamp, db, admin)


def _statement(lines: list[str]) -> str:
    text = "".join(lines)
    return text[:-2] if text.endswith(";\n") else text


def _terminated(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line if line.endswith("\n") else line + "\n"


def _start(lines: Iterator[str]) -> Iterator[str]:
    """The log from its first line that is not blank, without a byte-order mark.

    pt reads the first line of a file as a `#` line whatever it is; here, a log that starts
    with an empty line or a BOM still has its first entry read whole (pt loses it after two
    empty lines, and loses the `# Time:` of a first line behind a BOM). A log whose first line
    ends in CRLF is read as LF throughout (a file opened as text already is; stdin is not).
    """
    for line in lines:
        line = line.removeprefix(_BOM)
        if line.strip():
            if line.endswith("\r\n"):  # CRLF (stdin, or lines split on LF only): read as LF
                return map(_lf, chain((line,), lines))
            return chain((line,), lines)  # chain: no Python frame per line after the first
    return iter(())


def _lf(line: str) -> str:
    return line[:-2] + "\n" if line.endswith("\r\n") else line


def parse(lines: Iterable[str], *, terminated: bool = False) -> Iterator[SlowEvent]:
    """The entries of a slow log, in order; `lines` may lack their newlines (log events).

    `terminated`: every line ends with a newline but perhaps the last, as a file's do (saves a
    step per line; a last line without one keeps its `;`, as in pt-query-digest). An entry
    whose Query_time or Lock_time is corrupt is dropped, as pt drops it.
    """
    source = iter(lines) if terminated else _terminated(lines)
    return filter(None, _events(_start(source)))  # None: a dropped entry (an event is truthy)


def _events(lines: Iterator[str]) -> Iterator[SlowEvent | None]:
    entry = _Entry()
    statement: list[str] | None = None  # the statement's lines once it has started
    admin: list[str] | None = None  # an administrator command after a header ending in `;`
    after_semicolon = False
    first = True  # pt reads the log's first line (after the preamble) as a header line
    for line in lines:
        if admin is not None:
            admin.append(line)
            if line.endswith(";\n"):
                yield entry.event(_statement(admin).lstrip(), True)
                entry, admin, after_semicolon = _Entry(), None, False
            continue
        start = line[0]
        if start == "#":
            first = False
            if statement is not None:
                if not after_semicolon:  # a `#` line inside the statement (a string, a comment)
                    statement.append(line)
                    after_semicolon = line.endswith(";\n")
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
        elif (start == "T" or line.endswith(_PREAMBLE_ENDS)) and _HEADER.match(line):
            continue  # the preamble is dropped wherever it is: `;` before it still counts
        elif first:
            # A log cut in the middle of an entry: its first line is no entry's start (pt
            # reads it as a `#` line), so the rest of the cut entry has no header to count.
            first = False
            entry.seen = True
        elif statement is not None:
            statement.append(line)
        elif (start == "u" and line.startswith("use ")) or line.startswith(_SET_LINES):
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
