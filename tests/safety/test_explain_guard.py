"""EXPLAIN is offered for one plain SELECT only: writes and tricks are refused before sending."""

from __future__ import annotations

import pytest

from console.safety.sqlguard import explain_refusal


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
