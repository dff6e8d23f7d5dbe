"""Fault-test fixtures: throwaway copies of lab parts, each in a folder of its own.

Every copy runs on its own free port in its own folder and is stopped (thawed first) when the
test ends, so a failing test never leaves a frozen server or an orphan behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.copies import Copy, StartCopy, copy_root, remove, start_copy


@pytest.fixture
def fault_root() -> Iterator[Path]:
    root = copy_root()
    try:
        yield root
    finally:
        remove(root)


@pytest.fixture
def start(fault_root: Path) -> Iterator[StartCopy]:
    """Start a copy of a lab part (`prometheus`, `alertmanager`, `moto`, `redis`, `mariadb`,
    `postgres`); all are stopped at the end of the test."""
    started: list[Copy] = []

    def start_one(kind: str, secrets_from: Path | None = None) -> Copy:
        copy = start_copy(kind, fault_root, secrets_from)
        started.append(copy)
        return copy

    try:
        yield start_one
    finally:
        for copy in started:
            with contextlib.suppress(AssertionError, ProcessLookupError):
                copy.thaw()  # a frozen process cannot act on SIGTERM
            copy.stop()
