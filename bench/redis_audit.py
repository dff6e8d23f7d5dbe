"""Benchmark: our Redis TTL and big-key audit against `redis-cli --bigkeys` and `--memkeys`.

Starts its own redis-server (a free port, a temp dir, killed at the end), seeds 1M keys with
`redis-cli --pipe` (strings, hashes, sets, lists, sorted sets; sizes vary; ~30 % without TTL;
one big key of each type plus a stream), then runs in the same process: `redis-cli --bigkeys`,
`redis-cli --memkeys` (the baseline, both on the read-only account) and our audit with an ops
budget. Reports wall times, whether the same biggest keys are found (per type: by length for
bigkeys, by memory for memkeys), and the ops/s the server saw from our scan (INFO commandstats
deltas over the scan's wall time, and instantaneous_ops_per_sec sampled during it) against the
budget, and whether our key and no-TTL counts equal the server's own (INFO keyspace).
Run: `.venv/bin/python bench/redis_audit.py [--keys N] [--ops-budget N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.redis_audit.server: the throwaway redis-server

from console.config import load_settings  # noqa: E402
from console.data.layer import DataLayer  # noqa: E402
from console.data.models import AuditOptions, RedisAudit  # noqa: E402
from console.lab import topology  # noqa: E402
from console.lab.clients import resp  # noqa: E402
from tests.redis_audit.server import Server, command_calls, start_server  # noqa: E402

BIG = {"hash": 50_000, "list": 100_000, "set": 30_000, "zset": 40_000, "string": 2_000_000}
_BIGGEST = re.compile(r"Biggest\s+(\w+) found ['\"]*(.+?)['\"]* has (\d+) (\w+)")


def _small(rng: random.Random, n: int) -> bytes:
    """One ordinary key: its type by n, its size random, 30 % without TTL."""
    ttl = None if rng.random() < 0.3 else rng.randint(3600, 7 * 86400)
    kind = n % 10
    if kind < 5:
        key = f"bench:cache:{n}"
        value = "v" * rng.randint(10, 300)
        return resp("SET", key, value, "EX", ttl) if ttl else resp("SET", key, value)
    if kind < 7:
        key = f"bench:obj:{n}"
        fields = [
            str(p) for f in range(rng.randint(2, 20)) for p in (f"f{f}", rng.randint(1, 9999))
        ]
        out = resp("HSET", key, *fields)
    elif kind == 7:
        key = f"bench:tags:{n}"
        out = resp("SADD", key, *range(rng.randint(2, 30)))
    elif kind == 8:
        key = f"bench:queue:{n}"
        out = resp("RPUSH", key, *(f"job-{i}" for i in range(rng.randint(1, 40))))
    else:
        key = f"bench:rank:{n}"
        out = resp("ZADD", key, *(str(p) for i in range(rng.randint(2, 30)) for p in (i, f"m{i}")))
    return out + (resp("EXPIRE", key, ttl) if ttl else b"")


def _big() -> bytes:
    out = [resp("SET", "bench:big:blob", "z" * BIG["string"])]
    for start in range(0, BIG["list"], 1000):
        out.append(resp("RPUSH", "bench:big:list", *(f"i{n}" for n in range(start, start + 1000))))
    for start in range(0, BIG["hash"], 1000):
        fields = [p for n in range(start, start + 1000) for p in (f"f{n}", f"value-{n}")]
        out.append(resp("HSET", "bench:big:hash", *fields))
    for start in range(0, BIG["set"], 1000):
        out.append(resp("SADD", "bench:big:set", *range(start, start + 1000)))
    for start in range(0, BIG["zset"], 1000):
        members = [str(p) for n in range(start, start + 1000) for p in (n, f"m{n}")]
        out.append(resp("ZADD", "bench:big:rank", *members))
    out += [resp("XADD", "bench:big:stream", "*", "n", n) for n in range(5000)]
    return b"".join(out)


def seed(server: Server, keys: int) -> float:
    """Load `keys` keys (one big key of each type among them) with redis-cli --pipe."""
    rng = random.Random(42)
    started = time.perf_counter()
    payload = b"".join(_small(rng, n) for n in range(keys - 6)) + _big()
    env = {**os.environ, "REDISCLI_AUTH": server.admin_password}
    argv = ["redis-cli", "-p", str(server.port), "--user", topology.REDIS_ADMIN_USER, "--pipe"]
    done = subprocess.run(argv, input=payload, capture_output=True, env=env, check=False)
    if done.returncode != 0 or b"errors: 0," not in done.stdout:
        raise SystemExit(f"seed failed: {done.stdout[-300:]!r} {done.stderr[-300:]!r}")
    return time.perf_counter() - started


def redis_cli(server: Server, mode: str) -> tuple[float, dict[str, tuple[str, int]]]:
    """Wall time and {type: (biggest key, size)} of `redis-cli --bigkeys` or `--memkeys`."""
    password = (server.directory / "ro.pass").read_text().strip()
    argv = ["redis-cli", "-p", str(server.port), "--user", topology.REDIS_RO_USER, mode]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False,
                          env={**os.environ, "REDISCLI_AUTH": password})  # fmt: skip
    elapsed = time.perf_counter() - started
    found = {m[1]: (m[2], int(m[3])) for m in _BIGGEST.finditer(done.stdout)}
    if not found:
        raise SystemExit(f"redis-cli {mode}: nothing parsed: {done.stdout[-500:]} {done.stderr}")
    return elapsed, found


async def _watch(server: Server, seen: list[int], stop: asyncio.Event) -> None:
    """instantaneous_ops_per_sec every 0.5 s while the audit runs."""
    client = server.admin()
    try:
        while not stop.is_set():
            seen.append(int((await client.info("stats"))["instantaneous_ops_per_sec"]))
            await asyncio.sleep(0.5)
    finally:
        await client.aclose()


Measured = tuple[float, RedisAudit, int, list[int], tuple[int, int]]


async def audit(server: Server, options: AuditOptions) -> Measured:
    """Wall time, the audit, the commands the server counted from it, ops/s samples, and the
    server's own (keys, keys without TTL)."""
    admin = server.admin()
    seen: list[int] = []
    stop = asyncio.Event()
    try:
        async with DataLayer(load_settings(ROOT / "config.toml", "lab")) as data:
            await asyncio.sleep(2)  # instantaneous_ops_per_sec averages ~1.6 s: forget redis-cli's
            db0 = (await admin.info("keyspace"))["db0"]
            before = await command_calls(admin)
            watcher = asyncio.create_task(_watch(server, seen, stop))
            started = time.perf_counter()
            reading = await data.redis_audit(server.instance("luckyus-bench"), options)
            elapsed = time.perf_counter() - started
            stop.set()
            await watcher
            after = await command_calls(admin)
    finally:
        await admin.aclose()
    if reading.value is None:
        raise SystemExit(f"audit failed: {reading.error}")
    skip = {"auth", "hello", "client|setname", "client|setinfo", "info"}
    counted = sum(after[n] - before.get(n, 0) for n in after if n not in skip)
    return elapsed, reading.value.audit, counted, seen, (db0["keys"], db0["keys"] - db0["expires"])


