"""FleetTree: marks, roll-ups of down/warn counts, and Enter posting InstanceSelected."""

from __future__ import annotations

from textual.message import Message

from tests import factories
from tests.widgets_harness import FleetHarness
from widgets.fleet_tree import FleetTree


async def test_counts_roll_up_to_group_and_kind() -> None:
    app = FleetHarness()
    async with app.run_test(size=(100, 30)):
        tree = app.query_one(FleetTree)
        labels = {str(node.label) for node in tree._kinds.values()}
        assert "MySQL (3)  ▲1 warn" in labels
        assert "Redis (2)  ✖1 down" in labels
        assert "PostgreSQL (1)" in labels
        group = tree._groups[("mysql", "Sales/CRM")]
        assert str(group.label) == "Sales/CRM (2)  ▲1 warn"


async def test_leaf_shows_mark_and_key_figure() -> None:
    app = FleetHarness()
    async with app.run_test(size=(100, 30)):
        tree = app.query_one(FleetTree)
        assert str(tree._leaves["aws-luckyus-salespayment-rw"].label).startswith(
            "▲ aws-luckyus-salespayment-rw  342 conn"
        )
        assert str(tree._leaves["luckyus-dify"].label) == "✖ luckyus-dify  unreachable"
        assert str(tree._leaves["luckyus-isales-market"].label).endswith("48.0 MiB")


async def test_enter_on_an_instance_posts_instance_selected() -> None:
    messages: list[Message] = []
    app = FleetHarness()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("down", "down", "down", "enter")  # MySQL, Sales/CRM, salesorder
        await pilot.pause()
    selected = [m for m in messages if isinstance(m, FleetTree.InstanceSelected)]
    assert {m.instance.name for m in selected} == {factories.refs()[0].name}


async def test_refleet_keeps_nodes_and_removes_gone_instances() -> None:
    app = FleetHarness()
    async with app.run_test(size=(100, 30)):
        tree = app.query_one(FleetTree)
        kept = tree._leaves["aws-luckyus-salesorder-rw"]
        tree.set_fleet(factories.refs()[:-1])
        assert "luckyus-dify" not in tree._leaves
        assert tree._leaves["aws-luckyus-salesorder-rw"] is kept


async def test_filter_shows_matches_only_and_clearing_restores_all() -> None:
    app = FleetHarness()
    async with app.run_test(size=(100, 30)):
        tree = app.query_one(FleetTree)
        tree.set_filter("dify")
        assert sorted(tree._leaves) == ["aws-luckyus-dify-rw", "luckyus-dify"]
        assert set(tree._kinds) == {"postgres", "redis"}  # MySQL has no match: folded away
        assert str(tree._kinds["redis"].label) == "Redis (1)  ✖1 down"
        tree.set_filter("")
        assert len(tree._leaves) == len(factories.refs())
