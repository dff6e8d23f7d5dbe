"""Start-up runs without the cyclic collector, which comes back once start-up is over: before a
headless verb runs, and (tests/screens/test_instance_start.py) once the console's first
reading is painted."""

from __future__ import annotations

from tests.helpers import fresh_python


def run_python(code: str) -> str:
    """The last line `code` printed in a fresh interpreter."""
    return fresh_python(code).stdout.split("\n")[-2]


def test_begin_turns_the_collector_off_and_done_freezes_start_up_and_turns_it_on() -> None:
    code = """
import gc
from console import startup
startup.begin()
off = gc.isenabled()
startup.done()
on, frozen = gc.isenabled(), gc.get_freeze_count()
startup.done()  # again: nothing more
print(off, on, frozen > 0, gc.get_freeze_count() == frozen)
"""
    assert run_python(code) == "False True True True"


def test_a_collector_turned_off_by_someone_else_stays_off() -> None:
    code = """
import gc
from console import startup
gc.disable()
startup.begin()
startup.done()
print(gc.isenabled(), gc.get_freeze_count())
"""
    assert run_python(code) == "False 0"


def test_a_headless_verb_runs_with_the_collector_on() -> None:
    code = """
import gc, sys
import console.cli.keys as keys
seen = []
real = keys.run
keys.run = lambda args, load: seen.append(gc.isenabled()) or real(args, load)
from console.cli import main
main(["keys"])
print(seen)
"""
    assert run_python(code) == "[True]"


def test_the_collector_is_back_on_when_main_ends_without_a_console() -> None:
    """Help, a usage error or a console that fails before its first screen: once `main` is over,
    start-up is over (an in-process caller keeps its collector)."""
    code = """
import gc
from console.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
main(["--config", "/nonexistent/config.toml", "--instance", "x"])
print(gc.isenabled())
"""
    assert run_python(code) == "True"
