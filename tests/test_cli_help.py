"""Every verb's `--help` says what it does and what each of its exit codes means."""

from __future__ import annotations

import argparse
import re

import pytest

from console.cli import VERBS, build_parser, verb_module
from console.cli.common import COMMON_EXIT_CODES
from tests.helpers import run_opsconsole as opsconsole


def _verb_parser(verb: str) -> argparse.ArgumentParser:
    parser = build_parser()
    [verbs] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found: argparse.ArgumentParser = verbs.choices[verb]
    return found


def _listed_codes(help_text: str) -> dict[int, str]:
    """The `exit status:` block read back: code -> its meaning (wrapped lines joined)."""
    block = help_text.split("exit status:\n", 1)[1]
    codes: dict[int, str] = {}
    last = -1
    for line in block.splitlines():
        found = re.match(r"  (\d+) +(.*)", line)
        if found:
            last = int(found[1])
            codes[last] = found[2]
        elif line.startswith("       ") and last >= 0:
            codes[last] += " " + line.strip()
    return codes


@pytest.mark.parametrize("verb", list(VERBS))
def test_each_verb_help_describes_it_and_lists_its_exit_codes(verb: str) -> None:
    help_text = _verb_parser(verb).format_help()
    module = verb_module(verb)
    assert "exit status:" in help_text, verb
    assert _listed_codes(help_text) == module.EXIT_CODES
    assert {0, 2} <= set(module.EXIT_CODES), f"{verb}: fine and usage error at least"
    description = help_text.split("\n\n")[1]
    assert description.rstrip().endswith((".", ")")), f"{verb}: description cut: {description!r}"


def test_top_level_help_lists_every_verb_and_the_common_exit_codes() -> None:
    result = opsconsole("--help")
    assert result.returncode == 0
    for verb in VERBS:
        assert re.search(rf"^    {re.escape(verb)} ", result.stdout, re.M), verb
    assert _listed_codes(result.stdout) == COMMON_EXIT_CODES
    assert "`opsconsole VERB --help`" in result.stdout


def test_a_verb_help_run_by_a_user_names_its_exit_codes() -> None:
    result = opsconsole("redis-audit", "--help")
    assert result.returncode == 0
    assert "1    keys without TTL found" in result.stdout
    assert "2    usage or config error" in result.stdout


NO_DATA = {"tui": "the console itself", "screenshot": "writes the SVG FILE it is given"}
"""The verbs that print no data on stdout (so have no --json), and why."""


@pytest.mark.parametrize("verb", [v for v in VERBS if v not in NO_DATA])
def test_every_verb_that_prints_data_offers_json(verb: str) -> None:
    parser = _verb_parser(verb)
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    parsers = [parser, *(p for a in actions for p in a.choices.values())]
    options = {o for p in parsers for a in p._actions for o in a.option_strings}
    formats = {
        c for p in parsers for a in p._actions if a.dest == "format" for c in a.choices or ()
    }
    assert "--json" in options or "json" in formats, verb
