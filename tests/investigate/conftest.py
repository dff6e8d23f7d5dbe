"""Lab fixtures for the investigation tests: run the verbs as a user does, inject scenarios,
and know the lab's seeded PII and passwords to grep every bundle for."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.lab import clients, manager
from console.lab.layout import Layout
from tests.conftest import ROOT


@dataclass(frozen=True)
class Run:
    """One `opsconsole` run: exit status and output."""

    status: int
    stdout: str
    stderr: str

    @property
    def folder(self) -> Path:
        return Path(self.stdout.splitlines()[0])


RunVerb = Callable[..., Awaitable[Run]]


@pytest.fixture
def opsconsole(lab_dir: Path) -> RunVerb:
    """`opsconsole VERB ARGS...` in a child process, on the lab profile."""

    async def run(*args: str, timeout_s: float = 90.0) -> Run:
        argv = [sys.executable, "-m", "console", *args]
        argv += ["--config", str(ROOT / "config.toml"), "--profile", "lab"]
        child = await asyncio.create_subprocess_exec(
            *argv,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(timeout_s):
            out, err = await child.communicate()
        assert child.returncode is not None
        return Run(child.returncode, out.decode(), err.decode())

    return run


@contextmanager
def scenario(lab_dir: Path, name: str) -> Iterator[list[str]]:
    """A lab scenario for the length of the block; always cleared (and the lab back up).

    A scenario that falls short of its own target (the storm opens 335 of its 340 sessions
    while another test session holds connections) still runs: the test's assertions on the
    findings decide, with the scenario's lines in their message.
    """
    lines: list[str] = []
    try:
        manager.scenario(lab_dir, name, lines.append)
        yield lines
    finally:
        manager.scenario(lab_dir, "clear", lines.append)
        if name == "instance-down":
            assert manager.up(lab_dir, lines.append), lines


@pytest.fixture(scope="session")
def seeded_pii(lab_dir: Path) -> tuple[str, ...]:
    """Emails, phones and card numbers the lab seeded (MariaDB members and payments, Dify)."""
    lab = Layout(lab_dir.absolute())
    mysql = clients.mysql(
        lab,
        "SELECT email, phone FROM isalesmembermarketing.members ORDER BY id LIMIT 300;"
        "SELECT card_number FROM salespayment.payments ORDER BY id LIMIT 300;",
    )
    postgres = clients.psql(
        lab, "SELECT email FROM accounts ORDER BY email LIMIT 300", database="dify"
    )
    values = (clients.text(mysql) + "\n" + clients.text(postgres)).replace("\t", "\n").splitlines()
    found = tuple(v.strip() for v in values if len(v.strip()) >= 8)
    assert len(found) > 600, "the lab's seeded PII could not be read"
    return found


@pytest.fixture(scope="session")
def lab_passwords(lab_dir: Path) -> tuple[str, ...]:
    found = tuple(
        p.read_text(encoding="utf-8").strip() for p in (lab_dir / "secrets").glob("*.pass")
    )
    assert found and all(len(p) >= 8 for p in found)
    return found


def bundle_text(folder: Path) -> str:
    """Every file of a bundle (report, CSVs, JSON, SVG and text screenshots) as one text."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
    assert files, f"empty bundle {folder}"
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def assert_clean(folder: Path, pii: tuple[str, ...], passwords: tuple[str, ...]) -> None:
    text = bundle_text(folder)
    leaked = [value for value in pii if value in text]
    assert not leaked, f"PII in {folder}: {leaked[:3]}"
    assert not [p for p in passwords if p in text], f"a lab password is in {folder}"
