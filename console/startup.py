"""Start-up without the cyclic garbage collector, until the first screen has what it shows.

Why: starting the console creates a few hundred thousand long-lived objects (modules, classes,
functions, Textual's styles), and the collector runs again and again over all of them while
they are made: ~0.05-0.1 s of the ~0.5 s of imports on this machine. Nothing made then is
cyclic garbage worth collecting. So `main` turns the collector off first thing, and `done()`
turns it back on once start-up is over (a headless verb: before it runs; the console: once its
first reading is painted, or a few seconds after it opened if none came), after `gc.freeze()`
has set the start-up objects aside: the collections that follow, every few polls for as long as
the console stays open, no longer walk them either.
"""

from __future__ import annotations

import gc

_held = False


def begin() -> None:
    """Turn the collector off for start-up (a no-op when something else already did)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def done() -> None:
    """Start-up is over: freeze what it made and turn the collector back on (once; idempotent)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
