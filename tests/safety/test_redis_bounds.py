"""Class 4 of issue 11: Redis reads that expose secrets or exhaust a server.

Every read-only command the guard allows is graded (bounded by nature, by an argument capped at
READ_CAP, or a whole-key read refused on production) and appears in `GRADES` below with a read
inside its bound and, unless bounded by nature, one past it. CONFIG GET of any pattern that can
match a credential is refused everywhere; the data layer redacts such values as a second wall.
"""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.data.sources.redis import without_secrets
from console.safety.redisbounds import (
    GRADED,
    READ_CAP,
    SECRET_PARAMETERS,
    Bound,
    bound,
    secret_parameters,
)
from console.safety.redisguard import READ_ONLY_COMMANDS, plan_redis

OVER = str(READ_CAP + 1)

# name -> (its bound, a read inside the bound, a read past it or None when bounded by nature)
GRADES: dict[str, tuple[Bound, str, str | None]] = {
    "GET": ("fixed", "GET k", None),
    "MGET": ("fixed", "MGET a b", None),
    "STRLEN": ("fixed", "STRLEN k", None),
    "GETRANGE": ("fixed", "GETRANGE k 0 99", None),
    "SUBSTR": ("fixed", "SUBSTR k 0 99", None),
    "GETBIT": ("fixed", "GETBIT k 7", None),
    "BITCOUNT": ("fixed", "BITCOUNT k", None),
    "BITPOS": ("fixed", "BITPOS k 1", None),
    "BITFIELD_RO": ("fixed", "BITFIELD_RO k GET u8 0", None),
    "EXISTS": ("fixed", "EXISTS a b", None),
    "TYPE": ("fixed", "TYPE k", None),
    "TTL": ("fixed", "TTL k", None),
    "PTTL": ("fixed", "PTTL k", None),
    "EXPIRETIME": ("fixed", "EXPIRETIME k", None),
    "PEXPIRETIME": ("fixed", "PEXPIRETIME k", None),
    "TOUCH": ("fixed", "TOUCH k", None),
    "RANDOMKEY": ("fixed", "RANDOMKEY", None),
    "DBSIZE": ("fixed", "DBSIZE", None),
    "HGET": ("fixed", "HGET h f", None),
    "HMGET": ("fixed", "HMGET h a b", None),
    "HLEN": ("fixed", "HLEN h", None),
    "HEXISTS": ("fixed", "HEXISTS h f", None),
    "HSTRLEN": ("fixed", "HSTRLEN h f", None),
    "HTTL": ("fixed", "HTTL h FIELDS 1 f", None),
    "HPTTL": ("fixed", "HPTTL h FIELDS 1 f", None),
    "HEXPIRETIME": ("fixed", "HEXPIRETIME h FIELDS 1 f", None),
    "HPEXPIRETIME": ("fixed", "HPEXPIRETIME h FIELDS 1 f", None),
    "LLEN": ("fixed", "LLEN l", None),
    "LINDEX": ("fixed", "LINDEX l 0", None),
    "SCARD": ("fixed", "SCARD s", None),
    "SISMEMBER": ("fixed", "SISMEMBER s m", None),
    "SMISMEMBER": ("fixed", "SMISMEMBER s a b", None),
    "ZCARD": ("fixed", "ZCARD z", None),
    "ZCOUNT": ("fixed", "ZCOUNT z -inf +inf", None),
    "ZLEXCOUNT": ("fixed", "ZLEXCOUNT z - +", None),
    "ZRANK": ("fixed", "ZRANK z m", None),
    "ZREVRANK": ("fixed", "ZREVRANK z m", None),
    "ZSCORE": ("fixed", "ZSCORE z m", None),
    "ZMSCORE": ("fixed", "ZMSCORE z a b", None),
    "XLEN": ("fixed", "XLEN s", None),
    "PFCOUNT": ("fixed", "PFCOUNT p", None),
    "GEOPOS": ("fixed", "GEOPOS g m", None),
    "GEODIST": ("fixed", "GEODIST g a b", None),
    "GEOHASH": ("fixed", "GEOHASH g m", None),
    "XINFO|GROUPS": ("fixed", "XINFO GROUPS s", None),
    "XINFO|CONSUMERS": ("fixed", "XINFO CONSUMERS s g", None),
    "XINFO|HELP": ("fixed", "XINFO HELP", None),
    "OBJECT|ENCODING": ("fixed", "OBJECT ENCODING k", None),
    "OBJECT|FREQ": ("fixed", "OBJECT FREQ k", None),
    "OBJECT|IDLETIME": ("fixed", "OBJECT IDLETIME k", None),
    "OBJECT|REFCOUNT": ("fixed", "OBJECT REFCOUNT k", None),
    "OBJECT|HELP": ("fixed", "OBJECT HELP", None),
    "PING": ("fixed", "PING", None),
    "ECHO": ("fixed", "ECHO hi", None),
    "TIME": ("fixed", "TIME", None),
    "LASTSAVE": ("fixed", "LASTSAVE", None),
    "ROLE": ("fixed", "ROLE", None),
    "INFO": ("fixed", "INFO memory", None),
    "COMMAND": ("fixed", "COMMAND", None),
    "COMMAND|COUNT": ("fixed", "COMMAND COUNT", None),
    "COMMAND|DOCS": ("fixed", "COMMAND DOCS get", None),
    "COMMAND|INFO": ("fixed", "COMMAND INFO get", None),
    "COMMAND|LIST": ("fixed", "COMMAND LIST", None),
    "COMMAND|GETKEYS": ("fixed", "COMMAND GETKEYS SET k v", None),
    "COMMAND|GETKEYSANDFLAGS": ("fixed", "COMMAND GETKEYSANDFLAGS SET k v", None),
    "COMMAND|HELP": ("fixed", "COMMAND HELP", None),
    "CONFIG|GET": ("fixed", "CONFIG GET maxmemory", None),
    "CONFIG|HELP": ("fixed", "CONFIG HELP", None),
    "CLIENT|LIST": ("fixed", "CLIENT LIST", None),
    "CLIENT|INFO": ("fixed", "CLIENT INFO", None),
    "CLIENT|GETNAME": ("fixed", "CLIENT GETNAME", None),
    "CLIENT|ID": ("fixed", "CLIENT ID", None),
    "CLIENT|TRACKINGINFO": ("fixed", "CLIENT TRACKINGINFO", None),
    "CLIENT|GETREDIR": ("fixed", "CLIENT GETREDIR", None),
    "CLIENT|HELP": ("fixed", "CLIENT HELP", None),
    "SLOWLOG|LEN": ("fixed", "SLOWLOG LEN", None),
    "SLOWLOG|HELP": ("fixed", "SLOWLOG HELP", None),
    "MEMORY|STATS": ("fixed", "MEMORY STATS", None),
    "MEMORY|DOCTOR": ("fixed", "MEMORY DOCTOR", None),
    "MEMORY|MALLOC-STATS": ("fixed", "MEMORY MALLOC-STATS", None),
    "MEMORY|HELP": ("fixed", "MEMORY HELP", None),
    "LATENCY|LATEST": ("fixed", "LATENCY LATEST", None),
    "LATENCY|HISTORY": ("fixed", "LATENCY HISTORY command", None),
    "LATENCY|DOCTOR": ("fixed", "LATENCY DOCTOR", None),
    "LATENCY|GRAPH": ("fixed", "LATENCY GRAPH command", None),
    "LATENCY|HISTOGRAM": ("fixed", "LATENCY HISTOGRAM get", None),
    "LATENCY|HELP": ("fixed", "LATENCY HELP", None),
    "CLUSTER|INFO": ("fixed", "CLUSTER INFO", None),
    "CLUSTER|NODES": ("fixed", "CLUSTER NODES", None),
    "CLUSTER|SLOTS": ("fixed", "CLUSTER SLOTS", None),
    "CLUSTER|SHARDS": ("fixed", "CLUSTER SHARDS", None),
    "CLUSTER|MYID": ("fixed", "CLUSTER MYID", None),
    "CLUSTER|MYSHARDID": ("fixed", "CLUSTER MYSHARDID", None),
    "CLUSTER|KEYSLOT": ("fixed", "CLUSTER KEYSLOT k", None),
    "CLUSTER|COUNTKEYSINSLOT": ("fixed", "CLUSTER COUNTKEYSINSLOT 7", None),
    "CLUSTER|LINKS": ("fixed", "CLUSTER LINKS", None),
    "CLUSTER|REPLICAS": ("fixed", "CLUSTER REPLICAS abc", None),
    "CLUSTER|SLAVES": ("fixed", "CLUSTER SLAVES abc", None),
    "CLUSTER|COUNT-FAILURE-REPORTS": ("fixed", "CLUSTER COUNT-FAILURE-REPORTS abc", None),
    "CLUSTER|HELP": ("fixed", "CLUSTER HELP", None),
    "PUBSUB|CHANNELS": ("fixed", "PUBSUB CHANNELS", None),
    "PUBSUB|NUMSUB": ("fixed", "PUBSUB NUMSUB c", None),
    "PUBSUB|NUMPAT": ("fixed", "PUBSUB NUMPAT", None),
    "PUBSUB|SHARDCHANNELS": ("fixed", "PUBSUB SHARDCHANNELS", None),
    "PUBSUB|SHARDNUMSUB": ("fixed", "PUBSUB SHARDNUMSUB c", None),
    "PUBSUB|HELP": ("fixed", "PUBSUB HELP", None),
    "ACL|WHOAMI": ("fixed", "ACL WHOAMI", None),
    "ACL|USERS": ("fixed", "ACL USERS", None),
    "ACL|CAT": ("fixed", "ACL CAT", None),
    "ACL|HELP": ("fixed", "ACL HELP", None),
    "MODULE|LIST": ("fixed", "MODULE LIST", None),
    "MODULE|HELP": ("fixed", "MODULE HELP", None),
    "FUNCTION|LIST": ("fixed", "FUNCTION LIST", None),
    "FUNCTION|STATS": ("fixed", "FUNCTION STATS", None),
    "FUNCTION|HELP": ("fixed", "FUNCTION HELP", None),
    "SCRIPT|EXISTS": ("fixed", "SCRIPT EXISTS abc", None),
    "SCRIPT|HELP": ("fixed", "SCRIPT HELP", None),
    # bounded by an argument: at most READ_CAP on production
    "SCAN": ("argument", "SCAN 0 MATCH u:* COUNT 1000", "SCAN 0 COUNT 2147483647"),
    "HSCAN": ("argument", "HSCAN h 0 COUNT 100", f"HSCAN h 0 COUNT {OVER}"),
    "SSCAN": ("argument", "SSCAN s 0", "SSCAN s 0 COUNT 10 COUNT 99999"),
    "ZSCAN": ("argument", "ZSCAN z 0 COUNT 10", "ZSCAN z 0 COUNT -5"),
    "SRANDMEMBER": ("argument", "SRANDMEMBER s -1000", "SRANDMEMBER s -2000000000"),
    "HRANDFIELD": ("argument", "HRANDFIELD h 5 WITHVALUES", f"HRANDFIELD h {OVER}"),
    "ZRANDMEMBER": ("argument", "ZRANDMEMBER z", f"ZRANDMEMBER z -{OVER} WITHSCORES"),
    "LRANGE": ("argument", "LRANGE l -1000 -1", "LRANGE l 0 -1"),
    "ZRANGE": ("argument", "ZRANGE z 0 999", "ZRANGE z 0 +inf BYSCORE"),
    "ZREVRANGE": ("argument", "ZREVRANGE z 0 9", "ZREVRANGE z 5 -1"),
    "ZRANGEBYSCORE": ("argument", "ZRANGEBYSCORE z 0 9 LIMIT 0 10", "ZRANGEBYSCORE z 0 9"),
    "ZREVRANGEBYSCORE": (
        "argument",
        "ZREVRANGEBYSCORE z 9 0 LIMIT 0 10",
        "ZREVRANGEBYSCORE z 9 0 LIMIT 0 -1",
    ),
    "ZRANGEBYLEX": ("argument", "ZRANGEBYLEX z - + LIMIT 0 10", "ZRANGEBYLEX z - +"),
    "ZREVRANGEBYLEX": ("argument", "ZREVRANGEBYLEX z + - LIMIT 5 5", "ZREVRANGEBYLEX z + -"),
    "XRANGE": ("argument", "XRANGE s - + COUNT 10", "XRANGE s - +"),
    "XREVRANGE": ("argument", "XREVRANGE s + - COUNT 10", f"XREVRANGE s + - COUNT {OVER}"),
    "XREAD": ("argument", "XREAD COUNT 10 STREAMS s 0", "XREAD STREAMS COUNT 5"),
    "XPENDING": ("argument", "XPENDING s g - + 10", f"XPENDING s g IDLE 9 - + {OVER}"),
    "XINFO|STREAM": ("argument", "XINFO STREAM s FULL", "XINFO STREAM s FULL COUNT 0"),
    "LPOS": ("argument", "LPOS l e COUNT 0 MAXLEN 1000", "LPOS l e COUNT 0 MAXLEN 0"),
    "SINTERCARD": ("argument", "SINTERCARD 2 a b LIMIT 100", "SINTERCARD 2 a LIMIT"),
    "ZINTERCARD": ("argument", "ZINTERCARD 1 z LIMIT 10", "ZINTERCARD 1 z LIMIT 0"),
    "GEOSEARCH": (
        "argument",
        "GEOSEARCH g FROMMEMBER m BYRADIUS 5 km COUNT 10 ANY",
        "GEOSEARCH g FROMMEMBER m BYRADIUS 5 km",
    ),
    "GEORADIUS_RO": ("argument", "GEORADIUS_RO g 0 0 5 km COUNT 10", "GEORADIUS_RO g 0 0 5 km"),
    "GEORADIUSBYMEMBER_RO": (
        "argument",
        "GEORADIUSBYMEMBER_RO g m 5 km COUNT 10",
        "GEORADIUSBYMEMBER_RO g m 5 km",
    ),
    "MEMORY|USAGE": ("argument", "MEMORY USAGE k SAMPLES 5", "MEMORY USAGE k SAMPLES 0"),
    "CLUSTER|GETKEYSINSLOT": (
        "argument",
        "CLUSTER GETKEYSINSLOT 7 10",
        "CLUSTER GETKEYSINSLOT 7 100000",
    ),
    "SLOWLOG|GET": ("argument", "SLOWLOG GET 10", "SLOWLOG GET -1"),
    "ACL|LOG": ("argument", "ACL LOG 10", f"ACL LOG {OVER}"),
    # whole keys: refused on production, with the bounded alternative
    "KEYS": ("whole", "KEYS u:*", "KEYS u:*"),
    "HGETALL": ("whole", "HGETALL h", "HGETALL h"),
    "HKEYS": ("whole", "HKEYS h", "HKEYS h"),
    "HVALS": ("whole", "HVALS h", "HVALS h"),
    "SMEMBERS": ("whole", "SMEMBERS s", "SMEMBERS s"),
    "SINTER": ("whole", "SINTER a b", "SINTER a b"),
    "SUNION": ("whole", "SUNION a b", "SUNION a b"),
    "SDIFF": ("whole", "SDIFF a b", "SDIFF a b"),
    "ZINTER": ("whole", "ZINTER 2 a b", "ZINTER 2 a b"),
    "ZUNION": ("whole", "ZUNION 2 a b", "ZUNION 2 a b"),
    "ZDIFF": ("whole", "ZDIFF 2 a b", "ZDIFF 2 a b"),
    "SORT_RO": ("whole", "SORT_RO l LIMIT 0 10", "SORT_RO l LIMIT 0 10"),
    "LCS": ("whole", "LCS a b", "LCS a b"),
}


