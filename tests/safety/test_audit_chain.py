"""The audit chain: `verify` names an edited, removed, reordered or torn line; the team folder's
files are the members' own; syslog gets the same scrubbed line."""

from __future__ import annotations

import json
import os
import stat
import syslog
import threading
from pathlib import Path
from typing import Any

import pytest

from console.safety.audit import AuditEntry, AuditError, AuditLog
from console.services.audit_trail import Problem, verify_file


def entry(statement: str, **overrides: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "instance": "aws-luckyus-isales-rw",
        "env": "production",
        "statement": statement,
        "classification": "read_only",
        "confirmations": 0,
        "outcome": "ok",
        "rows": 1,
    }
    return AuditEntry(**(fields | overrides))


def written(path: Path, count: int = 4) -> list[bytes]:
    log = AuditLog(path)
    for n in range(1, count + 1):
        log.record(entry(f"SELECT {n}"))
    return path.read_bytes().splitlines(keepends=True)


def problems(path: Path) -> list[Problem]:
    return list(verify_file(path).problems)


def test_a_clean_file_passes(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    written(path)
    verdict = verify_file(path)
    assert verdict.ok and verdict.lines == 4 and verdict.problems == ()


def test_each_line_chains_to_the_one_before(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path, 2)
    second = json.loads(lines[1])
    import hashlib

    assert second["prev"] == hashlib.sha256(lines[0].rstrip(b"\n")).hexdigest()


def test_an_edited_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path)
    lines[1] = lines[1].replace(b"SELECT 2", b"SELECT 9")
    path.write_bytes(b"".join(lines))
    assert problems(path) == [Problem(2, "edited: its text no longer matches its hash")]


def test_the_newest_line_edited_is_named_too(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path)
    lines[3] = lines[3].replace(b'"outcome": "ok"', b'"outcome": "refused"')
    path.write_bytes(b"".join(lines))
    assert [p.line for p in problems(path)] == [4]


def test_a_removed_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path)
    path.write_bytes(b"".join(lines[:2] + lines[3:]))
    assert problems(path) == [Problem(3, "a line was removed between lines 2 and 3")]


def test_a_removed_first_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path)
    path.write_bytes(b"".join(lines[1:]))
    assert [p.line for p in problems(path)] == [1]
    assert "removed before it" in problems(path)[0].message


def test_two_lines_swapped_are_named(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path)
    lines[1], lines[2] = lines[2], lines[1]
    path.write_bytes(b"".join(lines))
    found = problems(path)
    assert found[0] == Problem(2, "out of order: it was written after the line now at 3")
    assert found[1] == Problem(3, "out of order: it was written after the line now at 1")


