"""Which output columns of a SELECT derive from a sensitive source column, whatever their alias.

Why: column-name masking judges the name a result column has, and an alias renames it
(`SELECT password AS x`, `SELECT ssn AS id_no`, a CTE or a subquery that renames). The statement
says where each output column comes from: a projection whose expression references a column
whose name is PII (`column_kind`) is masked as that kind, by position and by its alias.

A count, a length or a predicate over a sensitive column (`count(email)`, `ssn IS NULL`) is a
figure or a truth value, not the value itself, and is left to the value detectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.safety.masking import Kind, column_kind

if TYPE_CHECKING:
    from sqlglot import exp

MAX_STATEMENT = 1_000_000
"""Longer statements are not parsed again here (the guard bounds what it lets run)."""


@dataclass(frozen=True, slots=True)
class SourceKinds:
    """The kind of PII each output column derives from: by position, and by alias anywhere."""

    by_index: tuple[Kind | None, ...] = ()
    """One per projection of the outer SELECT; empty when a `*` makes positions unknown."""
    by_alias: dict[str, Kind] = field(default_factory=dict)
    """Lower-cased alias → kind, for every alias in the statement (subqueries and CTEs too)."""

    def for_columns(self, columns: Sequence[str]) -> tuple[Kind | None, ...]:
        """The kind of each result column: by position when known, else by its name."""
        if len(self.by_index) == len(columns):
            return tuple(
                kind or self.by_alias.get(column.lower())
                for kind, column in zip(self.by_index, columns, strict=True)
            )
        return tuple(self.by_alias.get(column.lower()) for column in columns)


def source_kinds(statement: str, dialect: str) -> SourceKinds:
    """Parse `statement` and name the PII kind each output column is derived from.

    Pure CPU work: the data layer calls it in a worker thread. An unparsable statement yields
    no kinds (the column names and the value detectors still apply).
    """
    if len(statement) > MAX_STATEMENT:
        return SourceKinds()
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(statement, read=dialect)
    except (SqlglotError, ValueError, RecursionError):
        return SourceKinds()
    aliases = _alias_kinds(tree)
    branches = _branches(tree)
    if not branches or any(_has_star(select) for select in branches):
        return SourceKinds((), aliases)
    width = len(branches[0].expressions)
    by_index: list[Kind | None] = [None] * width
    for select in branches:
        for index, projection in enumerate(select.expressions[:width]):
            by_index[index] = by_index[index] or _kind_of(projection, aliases)
    return SourceKinds(tuple(by_index), aliases)


def _alias_kinds(tree: exp.Expr) -> dict[str, Kind]:
    """alias → kind for every aliased expression; repeated so a renamed rename is followed."""
    from sqlglot import exp

    aliases: dict[str, Kind] = {}
    nodes = list(tree.find_all(exp.Alias))
    for _ in range(4):
        changed = False
        for node in nodes:
            kind = _kind_of(node.this, aliases)
            name = node.alias.lower()
            if kind is not None and name and aliases.get(name) != kind:
                aliases[name] = kind
                changed = True
        if not changed:
            break
    return aliases


def _kind_of(node: exp.Expr, aliases: dict[str, Kind]) -> Kind | None:
    """The first PII kind among the columns `node` takes its value from."""
    from sqlglot import exp

    for column in node.find_all(exp.Column):
        if _only_measured(column, node):
            continue
        name = column.name
        kind = column_kind(name) if name else None
        if kind is None and name:
            kind = aliases.get(name.lower())
        if kind is not None:
            return kind
    return None


def _only_measured(column: exp.Expr, root: exp.Expr) -> bool:
    """True when `column` reaches `root` only through a count, a length or a predicate."""
    from sqlglot import exp

    measures = (exp.Count, exp.Length, exp.Predicate, exp.Connector, exp.Not)
    node = column.parent
    while node is not None and node is not root.parent:
        if isinstance(node, measures):
            return True
        if node is root:
            break
        node = node.parent
    return False


def _branches(tree: exp.Expr) -> list[exp.Select]:
    """The SELECTs whose projections are the output columns (every branch of a UNION)."""
    from sqlglot import exp

    if isinstance(tree, exp.Select):
        return [tree]
    if isinstance(tree, exp.Union | exp.Intersect | exp.Except):
        return _branches(tree.left) + _branches(tree.right)
    if isinstance(tree, exp.Subquery | exp.Paren):
        return _branches(tree.this)
    return []


def _has_star(select: exp.Select) -> bool:
    from sqlglot import exp

    return any(
        isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
        for p in select.expressions
    )