def test_every_read_only_command_is_graded() -> None:
    assert READ_ONLY_COMMANDS == GRADED
    assert sorted(GRADES) == sorted(GRADED)


@pytest.mark.parametrize("name", sorted(GRADES))
def test_each_read_within_and_past_its_bound(name: str) -> None:
    grade, inside, past = GRADES[name]
    assert bound(name) == grade
    assert plan_redis(inside.split(), production=False).classification == "read_only"
    if grade != "whole":
        plan = plan_redis(inside.split(), production=True)
        assert plan.classification == "read_only", plan.reasons
    if past is None:
        return
    refused = plan_redis(past.split(), production=True)
    assert refused.classification == "refused", past
    assert refused.reasons[-1].startswith("production: reads are bounded")
    assert plan_redis(past.split(), production=False).classification == "read_only", past


def test_whole_key_reads_point_to_the_bounded_alternative() -> None:
    assert "HSCAN" in plan_redis(["HGETALL", "h"]).reasons[0]
    assert "SSCAN" in plan_redis(["SMEMBERS", "s"]).reasons[0]
    assert "SCAN" in plan_redis(["KEYS", "*"]).reasons[0]


counted = st.sampled_from(
    [
        ("SCAN", "0", "COUNT"),
        ("HSCAN", "k", "0", "COUNT"),
        ("SSCAN", "k", "0", "MATCH", "*", "COUNT"),
        ("ZSCAN", "k", "0", "COUNT"),
        ("XRANGE", "s", "-", "+", "COUNT"),
        ("XREVRANGE", "s", "+", "-", "COUNT"),
        ("XREAD", "COUNT"),
        ("GEOSEARCH", "g", "FROMLONLAT", "0", "0", "BYBOX", "1", "1", "km", "COUNT"),
        ("MEMORY", "USAGE", "k", "SAMPLES"),
    ]
)
over = st.one_of(
    st.integers(min_value=READ_CAP + 1, max_value=2**63 - 1),
    st.integers(max_value=0),
).map(str)


