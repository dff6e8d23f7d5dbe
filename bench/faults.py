"""Benchmark: the fault matrix, measured. How long each fault takes to show as a typed error, and
how long after the part is back the first good answer comes, with the shipped timeouts.

Starts throwaway copies of the lab's parts (tests/faults/copies.py: free ports, a temp folder,
the lab's own launchers; the shared lab is never stopped), points a DataLayer at them through a
config carrying config.toml's [timeouts] and [aws] call_timeout_s, and times the call the
failing pane makes: error = that call's own elapsed time (from the kill, for a query in flight);
back = from the part answering again (restart or SIGCONT) to the first good answer, calls
repeated without pause. A pane shows the error at its next poll plus this time.
Run: `.venv/bin/python bench/faults.py` (about two minutes; moto frozen costs its 30 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.faults: the throwaway copies and their config

from console.config import Settings, load_settings  # noqa: E402
from console.data.layer import DataLayer  # noqa: E402
from console.data.models import Reading  # noqa: E402
from tests.faults.copies import Copy, copy_root, remove, running_sleeps, start_copy  # noqa: E402
from tests.faults.fault_config import (  # noqa: E402
    MYSQL_NAME,
    POSTGRES_NAME,
    REDIS_NAME,
    UNRESOLVABLE_NAME,
    Parts,
    write_settings,
)

Call = Callable[[DataLayer, Settings], Awaitable[Reading[Any]]]
KINDS = ("prometheus", "alertmanager", "moto", "redis", "mariadb", "postgres")


def instance(settings: Settings, name: str) -> Any:
    found = settings.fleet.by_name(name)
    assert found is not None, name
    return found


@dataclass(frozen=True, slots=True)
class Case:
    fault: str
    kind: str
    fail: str  # "stop" or "freeze"
    pane: str
    call: Call


def prometheus(d: DataLayer, s: Settings) -> Awaitable[Reading[Any]]:
    return d.prometheus.query("up")


def alertmanager(d: DataLayer, s: Settings) -> Awaitable[Reading[Any]]:
    return d.alertmanager.groups()


def cloudwatch(d: DataLayer, s: Settings) -> Awaitable[Reading[Any]]:
    return d.cloudwatch_alarms()


def redis_info(d: DataLayer, s: Settings) -> Awaitable[Reading[Any]]:
    return d.redis.info(instance(s, REDIS_NAME))


def redis_probe(d: DataLayer, s: Settings) -> Awaitable[Reading[Any]]:
    return d.health(instance(s, REDIS_NAME))


def postgres_status(d: DataLayer, s: Settings) -> Awaitable[Reading[Any]]:
    return d.postgres.status(instance(s, POSTGRES_NAME))


def mysql_status(d: DataLayer, s: Settings) -> Awaitable[Reading[Any]]:
    return d.mysql.status(instance(s, MYSQL_NAME))


CASES = (
    Case("Prometheus stopped", "prometheus", "stop", "Metrics", prometheus),
    Case("Prometheus frozen", "prometheus", "freeze", "Metrics", prometheus),
    Case("Alertmanager stopped", "alertmanager", "stop", "Alerts", alertmanager),
    Case("Alertmanager frozen", "alertmanager", "freeze", "Alerts", alertmanager),
    Case("moto stopped", "moto", "stop", "Alerts (CloudWatch)", cloudwatch),
    Case("moto frozen", "moto", "freeze", "Alerts (CloudWatch)", cloudwatch),
    Case("Redis frozen", "redis", "freeze", "Overview", redis_info),
    Case("Redis frozen", "redis", "freeze", "fleet probe", redis_probe),
    Case("PostgreSQL restarted", "postgres", "stop", "Overview", postgres_status),
    Case("MariaDB killed", "mariadb", "kill", "Overview (next poll)", mysql_status),
)


def said(reading: Reading[Any]) -> str:
    error = reading.error
    return "no error" if error is None else f"{error.kind}: {error.message}"


async def back_after(layer: DataLayer, settings: Settings, call: Call) -> float:
    """Seconds from now to the first good answer, asking again at once after each failure."""
    started = time.monotonic()
    while (await call(layer, settings)).error is not None:
        if time.monotonic() - started > 120:
            return float("nan")
    return time.monotonic() - started


async def run_case(layer: DataLayer, settings: Settings, copy: Copy, case: Case) -> list[str]:
    await asyncio.to_thread(getattr(copy, case.fail))
    reading = await case.call(layer, settings)
    await asyncio.to_thread(copy.thaw if case.fail == "freeze" else copy.start)
    back_s = await back_after(layer, settings, case.call)
    return [case.fault, case.pane, said(reading), f"{reading.elapsed_s:.2f} s", f"{back_s:.2f} s"]


async def query_in_flight(layer: DataLayer, settings: Settings, mariadb: Copy) -> list[str]:
    """A 30 s statement, the server killed while it runs: error time counted from the kill."""
    target = instance(settings, MYSQL_NAME)
    # the raw source, past the facade on purpose: the guard is not under test, the pool is
    mysql = layer._sources.mysql
    query = asyncio.create_task(mysql.select(target, "SELECT SLEEP(30)", 1))
    # the server's processlist says when the statement runs: a poll, there is no event to wait on
    while not await asyncio.to_thread(running_sleeps, mariadb):  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    killed = time.monotonic()
    await asyncio.to_thread(mariadb.kill)
    reading = await query
    error_s = time.monotonic() - killed
    await asyncio.to_thread(mariadb.start)
    call: Call = lambda d, s: d._sources.mysql.select(target, "SELECT 1", 1)  # noqa: E731
    back_s = await back_after(layer, settings, call)
    return [
        "MariaDB killed",
        "query in flight",
        said(reading),
        f"{error_s:.2f} s",
        f"{back_s:.2f} s",
    ]


async def measure(settings: Settings, copies: dict[str, Copy]) -> list[list[str]]:
    async with DataLayer(settings) as layer:
        for name in (MYSQL_NAME, POSTGRES_NAME, REDIS_NAME):  # warm: pools made, as in a session
            await layer.health(instance(settings, name))
        rows = [await query_in_flight(layer, settings, copies["mariadb"])]
        for case in CASES:
            rows.append(await run_case(layer, settings, copies[case.kind], case))
        unresolvable = await layer.health(instance(settings, UNRESOLVABLE_NAME))
        rows.append(
            ["Unresolvable host", "fleet probe", said(unresolvable),
             f"{unresolvable.elapsed_s:.2f} s", "-"]
        )  # fmt: skip
    return rows


def main() -> int:
    shipped = load_settings(ROOT / "config.toml", "lab")
    root = copy_root()
    copies: dict[str, Copy] = {}
    try:
        for kind in KINDS:
            copies[kind] = start_copy(kind, root)
        chosen = Parts(
            prometheus=copies["prometheus"],
            alertmanager=copies["alertmanager"],
            moto=copies["moto"],
            mariadb=copies["mariadb"],
            postgres=copies["postgres"],
            redis=copies["redis"],
            unresolvable_mysql=True,
            timeouts=msgspec.structs.asdict(shipped.timeouts),
            aws_call_timeout_s=shipped.aws.call_timeout_s,
        )
        settings = write_settings(root, chosen)
        rows = asyncio.run(measure(settings, copies))
    finally:
        for copy in copies.values():
            with contextlib.suppress(AssertionError, ProcessLookupError):
                copy.thaw()
            copy.stop()
        remove(root)
    timeouts = shipped.timeouts
    print(
        f"timeouts: connect {timeouts.connect_s:g} s, probe {timeouts.probe_s:g} s, query "
        f"{timeouts.query_s:g} s, http {timeouts.http_s:g} s, aws {shipped.aws.call_timeout_s:g} s;"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    print("| fault | call | what it says | error after | good again after return |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
