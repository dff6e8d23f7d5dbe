"""Output columns masked by the source column they derive from (issue 11, class 8: aliases)."""

from __future__ import annotations

import pytest

from console.safety.masking import mask_row
from console.safety.sensitive_columns import source_kinds


@pytest.mark.parametrize(
    ("sql", "columns", "kinds"),
    [
        ("SELECT password AS x FROM users", ["x"], ["secret"]),
        ("SELECT ssn AS id_no, name FROM users", ["id_no", "name"], ["ssn", None]),
        ("SELECT u.email AS a, lower(phone) AS b FROM users u", ["a", "b"], ["email", "phone"]),
        ("SELECT x FROM (SELECT password AS x FROM t) AS s", ["x"], ["secret"]),
        ("SELECT * FROM (SELECT card_no AS c, id FROM t) AS s", ["c", "id"], ["card", None]),
        ("WITH c AS (SELECT ssn AS k FROM t) SELECT k AS z FROM c", ["z"], ["ssn"]),
        (
            "SELECT id, note FROM t UNION ALL SELECT 1, phone FROM p",
            ["id", "note"],
            [None, "phone"],
        ),
        ("SELECT string_agg(email, ',') AS e FROM users", ["e"], ["email"]),
        ("SELECT CASE WHEN ssn IS NULL THEN 'n' ELSE ssn END AS s FROM t", ["s"], ["ssn"]),
        # a count, a length or a truth value over PII is not PII
        (
            "SELECT count(email) AS n, email IS NULL AS missing FROM t",
            ["n", "missing"],
            [None, None],
        ),
        ("SELECT length(password) AS l FROM t", ["l"], [None]),
        ("SELECT name AS x FROM t", ["x"], [None]),
        ("not sql at all (((", ["a"], [None]),
    ],
)
def test_class8_output_columns_take_the_kind_of_their_source(
    sql: str, columns: list[str], kinds: list[str | None]
) -> None:
    assert list(source_kinds(sql, "postgres").for_columns(columns)) == kinds


def test_class8_mysql_backquoted_sources_are_followed() -> None:
    kinds = source_kinds("SELECT `password` AS `x`, `ssn` id_no FROM t LIMIT 10", "mysql")
    assert kinds.for_columns(["x", "id_no"]) == ("secret", "ssn")


def test_class8_a_renamed_secret_is_masked_in_the_row() -> None:
    sql = "SELECT password AS x, ssn AS id_no, created_at FROM users"
    columns = ("x", "id_no", "created_at")
    row = mask_row(
        columns,
        ("hunter2", "123-45-6789", "1717171717"),
        source_kinds(sql, "postgres").for_columns(columns),
    )
    assert row == ("***", "***-**-6789", "1717171717")
