"""Shared by the digest tests: the fixture logs and pt-query-digest's own answers."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.data.layer import DataLayer

DATA = Path(__file__).resolve().parent / "data"
MYSQL80_LOG = DATA / "mysql80-rds.log"
MARIADB_LOG = DATA / "mariadb-10.11.log"
PT_QUERY_DIGEST = shutil.which("pt-query-digest")

needs_pt = pytest.mark.skipif(
    PT_QUERY_DIGEST is None,
    reason="pt-query-digest is not installed (Debian percona-toolkit): no reference to compare",
)


@dataclass(frozen=True, slots=True)
class PtClass:
    fingerprint: str
    count: int
    total_time_s: float
    p95_time_s: float


def pt_readable(source: Path, target: Path) -> Path:
    """A copy of `source` that pt-query-digest 3.2 can parse.

    pt recognises a server preamble only as `/path/mysqld, Version: ... started with:`; when
    MariaDB (re)starts it writes `mariadbd, Version: ...` or `/usr/sbin/mariadbd, Version: ...`,
    which pt glues to the statement before (a known limitation of pt that our parser does not
    share). Nothing else changes.
    """
    text = source.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    fixed = [
        "/usr/sbin/mysqld" + line[line.index("mariadbd") + len("mariadbd") :]
        if "mariadbd, Version" in line and not line.startswith("#")
        else line
        for line in lines
    ]
    target.write_text("".join(fixed), encoding="utf-8")
    return target


@dataclass(frozen=True, slots=True)
class PtDigest:
    """pt-query-digest's answer: `events` is its global query_count (the entries with a
    Query_time), `classes` every class it reports, ranked by total time."""

    events: int
    classes: list[PtClass]


def pt_digest(log: Path) -> PtDigest:
    """What pt-query-digest reports for `log`; fails when it reports no class at all, so that
    a comparison never passes on an empty answer."""
    assert PT_QUERY_DIGEST is not None
    done = subprocess.run(
        [PT_QUERY_DIGEST, "--output", "json", "--limit", "100000", str(log)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    answer = json.loads(done.stdout)
    found = [
        PtClass(
            c["fingerprint"],
            int(c["query_count"]),
            float(c["metrics"]["Query_time"]["sum"]),
            float(c["metrics"]["Query_time"]["pct_95"]),
        )
        for c in answer["classes"]
    ]
    assert found, f"pt-query-digest found no class in {log}: {done.stderr[:500]}"
    return PtDigest(
        int(answer["global"]["query_count"]), sorted(found, key=lambda c: -c.total_time_s)
    )


def unique_table() -> str:
    """A table name of letters only (digits would become `?` in the fingerprint)."""
    return "digest_" + "".join(chr(ord("g") + int(c, 16)) for c in uuid.uuid4().hex[:8])


async def put_slow_log(data: DataLayer, instance: str, table: str, count: int = 3) -> None:
    """`count` entries about `table` (1 s, 2 s, ... each, an email in the statement) in the
    instance's RDS slow-query log group on the lab's moto server, a minute old."""
    group = f"/aws/rds/instance/{instance}/slowquery"
    now_ms = int(time.time() * 1000)
    entries = [
        f"# Time: 2026-11-25T10:00:0{i}.000000Z\n# User@Host: app[app] @  [10.0.0.1]  Id: 9\n"
        f"# Query_time: {i + 1}.000000  Lock_time: 0.000000 Rows_sent: 1  Rows_examined: {i}\n"
        f"SET timestamp={now_ms // 1000 - 60 + i};\n"
        f"SELECT * FROM {table} WHERE email = 'jane.doe@example.com' AND id = {i};"
        for i in range(count)
    ]
    async with data._aws.client("logs") as logs:
        with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
            await logs.create_log_group(logGroupName=group)
        stream = f"digest-test-{uuid.uuid4().hex}"
        await logs.create_log_stream(logGroupName=group, logStreamName=stream)
        events = [{"timestamp": now_ms - 60_000 + i, "message": m} for i, m in enumerate(entries)]
        await logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
