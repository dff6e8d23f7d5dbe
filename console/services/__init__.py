"""Capabilities: one module per capability (investigation, fleet slow-query digest, Redis TTL
audit, health report, AWS cost, query and plan, ...). Each is async functions that take the data
layer and return typed results or `Reading`s; the CLI verb (console/cli/) and the screen
(console/screens/) both call the service, and neither builds readings, masks or analyses.

Layer: above the data layer and the core (models, safety, analysis, config, formatting), below
the UI. No Textual here.

A long capability takes an optional `progress: Progress` callback and calls it with what it is
doing, how far it is and how far it goes; a service never prints, so the verb renders it (a
rich progress line on a terminal's stderr, console/cli/progress.py) or passes None.
"""

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""progress(what, done, total): e.g. ("swept", 37, 142); total 0 when it is not known."""
