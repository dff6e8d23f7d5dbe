"""Issue 11, class 9 (the Redis part): the command-line splitter is shlex's, linear, bounded."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from console.safety.redisargs import (
    MAX_COMMAND_CHARS,
    UnclosedQuoteError,
    split_command,
    split_posix,
)
from console.safety.redisguard import plan_redis

typed = st.text(alphabet=st.sampled_from(list("ab \t\n'\"\\#$é\x0b")), max_size=40)


@given(typed)
@example("a''b")
@example('"a\\"b\\\\c\\d"')
@example("'' \"\"")
@example("a\\")
def test_splits_as_shlex_does(text: str) -> None:
    try:
        expected: list[str] | None = shlex.split(text)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(UnclosedQuoteError):
            split_posix(text)
        assert split_command(text) == text.split()
    else:
        assert split_posix(text) == expected
        assert split_command(text) == expected


def test_big_lines_split_correctly() -> None:
    """Sizes shlex took seconds on; correctness only (timings are the benchmark's)."""
    words = ['"a b"', "'c d'", "e\\ f", "g"] * 3000
    text = " ".join(words)
    assert len(text) < MAX_COMMAND_CHARS
    assert split_command(text) == ["a b", "c d", "e f", "g"] * 3000
    value = "x" * (MAX_COMMAND_CHARS - 10)
    assert split_command(f"SET k {value}") == ["SET", "k", value]


@pytest.mark.parametrize(
    "text",
    [
        "GET " + "k" * 1_000_000,
        "SET k " + '"' + "a b " * 250_000 + '"',
        "ECHO " + "\\" * 1_000_000,
        "'" * 1_000_000,
    ],
)
def test_a_line_over_the_bound_is_refused_with_the_reason(text: str) -> None:
    args = split_command(text)
    assert args == [text]
    plan = plan_redis(args)
    assert plan.classification == "refused"
    assert f"at most {MAX_COMMAND_CHARS:,}" in plan.reasons[0]


def test_arguments_over_the_bound_are_refused_from_the_command_line_too() -> None:
    """`opsconsole redis` gets its arguments from the shell: the guard bounds them."""
    plan = plan_redis(["GET", "k" * (MAX_COMMAND_CHARS + 1)])
    assert plan.classification == "refused" and "characters long" in plan.reasons[0]
    assert plan_redis(["GET", "k" * (MAX_COMMAND_CHARS - 3)]).classification == "read_only"
