"""The fleet screen on the lab: the AWS kinds seeded in moto under their heading, rolled up."""

from __future__ import annotations

import pytest

from console.app import OpsConsoleApp
from console.config import Settings
from console.lab.seed_aws_kinds import UNHEALTHY
from console.screens.aws_resource import AwsResourceScreen
from tests.helpers import screen_text, wait_until
from widgets.fleet_tree import FleetTree

pytestmark = pytest.mark.lab


async def test_the_aws_heading_rolls_up_the_seeded_unhealthy_resources(settings: Settings) -> None:
    app = OpsConsoleApp(settings)
    async with app.run_test(size=(200, 50)) as pilot:
        tree = app.screen.query_one(FleetTree)
        names = [u.name for u in UNHEALTHY]
        await wait_until(pilot, lambda: all(n in tree._health for n in names), within_s=60)
        heading = tree.root.children[-1]
        label = str(heading.label)
        assert label.startswith("AWS (") and "✖2 down" in label and "▲" in label, label
        kinds = {str(node.label).split(" (")[0]: str(node.label) for node in heading.children}
        assert set(kinds) == {"MSK/Kafka", "EKS", "DocumentDB", "OpenSearch", "EC2"}
        assert "✖1 down" in kinds["OpenSearch"] and "✖1 down" in kinds["EC2"]
        assert "▲1 warn" in kinds["DocumentDB"] and "▲1 warn" in kinds["EKS"]
        leaf = str(tree._leaves["luckyus-es-logs"].label)
        assert leaf == "✖ luckyus-es-logs  Active"
        assert tree.reveal("luckyus-doris-be-03")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AwsResourceScreen))
        screen = app.screen
        assert isinstance(screen, AwsResourceScreen)
        await wait_until(pilot, screen.has_data, within_s=30)
        await pilot.pause()
        text = screen_text(app.export_screenshot())  # the resource's view (its alarms, overview)
        assert "1 in ALARM" in text and "ec2-luckyus-doris-be-03-status-check" in text
        assert "Type" in text and "r5.2xlarge" in text
        await pilot.press("escape")
        assert app.worker_errors == []
