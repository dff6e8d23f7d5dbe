"""Bounds that keep the SQL guard fast: a size limit and cheap checks for pathological shapes.

sqlglot's parser is pure Python and some shapes cost it far more than their size: PostgreSQL
`ARRAY[ARRAY[...]]` doubles its time with each level and `a[1][1]...` grows with the square of
the subscripts; tens of thousands of `+`, `OR`, `IN` or `UNION` terms take seconds. The guard runs
while a person types, so these are refused before sqlglot parses anything, on the raw size and
on sqlglot's tokens (tokenizing is linear), each with the reason. Typed statements are far
inside every bound; what is refused here is generated text, best run from a script.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot.tokenizer_core import Token

MAX_BYTES = 64 * 1024
"""A statement longer than this (UTF-8) is refused before it is tokenized."""
MAX_TOKENS = 2_500
"""A statement of more tokens (words, numbers, operators) is refused before it is parsed."""
MAX_DEPTH = 32
"""Parentheses and brackets nested deeper than this are refused (sqlglot recurses per level)."""
MAX_BRACKETS = 32
"""More `[` than this (array subscripts and constructors) are refused: their parse is quadratic."""
MAX_BRACKET_DEPTH = 4
"""Brackets nested deeper than this are refused: their parse doubles with each level."""
MAX_SET_OPERATIONS = 200
"""More UNION/INTERSECT/EXCEPT than this are refused: they cost sqlglot the most per token."""
ESTIMATE_FACTOR = 4
"""Text with more than this many times MAX_TOKENS word or symbol runs is refused untokenized."""
SHOWN_CHARACTERS = 200
"""How much of an oversized statement a refusal keeps (for the verdict line and the audit)."""

_OPENING = {"L_PAREN": "R_PAREN", "L_BRACKET": "R_BRACKET"}
_SET_OPERATIONS = frozenset({"UNION", "INTERSECT", "EXCEPT"})
_RUNS = re.compile(r"\w+|[^\w\s]")


def oversized(sql: str) -> str | None:
    """Why `sql` is too large to judge, or None. Linear in the length of `sql`, and cheap.

    Why: a pasted dump or generated list must not hold the guard for seconds; tokenizing
    alone costs sqlglot about 10 µs a token, so a rough count of word and symbol runs (a C
    regex) refuses what is far over MAX_TOKENS before the tokenizer sees it.
    """
    size = len(sql.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return f"the statement is {size:,} bytes: the guard judges statements up to {MAX_BYTES:,}"
    runs = sum(1 for _ in _RUNS.finditer(sql))
    if runs > ESTIMATE_FACTOR * MAX_TOKENS:
        return _too_many(runs, "about ")
    return None


def shown(sql: str) -> str:
    """The statement as a refusal shows it: whole, or its start and its size when oversized."""
    text = sql.strip()
    if oversized(text) is None:
        return text
    return f"{text[:SHOWN_CHARACTERS]}… ({len(text):,} characters)"


def shape_problem(tokens: list[Token]) -> str | None:
    """Why these tokens would take sqlglot too long to parse, or None. Linear in the tokens."""
    if len(tokens) > MAX_TOKENS:
        return _too_many(len(tokens), "")
    depth = brackets = bracket_depth = set_operations = 0
    for token in tokens:
        kind = token.token_type.name
        set_operations += kind in _SET_OPERATIONS
        if kind in _OPENING:
            depth += 1
            if kind == "L_BRACKET":
                brackets += 1
                bracket_depth += 1
        elif kind in ("R_PAREN", "R_BRACKET"):
            depth -= 1
            bracket_depth -= kind == "R_BRACKET"
        if depth > MAX_DEPTH:
            return f"parentheses or brackets nested deeper than {MAX_DEPTH} levels"
        if bracket_depth > MAX_BRACKET_DEPTH:
            return f"brackets (ARRAY[...] or subscripts) nested deeper than {MAX_BRACKET_DEPTH}"
        if brackets > MAX_BRACKETS:
            return f"more than {MAX_BRACKETS} brackets (array subscripts or ARRAY[...])"
    if set_operations > MAX_SET_OPERATIONS:
        limit = MAX_SET_OPERATIONS
        return f"{set_operations:,} UNION/INTERSECT/EXCEPT: the guard judges up to {limit}"
    return None


def _too_many(count: int, about: str) -> str:
    return (
        f"the statement has {about}{count:,} tokens: the guard judges statements of up to "
        f"{MAX_TOKENS:,} (split a long IN list or UNION into smaller statements)"
    )
