"""OPSCONSOLE_DIAG=PATH: the running console appends JSON lines a soak can read (bench/soak.py).

Why: the soak watches asyncio tasks, workers and errors reported in place from outside the
process; these tests show the file gets lines with those figures, that a failure reported in
place shows up in them, and that nothing is written (no worker runs) without the variable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console import diagnostics
from console.app import OpsConsoleApp
from console.config import Settings
from tests.helpers import wait_until

pytestmark = pytest.mark.lab


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]


async def test_the_file_gets_lines_with_tasks_workers_and_errors(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "diag.jsonl"
    monkeypatch.setenv(diagnostics.ENV_PATH, str(path))
    monkeypatch.setenv(diagnostics.ENV_INTERVAL, "0.1")
    app = OpsConsoleApp(settings)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: len(_lines(path)) >= 2)
        first = _lines(path)[0]
        # the writer itself, the two shared polls and the fleet sweep all run as tasks
        assert first["tasks"] >= 3
        assert first["workers"] >= 3
        assert (first["errors"], first["last_error"]) == (0, None)
        app.report_failure("RuntimeError: pane exploded", "A pane failed")
        await wait_until(pilot, lambda: _lines(path)[-1]["errors"] == 1)
        assert _lines(path)[-1]["last_error"] == "RuntimeError: pane exploded"


async def test_without_the_variable_nothing_runs(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(diagnostics.ENV_PATH, raising=False)
    app = OpsConsoleApp(settings)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        assert [w.name for w in app.workers if w.group == "diagnostics"] == []


@pytest.mark.parametrize(
    ("value", "expected"), [("2.5", 2.5), ("", 10.0), ("soon", 10.0), ("0", 10.0), ("-1", 10.0)]
)
def test_interval_is_a_positive_number_or_the_default(value: str, expected: float) -> None:
    assert diagnostics.interval_s({diagnostics.ENV_INTERVAL: value}) == expected


def test_growth_names_the_line_whose_memory_grew() -> None:
    import tracemalloc

    growth = diagnostics.Growth(3)
    try:
        assert growth.top() == []  # the first call is the baseline
        kept = [bytes(1024) for _ in range(2000)]  # ~2 MiB held from this line
        top = growth.top()
    finally:
        tracemalloc.stop()
    assert kept
    assert top, "no growth reported"
    assert "test_diagnostics.py" in top[0], top
    assert int(top[0].split()[0]) >= 1500, top  # KiB


@pytest.mark.parametrize(("value", "expected"), [("", 0), ("10", 10), ("x", 0), ("-3", 0)])
def test_top_count_is_a_whole_number_or_off(value: str, expected: int) -> None:
    assert diagnostics.top_count({diagnostics.ENV_TOP: value}) == expected
