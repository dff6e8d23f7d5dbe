"""The lab's living workload: app-like pools on MariaDB and PostgreSQL, and Redis traffic.

`python -m console.lab.workload LAB_DIR` runs until SIGTERM, and stops by itself when the lab's
MariaDB and PostgreSQL are both gone (the lab went down) or when its pid file names another
process. Why: on a quiet lab no cell of the console ever changes, so tests, benchmarks,
screenshots and the demo measured nothing real. Per SQL engine a pool of POOL_SIZE sessions:
LONG_SESSIONS run a long statement (SLEEP / pg_sleep) in a staggered loop, two take and wait for
a row lock every half minute or so, the rest are idle and serve short statements now and then.
Redis gets GET/SET/INCR/EXPIRE pipelines on three servers (~REDIS_OPS_PER_S in total).

Bounded: a fixed number of sessions and threads; every statement has a server-side limit (well
under the 30 s of the lab's long-query alerts, see LONG_S) and every loop waits between
iterations. It connects as the lab's application accounts (`workload_ctl` creates them), never
the console's own.
Stdlib only, one blocking socket per session (`wire`), so it costs a few % of one core.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from console.lab import configs, procs, storm, topology, wire
from console.lab.layout import Layout

POOL_SIZE = 20
LONG_SESSIONS = 5
LONG_S = (3.0, 8.0)
"""A long statement's length. The lab's MySQLLongRunningQuery sums the seconds of the queries in
one state (mysqld_exporter's processlist_seconds) against 30 s: five staggered sleeps of 3-8 s
sum to ~10 s, so a healthy living lab does not fire it; a scenario's one long query still does.
"""
LOCK_EVERY_S = (20.0, 40.0)
LOCK_HOLD_S = 3.0
SHORT_EVERY_S = (0.2, 0.8)
FAILURE_BACKOFF_S = 2.0
REDIS_GROUPS = ("Auth", "API/Network", "Operations")
REDIS_CONNECTIONS = 4
REDIS_BATCH = 10
REDIS_OPS_PER_S = 300
REDIS_KEYS = 200
REDIS_TTL_S = 300
SUPERVISE_EVERY_S = 2.0
LAB_DOWN_S = 10.0
TOKEN = "console.lab.workload"
STATE_FILE = "workload.state.json"

# Accounts: (user, secret file). Application accounts of their own, so that a scenario's `clear`
# (which ends salesorder_app's and dify_app's sessions) and its tests never count these.
MYSQL_ACCOUNT = ("order_api", "mysql-app.pass")
PG_ACCOUNT = ("dify_worker", "postgres-app.pass")
REDIS_ACCOUNT = (configs.REDIS_APP_USER, "redis-app.pass")
PG_APPLICATION = "dify-worker"
REDIS_CLIENT_NAME = "app-cache"
REDIS_PREFIX = {
    "Auth": "auth:session",
    "API/Network": "apigw:ratelimit",
    "Operations": "opshop:status",
}


@dataclass(frozen=True, slots=True)
class Engine:
    """What the workload runs on one SQL engine."""

    name: str
    connect: Callable[[], wire.Session]
    long_sql: Callable[[float], str]
    short_sql: tuple[str, ...]  # each formatted with n = a random row number 1..1000
    lock_sql: str  # formatted with n; run inside a transaction


def mysql_engine(lab: Layout) -> Engine:
    user, secret = MYSQL_ACCOUNT
    cnf = {"host": topology.HOST, "port": str(topology.MARIADB_PORT), "user": user}
    cnf["password"] = lab.password(secret)

    def connect() -> wire.Session:
        session = wire.MySQLSession(cnf, "salesorder", timeout_s=60.0)
        session.run("SET SESSION max_statement_time = 25, innodb_lock_wait_timeout = 10")
        return session

    return Engine(
        "mariadb",
        connect,
        lambda seconds: f"SELECT SLEEP({seconds:.1f})",
        (
            "SELECT id, status FROM salesorder.orders WHERE id = {n}",
            "SELECT COUNT(*) FROM salespayment.payments WHERE id BETWEEN {n} AND {n} + 50",
            "SELECT id, name FROM salesorder.campaign ORDER BY id DESC LIMIT 5",
        ),
        "SELECT id FROM salespayment.payments WHERE id = 2900 + {n} % 50 FOR UPDATE",
    )


def postgres_engine(lab: Layout) -> Engine:
    user, secret = PG_ACCOUNT
    password = lab.password(secret)
    address = (topology.HOST, topology.POSTGRES_PORT)
    limits = "-c statement_timeout=25s -c lock_timeout=10s"
    limits += " -c idle_in_transaction_session_timeout=60s"

    def connect() -> wire.Session:
        return wire.PgSession(address, user, password, "dify", PG_APPLICATION, limits)

    return Engine(
        "postgres",
        connect,
        lambda seconds: f"SELECT pg_sleep({seconds:.1f})",
        (
            "SELECT id, name FROM apps ORDER BY updated_at DESC LIMIT 5",
            "SELECT count(*) FROM conversations WHERE created_at > now() - interval '{n} hours'",
            "SELECT 1",
        ),
        "SELECT id FROM conversations ORDER BY id LIMIT 1 OFFSET {n} % 50 FOR UPDATE",
    )


class Slot:
    """One pooled session: connected on first use, reconnected after a failure."""

    def __init__(
        self, connect: Callable[[], wire.Session], label: str, stop: threading.Event
    ) -> None:
        self._connect = connect
        self._label = label
        self._stop = stop
        self._session: wire.Session | None = None
        self._failing = False

    @property
    def connected(self) -> bool:
        return self._session is not None

    def run(self, sql: str) -> bool:
        """Run one statement; False (and the session dropped if it broke) on any failure."""
        try:
            if self._session is None:
                self._session = self._connect()
            self._session.run(sql)
        except wire.SessionError as exc:
            self._report(exc)
            return False
        except (OSError, storm.HandshakeError) as exc:
            self._report(exc)
            self.close()
            return False
        self._failing = False
        return True

    def _report(self, exc: BaseException) -> None:
        if not self._failing and not self._stop.is_set():  # once per failure streak
            sys.stderr.write(f"workload: {self._label}: {exc}\n")
            sys.stderr.flush()
        self._failing = True

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            with contextlib.suppress(OSError):
                session.close()


class Pool:
    """POOL_SIZE slots on one engine and the threads that use them."""

    def __init__(self, engine: Engine, stop: threading.Event) -> None:
        self.engine = engine
        self.stop = stop
        self.slots = [Slot(engine.connect, f"{engine.name}[{i}]", stop) for i in range(POOL_SIZE)]
        self.lock_held = threading.Event()
        self.locked_row = 0
        self.rng = random.Random()

    def pause(self, bounds: tuple[float, float]) -> None:
        self.stop.wait(self.rng.uniform(*bounds))

    def long_loop(self, index: int) -> None:
        self.stop.wait(index * LONG_S[1] / LONG_SESSIONS / 2)  # staggered
        while not self.stop.is_set():
            if not self.slots[index].run(self.engine.long_sql(self.rng.uniform(*LONG_S))):
                self.stop.wait(FAILURE_BACKOFF_S)
            self.pause((0.5, 3.0))

    def lock_holder_loop(self) -> None:
        slot = self.slots[LONG_SESSIONS]
        while not self.stop.is_set():
            self.pause(LOCK_EVERY_S)
            self.locked_row = self.rng.randint(0, 999)
            if slot.run("BEGIN") and slot.run(self.engine.lock_sql.format(n=self.locked_row)):
                self.lock_held.set()
                self.stop.wait(LOCK_HOLD_S)
            slot.run("ROLLBACK")

    def lock_waiter_loop(self) -> None:
        slot = self.slots[LONG_SESSIONS + 1]
        while not self.stop.is_set():
            if not self.lock_held.wait(1.0):
                continue
            self.lock_held.clear()
            self.stop.wait(0.5)
            # the holder's row: this waits until the holder rolls back
            if slot.run("BEGIN"):
                slot.run(self.engine.lock_sql.format(n=self.locked_row))
            slot.run("ROLLBACK")

    def short_loop(self) -> None:
        idle = self.slots[LONG_SESSIONS + 2 :]
        for slot in self.slots[LONG_SESSIONS:]:  # the pool connects at start, as an app's does
            if self.stop.is_set():
                return
            slot.run("SELECT 1")
        while not self.stop.is_set():
            # most work lands on the first few sessions (a LIFO pool): the others stay idle
            slot = idle[min(int(self.rng.expovariate(0.35)), len(idle) - 1)]
            sql = self.rng.choice(self.engine.short_sql).format(n=self.rng.randint(1, 1000))
            if not slot.run(sql):
                self.stop.wait(FAILURE_BACKOFF_S)
            self.pause(SHORT_EVERY_S)

    def threads(self) -> list[threading.Thread]:
        targets: list[Callable[[], None]] = [
            *(lambda i=i: self.long_loop(i) for i in range(LONG_SESSIONS)),
            self.lock_holder_loop,
            self.lock_waiter_loop,
            self.short_loop,
        ]
        return [threading.Thread(target=t, daemon=True) for t in targets]

    def connected(self) -> int:
        return sum(slot.connected for slot in self.slots)

    def close(self) -> None:
        for slot in self.slots:
            slot.close()


class RedisTraffic:
    """GET/SET/INCR/EXPIRE pipelines on one Redis server, over a few pooled connections."""

    def __init__(self, lab: Layout, server: topology.RedisServer, stop: threading.Event) -> None:
        user, secret = REDIS_ACCOUNT
        self._address = (topology.HOST, server.port)
        self._login = (user, lab.password(secret))
        self._prefix = REDIS_PREFIX[server.group]
        self._stop = stop
        self._sessions: list[wire.RedisSession | None] = [None] * REDIS_CONNECTIONS
        self._label = f"redis {server.group}"
        self._failing = False
        self.ops = 0
        self._rng = random.Random()

    def _batch(self) -> list[bytes]:
        keys = [f"{self._prefix}:{self._rng.randrange(REDIS_KEYS)}" for _ in range(3)]
        hits = f"{self._prefix}:hits:{self._rng.randrange(REDIS_KEYS // 10)}"
        batch = [wire.command("GET", key) for key in keys]
        batch.append(wire.command("GET", keys[0]))
        batch.append(wire.command("SET", keys[0], f"v{self._rng.randrange(10**6)}", "EX", 300))
        batch.append(wire.command("SET", keys[1], "1", "EX", REDIS_TTL_S, "NX"))
        batch += [wire.command("INCR", hits), wire.command("INCR", hits)]
        batch += [wire.command("EXPIRE", hits, REDIS_TTL_S), wire.command("EXPIRE", keys[2], 600)]
        return batch[:REDIS_BATCH]

    def _send(self, index: int) -> None:
        session = self._sessions[index]
        if session is None:
            user, password = self._login
            session = wire.RedisSession(self._address, user, password, REDIS_CLIENT_NAME)
            self._sessions[index] = session
        self.ops += len(session.pipeline(self._batch()))

    def loop(self) -> None:
        interval = REDIS_BATCH * len(REDIS_GROUPS) / REDIS_OPS_PER_S
        while not self._stop.is_set():
            # mostly the first connection; the others idle for seconds, as a client pool's do
            index = 0 if self._rng.random() < 0.9 else self._rng.randrange(REDIS_CONNECTIONS)
            try:
                self._send(index)
                self._failing = False
            except (OSError, wire.SessionError) as exc:
                if not self._failing and not self._stop.is_set():
                    sys.stderr.write(f"workload: {self._label}: {exc}\n")
                    sys.stderr.flush()
                self._failing = True
                self._drop(index)
                self._stop.wait(FAILURE_BACKOFF_S)
            self._stop.wait(interval)

    def _drop(self, index: int) -> None:
        session, self._sessions[index] = self._sessions[index], None
        if session is not None:
            with contextlib.suppress(OSError):
                session.close()

    def close(self) -> None:
        for index in range(REDIS_CONNECTIONS):
            self._drop(index)


def _alive(path: Path) -> bool:
    tracked = procs.read_pidfile(path)
    return tracked is not None and procs.is_running(tracked)


def should_stop(lab: Layout, me: int, down_since: list[float]) -> str | None:
    """Why the workload must end now, or None.

    The lab counts as down when neither MariaDB nor PostgreSQL has run for LAB_DOWN_S: a fault
    test that restarts one of them (or both, briefly) is not the lab going down, and the pools
    reconnect when the servers are back.
    """
    mine = procs.read_pidfile(lab.pid("workload"))
    if mine is None or mine.pid != me:
        return "its pid file is gone or names another process"
    if _alive(lab.pid("mariadb")) or _alive(lab.pid("postgres")):
        down_since.clear()
        return None
    if not down_since:
        down_since.append(time.monotonic())
    if time.monotonic() - down_since[0] >= LAB_DOWN_S:
        return f"the lab is down (neither MariaDB nor PostgreSQL ran for {LAB_DOWN_S:g} s)"
    return None


def _write_state(lab: Layout, pools: list[Pool], traffic: list[RedisTraffic]) -> None:
    state = {pool.engine.name: pool.connected() for pool in pools}
    state["redis_ops"] = sum(t.ops for t in traffic)
    path = lab.run / STATE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state) + "\n", encoding="utf-8")
    temporary.replace(path)


def main(argv: list[str]) -> int:
    lab = Layout(Path(argv[0]).absolute())
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pools = [Pool(mysql_engine(lab), stop), Pool(postgres_engine(lab), stop)]
    servers = [s for s in topology.redis_servers() if s.group in REDIS_GROUPS]
    traffic = [RedisTraffic(lab, server, stop) for server in servers]
    threads = [t for pool in pools for t in pool.threads()]
    threads += [threading.Thread(target=t.loop, daemon=True) for t in traffic]
    for thread in threads:
        thread.start()
    sys.stderr.write(f"workload: {len(threads)} threads, {POOL_SIZE} sessions per engine\n")
    sys.stderr.flush()
    me, down_since = os.getpid(), list[float]()
    reason = None
    while not stop.wait(SUPERVISE_EVERY_S):
        _write_state(lab, pools, traffic)
        reason = should_stop(lab, me, down_since)
        if reason is not None:
            break
    stop.set()
    for pool in pools:
        pool.close()  # shutdown wakes every thread blocked on a socket
    for redis in traffic:
        redis.close()
    for thread in threads:
        thread.join(timeout=5.0)
    (lab.run / STATE_FILE).unlink(missing_ok=True)
    sys.stderr.write(f"workload: stopped ({reason or 'signalled'})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
