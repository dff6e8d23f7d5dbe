"""`opsconsole check [--json]`: the fleet sweep headless, one line per instance."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from console.cli.common import USAGE_ERROR, describe
from console.formatting import text_table

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.models import FleetHealth
    from console.services import Progress

HELP = "health of the whole fleet"
DESCRIPTION = (
    "Sweep the whole fleet (configured and discovered) once, like the console's fleet "
    "screen, and print one line per instance (--json: one JSON array). On a terminal a "
    "counter on stderr shows the sweep's progress."
)
EXIT_CODES: dict[int, str] = {
    0: "every instance is ok",
    1: "an instance is down or warn",
    2: USAGE_ERROR,
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--json", action="store_true", help="one JSON array, one object each")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio

    from console.cli.common import checked_settings

    return asyncio.run(_check(checked_settings(load_settings), args.json))


async def _check(settings: Settings, as_json: bool) -> int:
    from console.cli.progress import terminal_progress
    from console.data.layer import DataLayer

    async with DataLayer(settings) as data:
        fleet = await data.fleet()
        if fleet.discovery_error:
            print(f"opsconsole: warning: {fleet.discovery_error}", file=sys.stderr)
        with terminal_progress() as progress:
            results = await data.sweep(fleet.instances, _counter(progress, len(fleet)))
        busy = data.console_busy()
    if busy is not None:
        print(f"opsconsole: {busy} (this machine, not the servers)", file=sys.stderr)
    if as_json:
        print(render_json(results))
    else:
        print("\n".join(render_text(results)))
        print(summary(results))
    return exit_status(results)


def _counter(progress: Progress | None, total: int) -> Callable[[FleetHealth], None] | None:
    """The sweep's per-result callback telling `progress` ("checked", n, total), or None."""
    if progress is None:
        return None
    checked = 0

    def one_more(_result: FleetHealth) -> None:
        nonlocal checked
        checked += 1
        progress("checked", checked, total)

    progress("checked", 0, total)
    return one_more


def as_record(result: FleetHealth) -> dict[str, Any]:
    reading = result.reading
    health = reading.value
    error = reading.error
    latency = health.latency_ms if health is not None else reading.elapsed_s * 1000
    connect = health.connect_ms if health is not None else None
    return {
        "name": result.name,
        "kind": result.kind,
        "group": result.group,
        "state": result.state,
        "latency_ms": round(latency, 1),
        "connect_ms": None if connect is None else round(connect, 1),
        "loop_lag_ms": round(health.loop_lag_ms, 1) if health is not None else 0.0,
        "error": None if error is None else {"kind": error.kind, "message": error.message},
        "reasons": list(health.reasons) if health is not None else [],
        "status": health.status if health is not None else None,
    }


def render_json(results: Sequence[FleetHealth]) -> str:
    return json.dumps([as_record(r) for r in results], indent=2)


def _detail(result: FleetHealth) -> str:
    if result.reading.error is not None:
        return f"{result.reading.error.kind}: {result.reading.error.message}"
    health = result.reading.value
    return "; ".join(health.reasons) if health is not None else ""


def render_text(results: Sequence[FleetHealth]) -> list[str]:
    rows = [
        [
            r.state.upper(),
            r.kind,
            r.group,
            r.name,
            f"{as_record(r)['latency_ms']:.0f} ms",
            _detail(r),
        ]
        for r in results
    ]
    return text_table(["STATE", "KIND", "GROUP", "NAME", "LATENCY", "DETAIL"], rows)


def summary(results: Sequence[FleetHealth]) -> str:
    counts = {state: sum(r.state == state for r in results) for state in ("ok", "warn", "down")}
    return (
        f"{len(results)} instances: {counts['ok']} ok, {counts['warn']} warn, {counts['down']} down"
    )


def exit_status(results: Sequence[FleetHealth]) -> int:
    return 0 if all(r.state == "ok" for r in results) else 1
