"""Adversarial statement shapes for the SQL guard's time bound, at any size.

Data, not tests: test_sqlguard_bounds.py judges each shape (a verdict with a reason, never a hang
or a crash), and bench/guard_adversarial.py times plan() on them from 1 KB to 1 MB.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from tests.safety.sql_corpus import Dialect


class Shape(NamedTuple):
    """A named statement generator: `make(n)` is a statement of about n bytes."""

    name: str
    dialect: Dialect
    make: Callable[[int], str]


def _repeat(head: str, unit: str, tail: str, size: int) -> str:
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _joined(head: str, part: Callable[[int], str], sep: str, tail: str, size: int) -> str:
    parts: list[str] = []
    length = len(head) + len(tail)
    while length < size or not parts:
        parts.append(part(len(parts)))
        length += len(parts[-1]) + len(sep)
    return head + sep.join(parts) + tail


def _nested(head: str, opening: str, middle: str, closing: str, size: int) -> str:
    depth = max(1, (size - len(head) - len(middle)) // (len(opening) + len(closing)))
    return head + opening * depth + middle + closing * depth


SHAPES: tuple[Shape, ...] = (
    Shape("array subscripts [1]", "postgres", lambda n: _repeat("SELECT a", "[1]", "", n)),
    Shape("+ terms", "mysql", lambda n: _joined("SELECT ", lambda i: "1", "+", "", n)),
    Shape(
        "OR terms",
        "postgres",
        lambda n: _joined("SELECT * FROM t WHERE ", lambda i: f"a = {i}", " OR ", "", n),
    ),
    Shape(
        "IN list",
        "mysql",
        lambda n: _joined("SELECT * FROM t WHERE a IN (", str, ", ", ")", n),
    ),
    Shape("UNIONs", "postgres", lambda n: _joined("", lambda i: f"SELECT {i}", " UNION ", "", n)),
    Shape("nested parentheses", "mysql", lambda n: _nested("SELECT ", "(", "1", ")", n)),
    Shape("nested calls", "postgres", lambda n: _nested("SELECT ", "lower(", "'a'", ")", n)),
    Shape(
        "nested subqueries", "mysql", lambda n: _nested("", "SELECT * FROM (", "SELECT 1", ") s", n)
    ),
    Shape("long string", "mysql", lambda n: _repeat("SELECT '", "a", "'", n)),
    Shape("long comment", "postgres", lambda n: _repeat("SELECT 1 /* ", "x", " */", n)),
    Shape(
        "many columns", "mysql", lambda n: _joined("SELECT ", lambda i: f"c{i}", ", ", " FROM t", n)
    ),
    Shape(
        "CASE arms",
        "postgres",
        lambda n: _joined("SELECT CASE ", lambda i: f"WHEN a = {i} THEN {i}", " ", " END", n),
    ),
    Shape(
        "UPDATE with AND terms",
        "postgres",
        lambda n: _joined("UPDATE t SET a = 1 WHERE ", lambda i: f"b <> {i}", " AND ", "", n),
    ),
    Shape(
        "DELETE with OR of constants",
        "mysql",
        lambda n: _joined("DELETE FROM t WHERE ", lambda i: f"{i} = {i + 1}", " OR ", "", n),
    ),
    Shape("stacked statements", "mysql", lambda n: _joined("", lambda i: "SELECT 1", "; ", "", n)),
    Shape("semicolons", "postgres", lambda n: _repeat("SELECT 1", ";", "", n)),
    Shape("unterminated string", "mysql", lambda n: _repeat("SELECT '", "a", "", n)),
    Shape("function calls", "mysql", lambda n: _joined("SELECT ", lambda i: "abs(1)", ", ", "", n)),
)
