"""The audit on the lab's isales-market Redis: exact counts, time budget and resume, the CLI's
output (JSON and text, masked), the dry-run plan, and clear errors for bad instances."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from console import cli
from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import AuditOptions, RedisAudit
from console.inventory import Instance
from console.lab import seed_redis
from console.services import instances, ttl_audit
from tests.redis_audit.conftest import Seeded

pytestmark = pytest.mark.lab
ROOT = Path(__file__).resolve().parents[2]
FAST = 1_000_000.0  # an ops budget that never throttles the lab's small keyspace


def counts(audit: RedisAudit) -> dict[str, tuple[int, int]]:
    return {p.prefix: (p.keys, p.no_ttl) for p in audit.prefixes}


async def test_exact_counts_per_prefix_on_the_primary(
    data: DataLayer, market: Instance, seeded: Seeded
) -> None:
    reading = await data.redis_audit(market, AuditOptions(match=seeded.match, ops_budget=FAST))
    assert reading.value is not None, reading.error
    run = reading.value
    audit = run.audit
    assert audit.complete and run.checkpoint is None
    assert counts(audit) == seeded.expected
    assert audit.scanned == sum(keys for keys, _ in seeded.expected.values())
    assert audit.keys_without_ttl == seeded.no_ttl == len(run.no_ttl_keys)
    assert audit.node.role == "primary" and "no replica" in audit.node.note
    assert audit.node.address == market.endpoint
    # sorted by keys without TTL, then memory
    assert [p.prefix for p in audit.prefixes][:2] == [f"{seeded.namespace}:member:*",
                                                      f"{seeded.namespace}:coupon"]  # fmt: skip
    hashes = [k for k in audit.biggest_by_size if k.type == "hash"]
    assert (hashes[0].key, hashes[0].size, hashes[0].unit) == (f"{seeded.namespace}:big:hash",
                                                               2000, "fields")  # fmt: skip
    assert (hashes[0].memory_bytes or 0) > 20_000  # measured: it is a big key


async def test_tiny_time_budget_is_incomplete_and_resume_completes_it(
    data: DataLayer, market: Instance, seeded: Seeded
) -> None:
    full = await data.redis_audit(market, AuditOptions(match=seeded.match, ops_budget=FAST))
    assert full.value is not None, full.error
    tiny = AuditOptions(match=seeded.match, count=10, time_budget_s=0.001, ops_budget=FAST)
    first = await data.redis_audit(market, tiny)
    assert first.value is not None, first.error
    assert not first.value.audit.complete and first.value.checkpoint is not None
    assert first.value.audit.scanned < full.value.audit.scanned
    again = replace(tiny, time_budget_s=60)
    second = await data.redis_audit(market, again, first.value.checkpoint)
    assert second.value is not None, second.error
    resumed = second.value.audit
    assert resumed.complete and resumed.runs == 2 and "resumed" in " ".join(resumed.notes)
    assert counts(resumed) == counts(full.value.audit) == seeded.expected
    assert sorted(second.value.no_ttl_keys) == sorted(full.value.no_ttl_keys)


async def test_the_lab_seeds_a_known_no_ttl_set(data: DataLayer, market: Instance) -> None:
    match = f"{seed_redis.AUDIT_PREFIX}:*"
    reading = await data.redis_audit(market, AuditOptions(match=match, ops_budget=FAST))
    assert reading.value is not None, reading.error
    assert counts(reading.value.audit) == {
        seed_redis.AUDIT_PREFIX: (seed_redis.AUDIT_KEYS, seed_redis.AUDIT_NO_TTL)
    }


def audit_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["redis-audit", "--config", str(ROOT / "config.toml"), "--profile", "lab",
                     *args])  # fmt: skip
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "luckyus-isales-market.state.json"
    monkeypatch.setattr(ttl_audit, "state_path", lambda _settings, _name: path)
    return path


def test_cli_json_masked_and_plan_dry_run(
    capsys: pytest.CaptureFixture[str], seeded: Seeded, settings: Settings, state_file: Path
) -> None:
    code, out, err = audit_cli(capsys, "--instance", "luckyus-isales-market", "--json",
                               "--match", seeded.match, "--ops-budget", "1000000")  # fmt: skip
    assert code == 1, err  # keys without TTL are findings
    record = json.loads(out)
    assert record["complete"] is True and record["scanned"] == 89
    assert record["node"]["role"] == "primary" and record["elapsed_s"] > 0
    assert record["ops_per_s"] > 0 and "sampled" in record["memory"]
    rows = {p["prefix"]: (p["keys"], p["no_ttl"]) for p in record["prefixes"]}
    assert rows == seeded.expected
    assert all(p["memory_bytes"] > 0 for p in record["prefixes"])
    assert {b["ranked_by"] for b in record["biggest"]} == {"size", "memory"}
    plan = record["plan"]
    assert plan["dry_run"] and plan["commands"] == seeded.no_ttl
    assert plan["classifications"] == ["write"] and plan["confirmations"] == 1
    assert record["state"] is None and not state_file.exists()
    for raw in seeded.raw_pii:
        assert raw not in out and raw not in err
    lines = settings.audit_path.read_text().splitlines()
    [entry] = [json.loads(line) for line in lines[-50:] if seeded.namespace in line][-1:]
    assert entry["outcome"] == "dry-run" and entry["classification"] == "write"
    assert entry["rows"] == seeded.no_ttl and "jane.doe" not in entry["statement"]


def test_cli_text_resume_through_the_state_file(
    capsys: pytest.CaptureFixture[str], seeded: Seeded, state_file: Path
) -> None:
    base = ("--instance", "luckyus-isales-market", "--match", seeded.match, "--count", "10",
            "--ops-budget", "1000000")  # fmt: skip
    code, out, err = audit_cli(capsys, *base, "--time-budget", "0.001")
    assert code == 1 and "INCOMPLETE" in out and str(state_file) in out, err
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600
    code, out, err = audit_cli(capsys, *base, "--resume")
    assert code == 1 and "scan complete" in out and not state_file.exists(), err
    assert "resumed from the saved state" in out
    for prefix, (keys, no_ttl) in seeded.expected.items():
        assert any(line.split()[:3] == [prefix, str(keys), str(no_ttl)] for line in
                   out.splitlines()), prefix  # fmt: skip
    assert "remediation plan (dry run, nothing sent)" in out
    for raw in seeded.raw_pii:
        assert raw not in out and raw not in err


def dead_instance(name: str, port: int) -> Instance:
    return Instance(kind="redis", name=name, group="Dify", env="production", host="127.0.0.1",
                    port=port, user="opsconsole", secret="none")  # fmt: skip


async def test_dead_instance_is_a_clear_error(data: DataLayer, closed_port: int) -> None:
    dead = dead_instance("luckyus-dead", closed_port)
    reading = await data.redis_audit(dead, AuditOptions(time_budget_s=1))
    assert reading.value is None and reading.error is not None
    assert reading.error.kind == "unreachable"


def test_cli_bad_instances_say_what_is_wrong(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    code, out, err = audit_cli(capsys, "--instance", "luckyus-nope")
    assert code == 2 and "no instance named 'luckyus-nope'" in err and not out
    code, out, err = audit_cli(capsys, "--instance", "aws-luckyus-salesorder-rw")
    assert code == 2 and "is a mysql instance" in err
    dead = dead_instance("luckyus-dify", closed_port)

    async def find(_data: object, _name: str) -> Instance:
        return dead

    monkeypatch.setattr(instances, "find_instance", find)
    code, out, err = audit_cli(capsys, "--instance", "luckyus-dify", "--time-budget", "1")
    assert code == 1 and "luckyus-dify: unreachable" in err and "Traceback" not in err
    code, out, err = audit_cli(capsys, "--instance", "luckyus-dify", "--ops-budget", "0")
    assert code == 2 and "must be positive" in err
