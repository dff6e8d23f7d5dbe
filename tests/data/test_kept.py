"""KeptDiscovery: the last list a discovery returned, on disk, private, with its time."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console.data.kept import KeptDiscovery
from console.data.models import DiscoveredCluster

FOUND_AT = datetime(2026, 12, 5, 3, 12, tzinfo=UTC)
CLUSTERS = (
    DiscoveredCluster("luckyus-isales-market", "127.0.0.1", 16380, "redis", "up"),
    DiscoveredCluster("luckyus-dify", "127.0.0.1", 16381, "redis", "up"),
)


async def test_a_kept_list_comes_back_with_its_time_from_a_private_file(tmp_path: Path) -> None:
    store = KeptDiscovery(tmp_path / "state" / "opsconsole", "lab")
    assert await store.load("prometheus-redis", DiscoveredCluster) is None
    await store.save("prometheus-redis", CLUSTERS, FOUND_AT)
    path = store.path("prometheus-redis")
    assert path == tmp_path / "state" / "opsconsole" / "lab-prometheus-redis.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    kept = await store.load("prometheus-redis", DiscoveredCluster)
    assert kept is not None
    assert kept.items == CLUSTERS and kept.found_at == FOUND_AT
    assert kept.age_s(FOUND_AT + timedelta(minutes=12)) == 720
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


async def test_profiles_keep_apart_and_a_corrupt_file_is_not_trusted(tmp_path: Path) -> None:
    lab = KeptDiscovery(tmp_path, "lab")
    await lab.save("prometheus-redis", CLUSTERS, FOUND_AT)
    production = KeptDiscovery(tmp_path, "production")
    assert await production.load("prometheus-redis", DiscoveredCluster) is None
    lab.path("prometheus-redis").write_text('{"format": 1, "found_at": "2026-12-05T03:12:00+00:00"')
    assert await lab.load("prometheus-redis", DiscoveredCluster) is None
    lab.path("prometheus-redis").write_text(
        '{"format": 1, "found_at": "2026-12-05T03:12:00+00:00", "items": [{"name": "x"}]}'
    )
    assert await lab.load("prometheus-redis", DiscoveredCluster) is None
