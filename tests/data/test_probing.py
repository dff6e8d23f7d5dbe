"""Health that tells the truth: set-up timed apart, the console's own loop lag not the servers'."""

from __future__ import annotations

import asyncio
import time

import pytest

from console.config import FleetOptions, Settings
from console.data.layer import DataLayer
from console.data.looplag import LoopLag, busy_note
from console.data.probing import ProbeFigures, Timing, health_from
from console.inventory import Instance

WARN = FleetOptions(warn_latency_ms=500)


def hog_loop(seconds: float) -> None:
    """Keep the event loop from running anything else for `seconds` (a busy console)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass


def test_an_answer_slowed_by_the_console_is_not_the_servers() -> None:
    late = health_from(ProbeFigures(), Timing(latency_ms=900, loop_lag_ms=800), WARN)
    assert late.state == "ok" and late.reasons == ()
    assert late.loop_lag_ms == 800


def test_an_answer_slow_beyond_the_consoles_lag_warns_and_says_both() -> None:
    slow = health_from(ProbeFigures(), Timing(latency_ms=900, loop_lag_ms=100), WARN)
    assert slow.state == "warn"
    assert slow.reasons == ("slow probe: 900 ms, console lag 100 ms",)
    quiet = health_from(ProbeFigures(), Timing(latency_ms=700), WARN)
    assert quiet.reasons == ("slow probe: 700 ms",)


async def test_loop_lag_sees_a_hogged_loop_and_says_the_console_is_busy() -> None:
    lag = LoopLag()
    lag.start()
    try:
        await asyncio.sleep(0.25)
        assert busy_note(lag.worst_s(10)) is None
        started = time.monotonic()
        hog_loop(0.6)
        await asyncio.sleep(0.05)
        ended = time.monotonic()
        assert lag.overlap_s(started, ended) >= 0.45
        assert lag.overlap_s(ended + 1, ended + 2) == 0
        note = busy_note(lag.worst_s(10))
        assert note is not None and note.startswith("console busy: figures up to 0.")
        assert note.endswith(" s late")
    finally:
        await lag.stop()


@pytest.mark.lab
async def test_set_up_is_its_own_figure_and_the_answer_is_timed_alone(
    data: DataLayer, settings: Settings
) -> None:
    fleet = await data.fleet()
    for kind in ("mysql", "postgres", "redis"):
        instance: Instance = fleet.of_kind(kind)[0]
        first = await data.health(instance)
        again = await data.health(instance)
        assert first.value is not None and again.value is not None, (first.error, again.error)
        assert first.value.connect_ms is not None and again.value.connect_ms is not None
        # a cold probe sets up its connection; the next one reuses it (set-up ~ nothing)
        assert again.value.connect_ms < first.value.connect_ms
        assert first.elapsed_s * 1000 >= first.value.connect_ms + first.value.latency_ms - 1


@pytest.mark.lab
async def test_an_answer_the_busy_console_held_up_is_ok_with_the_lag_shown(
    data: DataLayer, settings: Settings
) -> None:
    fleet = await data.fleet()
    salesorder = fleet.by_name("aws-luckyus-salesorder-rw")
    assert salesorder is not None
    assert (await data.health(salesorder)).value is not None  # connection set up

    async def answer_then_hog() -> ProbeFigures:
        # The server answers at once; the console is busy (loop hogged) before it reads it.
        await data.mysql.status(salesorder)
        hog_loop(0.8)
        return ProbeFigures()

    reading = await data._probe.answer(salesorder.name, "mysql", answer_then_hog, 0.0)
    assert reading.value is not None, reading.error
    assert reading.value.latency_ms >= 800
    assert reading.value.state == "ok", reading.value.reasons
    assert reading.value.loop_lag_ms >= reading.value.latency_ms - 500
    assert data.console_busy() is not None