def test_a_truncated_last_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path)
    path.write_bytes(b"".join(lines)[: -len(lines[3]) // 2])
    assert problems(path) == [Problem(4, "the last line is torn (cut short): truncated or edited")]


def test_a_last_line_without_its_newline_is_named(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path)
    path.write_bytes(b"".join(lines)[:-1])
    assert problems(path) == [Problem(4, "the last line is torn (its newline cut off)")]


def test_writing_after_a_torn_line_keeps_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    lines = written(path, 2)
    path.write_bytes(lines[0] + lines[1][:20])  # a crash or a full disk cut the last line
    AuditLog(path).record(entry("SELECT 3"))
    assert [p.line for p in problems(path)] == [2]  # the torn line only: the new one chains
    assert json.loads(path.read_bytes().splitlines()[2])["statement"] == "SELECT 3"


def test_a_member_file_renamed_is_named(tmp_path: Path) -> None:
    written(tmp_path / "alice.jsonl")
    (tmp_path / "alice.jsonl").rename(tmp_path / "bob.jsonl")
    assert [p.line for p in problems(tmp_path / "bob.jsonl")] == [1]


def test_lines_before_the_chain_are_counted_only_in_the_single_log(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    old = {"at": "2026-01-01T00:00:00.000+00:00", "user": "ops", "statement": "SELECT 0"}
    path.write_text(json.dumps(old) + "\n")
    written(path, 2)
    verdict = verify_file(path, allow_unchained=True)
    assert verdict.ok and verdict.unchained == 1 and verdict.lines == 3
    assert [p.line for p in verify_file(path).problems] == [1]  # a team file: never unchained


def test_concurrent_writers_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"

    def write(worker: int) -> None:
        log = AuditLog(path)
        for index in range(25):
            log.record(entry(f"SELECT {worker}, {index}"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = verify_file(path)
    assert verdict.lines == 150 and verdict.ok, verdict.problems[:3]
    stamps = [json.loads(line)["at"] for line in path.read_bytes().splitlines()]
    assert stamps == sorted(stamps)  # stamped under the lock: a file is in time order


def team_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "opsconsole"
    folder.mkdir()
    folder.chmod(0o1770)
    return folder


def test_a_team_file_is_the_members_own_and_the_folder_untouched(tmp_path: Path) -> None:
    folder = team_folder(tmp_path)
    if os.geteuid() == 0:
        os.chown(folder, -1, 65534)  # a team group that is not root's own
    previous = os.umask(0o077)  # a strict umask must not hide the file from the team
    try:
        AuditLog(folder / "alice.jsonl", team=True).record(entry("SELECT 1"))
    finally:
        os.umask(previous)
    status = (folder / "alice.jsonl").stat()
    assert stat.S_IMODE(status.st_mode) == 0o640
    assert status.st_gid == folder.stat().st_gid
    assert stat.S_IMODE(folder.stat().st_mode) == 0o1770
    assert verify_file(folder / "alice.jsonl").ok


def test_a_missing_team_folder_says_what_to_run(tmp_path: Path) -> None:
    folder = tmp_path / "var-log-opsconsole"
    with pytest.raises(AuditError) as caught:
        AuditLog(folder / "alice.jsonl", team=True).record(entry("SELECT 1"))
    message = str(caught.value)
    assert f"audit folder {folder}" in message and "does not exist" in message
    assert f"install -d -m 1770 -g TEAM_GROUP {folder}" in message
    assert not folder.exists()  # never created by the console


@pytest.mark.skipif(os.geteuid() != 0, reason="a file of another uid needs root to make")
def test_a_file_someone_else_created_under_my_name_is_refused(tmp_path: Path) -> None:
    folder = team_folder(tmp_path)
    planted = folder / "alice.jsonl"
    planted.write_text("")
    planted.chmod(0o666)
    os.chown(planted, 65534, 65534)
    with pytest.raises(AuditError, match="belongs to uid 65534, not to you"):
        AuditLog(planted, team=True).record(entry("SELECT 1"))
    assert planted.read_text() == ""


def test_syslog_gets_the_same_scrubbed_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Why a double: the stdlib writes to /dev/log, and no syslog daemon runs in the test
    # environment; what is checked is the line handed to it.
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(syslog, "syslog", lambda priority, text: sent.append((priority, text)))
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, to_syslog=True)
    log.record(entry("SELECT * FROM members WHERE email = 'jane.doe@example.com'"))
    [(priority, text)] = sent
    assert priority == syslog.LOG_NOTICE
    assert text.encode("ascii") + b"\n" == path.read_bytes()
    assert "jane.doe" not in text and "***@example.com" in text
    AuditLog(path).record(entry("SELECT 2"))
    assert len(sent) == 1  # off unless configured


def test_a_symlink_planted_under_my_name_is_refused_and_named(tmp_path: Path) -> None:
    folder = team_folder(tmp_path)
    target = tmp_path / "elsewhere"
    target.write_text("")
    (folder / "alice.jsonl").symlink_to(target)
    with pytest.raises(AuditError, match=r"alice\.jsonl is a symlink: an admin removes it"):
        AuditLog(folder / "alice.jsonl", team=True).record(entry("SELECT 1"))
    assert target.read_text() == ""
