"""On the lab: each incident scenario, investigated as a user would, names its cause.

Each test injects one scenario (`console.lab.scenarios`), runs `opsconsole investigate` on the
affected instance, and reads the bundle it printed: the report names the cause, and no file of
the bundle (screenshots included) holds the lab's seeded PII or any of its passwords.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest

from console.data.layer import DataLayer
from console.lab import clients, topology
from console.lab.layout import Layout
from tests.conftest import PostAlert
from tests.investigate.conftest import RunVerb, assert_clean, bundle_text, scenario

pytestmark = pytest.mark.lab
PLATFORM_CLUSTER = next(s for s in topology.redis_servers() if s.group == "Platform").clusters[0]


def report_of(folder: Path) -> str:
    return (folder / "report.md").read_text(encoding="utf-8")


async def until_running(data: DataLayer, name: str, user: str, seconds: float) -> None:
    """Wait (at most 60 s) until `user` has a statement running for `seconds` on `name`."""
    instance = data.settings.fleet.by_name(name)
    assert instance is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        reading = await data.sql(instance).processlist(instance, 100)
        times = [p.time_s for p in reading.value or () if p.user == user and p.query]
        if times and max(times) >= seconds:
            return
        await asyncio.sleep(1.0)
    pytest.fail(f"{user} never ran {seconds}s on {name}")


async def test_lock_wait_names_the_blocker_and_its_waiters(
    lab_dir: Path,
    opsconsole: RunVerb,
    tmp_path: Path,
    seeded_pii: tuple[str, ...],
    lab_passwords: tuple[str, ...],
) -> None:
    with scenario(lab_dir, "lock-wait"):
        run = await opsconsole(
            "investigate", "--instance", "aws-luckyus-salesorder-rw", "--output", str(tmp_path)
        )
    assert run.status == 1, run.stderr
    assert re.search(r"Lock wait: session \d+ blocks 3 sessions", run.stdout), run.stdout
    report = report_of(run.folder)
    blocker = re.search(r"Lock wait: session (\d+) blocks 3 sessions", report)
    assert blocker is not None, report[:2000]
    assert "salesorder_app" in report and "`salesorder`.`orders`" in report
    lock_waits = (run.folder / "lock_waits.csv").read_text(encoding="utf-8")
    assert lock_waits.count(f",{blocker[1]},") == 2  # A blocks B and D directly
    assert {p.name for p in (run.folder / "screens").glob("*.svg")} == {
        "overview.svg", "processes.svg", "queries.svg", "metrics.svg"
    }  # fmt: skip
    assert_clean(run.folder, seeded_pii, lab_passwords)


@pytest.mark.timeout(150)
async def test_runaway_query_names_the_statement_on_mariadb_and_postgres(
    lab_dir: Path,
    data: DataLayer,
    opsconsole: RunVerb,
    tmp_path: Path,
    seeded_pii: tuple[str, ...],
    lab_passwords: tuple[str, ...],
) -> None:
    argv = clients.mysql_argv(Layout(lab_dir), "report", "-e")
    email = next(v for v in seeded_pii if "@" in v)
    # A second report statement carrying a member's email: it must reach the bundle masked.
    leaky = f"SELECT SLEEP(90), '{email}' AS contact"
    with scenario(lab_dir, "runaway-query"):
        child = await asyncio.create_subprocess_exec(*argv, leaky)
        try:
            await until_running(data, "aws-luckyus-salesorder-rw", "bi_report", 31)
            mysql, postgres = await asyncio.gather(
                opsconsole(
                    "investigate",
                    "--instance",
                    "aws-luckyus-salesorder-rw",
                    "--output",
                    str(tmp_path),
                ),
                opsconsole(
                    "investigate", "--instance", "aws-luckyus-dify-rw", "--output", str(tmp_path)
                ),
            )
        finally:
            child.kill()
            await child.wait()
    assert mysql.status == 1 and postgres.status == 1, mysql.stderr + postgres.stderr
    assert re.search(
        r"Runaway query: session \d+ \(bi_report\) running \d+s", report_of(mysql.folder)
    )
    assert "SELECT o.store_id" in report_of(mysql.folder)
    assert re.search(
        r"Runaway query: session \d+ \(dify_app\) running \d+s", report_of(postgres.folder)
    )
    assert "pg_sleep" in report_of(postgres.folder)
    masked = "***@" + email.split("@")[1]
    assert masked in (mysql.folder / "processes.csv").read_text(encoding="utf-8")
    for run in (mysql, postgres):
        assert_clean(run.folder, seeded_pii, lab_passwords)


async def test_connection_storm_names_the_ratio_and_the_user(
    lab_dir: Path,
    opsconsole: RunVerb,
    tmp_path: Path,
    seeded_pii: tuple[str, ...],
    lab_passwords: tuple[str, ...],
) -> None:
    name = "aws-luckyus-isalesmembermarketing-rw"
    with scenario(lab_dir, "connection-storm") as lines:
        run = await opsconsole("investigate", "--instance", name, "--output", str(tmp_path))
        health = await opsconsole("report", "health", "--json", "--output", str(tmp_path / "r"))
    assert run.status == 1, run.stderr
    found = re.search(
        r"Connection storm: (\d+) of 400 connections \(\d+%\), (\d+) from member_api@", run.stdout
    )
    if found is None:  # every slot taken, the console's own probe included: also the cause
        assert "refuses new connections" in run.stdout, (lines, run.stdout)
    else:
        assert int(found[1]) >= 320 and int(found[2]) >= 300  # 80% of 400; the storm opens 340
    assert_clean(run.folder, seeded_pii, lab_passwords)
    # The daily report sees the same storm: the MariaDB instances warn, with the reason.
    assert health.status == 1, health.stderr
    # One MariaDB server stands for the 61 names: each warns (connections) or, when the storm
    # leaves no slot for the probe, is down with "Too many connections".
    record = json.loads(health.stdout)
    [mysql] = [k for k in record["kinds"] if k["kind"] == "mysql"]
    assert mysql["ok"] == 0 and mysql["warn"] + mysql["down"] == mysql["total"]
    reasons = [r for w in record["worst"] if w["kind"] == "mysql" for r in w["reasons"]]
    assert reasons and all("connections" in r.lower() for r in reasons)


async def test_redis_keys_without_ttl_name_the_prefix(
    lab_dir: Path,
    opsconsole: RunVerb,
    tmp_path: Path,
    seeded_pii: tuple[str, ...],
    lab_passwords: tuple[str, ...],
) -> None:
    with scenario(lab_dir, "redis-no-ttl"):
        run = await opsconsole(
            "investigate", "--instance", "luckyus-isales-market", "--output", str(tmp_path)
        )
    assert run.status == 1, run.stderr
    found = re.search(
        r"Keys without TTL: isales:market:push:\* \(~?(\d+) keys never expire\)", run.stdout
    )
    assert found is not None, run.stdout
    assert 3000 <= int(found[1]) <= 9000  # the scenario wrote 6000
    prefixes = (run.folder / "key_prefixes.csv").read_text(encoding="utf-8")
    assert "isales:market:push:*" in prefixes
    assert_clean(run.folder, seeded_pii, lab_passwords)


async def test_redis_memory_pressure_names_the_ratio_and_the_prefix(
    lab_dir: Path,
    opsconsole: RunVerb,
    tmp_path: Path,
    seeded_pii: tuple[str, ...],
    lab_passwords: tuple[str, ...],
) -> None:
    with scenario(lab_dir, "redis-memory"):
        run = await opsconsole(
            "investigate", "--instance", PLATFORM_CLUSTER, "--output", str(tmp_path)
        )
    assert run.status == 1, run.stderr
    report = report_of(run.folder)
    assert re.search(
        r"CRITICAL: Redis memory pressure: 9\d% of maxmemory \(.* of 64\.0 MiB\)", report
    ), report[:1500]
    assert "largest prefix platform:search:snapshot:*" in report
    assert "noeviction" in report
    assert_clean(run.folder, seeded_pii, lab_passwords)


async def test_instance_down_is_named_with_its_error(
    lab_dir: Path,
    opsconsole: RunVerb,
    tmp_path: Path,
    seeded_pii: tuple[str, ...],
    lab_passwords: tuple[str, ...],
) -> None:
    # Another test session sharing the lab may bring the part back at once (its `lab up`):
    # retry a few times rather than report a false failure.
    for _attempt in range(3):
        with scenario(lab_dir, "instance-down"):
            run = await opsconsole(
                "investigate",
                "--instance",
                "luckyus-dify",
                "--no-screens",
                "--output",
                str(tmp_path),
            )
        if "Instance down" in run.stdout:
            break
    assert run.status == 1, run.stderr
    assert "CRITICAL  Instance down: luckyus-dify is unreachable" in run.stdout, run.stdout
    assert "connection refused (127.0.0.1:16389)" in report_of(run.folder)  # the typed error
    sources = (run.folder / "sources.csv").read_text(encoding="utf-8")
    assert "health,FAILED" in sources and "info,FAILED" in sources
    assert "metric: Memory used,ok" in sources  # Prometheus still answers: one failure is not all
    assert_clean(run.folder, seeded_pii, lab_passwords)


async def test_investigating_an_alert_by_fingerprint(
    data: DataLayer, post_alert: PostAlert, opsconsole: RunVerb, tmp_path: Path
) -> None:
    labels = await post_alert(
        "RedisTooManyClients", "warning", "luckyus-isales-order", "clients high"
    )
    fingerprint = ""
    deadline = time.monotonic() + 10
    while not fingerprint and time.monotonic() < deadline:
        reading = await data.alertmanager.alerts()
        fingerprint = next(
            (a.fingerprint for a in reading.value or () if a.label("run") == labels["run"]), ""
        )
        await asyncio.sleep(0.2)
    assert fingerprint
    run = await opsconsole(
        "investigate", "--alert", fingerprint[:10], "--no-screens", "--output", str(tmp_path)
    )
    assert run.status in (0, 1), run.stderr
    assert run.folder.name.startswith("luckyus-isales-order-")
    report = report_of(run.folder)
    assert "**RedisTooManyClients** (warning" in report and fingerprint in report


async def test_bad_input_is_one_clear_line_and_exit_2(opsconsole: RunVerb) -> None:
    cases = {
        ("--instance", "aws-luckyus-nosuch-rw"): "no instance named 'aws-luckyus-nosuch-rw'",
        ("--alert", "ffffffffffffffff"): "no alert with fingerprint 'ffffffffffffffff'",
        ("--instance", "luckyus-dify", "--window", "1w"): "--window '1w': expected a number",
    }
    for args, message in cases.items():
        run = await opsconsole("investigate", *args)
        assert run.status == 2, (args, run.stderr)
        assert message in run.stderr and "Traceback" not in run.stderr
        assert run.stdout == ""


async def test_health_report_on_the_lab_writes_markdown_and_json(
    opsconsole: RunVerb, tmp_path: Path
) -> None:
    run = await opsconsole("report", "health", "--output", str(tmp_path))
    markdown, document, summary = run.stdout.splitlines()
    assert run.status in (0, 1)
    record = json.loads(await asyncio.to_thread(Path(document).read_text, encoding="utf-8"))
    assert record["summary"]["total"] >= 142
    assert {k["kind"] for k in record["kinds"]} >= {"mysql", "postgres", "redis"}
    text = await asyncio.to_thread(Path(markdown).read_text, encoding="utf-8")
    assert "## By group" in text and "| redis | Platform | 18 |" in text
    assert summary.startswith(f"{record['summary']['total']} instances:")
    assert "Traceback" not in bundle_text(tmp_path)
