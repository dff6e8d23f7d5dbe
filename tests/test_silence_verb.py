"""`opsconsole silence add|list|expire` against the lab's Alertmanager, as a user runs it.

Each test posts its own alert (a unique `run` label) and silences only that; every silence a
test makes carries the comment prefix `opsconsole-test` and is expired before the test ends,
so other tests' alerts are never muted and a leftover is easy to find.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from console.config import Settings
from tests.conftest import ROOT, PostAlert

pytestmark = pytest.mark.lab
COMMENT = "opsconsole-test silence verb, ask jane.doe@example.com"
NAME = "OpsconsoleSilenceTest"
LAB_ALERTMANAGER = "http://127.0.0.1:19093"


def opsconsole(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m console ARGS` with no terminal at all (stdin from /dev/null), as cron or a
    script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound once to find it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config_copy(
    tmp_path: Path, *, alertmanager: str | None = None, read_only: bool = False
) -> Path:
    """The shipped config.toml with the test's own audit log (and, if given, another
    Alertmanager URL, or read_only = true); secret files still the lab's."""
    text = (ROOT / "config.toml").read_text().replace("file:.lab/", f"file:{ROOT}/.lab/")
    text = "\n".join(
        line for line in text.splitlines() if not line.startswith(("audit_log =", "output_dir ="))
    )
    head = f'[console]\naudit_log = "{tmp_path / "audit.jsonl"}"\noutput_dir = "{tmp_path}"\n'
    text = text.replace("[console]\n", head + ("read_only = true\n" if read_only else ""), 1)
    if alertmanager is not None:
        text = text.replace(
            f'alertmanager = "{LAB_ALERTMANAGER}"', f'alertmanager = "{alertmanager}"'
        )
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def audit_lines(tmp_path: Path) -> list[dict[str, object]]:
    log = tmp_path / "audit.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture
async def alert(post_alert: PostAlert) -> dict[str, str]:
    """An alert of this test only (its labels, with a unique `run`), resolved afterwards."""
    return await post_alert(NAME, "warning", "luckyus-isales-market", "silence verb test")


@pytest.fixture
async def admin(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=settings.monitoring.alertmanager, timeout=5) as client:
        yield client


@pytest.fixture
def cleanup(settings: Settings) -> Iterator[list[str]]:
    """Silence ids the test made: each is expired at the end, whatever happened."""
    made: list[str] = []
    yield made
    with httpx.Client(base_url=settings.monitoring.alertmanager, timeout=5) as client:
        for silence_id in made:
            client.delete(f"/api/v2/silence/{silence_id}")


async def fingerprint_of(admin: httpx.AsyncClient, run: str) -> str:
    import asyncio

    for _ in range(50):
        for row in (await admin.get("/api/v2/alerts")).json():
            if row["labels"].get("run") == run:
                return str(row["fingerprint"])
        await asyncio.sleep(0.2)
    pytest.fail("the posted alert never showed in Alertmanager")


async def ours(admin: httpx.AsyncClient, run: str) -> list[dict[str, object]]:
    """The silences whose matchers name this run (any state)."""
    rows = (await admin.get("/api/v2/silences")).json()
    return [r for r in rows if any(m["value"] == run for m in r["matchers"])]


