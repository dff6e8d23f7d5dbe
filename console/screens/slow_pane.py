"""SlowPane: a MySQL (RDS) instance's slow-query log over a window, digested by fingerprint.

The log comes from CloudWatch Logs (bounded), the digest is the one `opsconsole digest` prints
(pt-query-digest fingerprints, ranked by total time): both come from the slow_digest service,
whose reading the pane shows in the console's DigestTable. `t` cycles the window 1h/6h/24h. A
CloudWatch read is not free, so the tab re-reads at most once a minute however often the screen
polls, and at once on a new window.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Static

from console.analysis.digest import DigestReport
from console.data.layer import DataLayer
from console.data.models import SourceError
from console.inventory import Instance
from console.services.slow_digest.logs import instance_digest
from widgets.bindings import bindings
from widgets.digest_table import DigestTable
from widgets.resilient import Resilient

WINDOWS: tuple[tuple[str, timedelta], ...] = (
    ("1h", timedelta(hours=1)),
    ("6h", timedelta(hours=6)),
    ("24h", timedelta(hours=24)),
)
REREAD_S = 60.0


class SlowPane(Resilient, Vertical):
    """The slow-log digest of one instance; the screen calls refresh_digest() while visible."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("slow.window")
    DEFAULT_CSS = """
    SlowPane #slow-window { height: 1; }
    SlowPane DigestTable { height: 1fr; }
    """

    def __init__(
        self,
        data: DataLayer,
        instance: Instance,
        limit: int,
        *,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.data = data
        self.instance = instance
        self.limit = limit
        self.window_index = 0
        self.read_at: datetime | None = None
        self.report: DigestReport | None = None
        self.truncated = False
        self._errors: list[SourceError] = []

    def compose(self) -> ComposeResult:
        yield Static(self._header(), id="slow-window")
        yield DigestTable(id="slow-table")

    def _header(self) -> str:
        names = "  ".join(
            f"[{name}]" if i == self.window_index else name for i, (name, _) in enumerate(WINDOWS)
        )
        line = f"window: {names}   (t: next window)"
        if self.report is not None:
            report = self.report
            line += f"   {report.events} slow queries, {len(report.rows)} fingerprints"
            line += f", {report.total_time_s:.1f} s"
        return line + ("   · read stopped at the configured bound" if self.truncated else "")

    async def refresh_digest(self, *, force: bool = False) -> list[SourceError]:
        """Read and digest the window (at most once a minute unless `force`)."""
        now = datetime.now(UTC)
        if not force and self.read_at and (now - self.read_at).total_seconds() < REREAD_S:
            return self._errors
        span = WINDOWS[self.window_index][1]
        digest = await instance_digest(self.data, self.instance, now - span, now, self.limit)
        self.query_one(DigestTable).reading = digest.digests
        self.read_at = now
        if digest.report is not None:
            self.report = digest.report
            self.truncated = digest.truncated
        self.query_one("#slow-window", Static).update(self._header())
        error = digest.digests.error
        self._errors = [error] if error is not None else []
        return self._errors

    def action_next_window(self) -> None:
        self.window_index = (self.window_index + 1) % len(WINDOWS)
        self.report = None
        self.query_one("#slow-window", Static).update(self._header())
        self.run_worker(
            self.refresh_digest(force=True),
            group="slow-window",
            exclusive=True,
            exit_on_error=False,
        )
