"""Issue 11, class 9 (the guard's part): judging a statement never takes long.

Oversized statements and the shapes sqlglot parses slowly are refused before parsing, each with
its reason; every adversarial shape at every size gets a verdict with a reason, never a crash;
and `plan_async` judges off the event loop under a deadline. Timings are the job of
bench/guard_adversarial.py (no timed assertion here).
"""

from __future__ import annotations

import asyncio

import pytest

from console.safety.sqlbounds import (
    MAX_BRACKETS,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_SET_OPERATIONS,
    MAX_TOKENS,
)
from console.safety.sqlguard import Plan, plan, plan_async
from tests.safety.sql_adversarial import SHAPES, Shape

SIZES = (1_000, 10_000, 70_000, 1_000_000)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_every_adversarial_shape_gets_a_verdict_with_a_reason(shape: Shape, size: int) -> None:
    sql = shape.make(size)
    verdict = plan(sql, shape.dialect)
    assert verdict.classification in ("read_only", "write", "destructive", "refused")
    assert verdict.reasons and all(reason.strip() for reason in verdict.reasons)
    if len(sql.encode()) > MAX_BYTES:
        assert verdict.classification == "refused"
        assert len(verdict.statement) < 1_000, "an oversized statement is shown cut short"


@pytest.mark.parametrize(
    ("dialect", "sql", "fragment"),
    [
        (
            "mysql",
            "SELECT '" + "x" * MAX_BYTES + "'",
            f"the guard judges statements up to {MAX_BYTES:,}",
        ),
        ("postgres", "SELECT a" + "[1]" * (MAX_BRACKETS + 1), f"more than {MAX_BRACKETS} brackets"),
        (
            "postgres",
            "SELECT " + "ARRAY[" * 5 + "1" + "]" * 5,
            "brackets (ARRAY[...] or subscripts)",
        ),
        ("mysql", "SELECT " + "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), "nested deeper"),
        ("mysql", "SELECT " + "+".join(["1"] * MAX_TOKENS), f"of up to {MAX_TOKENS:,}"),
        ("postgres", "SELECT * FROM t WHERE " + " OR ".join(["a = 1"] * 2_000), "tokens"),
        ("mysql", "SELECT * FROM t WHERE a IN (" + ", ".join(["1"] * 100_000) + ")", "bytes"),
        ("postgres", " UNION ".join(["SELECT 1"] * 10_000), "bytes"),
        (
            "postgres",
            " UNION ".join(["SELECT 1"] * (MAX_SET_OPERATIONS + 2)),
            f"the guard judges up to {MAX_SET_OPERATIONS}",
        ),
    ],
)
def test_pathological_shapes_are_refused_with_the_reason(
    dialect: str, sql: str, fragment: str
) -> None:
    verdict = plan(sql, dialect)  # type: ignore[arg-type]
    assert verdict.classification == "refused"
    assert any(fragment in reason for reason in verdict.reasons), verdict.reasons


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a[1], a[2][3], ARRAY[ARRAY[1, 2], ARRAY[3, 4]] FROM t",
        "SELECT * FROM t WHERE id IN (" + ", ".join(str(i) for i in range(1_000)) + ")",
        " UNION ALL ".join(f"SELECT {i}" for i in range(MAX_SET_OPERATIONS + 1)),
        "SELECT " + "(" * 10 + "1" + ")" * 10,
    ],
)
def test_ordinary_large_statements_are_still_judged(sql: str) -> None:
    assert plan(sql, "postgres").classification == "read_only"


def test_sqlglot_failing_on_odd_input_is_a_refusal_not_a_crash() -> None:
    verdict = plan("SELECT date_add(now()", "mysql")  # sqlglot raises AttributeError on this
    assert verdict.classification == "refused"
    assert verdict.reasons


async def test_plan_async_gives_the_same_verdict_off_the_loop() -> None:
    for sql in ("SELECT * FROM t", "DELETE FROM t WHERE 1 = 1", "SELECT pg_sleep(1)"):
        assert await plan_async(sql, "postgres") == plan(sql, "postgres")


async def test_plan_async_refuses_what_it_cannot_judge_in_time() -> None:
    verdict = await plan_async("SELECT * FROM t", "postgres", deadline_s=0)
    assert isinstance(verdict, Plan)
    assert verdict.classification == "refused" and verdict.confirmations == 0
    assert verdict.reasons == ("the guard could not judge this within 0s",)


async def test_the_event_loop_keeps_running_while_the_guard_judges() -> None:
    """A timer on the loop fires while a statement near the bounds is judged in a thread."""
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    sql = " UNION ALL ".join(f"SELECT {i}" for i in range(MAX_SET_OPERATIONS + 1))
    verdict = await plan_async(sql, "postgres", deadline_s=60)
    ticker.cancel()
    assert verdict.classification == "read_only"
    assert ticks > 10
