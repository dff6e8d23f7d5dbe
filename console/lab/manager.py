"""The lab's public API: up, down, status, scenarios, and stopping one part for fault tests.

Everything is a plain process tracked by a pid file in `<lab>/run`; `up` launches whatever is not
running, all at once, seeds what is new and waits until every part is healthy. The CLI
(`opsconsole lab ...`) and the test conftest call only the functions below.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from console.filelock import locked
from console.lab import (
    configs,
    health,
    layout,
    procs,
    scenarios,
    seed_aws,
    seed_mysql,
    seed_postgres,
    seed_redis,
    workload_ctl,
)
from console.lab.layout import Layout
from console.lab.parts import ALL, BY_NAME, LaunchError, Part, launch

Emit = Callable[[str], None]
SeedStep = Callable[[Layout], "str | None"]

PARTS: tuple[str, ...] = tuple(part.name for part in ALL)
SCENARIOS: tuple[str, ...] = scenarios.NAMES
READY_TIMEOUT_S = 45.0


@dataclass(frozen=True)
class PartStatus:
    """One part as `status` sees it: its process and whether the console can use it."""

    name: str
    pid: int | None
    port: int | None
    healthy: bool
    detail: str


def _layout(lab_dir: Path) -> Layout:
    return Layout(lab_dir.absolute())


def _exclusive(lab: Layout) -> contextlib.AbstractContextManager[None]:
    """Serialise lab changes across processes (two test sessions may share one lab)."""
    return locked(lab.run / "lab.lock")


def _part_status(lab: Layout, part: Part) -> PartStatus:
    tracked = procs.running(lab.pid(part.name))
    if tracked is None:
        return PartStatus(part.name, None, part.port, False, "not running")
    try:
        ok, detail = health.healthy(lab, part)
    except OSError as exc:
        ok, detail = False, f"cannot probe: {exc}"
    return PartStatus(part.name, tracked.pid, part.port, ok, detail)


def _statuses(lab: Layout, parts: tuple[Part, ...]) -> tuple[PartStatus, ...]:
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        return tuple(pool.map(lambda part: _part_status(lab, part), parts))


def status(lab_dir: Path) -> tuple[PartStatus, ...]:
    """Every part, in PARTS order: pid (if running), port, healthy, a one-line detail."""
    return _statuses(_layout(lab_dir), ALL)


def is_up(lab_dir: Path) -> bool:
    """True when every part is running and healthy."""
    return all(part.healthy for part in status(lab_dir))


def _locked(emit: Emit) -> Emit:
    lock = threading.Lock()

    def safe(message: str) -> None:
        with lock:
            emit(message)

    return safe


def _wait(lab: Layout, part: Part, probe: Callable[[], health.Probe]) -> health.Probe:
    """Poll `probe` until it passes, the process exits, or READY_TIMEOUT_S runs out."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    ok, detail = probe()
    while not ok:
        if procs.running(lab.pid(part.name)) is None:
            return False, f"process exited ({detail})"
        if time.monotonic() > deadline:
            return False, f"not healthy after {READY_TIMEOUT_S:g}s ({detail})"
        procs.pause(0.1)
        ok, detail = probe()
    return ok, detail


def _after_start(lab: Layout, part: Part, started: bool, emit: Emit) -> str | None:
    """Accounts and seed data: databases once (marker file), Redis and moto on every start."""
    if part.redis is not None:
        return seed_redis.seed(lab, part.redis) if started else None
    if part.name == "moto":
        return _seed_aws(lab, emit)
    steps: dict[str, tuple[SeedStep, SeedStep]] = {
        "mariadb": (seed_mysql.bootstrap, seed_mysql.seed),
        "postgres": (seed_postgres.bootstrap, seed_postgres.seed),
    }
    marker = lab.seeded_marker(part.name)
    if part.name not in steps or (not started and marker.exists()):
        return None
    bootstrap, seed = steps[part.name]
    error = bootstrap(lab)
    if error is None and not marker.exists():
        began = time.monotonic()
        error = seed(lab)
        if error is None:
            marker.write_text("seeded\n", encoding="utf-8")
            emit(f"{part.name}: seeded in {time.monotonic() - began:.1f}s")
    return error


def _seed_aws(lab: Layout, emit: Emit) -> str | None:
    """Seed moto unless it holds the lab's AWS already (one request when it does)."""
    if seed_aws.seeded():
        return None
    began = time.monotonic()
    error = seed_aws.seed(lab)
    if error is None:
        emit(f"moto: seeded in {time.monotonic() - began:.1f}s")
    return error


def _failure(lab: Layout, part: Part, what: str) -> str:
    tail = procs.log_tail(lab.log(part.name))
    indented = "\n".join(f"    {line}" for line in tail.splitlines())
    return f"{part.name}: FAILED: {what}\n  last lines of {lab.log(part.name)}:\n{indented}"


def _bring_up(lab: Layout, part: Part, emit: Emit) -> str | None:
    """Launch (if needed), wait, seed, wait healthy; an error report, or None."""
    began = time.monotonic()
    started = procs.running(lab.pid(part.name)) is None
    try:
        if started:
            launch(lab, part)
        ok, detail = _wait(lab, part, lambda: health.ready(lab, part))
        error = _after_start(lab, part, started, emit) if ok else detail
    except (LaunchError, OSError) as exc:
        return _failure(lab, part, str(exc))
    if error is not None:
        return _failure(lab, part, error)
    ok, detail = _wait(lab, part, lambda: health.healthy(lab, part))
    if not ok:
        return _failure(lab, part, detail)
    verb = "started" if started else "running"
    emit(f"{part.name}: {verb}, healthy after {time.monotonic() - began:.1f}s ({detail})")
    return None


