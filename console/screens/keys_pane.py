"""KeysPane: the TTL and big-key audit of one Redis instance, and its remediation.

`s` scans within a time budget (on a replica when there is one, under the ops budget) and shows
the key prefixes with their keys without a TTL, and the biggest keys; `s` again continues a
partial scan where it stopped. `x` proposes EXPIRE with jitter for the keys without TTL found,
through the confirmation prompts, and applies it on the write credential. Nothing runs on a timer.
The scan, its tables and the plan are the ttl_audit service's, the one `opsconsole redis-audit`
uses; the pane shows them and asks.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Static

from console.data.layer import DataLayer
from console.data.models import AuditOptions, RedisAuditRun
from console.formatting import human_number
from console.inventory import Instance
from console.screens.confirm import run_confirmed
from console.services import ttl_audit
from widgets.bindings import bindings
from widgets.key_audit_tables import BigKeyTable, PrefixTable
from widgets.resilient import Resilient

TIME_BUDGET_S = 15.0


class KeysPane(Resilient, Vertical):
    """The audit's summary line, its prefix table and its biggest keys."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("keys.audit", "keys.remediate")
    DEFAULT_CSS = """
    KeysPane #audit-summary { height: auto; padding: 0 1; }
    KeysPane PrefixTable { height: 2fr; }
    KeysPane BigKeyTable { height: 1fr; }
    """

    def __init__(
        self,
        data: DataLayer,
        instance: Instance,
        *,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.data = data
        self.instance = instance
        self.last: RedisAuditRun | None = None

    def compose(self) -> ComposeResult:
        read_only = self.data.queries.read_only()
        fix = (
            f"x: off ({read_only})"
            if read_only
            else "x: set a TTL on the keys without one (asks first)"
        )
        yield Static(
            f"s: scan the keyspace ({TIME_BUDGET_S:g}s a press, SCAN only, on a replica when "
            f"there is one) · {fix}",
            id="audit-summary",
            markup=False,
        )
        yield PrefixTable(id="prefixes")
        yield BigKeyTable(id="bigkeys")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remediate" and self.data.queries.read_only():
            return None  # read-only: the TTL fix shows disabled (the data layer refuses it)
        return super().check_action(action, parameters)

    def action_audit(self) -> None:
        self.audit()

    @work(exclusive=True, group="keys", exit_on_error=False)
    async def audit(self) -> None:
        summary = self.query_one("#audit-summary", Static)
        checkpoint = self.last.checkpoint if self.last is not None else None
        summary.update("scanning… (SCAN with COUNT, under the ops budget)")
        options = AuditOptions(time_budget_s=TIME_BUDGET_S)
        reading = await ttl_audit.scan(self.data, self.instance, options, checkpoint)
        scanned = reading.value
        if scanned is None:
            error = reading.error
            summary.update(f"audit failed: {error.kind}: {error.message}" if error else "no answer")
            return
        self.last = scanned.run
        audit = scanned.run.audit
        state = "complete" if audit.complete else "partial: press s to continue"
        off = self.data.queries.read_only() is not None  # read-only: no TTL fix offered
        summary.update(
            f"{human_number(audit.scanned)} keys scanned on the {audit.node.role} "
            f"{audit.node.address} · {human_number(audit.keys_without_ttl)} without TTL · "
            f"{audit.ops_per_s:,.0f} ops/s (budget {audit.ops_budget:,.0f}) · {state}"
            + ("" if not audit.keys_without_ttl or off else " · x sets their TTL")
        )
        self.query_one(PrefixTable).reading = scanned.prefixes
        self.query_one(BigKeyTable).reading = scanned.biggest

    def action_remediate(self) -> None:
        self.remediate()

    @work(exclusive=True, group="keys", exit_on_error=False)
    async def remediate(self) -> None:
        run, summary = self.last, self.query_one("#audit-summary", Static)
        if run is None or not run.no_ttl_keys:
            summary.update("nothing to set: scan (s) and find keys without TTL first")
            return
        plan, built = await ttl_audit.remediation(self.data, self.instance, run)
        if built is None:
            summary.update("the plan holds a command the Redis guard does not allow: not run")
            return
        if built.value is None:  # read-only: refused before any prompt
            why = built.error.message if built.error else "no answer"
            summary.update(f"TTL plan refused: {why}")
            return
        done = await run_confirmed(self.app, self.data, self.instance, built.value)
        if done is None:
            summary.update("TTL plan cancelled: nothing was sent")
        elif done.error is not None:
            summary.update(f"TTL plan failed: {done.error.kind}: {done.error.message}")
        else:
            summary.update(f"TTL set on {len(plan.commands):,} keys · s scans again")
            self.last = None
