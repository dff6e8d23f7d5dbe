"""`opsconsole lab up|down|status|scenario NAME|workload on|off`: the local lab of real servers.

The lab lives in `.lab` beside the config file ($OPSCONSOLE_LAB_DIR overrides); it never reads
the config's settings, so it works before the config is complete.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings
    from console.lab.manager import PartStatus

HELP = "the local lab of real servers"
DESCRIPTION = (
    "The local lab of real servers (MariaDB, PostgreSQL, Redis, Prometheus, Alertmanager, "
    "moto) in .lab beside the config file: up, down, status (--json: one JSON object), "
    "scenario NAME, workload on|off."
)
EXIT_CODES: dict[int, str] = {
    0: "done; status: every part is up",
    1: "a part failed to start or stop; status: a part is down",
    2: USAGE_ERROR + "; or an unknown scenario",
}
"""Exit status -> what it means for this verb (the help page lists them)."""
ACTIONS = ("up", "down", "status", "scenario", "workload")


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument(
        "scenario",
        nargs="?",
        help="for `scenario`: the incident to inject; for `workload`: on or off",
    )
    parser.add_argument("--json", action="store_true", help="status: one JSON object")


def lab_dir_for(path: Path) -> Path:
    """$OPSCONSOLE_LAB_DIR, else `.lab` beside the config file."""
    env = os.environ.get("OPSCONSOLE_LAB_DIR")
    return Path(env) if env else path.resolve().parent / ".lab"


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    from console.config import config_path
    from console.lab import manager

    lab_dir = lab_dir_for(config_path(args.config))

    def emit(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.json and args.action != "status":
        emit("opsconsole: lab: --json goes with `status` only")
        return 2
    if args.action == "up":
        return 0 if manager.up(lab_dir, emit) else 1
    if args.action == "down":
        return 0 if manager.down(lab_dir, emit) else 1
    if args.action == "scenario":
        if args.scenario not in manager.SCENARIOS:
            emit(f"opsconsole: lab scenario: expected one of {', '.join(manager.SCENARIOS)}")
            return 2
        return 0 if manager.scenario(lab_dir, args.scenario, emit) else 1
    if args.action == "workload":
        if args.scenario not in ("on", "off"):
            emit("opsconsole: lab workload: expected on or off")
            return 2
        return 0 if manager.workload(lab_dir, args.scenario == "on", emit) else 1
    return _status(manager.status(lab_dir), manager.workload_status(lab_dir), args.json)


def _status(parts: Sequence[PartStatus], workload: PartStatus, as_json: bool) -> int:
    """One row per part, then the workload's (which being off does not make the lab unhealthy)."""
    from console.formatting import text_table

    healthy = all(part.healthy for part in parts)
    if as_json:
        print(render_json(parts, workload, healthy))
        return 0 if healthy else 1

    rows = [
        [
            part.name,
            "up" if part.healthy else "DOWN",
            str(part.pid or "-"),
            str(part.port or "-"),
            part.detail,
        ]
        for part in parts
    ]
    rows.append(["workload", "on" if workload.healthy else "off", str(workload.pid or "-"), "-",
                 workload.detail])  # fmt: skip
    print("\n".join(text_table(["PART", "STATE", "PID", "PORT", "DETAIL"], rows)))
    return 0 if healthy else 1


def render_json(parts: Sequence[PartStatus], workload: PartStatus, healthy: bool) -> str:
    """`lab status --json`: every part (name, up, pid, port, detail), the workload, the verdict."""
    import json

    def record(part: PartStatus) -> dict[str, object]:
        return {"name": part.name, "up": part.healthy, "pid": part.pid, "port": part.port,
                "detail": part.detail}  # fmt: skip

    document = {
        "healthy": healthy,
        "parts": [record(p) for p in parts],
        "workload": record(workload),
    }
    return json.dumps(document, indent=2)
