"""`opsconsole check`: the fleet sweep headless, one line per instance."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from console.data.models import FleetHealth
from console.formatting import text_table


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
