"""The SQL guard's first rule: which statements may be EXPLAINed from a process list.

EXPLAIN is offered only for one plain SELECT (no INTO, no locking clause): EXPLAIN of a write
can execute it (`EXPLAIN ANALYZE DELETE`), and MariaDB refuses EXPLAIN UPDATE in a read-only
session anyway. The full guard (classification, LIMIT, confirmations) builds on this module.
"""

from __future__ import annotations

from typing import Literal

Dialect = Literal["mysql", "postgres"]


def explain_refusal(statement: str, dialect: Dialect) -> str | None:
    """None when `statement` is one plain SELECT; otherwise why it is not explained."""
    import sqlglot  # deferred: ~45 ms at start-up, needed only when a statement is checked
    from sqlglot import exp
    from sqlglot.errors import ParseError

    if "/*!" in statement or "/*M!" in statement:
        return "executable comments are never explained"
    try:
        parsed = [s for s in sqlglot.parse(statement, read=dialect) if s is not None]
    except ParseError:
        return "the statement does not parse"
    if len(parsed) != 1:
        return "exactly one statement can be explained"
    [tree] = parsed
    if not isinstance(tree, exp.Select | exp.Union):
        return "only SELECT statements are explained"
    if tree.find(exp.Into) is not None or tree.find(exp.Lock) is not None:
        return "SELECT ... INTO or FOR UPDATE/SHARE is not explained"
    return None
