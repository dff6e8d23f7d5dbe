"""The audit log: JSON lines, scrubbed texts, append-only, private, safe with concurrent writers."""

from __future__ import annotations

import getpass
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from console.safety.audit import AuditEntry, AuditLog, current_user
from console.safety.redact import register_secret
from console.services.audit_trail import verify_file

SECRET = "Zq9-audit-secret-value"
STATEMENT = (
    "UPDATE members SET phone = '+1 212 555 0100', card = '4111 1111 1111 1111'"
    " WHERE email = 'jane.doe@example.com' /* password=hunter22 */"
    f" AND api_key = '{SECRET}'"
)
LEAKS = ("jane.doe", "212 555 0100", "4111 1111 1111 1111", "hunter22", SECRET)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("ascii").splitlines()]


def record(log: AuditLog, statement: str = "SELECT 1", **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "instance": "aws-luckyus-isales-rw",
        "env": "production",
        "statement": statement,
        "classification": "read_only",
        "confirmations": 0,
        "outcome": "ok",
        "rows": 1,
    }
    log.record(AuditEntry(**(fields | overrides)))


def test_a_record_is_one_json_line(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    record(log)
    [entry] = lines(log.path)
    assert list(entry) == [
        "at",
        "user",
        "instance",
        "env",
        "statement",
        "classification",
        "confirmations",
        "outcome",
        "rows",
        "error",
        "prev",
        "hash",
    ]
    assert entry["at"].endswith("+00:00") and entry["user"] == current_user()
    assert (entry["instance"], entry["env"], entry["statement"]) == (
        "aws-luckyus-isales-rw",
        "production",
        "SELECT 1",
    )
    assert (entry["rows"], entry["error"], entry["confirmations"]) == (1, None, 0)


def test_pii_and_secrets_never_reach_the_file(tmp_path: Path) -> None:
    register_secret(SECRET)
    log = AuditLog(tmp_path / "audit.jsonl")
    error = f"Access denied for jane.doe@example.com using password {SECRET}"
    record(log, STATEMENT, classification="write", confirmations=2, outcome="error", error=error)
    raw = log.path.read_text("ascii")
    for leak in LEAKS:
        assert leak not in raw
    [entry] = lines(log.path)
    assert "***@example.com" in entry["statement"] and "***-***-0100" in entry["statement"]
    assert "****1111" in entry["statement"] and "***@example.com" in entry["error"]


def test_earlier_lines_stay_intact(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    record(log, "SELECT 1")
    first = log.path.read_bytes()
    record(log, "DELETE FROM t WHERE id = 7", classification="destructive", outcome="cancelled")
    record(AuditLog(log.path), "SELECT 3")  # a second console on the same file
    assert log.path.read_bytes().startswith(first)
    assert [e["statement"] for e in lines(log.path)] == [
        "SELECT 1",
        "DELETE FROM t WHERE id = 7",
        "SELECT 3",
    ]


def test_file_is_private_and_its_folder_created(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "state" / "opsconsole" / "audit.jsonl")
    record(log)
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


def test_a_loose_existing_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o644)
    record(AuditLog(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlink_is_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    link = tmp_path / "audit.jsonl"
    link.symlink_to(target)
    with pytest.raises(OSError, match="Too many levels of symbolic links"):
        record(AuditLog(link))
    assert target.read_text() == ""


def test_line_breaks_inside_texts_stay_inside_the_line(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    record(log, "SELECT 1\n-- two\r\nlines\u2028and a separator", error="bad\nerror")
    assert len(log.path.read_text("ascii").splitlines()) == 1
    assert lines(log.path)[0]["statement"] == "SELECT 1\n-- two\r\nlines\u2028and a separator"


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    big = "SELECT " + ", ".join(f"column_{n}" for n in range(1500))  # ~16 KB, above PIPE_BUF

    def write(worker: int) -> None:
        log = AuditLog(path)
        for index in range(40):
            record(log, f"{big} /* {worker}:{index} */")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = lines(path)
    assert len(entries) == 8 * 40
    tags = {e["statement"].rpartition("/* ")[2] for e in entries}
    assert tags == {f"{worker}:{index} */" for worker in range(8) for index in range(40)}
    assert all(e["statement"].startswith(big) for e in entries)
    assert verify_file(path).ok  # lines longer than a read of the tail still chain


async def test_arecord_writes_from_the_event_loop(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    await log.arecord(
        AuditEntry(
            instance="luckyus-isales-market",
            env="production",
            statement="GET customer:jane.doe@example.com",
            classification="read_only",
            confirmations=0,
            outcome="ok",
        )
    )
    [entry] = lines(log.path)
    assert entry["statement"] == "GET customer:***@example.com" and entry["rows"] is None


def test_user_falls_back_to_the_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> str:
        raise OSError("no user name")

    monkeypatch.setattr(getpass, "getuser", fail)
    assert current_user() == f"uid:{os.getuid()}"