@given(counted, over)
def test_any_count_past_the_cap_is_refused_on_production(prefix: tuple[str, ...], n: str) -> None:
    tail = ("STREAMS", "s", "0") if prefix[0] == "XREAD" else ()
    assert plan_redis([*prefix, n, *tail]).classification == "refused"


@given(
    st.sampled_from(["SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER"]),
    st.integers(min_value=READ_CAP + 1, max_value=2**63 - 1),
    st.booleans(),
)
def test_any_random_count_past_the_cap_is_refused(name: str, n: int, negative: bool) -> None:
    count = str(-n if negative else n)
    assert plan_redis([name, "k", count]).classification == "refused"


@given(
    st.sampled_from(["LRANGE", "ZRANGE", "ZREVRANGE"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=-(10**12), max_value=10**12),
)
def test_a_range_is_allowed_only_when_it_cannot_hold_more_than_the_cap(
    name: str, start: int, stop: int
) -> None:
    plan = plan_redis([name, "k", str(start), str(stop)])
    if start >= 0 > stop:  # to the end of the key
        most = None
    elif start < 0 <= stop:
        most = stop + 1
    else:
        most = max(0, stop - start + 1)
    bounded = most is not None and most <= READ_CAP
    assert (plan.classification == "read_only") == bounded


@pytest.mark.parametrize("word", ["+5", " 5", "5 ", "1_000", "٥", "05", "5.0", "0x10", "", "１０"])
def test_numbers_are_read_as_redis_reads_them(word: str) -> None:
    """Python's int() accepts all of these; Redis does not: never guess a bound from them."""
    assert plan_redis(["SCAN", "0", "COUNT", word]).classification == "refused"


@pytest.mark.parametrize(
    "pattern",
    [
        "requirepass",
        "REQUIREPASS",
        "*",
        "*pass*",
        "*auth",
        "master*",
        "m?ster?uth",
        "[mp]*auth",
        "[^x]equirepass",
        "require\\pass",
        "tls-*-pass",
        "*-file-pass",
        "requirepas[",
        "primaryuser",
        "**********",
    ],
)
def test_config_get_of_a_pattern_matching_a_credential_is_refused(pattern: str) -> None:
    for production in (True, False):
        plan = plan_redis(["CONFIG", "GET", "maxmemory", pattern], production=production)
        assert plan.classification == "refused", pattern
        assert "credentials" in plan.reasons[0]


@pytest.mark.parametrize(
    "pattern", ["maxmemory", "maxmemory*", "*policy", "save", "hz", "slowlog-*", "tls-port"]
)
def test_config_get_of_other_parameters_reads(pattern: str) -> None:
    assert plan_redis(["CONFIG", "GET", pattern]).classification == "read_only"


glob_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-*?", max_size=24)


@given(glob_text)
def test_config_get_refuses_every_pattern_that_globs_onto_a_secret(pattern: str) -> None:
    """fnmatch agrees with Redis on `*`, `?` and letters: the oracle for the guard's matcher."""
    matching = sorted(n for n in SECRET_PARAMETERS if fnmatch.fnmatchcase(n, pattern))
    assert secret_parameters((pattern,)) == matching
    plan = plan_redis(["CONFIG", "GET", pattern])
    assert (plan.classification == "refused") == bool(matching)


def test_a_megabyte_of_glob_is_judged_without_backtracking() -> None:
    pattern = "*a" * 500_000 + "*"
    assert secret_parameters((pattern,)) == []
    assert secret_parameters(("*r*e*q*u*i*r*e*p*a*s*s*",)) == ["requirepass"]


def test_the_data_layer_redacts_secret_values_in_a_config_reply() -> None:
    """The second wall: a reply that holds a credential (a guard bypassed) is redacted."""
    reply = {b"requirepass": b"hunter2", b"maxmemory": b"0", "masterauth": "s3cret"}
    cleaned = without_secrets(("CONFIG", "GET", "*"), reply)
    assert "hunter2" not in repr(cleaned) and "s3cret" not in repr(cleaned)
    assert cleaned[b"maxmemory"] == b"0"
    flat = [b"requirepass", b"hunter2", b"hz", b"10"]
    assert without_secrets(("config", "get", "*"), flat) == [b"requirepass", "***", b"hz", b"10"]
    assert without_secrets(("GET", "requirepass"), b"hunter2") == b"hunter2"
