"""The command line is read by the top level alone when it names no verb: the console opened
on an instance builds no verb's parser; anything else reads as it did with the whole parser."""

from __future__ import annotations

import pytest

from console.cli import parse
from tests.helpers import fresh_python

PROBE = """
import sys
from console.cli import parse
args = parse(sys.argv[1:])
print(args.verb, " ".join(sorted(m for m in sys.modules if m.startswith("console.cli."))))
"""


def verbs_loaded(*argv: str) -> tuple[str, set[str]]:
    """The verb parsed, and the verb modules imported to parse it (a fresh interpreter)."""
    done = fresh_python(PROBE, *argv)
    verb, *modules = done.stdout.split()
    return verb, set(modules)


def test_the_console_on_an_instance_builds_no_verb_parser() -> None:
    verb, modules = verbs_loaded("--instance", "aws-luckyus-salesorder-rw", "--pane", "processes")
    assert verb == "None"
    assert "console.cli.check" not in modules and "console.cli.digest" not in modules
    verb, modules = verbs_loaded("check", "--json")  # a verb: the whole parser, as before
    assert verb == "check"
    assert {"console.cli.check", "console.cli.digest"} <= modules


def test_an_instance_named_like_a_verb_is_still_an_instance() -> None:
    args = parse(["--instance", "check", "--pane", "processes"])
    assert (args.verb, args.instance, args.pane) == (None, "check", "processes")
    args = parse(["--read-only", "check", "--json"])
    assert (args.verb, args.json, args.read_only) == ("check", True, True)


@pytest.mark.parametrize(
    "argv",
    [["--instance"], ["--bogus"], ["--instance", "x", "stray"], ["nosuchverb"]],
    ids=["missing-value", "unknown-option", "stray-word", "unknown-verb"],
)
def test_a_bad_command_line_is_told_by_the_whole_parser(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "VERB ..." in err  # the whole usage, the verbs included
    assert "error:" in err


def test_help_lists_the_verbs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse(["--instance", "x", "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "digest" in out and "redis-audit" in out