def _reload_prometheus() -> None:
    url = f"http://{health.H}:{BY_NAME['prometheus'].port}/-/reload"
    health.http_post(url)


def up(lab_dir: Path, emit: Emit) -> bool:
    """Start what is not running (seeding on first start) and wait until every part is healthy.

    Idempotent and quick when the lab is already up. On failure, emits each failed part with the
    last lines of its log and returns False.
    """
    lab = _layout(lab_dir)
    with _exclusive(lab):
        return _up(lab, emit)


def _up(lab: Layout, emit: Emit) -> bool:
    """Every part healthy, then the workload running (started by default)."""
    return _up_parts(lab, emit) and _start_workload(lab, emit)


def _start_workload(lab: Layout, emit: Emit) -> bool:
    was_running = workload_ctl.running(lab)
    started = workload_ctl.start(lab)
    if isinstance(started, str):
        emit(f"workload: FAILED: {started}")
        return False
    if was_running is None:
        emit(f"workload: started (pid {started}); `lab workload off` stops it")
    return True


def _up_parts(lab: Layout, emit: Emit) -> bool:
    began = time.monotonic()
    layout.ensure(lab)
    if configs.write_all(lab) and procs.running(lab.pid("prometheus")) is not None:
        _reload_prometheus()
    todo = tuple(s for s in _statuses(lab, ALL) if not s.healthy)
    if not todo:
        error = _seed_aws(lab, emit)  # moto keeps state in memory: re-seed one that lost it
        if error is not None:
            emit(error)
            return False
        emit(f"lab: all {len(ALL)} parts healthy ({time.monotonic() - began:.1f}s)")
        return True
    safe = _locked(emit)
    pending = tuple(BY_NAME[s.name] for s in todo)
    with ThreadPoolExecutor(max_workers=len(pending)) as pool:
        failures = [f for f in pool.map(lambda p: _bring_up(lab, p, safe), pending) if f]
    for failure in failures:
        emit(failure)
    elapsed = time.monotonic() - began
    if failures:
        emit(f"lab: {len(failures)} of {len(ALL)} parts failed ({elapsed:.1f}s); see above")
        return False
    emit(f"lab: up, {len(ALL)} parts healthy in {elapsed:.1f}s ({lab.root})")
    return True


def down(lab_dir: Path, emit: Emit) -> bool:
    """Stop every process this lab started (scenario clients first); True when all are gone."""
    lab = _layout(lab_dir)
    if not lab.run.is_dir():
        emit(f"lab: nothing to stop in {lab.root}")
        return True
    with _exclusive(lab):
        return _down(lab, emit)


def _down(lab: Layout, emit: Emit) -> bool:
    if workload_ctl.stop(lab):
        emit("workload: stopped")
    clients = procs.stop([(path, signal.SIGTERM) for path in procs.lab_pidfiles(lab, "scenario-")])
    targets = [(lab.pid(part.name), part.stop_signal) for part in ALL]
    running = [part.name for part in ALL if procs.running(lab.pid(part.name)) is not None]
    killed = procs.stop(targets, timeout_s=20.0)
    left = [part.name for part in ALL if procs.running(lab.pid(part.name)) is not None]
    if killed or clients:
        emit(f"lab: had to SIGKILL: {', '.join((*killed, *clients))}")
    emit(f"lab: stopped {len(running)} parts" + (f"; still running: {left}" if left else ""))
    return not left


def stop_part(lab_dir: Path, part: str) -> None:
    """Stop one part (for fault tests and `instance-down`); a later `up` restarts it."""
    lab = _layout(lab_dir)
    with _exclusive(lab):
        _stop_part(lab, part)


def _stop_part(lab: Layout, part: str) -> None:
    target = BY_NAME[part]
    procs.stop([(lab.pid(target.name), target.stop_signal)], timeout_s=20.0)


def workload(lab_dir: Path, on: bool, emit: Emit) -> bool:
    """Turn the background workload on (the lab must be up) or off."""
    lab = _layout(lab_dir)
    with _exclusive(lab):
        if not on:
            emit("workload: stopped" if workload_ctl.stop(lab) else "workload: was not running")
            return True
        down = [s.name for s in _statuses(lab, ALL) if not s.healthy]
        if down:
            emit(f"workload: the lab is not up ({', '.join(down)} down); `lab up` first")
            return False
        return _start_workload(lab, emit)


def workload_status(lab_dir: Path) -> PartStatus:
    """The workload as one more row of `lab status` (healthy: running)."""
    state = workload_ctl.status(_layout(lab_dir))
    return PartStatus(workload_ctl.PART, state.pid, None, state.pid is not None, state.detail)


def scenario(lab_dir: Path, name: str, emit: Emit) -> bool:
    """Start an incident scenario on the running lab (or `clear` them all)."""
    if name not in SCENARIOS:
        emit(f"lab: unknown scenario {name!r}; choose from {', '.join(SCENARIOS)}")
        return False
    lab = _layout(lab_dir)
    with _exclusive(lab):
        return scenarios.run(
            lab,
            name,
            emit,
            stop=lambda part: _stop_part(lab, part),
            restart=lambda: _up(lab, emit),
        )
