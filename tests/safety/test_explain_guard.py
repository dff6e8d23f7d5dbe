"""EXPLAIN is offered for one plain SELECT only: writes and tricks are refused before sending."""

from __future__ import annotations

import pytest

from console.safety.explainable import explain_target, select_equivalent
from console.safety.sqlguard import Dialect, explain_refusal


@pytest.mark.parametrize("dialect", ["mysql", "postgres"])
@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM orders WHERE id = 1",
        "select o.id, m.email from orders o join members m on m.id = o.member_id limit 10",
        "SELECT 1 UNION SELECT 2",
        "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
    ],
)
def test_plain_selects_are_explained(statement: str, dialect: str) -> None:
    assert explain_refusal(statement, dialect) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", ["mysql", "postgres"])
@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM orders",
        "UPDATE orders SET status = 'x'",
        "ANALYZE DELETE FROM orders",
        "SELECT 1; DELETE FROM orders",
        "/*!50000 DROP TABLE orders*/",
        "SELECT * FROM orders FOR UPDATE",
        "SELECT * INTO OUTFILE '/tmp/x' FROM orders",
        "INSERT INTO orders SELECT * FROM orders",
        "DROP TABLE orders",
        "this is not sql at all (",
    ],
)
def test_everything_else_is_refused(statement: str, dialect: str) -> None:
    assert explain_refusal(statement, dialect) is not None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("statement", "dialect", "expected"),
    [
        ("UPDATE orders SET s = 'x' WHERE id > 5 ORDER BY id LIMIT 10", "mysql",
         "SELECT * FROM orders WHERE id > 5 ORDER BY id LIMIT 10"),
        ("DELETE FROM orders WHERE member_id = 3", "mysql",
         "SELECT * FROM orders WHERE member_id = 3"),
        ("UPDATE t SET x = 1", "postgres", "SELECT * FROM t"),
        ("UPDATE a JOIN b ON a.id = b.id SET a.x = 1", "mysql", None),
        ("DELETE FROM t USING u WHERE t.id = u.id", "postgres", None),
        ("UPDATE t SET x = 1 FROM u WHERE t.id = u.id", "postgres", None),
        ("DELETE FROM t WHERE id = 1 RETURNING *", "postgres", None),
        ("SELECT 1", "mysql", None),
        ("UPDATE t SET x = 1; DELETE FROM t", "mysql", None),
        ("not sql at all", "mysql", None),
    ],
)  # fmt: skip
def test_a_single_table_write_has_a_select_equivalent(
    statement: str, dialect: Dialect, expected: str | None
) -> None:
    assert select_equivalent(statement, dialect) == expected


def test_explain_target_never_returns_a_side_effect() -> None:
    target, why = explain_target("DELETE FROM t WHERE id = pg_terminate_backend(5)", "postgres")
    assert target is None and "pg_terminate_backend" in why
    target, note = explain_target("SELECT * FROM t", "postgres")
    assert target == "SELECT * FROM t" and note == ""