async def test_a_silence_made_headless_is_in_alertmanager_and_the_audit_log_and_expires(
    tmp_path: Path, alert: dict[str, str], admin: httpx.AsyncClient, cleanup: list[str]
) -> None:
    config = config_copy(tmp_path)
    fingerprint = await fingerprint_of(admin, alert["run"])
    made = opsconsole("--config", str(config), "silence", "add", "--alert", fingerprint,
                      "--for", "30m", "--comment", COMMENT, "--yes", "--json")  # fmt: skip
    assert made.returncode == 0, made.stderr
    told = json.loads(made.stdout)
    cleanup.append(told["id"])
    assert told["matches_firing"] == 1 and f'run="{alert["run"]}"' in told["matchers"]
    user = pwd.getpwuid(os.getuid()).pw_name
    kept = (await admin.get(f"/api/v2/silence/{told['id']}")).json()
    assert kept["comment"] == COMMENT and kept["createdBy"] == user
    assert kept["status"]["state"] == "active"
    assert {m["name"]: m["value"] for m in kept["matchers"]} == alert
    silenced = [
        r for r in (await admin.get("/api/v2/alerts")).json() if r["fingerprint"] == fingerprint
    ]
    assert silenced[0]["status"]["silencedBy"] == [told["id"]]

    listed = opsconsole("--config", str(config), "silence", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [mine] = [s for s in json.loads(listed.stdout) if s["id"] == told["id"]]
    assert mine["created_by"] == user and mine["comment"].endswith("***@example.com")  # masked

    gone = opsconsole("--config", str(config), "silence", "expire", told["id"][:8], "--yes")
    assert gone.returncode == 0, gone.stderr
    assert f"silence {told['id']} expired" in gone.stdout
    kept = (await admin.get(f"/api/v2/silence/{told['id']}")).json()
    assert kept["status"]["state"] == "expired"

    created, expired = audit_lines(tmp_path)
    assert created["instance"] == "alertmanager" and created["outcome"] == "ok"
    assert created["user"] == user and created["classification"] == "write"
    statement = str(created["statement"])
    assert statement.startswith("silence create:") and f"id {told['id']}" in statement
    assert "opsconsole-test silence verb, ask ***@example.com" in statement  # masked there too
    assert str(expired["statement"]).startswith(f"silence expire: {told['id']}")
    assert expired["outcome"] == "ok" and expired["confirmations"] == 1


async def test_without_a_terminal_add_and_expire_need_yes(
    tmp_path: Path, alert: dict[str, str], admin: httpx.AsyncClient
) -> None:
    config = config_copy(tmp_path)
    fingerprint = await fingerprint_of(admin, alert["run"])
    added = opsconsole("--config", str(config), "silence", "add", "--alert", fingerprint,
                       "--comment", COMMENT)  # fmt: skip
    assert added.returncode == 4
    assert "no terminal to confirm on: add --yes" in added.stderr
    expired = opsconsole("--config", str(config), "silence", "expire", "0000")
    assert expired.returncode == 4 and "--yes" in expired.stderr
    assert await ours(admin, alert["run"]) == []
    assert audit_lines(tmp_path) == []


async def test_read_only_refuses_a_silence_and_audits_the_refusal(
    tmp_path: Path, alert: dict[str, str], admin: httpx.AsyncClient
) -> None:
    fingerprint = await fingerprint_of(admin, alert["run"])
    for argv in (["--read-only"], []):
        config = config_copy(tmp_path, read_only=not argv)
        refused = opsconsole("--config", str(config), *argv, "silence", "add", "--alert",
                             fingerprint, "--comment", COMMENT, "--yes")  # fmt: skip
        assert refused.returncode == 3, refused.stderr
        assert "refused: read-only" in refused.stderr
    assert await ours(admin, alert["run"]) == []
    assert [line["outcome"] for line in audit_lines(tmp_path)] == ["refused", "refused"]


def test_an_alertmanager_that_is_down_is_a_clear_error_and_nothing_is_sent(
    tmp_path: Path, closed_port: int
) -> None:
    """A real unreachable server: the settings copy points at a port nothing listens on."""
    config = config_copy(tmp_path, alertmanager=f"http://127.0.0.1:{closed_port}")
    added = opsconsole("--config", str(config), "silence", "add", "--matcher",
                       f"alertname={NAME}", "--comment", COMMENT, "--yes")  # fmt: skip
    assert added.returncode == 1
    assert "alertmanager unreachable" in added.stderr and "nothing was changed" in added.stderr
    listed = opsconsole("--config", str(config), "silence", "list")
    assert listed.returncode == 1 and "alertmanager unreachable" in listed.stderr
    assert audit_lines(tmp_path) == []


def test_a_duration_it_cannot_read_is_a_usage_error() -> None:
    result = opsconsole("silence", "add", "--matcher", "a=b", "--for", "2 hours",
                        "--comment", COMMENT, "--yes")  # fmt: skip
    assert result.returncode == 2 and "not a duration" in result.stderr
