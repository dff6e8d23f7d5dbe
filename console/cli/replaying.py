"""`--replay DIR [--at TIME]`: the console, `screenshot` and `investigate` on a recording.

One pair of options and one way to open them for the three verbs that take them, so a bad TIME,
a missing folder or a folder without a recording is told the same way by each (one line on
stderr, exit 2: `ReplayError` is a ConsoleError, which `console.cli.main` reports).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import Settings
    from console.services.recording.replay import ReplayLayer

TIME_HELP = (
    "where in the recording: +30s (from its start), -5m (from its end), start, end, a time "
    "of day 03:12:05 or ISO 8601 2026-12-05T03:12:05Z (UTC); default its start"
)


def attached(argv: Sequence[str]) -> list[str]:
    """`--at -5m` as `--at=-5m`: argparse takes a value that starts with `-` for an option, and
    "5 minutes before the end" is the TIME an on-call asks for most."""
    joined: list[str] = []
    waiting = False
    for arg in argv:
        if waiting and arg.startswith("-") and joined:
            joined[-1] = f"--at={arg}"
        else:
            joined.append(arg)
        waiting = arg == "--at"
    return joined


def replay_options(parser: argparse.ArgumentParser) -> None:
    """--replay DIR and --at TIME."""
    parser.add_argument(
        "--replay",
        metavar="DIR",
        default=None,
        help="a recording (`opsconsole record --output DIR`) instead of the live servers: "
        "read-only, nothing is asked of any server",
    )
    parser.add_argument("--at", metavar="TIME", default=None, help=TIME_HELP)


def open_replay(
    args: argparse.Namespace,
    load_settings: Callable[[], Settings],
    verb: str,
) -> ReplayLayer | None:
    """The recording `--replay` names, its cursor at `--at`; None without --replay.

    Raises ReplayError (exit 2) for --at without --replay, a missing folder, a folder without a
    recording, a TIME it cannot read or outside the recording, an `--instance` the recording
    does not hold, or an instance `--pane` it does not answer (metrics, query, keys, slow).
    """
    if args.replay is None and getattr(args, "at", None) is None:
        return None  # live: the recording's modules are not loaded (a live start waits less)
    from console.services.recording import replay

    if args.replay is None:
        raise replay.ReplayError(f"{verb}: --at TIME needs --replay DIR")
    layer = replay.open_replay(load_settings(), Path(args.replay), args.at)
    name = getattr(args, "instance", None)
    fleet = layer.settings.fleet
    if name is not None and fleet.by_name(name) is None:
        held = ", ".join(i.name for i in fleet.instances) or "none"
        raise replay.ReplayError(
            f"{verb}: the recording in {args.replay} holds no instance named {name!r} "
            f"(it holds: {held})"
        )
    pane = getattr(args, "pane", None)
    if pane is not None and pane not in (*replay.PANES, "fleet", "alerts"):
        raise replay.ReplayError(
            f"{verb}: a recording answers the {', '.join(replay.PANES)} panes of an instance, "
            f"not {pane!r} (metrics stay in Prometheus; nothing is typed at a recording)"
        )
    return layer
