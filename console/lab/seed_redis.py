"""Redis: keyspaces for every cluster of a group's server, loaded with `redis-cli --pipe`.

Each cluster gets keys under its own prefix (`luckyus-isales-market` -> `isales:market:*`) in all
the common types, most with a TTL and a good share without; the Sales/CRM server carries the
`isales-market` runbook keys (coupons, activities) in the thousands, plus a few big keys. A
handful of heavy reads afterwards leaves entries in the slowlog. Redis keeps no data on disk in
the lab, so a server is re-seeded every time it starts.
"""

from __future__ import annotations

import json
import random

from console.lab import clients, fake, topology
from console.lab.clients import resp
from console.lab.layout import Layout

DAY = 86400
MARKET = "isales:market"
# The runbook's known no-TTL set, for the TTL audit: AUDIT_KEYS per-member coupon limits under
# AUDIT_PREFIX, of which exactly AUDIT_NO_TTL (indexes 0-2 of every 10) never expire.
AUDIT_PREFIX = f"{MARKET}:couponlimit"
AUDIT_KEYS = 400
AUDIT_NO_TTL = 120


def _ttl(rng: random.Random, share_without: float) -> int | None:
    """A TTL between one hour and a week, or None for a key that never expires."""
    return None if rng.random() < share_without else rng.randint(3600, 7 * DAY)


def _expire(key: str, ttl: int | None) -> bytes:
    return resp("EXPIRE", key, ttl) if ttl else b""


def cluster_keys(rng: random.Random, prefix: str, count: int) -> bytes:
    """A mixed keyspace under `prefix`: cache strings, object hashes, sets, queues, counters."""
    out: list[bytes] = []
    for index in range(count):
        kind = index % 6
        ttl = _ttl(rng, 0.3)
        if kind in (0, 1):
            key = f"{prefix}:cache:{10000 + index}"
            body = {"id": index, "v": rng.randint(1, 10**6), "payload": "x" * rng.randint(40, 400)}
            out.append(resp("SET", key, json.dumps(body)))
        elif kind == 2:
            key = f"{prefix}:obj:{10000 + index}"
            out.append(resp("HSET", key, "id", index, "status", "ok", "ver", rng.randint(1, 9)))
        elif kind == 3:
            key = f"{prefix}:set:{index}"
            out.append(resp("SADD", key, *[rng.randint(1, 9999) for _ in range(8)]))
        elif kind == 4:
            key = f"{prefix}:queue:{index % 7}"
            out.append(resp("RPUSH", key, *[f"job-{index}-{n}" for n in range(5)]))
        else:
            key = f"{prefix}:counter:{index}"
            out.append(resp("INCRBY", key, rng.randint(1, 5000)))
        out.append(_expire(key, ttl))
    return b"".join(out)


def big_keys(prefix: str, scale: int) -> bytes:
    """A big hash, list, sorted set and string under `prefix` (scale 1 = a few hundred kB)."""
    out = [resp("DEL", f"{prefix}:big:hash", f"{prefix}:big:list", f"{prefix}:big:rank")]
    for start in range(0, 2000 * scale, 500):
        fields = [str(v) for n in range(start, start + 500) for v in (f"f{n}", f"value-{n}")]
        out.append(resp("HSET", f"{prefix}:big:hash", *fields))
        items = [f"item-{n}" for n in range(start, start + 500)]
        out.append(resp("RPUSH", f"{prefix}:big:list", *items))
        members = [str(v) for n in range(start, start + 500) for v in (n * 3 % 1000, f"m{n}")]
        out.append(resp("ZADD", f"{prefix}:big:rank", *members))
    out.append(resp("SET", f"{prefix}:big:blob", "z" * (100_000 * scale)))
    return b"".join(out)


def market_keys(rng: random.Random) -> bytes:
    """The isales-market runbook keys: coupons, activities, member coupon sets, big keys."""
    out: list[bytes] = []
    for coupon in range(1, 3001):
        key = f"{MARKET}:coupon:{880000 + coupon}"
        _, email = fake.person(rng, coupon)
        out.append(resp("HSET", key, "activity_id", 5000 + coupon % 60, "member_id",
                        rng.randint(1, 2000), "email", email, "status",
                        rng.choice(("ISSUED", "ISSUED", "USED", "EXPIRED")),
                        "amount_off", rng.choice((1, 2, 3, 5))))  # fmt: skip
        out.append(_expire(key, _ttl(rng, 0.4)))
    for activity in range(1, 1501):
        key = f"{MARKET}:activity:{5000 + activity}"
        body = {"name": f"Coffee Day {activity}", "discount": rng.choice((10, 20, 30, 50)),
                "starts": "2024-06-01", "channel": rng.choice(("app", "sms", "push"))}  # fmt: skip
        out.append(resp("SET", key, json.dumps(body)))
        out.append(_expire(key, _ttl(rng, 0.6)))
    for member in range(1, 501):
        out.append(resp("SADD", f"{MARKET}:member:{member}:coupons",
                        *[880000 + rng.randint(1, 3000) for _ in range(6)]))  # fmt: skip
    out.append(big_keys(f"{MARKET}:activity", 10))
    out.append(audit_keys())
    return b"".join(out)


def audit_keys() -> bytes:
    """AUDIT_KEYS string keys under AUDIT_PREFIX, AUDIT_NO_TTL of them without a TTL."""
    return b"".join(
        resp("SET", f"{AUDIT_PREFIX}:{700000 + n}", n % 5 + 1)
        + (b"" if n % 10 < 3 else resp("EXPIRE", f"{AUDIT_PREFIX}:{700000 + n}", 3 * DAY + n))
        for n in range(AUDIT_KEYS)
    )


def server_payload(server: topology.RedisServer) -> bytes:
    """Every command that seeds one server (deterministic per group)."""
    rng = random.Random(f"lab-{server.group}")
    out = [resp("FLUSHALL")]
    for position, cluster in enumerate(server.clusters):
        prefix = topology.redis_key_prefix(cluster.removeprefix("luckyus-"))
        out.append(cluster_keys(rng, prefix, 150 + 25 * (position % 4)))
        if position == 0:
            out.append(big_keys(prefix, 3))
    if any(cluster == topology.redis_cluster_name("isales-market") for cluster in server.clusters):
        out.append(market_keys(rng))
    return b"".join(out)


SLOW_READS = (
    ("KEYS", "*"),
    ("SORT", "{big}:big:list", "ALPHA"),
    ("HGETALL", "{big}:big:hash"),
    ("ZRANGE", "{big}:big:rank", "0", "-1", "WITHSCORES"),
    ("EVAL", "local n = 0 for i = 1, 300000 do n = n + i end return n", "0"),
)


def seed(layout: Layout, server: topology.RedisServer) -> str | None:
    """Load the keyspace, then leave a few slowlog entries; an error message, or None."""
    done = clients.redis_pipe(layout, server.port, server_payload(server))
    if done.returncode != 0 or b"errors: 0," not in done.stdout:
        return f"seed: {clients.text(done) or clients.errors(done)}"
    big = topology.redis_key_prefix(server.clusters[0].removeprefix("luckyus-"))
    for command in SLOW_READS:
        args = [arg.replace("{big}", big) for arg in command]
        clients.redis(layout, server.port, *args)
    return None
