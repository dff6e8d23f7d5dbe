"""HealthDetail: the highlighted instance's latest probe, its figures and its error if any."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.data.models import FleetHealth, Health, InstanceRef
from console.formatting import human_age, human_bytes


class HealthDetail(Static):
    """A view of one FleetHealth; shows 'not checked yet' until the sweep reaches it."""

    DEFAULT_CSS = """
    HealthDetail { width: 2fr; height: auto; border: round $primary; padding: 0 1; }
    """

    # layout: the rows (and so the `auto` height) change with the instance and its health
    instance: reactive[InstanceRef | None] = reactive(None, layout=True)
    health: reactive[FleetHealth | None] = reactive(None, layout=True)

    def render(self) -> Table | Text:
        ref = self.instance
        if ref is None:
            return Text("Select an instance in the tree.", style="dim")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_row("instance", Text(ref.name))  # data: never read as markup
        table.add_row("kind", Text(ref.kind))
        table.add_row("group", Text(ref.group))
        table.add_row("env", Text(ref.env))
        table.add_row("endpoint", Text(ref.endpoint))
        if ref.discovered_at is not None:
            table.add_row("found", _found(ref))
        self._health_rows(table)
        return table

    def _health_rows(self, table: Table) -> None:
        health = self.health
        if health is None or health.name != (self.instance.name if self.instance else None):
            table.add_row("state", Text("not checked yet", style="dim"))
            return
        reading = health.reading
        style = {"ok": "green", "warn": "yellow", "down": "red"}[health.state]
        table.add_row("state", Text(health.state.upper(), style=f"bold {style}"))
        table.add_row(
            "checked", f"{reading.fetched_at:%H:%M:%S} UTC, {reading.elapsed_s * 1000:.0f} ms"
        )
        if reading.value is not None and reading.value.status is not None:
            # an AWS kind: its service's own status word, read from AWS (no connection timed)
            table.add_row("status", Text(reading.value.status))
        elif reading.value is not None:
            _timing_rows(table, reading.value, reading.source)
        if reading.error is not None:
            table.add_row(
                "error", Text(f"{reading.error.kind}: {reading.error.message}", style="red")
            )
        value = reading.value
        if value is None:
            return
        if value.connections is not None:
            table.add_row("connections", f"{value.connections} / {value.max_connections or '-'}")
        if value.used_memory_bytes is not None:
            limit = (
                human_bytes(value.max_memory_bytes) if value.max_memory_bytes else "no maxmemory"
            )
            table.add_row("memory", f"{human_bytes(value.used_memory_bytes)} / {limit}")
        label = "warning" if value.status is None else "reason"  # an AWS kind's: status, alarms
        for reason in value.reasons:
            table.add_row(label, Text(reason, style="yellow"))


def _timing_rows(table: Table, value: Health, source: str) -> None:
    """The answer on a live connection, the set-up before it, the console's own lag apart."""
    answer = f"{value.latency_ms:.0f} ms"
    table.add_row("answer", answer + (" (from Prometheus)" if source == "prometheus" else ""))
    if value.connect_ms is not None:
        table.add_row("set-up", f"{value.connect_ms:.0f} ms (connection, before the answer)")
    if value.loop_lag_ms >= 1:
        table.add_row(
            "console lag",
            Text(
                f"{value.loop_lag_ms:.0f} ms of the answer (this console, not the server)",
                style="yellow",
            ),
        )


def _found(ref: InstanceRef) -> Text:
    """Where discovery found it and how long ago; a kept list is marked as such."""
    found_at = ref.discovered_at
    assert found_at is not None
    age = human_age((datetime.now(UTC) - found_at).total_seconds())
    if ref.origin == "kept":
        return Text(f"kept list, found {age} ago (discovery not answering)", style="yellow")
    return Text(f"{ref.origin}, {age} ago")
