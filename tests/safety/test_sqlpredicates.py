"""Issue 11, class 2: an UPDATE or DELETE whose WHERE is always true is destructive.

`WHERE 1 = 1` touches every row, like no WHERE at all, so it asks twice on production; the rule
is judged on what the predicate means (constants folded, a column against itself, an OR with a
true branch), not on a list of spellings.
"""

from __future__ import annotations

import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.safety.sqlguard import plan
from tests.safety.sql_corpus import Dialect

DIALECTS: tuple[Dialect, ...] = ("mysql", "postgres")
WRITES = ("UPDATE orders SET status = 'x' WHERE {w}", "DELETE FROM orders WHERE {w}")

ALWAYS_TRUE = (
    "1 = 1",
    "TRUE",
    "'a' = 'a'",
    "1",
    "NOT FALSE",
    "NOT (1 = 2)",
    "id = id",
    "orders.status = orders.status",
    "id = 5 OR 1 = 1",
    "(id = 5) OR TRUE",
    "1 IN (1, 2)",
    "2 > 1",
    "1 + 1 = 2",
    "1 <> 2",
    "1 BETWEEN 0 AND 2",
    "'b' > 'a'",
    "abs(-1) = 1",
    "coalesce(NULL, 1) = 1",
    "id = id AND status = status",
    "id IS NULL OR id IS NOT NULL",
    "NOT id IS NULL OR id IS NULL",
    "id > 5 OR NOT FALSE",
    "TRUE AND 1 = 1",
)

PICKS_ROWS = (
    "id = 5",
    "id = 5 AND 1 = 1",
    "id IN (1, 2)",
    "status = 'paid' OR id = 3",
    "id > 5 AND NOT FALSE",
    "id IN (SELECT order_id FROM items)",
    "id IS NULL OR status IS NOT NULL",
)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("where", ALWAYS_TRUE)
def test_an_always_true_where_is_destructive(dialect: Dialect, where: str) -> None:
    for statement in WRITES:
        verdict = plan(statement.format(w=where), dialect)
        assert verdict.classification == "destructive", verdict.reasons
        assert any("always-true WHERE" in reason for reason in verdict.reasons)
        assert verdict.confirmations == 2
        assert plan(statement.format(w=where), dialect, production=False).confirmations == 1


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("where", PICKS_ROWS)
def test_a_where_that_picks_rows_keeps_its_class(dialect: Dialect, where: str) -> None:
    update = plan(WRITES[0].format(w=where), dialect)
    assert update.classification == "write", update.reasons
    delete = plan(WRITES[1].format(w=where), dialect)
    assert delete.classification == "destructive"
    assert not any("always-true" in reason for reason in delete.reasons)


def test_a_provably_false_where_does_not_ask_twice() -> None:
    assert plan("UPDATE orders SET status = 'x' WHERE 0", "mysql").classification == "write"
    assert plan("UPDATE orders SET status = 'x' WHERE FALSE", "postgres").classification == "write"


COMPARISONS = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@settings(max_examples=150, deadline=None)
@given(
    left=st.integers(-1000, 1000),
    right=st.integers(-1000, 1000),
    op=st.sampled_from(sorted(COMPARISONS)),
    dialect=st.sampled_from(DIALECTS),
    column_first=st.booleans(),
)
def test_any_true_constant_comparison_grades_like_no_where(
    left: int, right: int, op: str, dialect: Dialect, column_first: bool
) -> None:
    """The general rule: a comparison of constants that holds, alone or OR-ed with a column."""
    constant = f"{left} {op} {right}"
    where = f"id = 7 OR {constant}" if column_first else f"{constant} OR id = 7"
    verdict = plan(WRITES[0].format(w=where), dialect)
    if COMPARISONS[op](left, right):
        assert verdict.classification == "destructive", verdict.reasons
    alone = plan(WRITES[0].format(w=constant), dialect)
    assert alone.classification == ("destructive" if COMPARISONS[op](left, right) else "write")


def test_a_merge_matching_every_row_is_destructive() -> None:
    every = "MERGE INTO orders t USING staging s ON 1 = 1 WHEN MATCHED THEN UPDATE SET x = 1"
    verdict = plan(every, "postgres")
    assert verdict.classification == "destructive"
    assert any("always-true ON" in reason for reason in verdict.reasons)
    keyed = "MERGE INTO orders t USING staging s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = 1"
    assert plan(keyed, "postgres").classification == "write"
