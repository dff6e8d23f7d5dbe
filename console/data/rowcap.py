"""How much of a read's result is fetched: rows, and characters, both bounded.

Why: the guard adds a LIMIT, but a statement that escapes it (or one run past the guard) must
not be fetched whole and cut afterwards, and one row can hold a whole table (`json_agg(u)`,
`string_agg(email, ',')`). The sources fetch at most `limit + 1` rows, in chunks, and stop
early once the rows fetched hold more than `MAX_RESULT_CHARS`; the runner cuts any cell over
`MAX_CELL_CHARS` with a marker before masking it, so neither memory nor the screen scales with
what the server would have sent. Shared by the MySQL and PostgreSQL sources (one rule).

One limit stays: a single value is received whole by the driver before it can be cut (the wire
protocols have no per-value bound); the server's own limits cap it (MySQL `max_allowed_packet`,
PostgreSQL 1 GB a value).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

MAX_CELL_CHARS = 1 << 20
"""A cell longer than this (1 Mi characters) is cut, with a marker saying how long it was."""
MAX_RESULT_CHARS = 8 << 20
"""Rows are fetched until they hold this many characters (8 Mi); the result is then cut."""
FETCH_CHUNK = 100
"""Rows asked of the server at a time."""

Row = tuple[Any, ...]


class Fetched(NamedTuple):
    """What a source fetched of one read: at most `limit + 1` rows, within the character cap."""

    columns: tuple[str, ...]
    rows: list[Row]
    cut_at_size: bool
    """True when fetching stopped at MAX_RESULT_CHARS (the result is truncated)."""


def chars(value: Any) -> int:
    """About how many characters `value` takes on screen (bytes count one each)."""
    if value is None:
        return 0
    if isinstance(value, str | bytes | bytearray | memoryview):
        return len(value)
    return len(str(value))


async def fetch_bounded(
    fetch: Callable[[int], Awaitable[Sequence[Any]]], max_rows: int
) -> tuple[list[Row], bool, bool]:
    """(rows, cut_at_size, exhausted): at most `max_rows` rows, asked `FETCH_CHUNK` at a time.

    `fetch(n)` returns up to n more rows (fewer only at the end of the result). Stops as soon
    as the rows hold more than MAX_RESULT_CHARS. `exhausted` is True when the server has sent
    everything (the caller may then reuse the connection without draining it).
    """
    rows: list[Row] = []
    size = 0
    while len(rows) < max_rows:
        asked = min(FETCH_CHUNK, max_rows - len(rows))
        batch = await fetch(asked)
        for row in batch:
            rows.append(tuple(row))
            size += sum(chars(value) for value in row)
            if size > MAX_RESULT_CHARS:
                return rows, True, False
        if len(batch) < asked:
            return rows, False, True
    return rows, False, False


def cut_cell(text: str | None) -> str | None:
    """`text`, or its first MAX_CELL_CHARS characters and a marker when it is longer."""
    if text is None or len(text) <= MAX_CELL_CHARS:
        return text
    return f"{text[:MAX_CELL_CHARS]}… (cut: {len(text):,} characters, {MAX_CELL_CHARS:,} shown)"
