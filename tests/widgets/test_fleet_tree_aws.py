"""FleetTree with the AWS kinds: an "AWS" heading over their kinds, the same marks and roll-ups."""

from __future__ import annotations

from dataclasses import replace

from tests import factories, factories_kinds
from tests.widgets_harness import FleetHarness
from widgets.fleet_tree import FleetTree


def harness() -> FleetHarness:
    """The servers of the factories' fleet and the AWS kinds, all with their health."""
    refs = [*factories.refs(), *factories_kinds.refs()]
    healths = [*factories.fleet_health(), *factories_kinds.fleet_health()]
    app = FleetHarness(refs, healths)
    app.shown = refs.index(next(r for r in refs if r.name == "luckyus-doris-be-03"))
    return app


async def test_the_aws_kinds_are_branches_under_one_heading_that_rolls_them_up() -> None:
    app = harness()
    async with app.run_test(size=(100, 40)):
        tree = app.query_one(FleetTree)
        top = [str(node.label) for node in tree.root.children]
        assert top == ["MySQL (3)  ▲1 warn", "PostgreSQL (1)", "Redis (2)  ✖1 down",
                       "AWS (9)  ✖2 down  ▲3 warn"]  # fmt: skip
        aws = tree.root.children[-1]
        kinds = [str(node.label) for node in aws.children]
        assert kinds == ["MSK/Kafka (2)  ▲1 warn", "EKS (2)  ▲1 warn", "DocumentDB (2)  ▲1 warn",
                         "OpenSearch (1)  ✖1 down", "EC2 (2)  ✖1 down"]  # fmt: skip
        assert str(tree._groups[("ec2", "Data/Analytics")].label) == "Data/Analytics (1)  ✖1 down"


async def test_an_aws_leaf_shows_its_mark_and_its_own_status() -> None:
    app = harness()
    async with app.run_test(size=(100, 40)):
        tree = app.query_one(FleetTree)
        assert str(tree._leaves["luckyus-doris-be-03"].label) == "✖ luckyus-doris-be-03  running"
        assert str(tree._leaves["luckyus-msk-core"].label) == "● luckyus-msk-core  ACTIVE"


async def test_filtering_out_every_aws_kind_removes_the_heading() -> None:
    app = harness()
    async with app.run_test(size=(100, 40)) as pilot:
        tree = app.query_one(FleetTree)
        tree.set_filter("salesorder")
        await pilot.pause()
        assert [str(n.label) for n in tree.root.children] == ["MySQL (1)"]
        tree.set_filter("")
        await pilot.pause()
        assert str(tree.root.children[-1].label) == "AWS (9)  ✖2 down  ▲3 warn"


async def test_a_kept_entry_confirmed_by_discovery_takes_its_new_origin() -> None:
    app = harness()
    async with app.run_test(size=(100, 40)) as pilot:
        tree = app.query_one(FleetTree)
        kept = [replace(r, origin="kept") for r in factories_kinds.refs()]
        tree.set_fleet([*factories.refs(), *kept])
        await pilot.pause()
        assert tree._leaves["luckyus-es-logs"].data is not None
        assert tree._leaves["luckyus-es-logs"].data.origin == "kept"
        tree.set_fleet([*factories.refs(), *factories_kinds.refs()])
        await pilot.pause()
        assert tree._refs["luckyus-es-logs"].origin == "aws"
        leaf = tree._leaves["luckyus-es-logs"]
        assert leaf.data is not None and leaf.data.origin == "aws"
        assert len(tree._leaves) == len(factories.refs()) + len(factories_kinds.refs())
