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
    from console.data.layer import DataLayer

    async with DataLayer(settings) as data:
        fleet = await data.fleet()
        if fleet.discovery_error:
            print(f"opsconsole: warning: {fleet.discovery_error}", file=sys.stderr)
        progress = _Progress(len(fleet)) if sys.stderr.isatty() else None
        results = await data.sweep(fleet.instances, progress.step if progress else None)
        busy = data.console_busy()
    if progress is not None:
        progress.done()
    if busy is not None:
        print(f"opsconsole: {busy} (this machine, not the servers)", file=sys.stderr)
    if as_json:
        print(render_json(results))
    else:
        print("\n".join(render_text(results)))
        print(summary(results))
    return exit_status(results)


class _Progress:
    """`checked 37/142` on the terminal's stderr while the sweep runs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0

    def step(self, result: FleetHealth) -> None:
        self.count += 1
        sys.stderr.write(f"\rchecked {self.count}/{self.total}: {result.name:<40.40}")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()


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
