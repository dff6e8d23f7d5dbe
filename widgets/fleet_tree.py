"""FleetTree: kind -> group -> instance, each with a health mark and one key figure.

Counts of down and warning instances roll up to the group and the kind, so a problem is
visible with every node folded. The AWS-only kinds (MSK, EKS, DocumentDB, OpenSearch, EC2) are
branches under one "AWS" heading, which rolls up all of them; their figure is the service's own
status word. Health arrives as FleetHealth models; nothing is fetched here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from console.data.aws_models import CLOUD_HEADING, CLOUD_KIND_TITLES, CLOUD_KINDS
from console.data.models import FleetHealth, InstanceRef
from console.formatting import human_bytes
from widgets.resilient import Resilient

KIND_TITLES = {"mysql": "MySQL", "postgres": "PostgreSQL", "redis": "Redis", **CLOUD_KIND_TITLES}
MARKS = {"ok": ("●", "green"), "warn": ("▲", "yellow"), "down": ("✖", "red")}


def _figure(health: FleetHealth) -> str:
    value = health.reading.value
    if value is None:
        return health.reading.error.kind if health.reading.error else ""
    if value.status is not None:
        return value.status
    if value.used_memory_bytes is not None:
        return human_bytes(value.used_memory_bytes)
    if value.connections is not None:
        return f"{value.connections} conn"
    return f"{value.latency_ms:.0f} ms"


class FleetTree(Resilient, Tree[InstanceRef]):
    """The whole inventory as a tree; posts InstanceSelected on Enter."""

    DEFAULT_CSS = """
    FleetTree { width: 3fr; min-width: 40; }
    """

    @dataclass
    class InstanceSelected(Message):
        """The user chose an instance (Enter)."""

        instance: InstanceRef

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("Fleet", id=id)
        self.show_root = False
        self._health: dict[str, FleetHealth] = {}
        self._leaves: dict[str, TreeNode[InstanceRef]] = {}
        self._groups: dict[tuple[str, str], TreeNode[InstanceRef]] = {}
        self._kinds: dict[str, TreeNode[InstanceRef]] = {}
        self._cloud: TreeNode[InstanceRef] | None = None  # the "AWS" heading, while shown
        self._refs: dict[str, InstanceRef] = {}
        self._all: tuple[InstanceRef, ...] = ()
        self._filter = ""

    def set_fleet(self, instances: Sequence[InstanceRef]) -> None:
        """Show this inventory (through the filter): the cursor and expansions are kept."""
        self._all = tuple(instances)
        self._show([ref for ref in self._all if self._matches(ref)])

    def set_filter(self, text: str) -> None:
        """Show only instances whose name or group contains `text`; groups open to show them."""
        self._filter = text.strip().lower()
        self._show([ref for ref in self._all if self._matches(ref)])
        if self._filter:
            for group in self._groups.values():
                group.expand()

    def _matches(self, ref: InstanceRef) -> bool:
        return not self._filter or self._filter in f"{ref.name} {ref.group}".lower()

    def _show(self, instances: Sequence[InstanceRef]) -> None:
        wanted = {ref.name for ref in instances}
        for name in [n for n in self._leaves if n not in wanted]:
            self._leaves.pop(name).remove()
            self._refs.pop(name, None)
        for ref in instances:
            known = self._refs.get(ref.name)
            if known is not None and (known.kind, known.group) != (ref.kind, ref.group):
                self._leaves.pop(ref.name).remove()  # it moved: re-placed below
            if ref.name not in self._leaves:
                self._refs[ref.name] = ref
                self._leaves[ref.name] = self._group_node(ref).add_leaf(Text(ref.name), data=ref)
            elif known != ref:  # e.g. a kept entry that discovery has just confirmed
                self._refs[ref.name] = ref
                self._leaves[ref.name].data = ref
        self._prune_empty()
        self._relabel_all()

    def _prune_empty(self) -> None:
        for key, group in list(self._groups.items()):
            if not group.children:
                group.remove()
                del self._groups[key]
        for kind_name, kind in list(self._kinds.items()):
            if not kind.children:
                kind.remove()
                del self._kinds[kind_name]
        if self._cloud is not None and not self._cloud.children:
            self._cloud.remove()
            self._cloud = None

    def _group_node(self, ref: InstanceRef) -> TreeNode[InstanceRef]:
        kind = self._kinds.get(ref.kind)
        if kind is None:
            kind = self._kinds[ref.kind] = self._kind_parent(ref).add(Text(ref.kind), expand=True)
        group = self._groups.get((ref.kind, ref.group))
        if group is None:
            group = self._groups[(ref.kind, ref.group)] = kind.add(Text(ref.group), expand=False)
        return group

    def _kind_parent(self, ref: InstanceRef) -> TreeNode[InstanceRef]:
        """The root for a server kind; the "AWS" heading (made on first use) for an AWS kind."""
        if ref.kind not in CLOUD_KINDS:
            return self.root
        if self._cloud is None:
            self._cloud = self.root.add(Text(CLOUD_HEADING), expand=True)
        return self._cloud

    def set_health(self, health: FleetHealth) -> None:
        """Update one instance's mark and the roll-ups above it."""
        self._health[health.name] = health
        leaf = self._leaves.get(health.name)
        ref = self._refs.get(health.name)
        if leaf is None or ref is None:
            return
        leaf.set_label(self._leaf_label(ref))
        self._relabel(ref.kind, ref.group)

    def reveal(self, name: str) -> bool:
        """Expand the instance's group and put the cursor on it; False when it is unknown."""
        leaf = self._leaves.get(name)
        if leaf is None:
            return False
        if leaf.parent is not None:
            leaf.parent.expand()
        self.call_after_refresh(self.move_cursor, leaf)
        return True

    def health_of(self, name: str) -> FleetHealth | None:
        return self._health.get(name)

    def _leaf_label(self, ref: InstanceRef) -> Text:
        health = self._health.get(ref.name)
        if health is None:
            return Text.assemble(("○ ", "dim"), ref.name)
        mark, style = MARKS[health.state]
        return Text.assemble((f"{mark} ", style), ref.name, (f"  {_figure(health)}", "dim"))

    def _rollup(self, names: Sequence[str], title: str) -> Text:
        states = [self._health[n].state for n in names if n in self._health]
        label = Text(f"{title} ({len(names)})")
        for state in ("down", "warn"):
            count = states.count(state)
            if count:
                mark, style = MARKS[state]
                label.append(f"  {mark}{count} {state}", style=style)
        return label

    def _relabel(self, kind: str, group: str) -> None:
        names = [r.name for r in self._refs.values() if r.kind == kind]
        self._kinds[kind].set_label(self._rollup(names, KIND_TITLES.get(kind, kind)))
        names = [n for n in names if self._refs[n].group == group]
        self._groups[(kind, group)].set_label(self._rollup(names, group))
        if self._cloud is not None and kind in CLOUD_KINDS:
            cloud = [r.name for r in self._refs.values() if r.kind in CLOUD_KINDS]
            self._cloud.set_label(self._rollup(cloud, CLOUD_HEADING))

    def _relabel_all(self) -> None:
        for ref in self._refs.values():
            self._leaves[ref.name].set_label(self._leaf_label(ref))
        for kind, group in self._groups:
            self._relabel(kind, group)

    def on_tree_node_selected(self, event: Tree.NodeSelected[InstanceRef]) -> None:
        if event.node.data is not None:
            event.stop()
            self.post_message(self.InstanceSelected(event.node.data))
