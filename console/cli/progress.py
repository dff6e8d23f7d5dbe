"""A long verb's progress on the terminal: one rich progress line on stderr, only on a TTY.

Why here: the services say how far they are through an optional `progress` callback
(`console.services.Progress`) and never print; the verbs render it with this one helper.
Piped or redirected, stderr gets nothing extra (a script reads only what it asked for), and
stdout never gets the progress (it carries the data, e.g. one JSON document). rich is imported
only when a terminal is there to draw on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from console.services import Progress


@contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[Progress | None]:
    """A `progress` callback drawing on `stream` (stderr) while the block runs, or None when
    `stream` is not a terminal; the line is wiped when the block ends."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=stream, stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def show(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total or None)

        yield show
