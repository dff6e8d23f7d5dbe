"""The Redis guard: the adversarial corpus, Redis's own flags, and fail-closed properties."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from typing import cast

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from console.safety.redisguard import READ_ONLY_COMMANDS, RedisPlan, plan_redis
from tests.safety.redis_corpus import (
    CASES,
    NEWER_NOT_READ_ONLY,
    NEWER_READ_ONLY,
    NOT_READ_ONLY,
    READ_ONLY_WITHOUT_FLAG,
    REDIS_COMMANDS,
    REDIS_READONLY_FLAGGED,
    Case,
)


def expected_confirmations(classification: str, production: bool) -> int:
    """The confirmation rule, restated: writes once, destructive twice on production."""
    if classification == "destructive":
        return 2 if production else 1
    return 1 if classification == "write" else 0


def args_of(name: str, extra: Sequence[str] = ()) -> list[str]:
    """`xgroup|create` → ["xgroup", "create", *extra]."""
    return [*name.split("|"), *extra]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c.args)[:60] or "<empty>" for c in CASES])
def test_corpus(case: Case) -> None:
    plan = plan_redis(case.args, production=case.production)
    assert plan.classification == case.expected, plan.reasons
    assert plan.confirmations == expected_confirmations(case.expected, case.production)
    assert plan.reasons and all(plan.reasons)
    assert case.reason in " ".join(plan.reasons)


def test_corpus_size_and_coverage() -> None:
    assert len(CASES) >= 120
    kinds = {case.expected for case in CASES}
    assert kinds == {"read_only", "write", "destructive", "refused"}


def test_nothing_in_the_corpus_that_is_not_read_only_is_read_only() -> None:
    for case in CASES:
        if case.expected != "read_only":
            for production in (case.production, True):
                assert plan_redis(case.args, production=production).classification != "read_only"


def test_the_allowlist_is_backed_by_redis_flags() -> None:
    """Every read-only name is flagged `readonly` by Redis or reviewed in READ_ONLY_WITHOUT_FLAG."""
    backed = REDIS_READONLY_FLAGGED | READ_ONLY_WITHOUT_FLAG | NEWER_READ_ONLY
    assert sorted(n for n in READ_ONLY_COMMANDS if n.lower() not in backed) == []


def test_redis_flags_are_never_overruled_towards_read_only() -> None:
    """Every command Redis does not flag readonly stays off the read-only list."""
    assert sorted(n for n in NOT_READ_ONLY if n.upper() in READ_ONLY_COMMANDS) == []


@st.composite
def any_casing(draw: st.DrawFn, names: Collection[str]) -> list[str]:
    """A name from `names` with each letter's case drawn, as a user might type it."""
    name = draw(st.sampled_from(sorted(names)))
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    return args_of("".join(c.upper() if f else c.lower() for c, f in zip(name, flips, strict=True)))


extra_args = st.lists(
    st.one_of(
        st.sampled_from(["STORE", "BLOCK", "0", "REPLACE", "STREAMS", "RESET", "maxmemory", "*"]),
        st.text(max_size=12),
    ),
    max_size=6,
)


@given(any_casing(NOT_READ_ONLY), extra_args, st.booleans())
def test_no_arguments_make_a_non_read_only_command_read_only(
    command: list[str], extra: list[str], production: bool
) -> None:
    plan = plan_redis([*command, *extra], production=production)
    assert plan.classification != "read_only", plan


@given(any_casing(REDIS_COMMANDS), extra_args, st.booleans())
def test_names_are_case_insensitive(command: list[str], extra: list[str], production: bool) -> None:
    upper = plan_redis([w.upper() for w in command] + extra, production=production)
    plan = plan_redis([*command, *extra], production=production)
    assert (plan.classification, plan.confirmations) == (upper.classification, upper.confirmations)
    assert plan.command == upper.command


known = (
    REDIS_COMMANDS
    | NEWER_READ_ONLY
    | NEWER_NOT_READ_ONLY
    | {n.split("|")[0] for n in REDIS_COMMANDS}
)


@given(st.text(min_size=1, max_size=20), st.lists(st.text(max_size=8), max_size=4))
def test_unknown_commands_are_refused(name: str, extra: list[str]) -> None:
    assume(name.lower() not in known)  # a known name is another test's case, not skipped here
    plan = plan_redis([name, *extra])
    assert plan.classification == "refused" and plan.confirmations == 0


@given(any_casing(REDIS_COMMANDS | NEWER_READ_ONLY), extra_args, st.booleans())
def test_every_plan_obeys_the_confirmation_rule(
    command: list[str], extra: list[str], production: bool
) -> None:
    plan = plan_redis([*command, *extra], production=production)
    assert plan.confirmations == expected_confirmations(plan.classification, production)
    assert plan.allowed == (plan.classification != "refused")
    assert plan.reasons


def test_the_plan_names_what_runs() -> None:
    plan = plan_redis(["config", "set", "MaxMemory", "1gb"], production=False)
    assert plan.command == ("CONFIG", "SET", "MaxMemory", "1gb")
    assert plan == RedisPlan("destructive", plan.command, 1, plan.reasons)
    assert plan_redis(["get", "User:1"]).command == ("GET", "User:1")


def test_keys_depends_on_production() -> None:
    assert plan_redis(["KEYS", "*"]).reasons[0] == (
        "KEYS: walks the whole keyspace and blocks the server: use SCAN"
    )
    assert plan_redis(["KEYS", "*"]).reasons[1].startswith("production: reads are bounded")
    assert plan_redis(["KEYS", "*"], production=False).classification == "read_only"


def test_destructive_on_production_says_so() -> None:
    assert plan_redis(["FLUSHALL"]).reasons[-1] == "production: confirm twice"
    assert len(plan_redis(["FLUSHALL"], production=False).reasons) == 1


def test_wrong_argument_types_are_refused_not_raised() -> None:
    whole = plan_redis(cast(Sequence[str], "GET k"))
    assert whole.classification == "refused" and "list of arguments" in whole.reasons[0]
    numbers = plan_redis(cast(Sequence[str], ["EXPIRE", "k", 10]))
    assert numbers.classification == "refused" and "strings" in numbers.reasons[0]


def test_plans_are_frozen() -> None:
    plan = plan_redis(["GET", "k"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.classification = "write"  # type: ignore[misc]
