"""The SELECT that reads what a single-table UPDATE or DELETE would touch, for EXPLAIN.

EXPLAIN of a write is refused by the guard (`EXPLAIN ANALYZE DELETE` runs the delete) and by
MariaDB's read-only session (`EXPLAIN UPDATE`), yet a DBA looking at a slow UPDATE wants its
plan: the same table and WHERE (ORDER BY and LIMIT too) as a SELECT is planned the same way.
Multi-table forms (JOIN, FROM, USING) are not rewritten.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from console.safety.sqlbounds import oversized, shape_problem
from console.safety.sqlcommands import tokenize
from console.safety.sqlguard import explain_refusal
from console.safety.sqlrules import Dialect


def select_equivalent(statement: str, dialect: Dialect) -> str | None:
    """`SELECT * FROM table WHERE ...` for one UPDATE/DELETE of one table; otherwise None.

    Statements past the guard's size and shape bounds are not parsed (they would take long).
    """
    try:
        if oversized(statement) or shape_problem(tokenize(statement, dialect)):
            return None
        trees = sqlglot.parse(statement, read=dialect)
    except (SqlglotError, RecursionError):
        return None
    if len(trees) != 1 or not isinstance(trees[0], exp.Update | exp.Delete):
        return None
    tree = trees[0]
    table = tree.this
    if not isinstance(table, exp.Table) or table.args.get("joins"):
        return None
    if any(tree.args.get(key) for key in ("from_", "from", "using", "returning", "with_")):
        return None
    select = exp.select("*").from_(table.copy())
    for key in ("where", "order", "limit"):
        part = tree.args.get(key)
        if part is not None:
            select.set(key, part.copy())
    return select.sql(dialect=dialect)


WRITE_NOTE = "plan of the SELECT reading the rows this statement would change"


def explain_target(statement: str, dialect: Dialect) -> tuple[str | None, str]:
    """(what to EXPLAIN, a note) for a statement, or (None, why it is not explained).

    A plain read-only SELECT is explained as it is; a single-table UPDATE or DELETE through
    its SELECT equivalent (itself judged read-only); anything else not at all.
    """
    refusal = explain_refusal(statement, dialect)
    if refusal is None:
        return statement, ""
    equivalent = select_equivalent(statement, dialect)
    if equivalent is None or explain_refusal(equivalent, dialect) is not None:
        return None, refusal
    return equivalent, WRITE_NOTE
