"""Whether an UPDATE's or DELETE's WHERE picks rows at all, or is always true.

`DELETE FROM t WHERE 1 = 1` removes every row, like `DELETE FROM t`: an always-true predicate
must be graded like a missing WHERE (destructive), whatever its spelling. sqlglot's simplifier
folds constant comparisons (`'a' = 'a'`, `2 > 1`, `NOT FALSE`, `x = 5 OR 1 = 1`); what it leaves,
the rules here finish: a predicate that names no column cannot choose between rows (it is all or
nothing, or random), a column compared with itself is true on every row that is not NULL, and
an OR holding `x IS NULL` and `x IS NOT NULL` covers every row.
"""

from __future__ import annotations

import itertools
import logging
from typing import TYPE_CHECKING

from console.safety.sqlrules import Dialect

if TYPE_CHECKING:
    from sqlglot import exp

SIMPLIFIED_NODES = 200
"""Larger predicates skip sqlglot's simplifier (its time grows much faster than their size);
the rules below judge them unfolded, which can only grade a statement higher, never lower."""


def always_true(predicate: exp.Expr, dialect: Dialect) -> bool:
    """True when `predicate` holds for every row (or cannot tell rows apart).

    Why: the confirmation count follows what a statement can touch, not how it is written.
    """
    from sqlglot import exp

    folded = _folded(predicate, dialect)
    if predicate.find(exp.Column) is None and predicate.find(exp.Placeholder) is None:
        return not _false(folded)  # all rows or none (or random ones): unless provably none
    return _true(folded)


def _folded(predicate: exp.Expr, dialect: Dialect) -> exp.Expr:
    """The predicate with its constants folded by sqlglot's simplifier (as given if it fails)."""
    from sqlglot.optimizer.simplify import simplify

    if sum(1 for _ in itertools.islice(predicate.walk(), SIMPLIFIED_NODES + 1)) > SIMPLIFIED_NODES:
        return predicate
    logger = logging.getLogger("sqlglot")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        folded: exp.Expr = simplify(predicate.copy(), dialect=dialect)
    except Exception:  # the simplifier is an aid: the rules below still run on the original
        return predicate
    finally:
        logger.setLevel(previous)
    return folded


def _true(node: exp.Expr) -> bool:
    """Whether the (folded) predicate is true on every row."""
    from sqlglot import exp

    node = node.unnest()
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Or):
        terms = list(node.flatten())
        return any(_true(term) for term in terms) or _covers_null(terms)
    if isinstance(node, exp.And):
        return all(_true(term) for term in node.flatten())
    if isinstance(node, exp.Not):
        return _false(node.this)
    if isinstance(node, exp.EQ | exp.NullSafeEQ | exp.GTE | exp.LTE):
        return node.left == node.right
    if isinstance(node, exp.In):
        return any(node.this == item for item in node.expressions)
    return node.find(exp.Column) is None and not _false(node)


def _false(node: exp.Expr) -> bool:
    """Whether the predicate is provably false (FALSE, 0, NULL) on every row."""
    from sqlglot import exp

    node = node.unnest()
    if isinstance(node, exp.Boolean):
        return not node.this
    if isinstance(node, exp.Null):
        return True
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return float(node.this) == 0
        except ValueError:
            return False
    if isinstance(node, exp.Not):
        return _true(node.this)
    if isinstance(node, exp.And):
        return any(_false(term) for term in node.flatten())
    if isinstance(node, exp.Or):
        return all(_false(term) for term in node.flatten())
    return False


def _covers_null(terms: list[exp.Expr]) -> bool:
    """Whether OR-ed terms include both `x IS NULL` and `NOT x IS NULL` for one x."""
    from sqlglot import exp

    seen: dict[bool, set[exp.Expr]] = {True: set(), False: set()}
    for term in terms:
        negate = False
        term = term.unnest()
        if isinstance(term, exp.Not):
            negate, term = True, term.this.unnest()
        if isinstance(term, exp.Is) and isinstance(term.expression, exp.Null):
            seen[negate != bool(term.args.get("negate"))].add(term.this)
    return bool(seen[True] & seen[False])
