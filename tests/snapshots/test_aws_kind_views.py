"""SVG snapshots of the view of each AWS kind (MSK, EKS, DocumentDB, OpenSearch, EC2) at 80x24
and 200x50: its overview with the gaps the API leaves, its alarms (ALARM first) and a chart."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.widgets_harness_aws_kinds import ResourceHarness

SIZES = [(80, 24), (200, 50)]
KINDS = ["kafka", "eks", "docdb", "opensearch", "ec2"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_aws_resource_view(
    snap_compare: Callable[..., bool], kind: str, size: tuple[int, int]
) -> None:
    assert snap_compare(ResourceHarness(kind), terminal_size=size)