def compare(name: str, theirs: dict[str, tuple[str, int]], ours: dict[str, str]) -> bool:
    same = True
    for kind, (key, size) in sorted(theirs.items()):
        match = ours.get(kind) == key
        same &= match
        print(f"  {name:9} {kind:7} {key:22} {size:>9}  ours: {ours.get(kind)!s:22} "
              f"{'same' if match else 'DIFFERENT'}")  # fmt: skip
    return same


async def main(keys: int, budget: float) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-redis-audit-") as tmp:
        server = await start_server(Path(tmp) / "server")
        try:
            seeded = seed(server, keys)
            print(f"seeded {keys} keys in {seeded:.1f}s (port {server.port}, {tmp})")
            big_s, bigkeys = redis_cli(server, "--bigkeys")
            mem_s, memkeys = redis_cli(server, "--memkeys")
            options = AuditOptions(count=1000, time_budget_s=3600, ops_budget=budget)
            ours_s, result, counted, seen, (keys_held, no_ttl_held) = await audit(server, options)
        finally:
            server.stop()
    by_size = {k.type: k.key for k in reversed(result.biggest_by_size)}  # biggest first per type
    by_memory = {k.type: k.key for k in reversed(result.biggest_by_memory)}
    print(f"redis-cli --bigkeys: {big_s:.1f}s   --memkeys: {mem_s:.1f}s   "
          f"both: {big_s + mem_s:.1f}s")  # fmt: skip
    print(f"our audit: {ours_s:.1f}s, {result.scanned} keys, complete={result.complete}, "
          f"{result.keys_without_ttl} without TTL, {len(result.prefixes)} prefixes")  # fmt: skip
    same = compare("bigkeys", bigkeys, by_size) & compare("memkeys", memkeys, by_memory)
    exact = (result.scanned, result.keys_without_ttl) == (keys_held, no_ttl_held)
    print(f"  counts    ours {result.scanned} keys, {result.keys_without_ttl} without TTL; "
          f"the server's INFO keyspace {keys_held}, {no_ttl_held}")  # fmt: skip
    rate = counted / ours_s
    peak = max(seen, default=0)
    print(
        f"server-counted commands from the audit: {counted} (ours: {result.commands}); "
        f"{rate:.0f} ops/s over the scan, instantaneous peak {peak}, budget {budget:g}"
    )
    within = rate <= budget
    faster = ours_s <= big_s + mem_s
    print(f"targets: same biggest keys {'met' if same else 'MISSED'}; same counts "
          f"{'met' if exact else 'MISSED'}; no more time than "
          f"--bigkeys + --memkeys {'met' if faster else 'MISSED'}; under the ops budget "
          f"{'met' if within else 'MISSED'}")  # fmt: skip
    return 0 if same and exact and within and faster else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--ops-budget", type=float, default=200_000)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.keys, args.ops_budget)))
