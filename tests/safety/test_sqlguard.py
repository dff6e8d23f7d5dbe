"""The SQL guard over an adversarial corpus: exact classes, LIMITs, confirmations, round trips.

The invariant that matters most: nothing that is not read-only is ever classified read-only,
alone, stacked behind a harmless SELECT, or wrapped in comments.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.safety.sqlcommands import tokenize
from console.safety.sqlguard import Plan, explain_refusal, plan
from tests.safety.sql_corpus import CORPUS, NO_STATEMENT, READ_ONLY_SELECTS, Case, Dialect

UNSAFE = tuple(case for case in CORPUS if case.expected != "read_only")
PARSEABLE = tuple(case for case in CORPUS if case.expected != "refused")
CLASSES = ("read_only", "write", "destructive", "refused")


def _id(case: Case) -> str:
    return f"{case.dialect}:{case.expected}:{case.sql[:60]!r}"


def test_corpus_is_large_and_covers_every_class_in_both_dialects() -> None:
    assert len(CORPUS) >= 200
    for dialect in ("mysql", "postgres"):
        for expected in CLASSES:
            assert any(c.dialect == dialect and c.expected == expected for c in CORPUS)
    assert len({(c.dialect, c.sql) for c in CORPUS}) == len(CORPUS), "duplicate corpus rows"


@pytest.mark.parametrize("case", CORPUS, ids=_id)
def test_corpus_classification(case: Case) -> None:
    verdict = plan(case.sql, case.dialect)
    assert verdict.classification == case.expected, verdict.reasons
    assert verdict.reasons, "every verdict says why"
    assert verdict.dialect == case.dialect


@pytest.mark.parametrize("case", UNSAFE, ids=_id)
def test_nothing_unsafe_is_ever_read_only(case: Case) -> None:
    for production in (True, False):
        for allow_larger in (True, False):
            verdict = plan(case.sql, case.dialect, production=production, allow_larger=allow_larger)
            assert verdict.classification != "read_only"


@pytest.mark.parametrize("production", [True, False])
@pytest.mark.parametrize("case", CORPUS, ids=_id)
def test_confirmations_follow_the_class(case: Case, production: bool) -> None:
    verdict = plan(case.sql, case.dialect, production=production)
    expected = {"read_only": 0, "write": 1, "destructive": 2 if production else 1, "refused": 0}
    assert verdict.confirmations == expected[verdict.classification]


@pytest.mark.parametrize("case", [c for c in CORPUS if c.expected == "refused"], ids=_id)
def test_refused_never_runs_and_says_why(case: Case) -> None:
    verdict = plan(case.sql, case.dialect)
    assert verdict.confirmations == 0
    assert all(reason.strip() for reason in verdict.reasons) and verdict.reasons
    assert verdict.statement == case.sql.strip(), "a refused statement is shown as given"


@pytest.mark.parametrize("case", PARSEABLE, ids=_id)
def test_regenerated_statement_round_trips(case: Case) -> None:
    first = plan(case.sql, case.dialect)
    again = plan(first.statement, case.dialect)
    assert again.classification == first.classification
    assert again.statement == first.statement, "regeneration is idempotent"
    tokens = tokenize(first.statement, case.dialect)
    assert not [t.comments for t in tokens if t.comments and t.token_type.name != "HINT"]


@pytest.mark.parametrize(
    ("dialect", "sql", "statement"),
    [
        ("mysql", "SELECT `id` FROM `shop`.`orders`", "SELECT `id` FROM `shop`.`orders` LIMIT 100"),
        ("postgres", 'SELECT "Id" FROM "Orders"', 'SELECT "Id" FROM "Orders" LIMIT 100'),
        ("mysql", "SELECT 1 FROM DUAL", "SELECT 1 FROM DUAL LIMIT 100"),
        ("mysql", "SELECT 'it''s' -- note", "SELECT 'it''s' LIMIT 100"),
        ("mysql", "SELECT 'a\\'b'", "SELECT 'a''b' LIMIT 100"),
        ("postgres", "SELECT 1 /* a /* nested */ comment */", "SELECT 1 LIMIT 100"),
        ("mysql", "SHOW  FULL /* c */ PROCESSLIST", "SHOW FULL PROCESSLIST"),
        ("mysql", "GRANT SELECT ON shop.* TO 'app'@'%'", "GRANT SELECT ON shop.* TO 'app'@'%'"),
        ("postgres", "EXPLAIN  ANALYZE /* c */ SELECT 1", "EXPLAIN ANALYZE SELECT 1"),
    ],
)
def test_regeneration_keeps_quoting_and_drops_comments(
    dialect: Dialect, sql: str, statement: str
) -> None:
    assert plan(sql, dialect).statement == statement


# --- LIMIT ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "sql", "statement", "reason"),
    [
        ("mysql", "SELECT * FROM t", "SELECT * FROM t LIMIT 100", "LIMIT 100 added"),
        ("postgres", "SELECT * FROM t", "SELECT * FROM t LIMIT 100", "LIMIT 100 added"),
        ("mysql", "SELECT * FROM t LIMIT 10", "SELECT * FROM t LIMIT 10", None),
        ("mysql", "SELECT * FROM t LIMIT 5000", "SELECT * FROM t LIMIT 100", "capped to 100"),
        (
            "mysql",
            "SELECT * FROM t LIMIT 20, 5000",
            "SELECT * FROM t LIMIT 100 OFFSET 20",
            "capped",
        ),
        ("postgres", "SELECT * FROM t LIMIT ALL", "SELECT * FROM t LIMIT 100", "LIMIT ALL capped"),
        (
            "postgres",
            "SELECT * FROM t FETCH FIRST 900 ROWS ONLY",
            "SELECT * FROM t FETCH FIRST 100 ROWS ONLY",
            "capped",
        ),
        ("mysql", "SELECT 1 UNION SELECT 2", "SELECT 1 UNION SELECT 2 LIMIT 100", "added"),
        (
            "postgres",
            "SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY a",
            "SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY a LIMIT 100",
            "added",
        ),
        (
            "postgres",
            "WITH c AS (SELECT * FROM t LIMIT 5000) SELECT * FROM c",
            "WITH c AS (SELECT * FROM t LIMIT 5000) SELECT * FROM c LIMIT 100",
            "added",
        ),
        (
            "mysql",
            "SELECT * FROM (SELECT * FROM t LIMIT 5000) s",
            "SELECT * FROM (SELECT * FROM t LIMIT 5000) AS s LIMIT 100",
            "added",
        ),
        ("mysql", "(SELECT * FROM t)", "(SELECT * FROM t) LIMIT 100", "added"),
        # issue 11, class 3: WITH TIES returns every row tied with the last, past any cap
        (
            "postgres",
            "SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES",
            "SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY",
            "WITH TIES rewritten to ROWS ONLY",
        ),
        (
            "postgres",
            "SELECT * FROM t ORDER BY a OFFSET 10 ROWS FETCH NEXT 900 ROWS WITH TIES",
            "SELECT * FROM t ORDER BY a OFFSET 10 FETCH NEXT 100 ROWS ONLY",
            "capped to 100",
        ),
        (
            "postgres",
            "SELECT * FROM t ORDER BY a FETCH FIRST ROW WITH TIES",
            "SELECT * FROM t ORDER BY a FETCH FIRST ROWS ONLY",
            "WITH TIES rewritten",
        ),
        (
            "postgres",
            "SELECT * FROM t OFFSET 5 FETCH NEXT 3000 ROWS ONLY",
            "SELECT * FROM t OFFSET 5 FETCH NEXT 100 ROWS ONLY",
            "capped to 100",
        ),
        ("postgres", "SELECT * FROM t LIMIT NULL", "SELECT * FROM t LIMIT 100", "capped to 100"),
        ("mysql", "SELECT * FROM t LIMIT 5000, 10", "SELECT * FROM t LIMIT 10 OFFSET 5000", None),
    ],
)
def test_limit_is_added_or_capped(
    dialect: Dialect, sql: str, statement: str, reason: str | None
) -> None:
    verdict = plan(sql, dialect)
    assert verdict.classification == "read_only"
    assert verdict.statement == statement
    if reason is None:
        assert not any("LIMIT" in r for r in verdict.reasons)
    else:
        assert any(reason in r for r in verdict.reasons), verdict.reasons


@pytest.mark.parametrize("allow_larger", [False, True])
def test_with_ties_never_survives_the_guard(allow_larger: bool) -> None:
    """However large the cap, no tie past the row count reaches the server (class 3)."""
    for sql in (
        "SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES",
        "SELECT * FROM t ORDER BY a FETCH NEXT 50000 ROWS WITH TIES",
        "(SELECT a FROM t UNION SELECT a FROM u) ORDER BY a FETCH FIRST 2 ROWS WITH TIES",
    ):
        verdict = plan(sql, "postgres", allow_larger=allow_larger)
        assert verdict.classification == "read_only"
        assert "TIES" not in verdict.statement.upper()


def test_fetch_percent_has_no_row_bound_and_is_refused() -> None:
    verdict = plan("SELECT * FROM t FETCH FIRST 10 PERCENT ROWS ONLY", "postgres")
    assert verdict.classification == "refused"
    assert any("PERCENT has no row bound" in reason for reason in verdict.reasons)


def test_limit_and_cap_are_parameters() -> None:
    assert plan("SELECT * FROM t", "mysql", limit=25).statement.endswith("LIMIT 25")
    assert plan("SELECT * FROM t LIMIT 150", "mysql", limit=50, cap=200).statement.endswith(
        "LIMIT 150"
    )
    capped = plan("SELECT * FROM t LIMIT 500", "mysql", limit=50, cap=200)
    assert capped.statement.endswith("LIMIT 200")
    assert any("LIMIT 500 capped to 200" in r for r in capped.reasons)


def test_allow_larger_keeps_an_explicit_limit_but_still_adds_one() -> None:
    kept = plan("SELECT * FROM t LIMIT 5000", "postgres", allow_larger=True)
    assert kept.statement == "SELECT * FROM t LIMIT 5000"
    added = plan("SELECT * FROM t", "postgres", allow_larger=True)
    assert added.statement == "SELECT * FROM t LIMIT 100"


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("mysql", "SHOW PROCESSLIST"),
        ("mysql", "EXPLAIN SELECT * FROM t"),
        ("postgres", "EXPLAIN ANALYZE SELECT * FROM t"),
        ("postgres", "VALUES (1)"),
        ("mysql", "INSERT INTO t SELECT * FROM u"),
        ("postgres", "UPDATE t SET a = 1 WHERE id = 1"),
    ],
)
def test_no_limit_outside_read_only_selects(dialect: Dialect, sql: str) -> None:
    verdict = plan(sql, dialect)
    assert "LIMIT" not in verdict.statement
    assert not any("LIMIT 100 added" in r for r in verdict.reasons)


@pytest.mark.parametrize(("limit", "cap"), [(0, None), (-1, None), (100, 0)])
def test_nonsense_limits_are_rejected(limit: int, cap: int | None) -> None:
    with pytest.raises(ValueError, match="positive"):
        plan("SELECT 1", "mysql", limit=limit, cap=cap)


# --- reasons and the EXPLAIN gate ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "sql", "fragment"),
    [
        ("mysql", "UPDATE t SET a = 1", "without WHERE"),
        ("postgres", "DELETE FROM t", "without WHERE"),
        ("postgres", "EXPLAIN ANALYZE SELECT 1", "runs the statement"),
        ("mysql", "SELECT 1; SELECT 2", "stacked"),
        ("mysql", "/*!50000 DROP TABLE t*/", "executable comment"),
        ("postgres", "SELECT pg_sleep(1)", "stalls"),
    ],
)
def test_reasons_say_what_matters(dialect: Dialect, sql: str, fragment: str) -> None:
    assert any(fragment in reason for reason in plan(sql, dialect).reasons)


def test_plan_is_a_frozen_value() -> None:
    verdict = plan("SELECT 1", "mysql")
    assert isinstance(verdict, Plan)
    with pytest.raises(AttributeError):
        verdict.classification = "write"  # type: ignore[misc]


@pytest.mark.parametrize("case", CORPUS, ids=_id)
def test_explain_is_offered_only_for_read_only_queries(case: Case) -> None:
    refusal = explain_refusal(case.sql, case.dialect)
    if case.expected != "read_only":
        assert refusal is not None and refusal.strip()  # every write is refused, with a reason
    if refusal is None:
        assert plan(case.sql, case.dialect).statement.lstrip("(").startswith(("SELECT", "WITH"))


# --- properties --------------------------------------------------------------------------------

DIALECTS = st.sampled_from(["mysql", "postgres"])
SEPARATORS = st.sampled_from([";", "; ", ";\n", " ;\t", ";/* c */", "; -- c\n", ";;"])


def _complete(case: Case) -> bool:
    """Whether a case holds a statement and ends it (no unterminated string or comment).

    Why: text appended after `SELECT 1 /* unterminated` may close its comment, legitimately.
    """
    try:
        return case.sql not in NO_STATEMENT and bool(tokenize(case.sql, case.dialect))
    except Exception:
        return False


STATEMENTS = st.sampled_from([case for case in UNSAFE if _complete(case)])
BOOLS = st.booleans()
DECORATIONS = st.sampled_from([" ", "\n", "\t", "/* c */", "/**/", " -- c\n", "/* ; */"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(select=st.sampled_from(READ_ONLY_SELECTS), sep=SEPARATORS, case=STATEMENTS, after=BOOLS)
def test_stacking_behind_a_read_only_select_is_never_read_only(
    select: str, sep: str, case: Case, after: bool
) -> None:
    # a newline first, so that a trailing `-- comment` cannot swallow the separator
    sql = f"{case.sql}\n{sep}{select}" if after else f"{select}\n{sep}{case.sql}"
    assert plan(sql, case.dialect).classification != "read_only"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=STATEMENTS, data=st.data())
def test_comments_between_tokens_never_make_a_statement_read_only(
    case: Case, data: st.DataObject
) -> None:
    pieces: list[str] = []
    cursor = 0
    for token in tokenize(case.sql, case.dialect):
        pieces.append(case.sql[cursor : token.start])
        pieces.append(data.draw(DECORATIONS))
        cursor = token.start
    pieces.append(case.sql[cursor:])
    assert plan("".join(pieces), case.dialect).classification != "read_only"


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80), dialect=DIALECTS)
def test_any_text_gets_a_verdict_never_an_exception(text: str, dialect: Dialect) -> None:
    verdict = plan(text, dialect)
    assert verdict.classification in CLASSES and verdict.reasons


def test_deep_nesting_is_refused_not_a_crash() -> None:
    deep = "SELECT " + "(" * 3000 + "1" + ")" * 3000
    assert plan(deep, "mysql").classification == "refused"
