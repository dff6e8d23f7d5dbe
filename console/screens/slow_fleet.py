"""SlowFleetScreen (`L` from anywhere): the slow-query digest of every MySQL instance at once.

Each instance's RDS slow-query log for the window (CloudWatch Logs, a few at a time, bounded
per instance), digested together: classes merged across the fleet by fingerprint, ranked by
total time, each naming the instance that ran it most (+ how many others). Enter opens that
instance on its Slow log tab. Read on open, on `r` and on a new window (`t`), never on a timer.
The digest is the slow_digest service's, the one `opsconsole digest --fleet` prints.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from console.analysis.digest import DigestRow
from console.config import Settings
from console.data.layer import DataLayer
from console.inventory import Fleet
from console.screens.messages import OpenInstance
from console.screens.polling import ConsoleScreen
from console.screens.slow_pane import WINDOWS
from console.screens.status import bind_status_bar
from console.services.slow_digest.logs import FleetDigest, fleet_digest, slow_log_instances
from widgets.bindings import bindings
from widgets.digest_table import DigestTable
from widgets.footer import KeysFooter
from widgets.status_bar import StatusBar


class SlowFleetScreen(ConsoleScreen):
    """The fleet's slow queries over a window; Escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("slow.window")
    DEFAULT_CSS = """
    SlowFleetScreen #slow-fleet-head { height: auto; padding: 0 1; }
    SlowFleetScreen DigestTable { height: 1fr; }
    """

    def __init__(self, data: DataLayer, settings: Settings, fleet: Fleet) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.fleet = fleet
        self.window_index = 0
        self.rows: dict[str, DigestRow] = {}
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("", id="slow-fleet-head", markup=False)
        yield DigestTable(id="slow-fleet-table")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self.query_one(DigestTable).focus()
        self.read()

    def has_data(self) -> bool:
        return self.loaded

    def _windows(self) -> str:
        return "  ".join(
            f"[{name}]" if i == self.window_index else name for i, (name, _) in enumerate(WINDOWS)
        )

    @work(exclusive=True, group="slow-fleet", exit_on_error=False)
    async def read(self) -> None:
        head = self.query_one("#slow-fleet-head", Static)
        asked = len(slow_log_instances(self.fleet))
        span = WINDOWS[self.window_index][1]
        head.update(f"window {self._windows()} · reading {asked} slow-query logs…")
        now = datetime.now(UTC)
        limit = self.settings.console.row_limit
        digest = await fleet_digest(self.data, now - span, now, limit, self.fleet)
        self.rows = {row.query_id: row for row in digest.report.top(limit)}
        self.query_one(DigestTable).reading = digest.digests
        head.update(self._summary(digest))
        self.loaded = True

    def _summary(self, digest: FleetDigest) -> str:
        report = digest.report
        line = (
            f"window {self._windows()} (t) · {digest.read} of {digest.asked} slow logs read · "
            f"{report.events} slow queries, {len(report.rows)} fingerprints, "
            f"{report.total_time_s:,.1f} s · Enter opens the instance that ran it most"
        )
        return "\n".join([line, *digest.notes])

    def action_next_window(self) -> None:
        self.window_index = (self.window_index + 1) % len(WINDOWS)
        self.read()

    def action_refresh(self) -> None:
        self.read()

    @on(DigestTable.DigestChosen)
    def open_instance(self, message: DigestTable.DigestChosen) -> None:
        row = self.rows.get(message.digest.digest)
        instance = self.fleet.by_name(row.instances[0][0]) if row and row.instances else None
        if instance is not None:
            self.post_message(OpenInstance(instance, "slow"))
