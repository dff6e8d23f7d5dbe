"""How much each read-only Redis command may read on production, and CONFIG GET's secrets.

Why: a read-only command can still exhaust a server (`SCAN 0 COUNT 2147483647`, `LRANGE k 0
-1` on a ten-million-element list, `LCS` on two big strings) or print a credential (`CONFIG GET
requirepass`). Every read-only command of the guard is graded here, command by command:

- `fixed`: bounded by nature: one value or a count (GET, HLEN, ZSCORE), the keys or fields
  typed (MGET, HMGET), or the server's own small state (INFO, CLIENT LIST, SLOWLOG LEN);
- `argument`: bounded by an argument: a COUNT, a range, a LIMIT or SAMPLES, which must be
  given and at most `READ_CAP` on production;
- `whole`: reads a whole key or keyspace whatever the arguments (HGETALL, SMEMBERS, KEYS,
  SORT_RO, LCS): refused on production with a pointer to the bounded alternative.

Outside production every read runs as typed: a lab or staging server is where one looks at a
whole key. Numbers are read as Redis reads them (an optional `-`, then digits without a leading
zero); anything else where a bound is expected is refused rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

Bound = Literal["fixed", "argument", "whole"]
Rule = Callable[[tuple[str, ...]], str | None]
"""A command (names upper-cased, arguments as typed) → why it is unbounded, or None."""

READ_CAP = 1000
"""The most elements, fields, members, entries or samples one read may ask for on production."""

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,18})")
_CAP = f"at most {READ_CAP:,}"


def _int(word: str) -> int | None:
    """`word` as Redis's string2ll reads it, or None."""
    return int(word) if _INTEGER.fullmatch(word) else None


def _options(command: tuple[str, ...], start: int, name: str) -> list[str | None]:
    """The value after every `name` option from `start` on (None: missing)."""
    values: list[str | None] = []
    for index in range(start, len(command)):
        if command[index].upper() == name:
            values.append(command[index + 1] if index + 1 < len(command) else None)
    return values


def _count_option(
    command: tuple[str, ...], start: int, name: str = "COUNT", *, required: bool, least: int = 1
) -> str | None:
    """Every `name n` from `start` on has least <= n <= READ_CAP; one must be given if required."""
    values = _options(command, start, name)
    if required and not values:
        return f"reads without a bound: add {name} n ({_CAP})"
    for value in values:
        number = None if value is None else _int(value)
        if number is None or not least <= number <= READ_CAP:
            shown = "nothing" if value is None else value
            return f"{name} {shown}: give {name} between {least} and {READ_CAP:,}"
    return None


def _span(start: str, stop: str) -> int | None:
    """How many elements an index range start..stop can hold; None when it depends on the key."""
    first, last = _int(start), _int(stop)
    if first is None or last is None:
        return None
    if first >= 0 > last:
        return None  # 0 -1: to the end of the key, however long it is
    if first < 0 <= last:
        return last + 1
    return max(0, last - first + 1)


def _range(command: tuple[str, ...]) -> str | None:
    """LRANGE/ZRANGE/ZREVRANGE key start stop: a span of at most READ_CAP elements."""
    if len(command) < 4:
        return "needs key, start and stop"
    span = _span(command[2], command[3])
    if span is None or span > READ_CAP:
        return (
            f"range {command[2]} {command[3]} can read the whole key: give a range of "
            f"{_CAP} elements, e.g. 0 {READ_CAP - 1}, or scan it"
        )
    return None


def _limit(command: tuple[str, ...], start: int) -> str | None:
    """BYSCORE/BYLEX reads: every LIMIT offset count has 0 <= count <= READ_CAP; one is needed."""
    found = [i for i in range(start, len(command)) if command[i].upper() == "LIMIT"]
    if not found:
        return f"reads every member in the interval: add LIMIT offset count ({_CAP})"
    for index in found:
        offset = _int(command[index + 1]) if index + 1 < len(command) else None
        count = _int(command[index + 2]) if index + 2 < len(command) else None
        if offset is None or count is None or not 0 <= count <= READ_CAP:
            return f"LIMIT needs offset and a count between 0 and {READ_CAP:,}"
    return None


def _zrange(command: tuple[str, ...]) -> str | None:
    """ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count]."""
    if any(word.upper() in ("BYSCORE", "BYLEX") for word in command[4:]):
        return _limit(command, 4)
    return _range(command)


def _random(command: tuple[str, ...]) -> str | None:
    """SRANDMEMBER/HRANDFIELD/ZRANDMEMBER key [count]: |count| <= READ_CAP."""
    if len(command) < 3:
        return None
    number = _int(command[2])
    if number is None or abs(number) > READ_CAP:
        return f"count {command[2]}: give a count between -{READ_CAP:,} and {READ_CAP:,}"
    return None


def _lpos(command: tuple[str, ...]) -> str | None:
    """LPOS key element [RANK r] [COUNT n] [MAXLEN m]: COUNT 0 returns every match, so it
    needs a MAXLEN; any other COUNT is at most READ_CAP."""
    for value in _options(command, 3, "COUNT"):
        number = None if value is None else _int(value)
        if number == 0:
            maxlen = _count_option(command, 3, "MAXLEN", required=True)
            if maxlen is not None:
                return f"COUNT 0 returns every match: {maxlen}"
        elif number is None or not 1 <= number <= READ_CAP:
            return f"COUNT {value}: give COUNT between 0 and {READ_CAP:,} (0 with a MAXLEN)"
    return None


def _xread(command: tuple[str, ...]) -> str | None:
    """XREAD [COUNT n] [BLOCK ms] STREAMS key... id...: COUNT, before STREAMS, is required
    (a stream may be named COUNT)."""
    upper = [word.upper() for word in command]
    stop = upper.index("STREAMS") if "STREAMS" in upper else len(command)
    return _count_option(command[:stop], 1, required=True)


def _intercard(command: tuple[str, ...]) -> str | None:
    """SINTERCARD/ZINTERCARD numkeys key... [LIMIT n]: without LIMIT it walks whole sets."""
    keys = _int(command[1]) if len(command) > 1 else None
    if keys is None or keys < 1:
        return "numkeys must be a positive number"
    return _count_option(command, 2 + keys, "LIMIT", required=True)


def _xpending(command: tuple[str, ...]) -> str | None:
    """XPENDING key group: a summary; the extended form's count is bounded."""
    if len(command) <= 3:
        return None
    at = 7 if command[3].upper() == "IDLE" else 5
    count = _int(command[at]) if at < len(command) else None
    if count is None or not 1 <= count <= READ_CAP:
        return f"XPENDING ... start end count: give a count between 1 and {READ_CAP:,}"
    return None


def _xinfo_stream(command: tuple[str, ...]) -> str | None:
    """XINFO STREAM key [FULL [COUNT n]]: FULL COUNT 0 lists every entry."""
    return _count_option(command, 3, required=False)


def _slowlog_get(command: tuple[str, ...]) -> str | None:
    """SLOWLOG GET [count]: -1 means every entry."""
    if len(command) < 3:
        return None
    number = _int(command[2])
    if number is None or not 0 <= number <= READ_CAP:
        return f"count {command[2]}: give a count between 0 and {READ_CAP:,}"
    return None


def _acl_log(command: tuple[str, ...]) -> str | None:
    """ACL LOG [count | RESET] (RESET is a write, judged by the guard)."""
    if len(command) < 3 or command[2].upper() == "RESET":
        return None
    return _slowlog_get(command)


def _getkeysinslot(command: tuple[str, ...]) -> str | None:
    """CLUSTER GETKEYSINSLOT slot count."""
    number = _int(command[3]) if len(command) > 3 else None
    if number is None or not 0 <= number <= READ_CAP:
        return f"give a count between 0 and {READ_CAP:,}"
    return None


def _at(start: int, name: str = "COUNT", least: int = 1) -> Rule:
    """A rule: option `name n` required from `start` on, least <= n <= READ_CAP."""
    return lambda command: _count_option(command, start, name, required=True, least=least)


def _optional(start: int, name: str, least: int = 1) -> Rule:
    """A rule: option `name n`, if given from `start` on, least <= n <= READ_CAP."""
    return lambda command: _count_option(command, start, name, required=False, least=least)


_ARGUMENT: dict[str, Rule] = {
    "SCAN": _optional(2, "COUNT"),
    "HSCAN": _optional(3, "COUNT"),
    "SSCAN": _optional(3, "COUNT"),
    "ZSCAN": _optional(3, "COUNT"),
    "SRANDMEMBER": _random,
    "HRANDFIELD": _random,
    "ZRANDMEMBER": _random,
    "LRANGE": _range,
    "ZRANGE": _zrange,
    "ZREVRANGE": _range,
    "ZRANGEBYSCORE": lambda c: _limit(c, 4),
    "ZREVRANGEBYSCORE": lambda c: _limit(c, 4),
    "ZRANGEBYLEX": lambda c: _limit(c, 4),
    "ZREVRANGEBYLEX": lambda c: _limit(c, 4),
    "XRANGE": _at(4),
    "XREVRANGE": _at(4),
    "XREAD": _xread,
    "XPENDING": _xpending,
    "XINFO|STREAM": _xinfo_stream,
    "LPOS": _lpos,
    "SINTERCARD": _intercard,
    "ZINTERCARD": _intercard,
    "GEOSEARCH": _at(2),
    "GEORADIUS_RO": _at(6),
    "GEORADIUSBYMEMBER_RO": _at(5),
    "MEMORY|USAGE": _optional(3, "SAMPLES"),
    "CLUSTER|GETKEYSINSLOT": _getkeysinslot,
    "SLOWLOG|GET": _slowlog_get,
    "ACL|LOG": _acl_log,
}

_WHOLE: dict[str, str] = {
    "KEYS": "walks the whole keyspace and blocks the server: use SCAN",
    "HGETALL": "reads the whole hash: use HSCAN key 0 COUNT 100, or HGET/HMGET",
    "HKEYS": "reads every field of the hash: use HSCAN key 0 COUNT 100",
    "HVALS": "reads every value of the hash: use HSCAN key 0 COUNT 100",
    "SMEMBERS": "reads the whole set: use SSCAN key 0 COUNT 100, or SISMEMBER",
    "SINTER": "reads whole sets: use SINTERCARD ... LIMIT n, or SSCAN",
    "SUNION": "reads whole sets: use SSCAN on each",
    "SDIFF": "reads whole sets: use SSCAN on each",
    "ZINTER": "reads whole sorted sets: use ZINTERCARD ... LIMIT n, or ZSCAN",
    "ZUNION": "reads whole sorted sets: use ZRANGE ... with a bounded range",
    "ZDIFF": "reads whole sorted sets: use ZRANGE ... with a bounded range",
    "SORT_RO": "sorts the whole key on the server whatever LIMIT says: use LRANGE or ZRANGE",
    "LCS": "compares two strings in O(N*M) time and memory, blocking the server",
}


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FIXED = _names(
    """
    GET MGET STRLEN GETRANGE SUBSTR GETBIT BITCOUNT BITPOS BITFIELD_RO EXISTS TYPE TTL PTTL
    EXPIRETIME PEXPIRETIME TOUCH RANDOMKEY DBSIZE HGET HMGET HLEN HEXISTS HSTRLEN HTTL HPTTL
    HEXPIRETIME HPEXPIRETIME LLEN LINDEX SCARD SISMEMBER SMISMEMBER ZCARD ZCOUNT ZLEXCOUNT ZRANK
    ZREVRANK ZSCORE ZMSCORE XLEN PFCOUNT GEOPOS GEODIST GEOHASH XINFO|GROUPS XINFO|CONSUMERS
    XINFO|HELP OBJECT|ENCODING OBJECT|FREQ OBJECT|IDLETIME OBJECT|REFCOUNT OBJECT|HELP
    PING ECHO TIME LASTSAVE ROLE INFO COMMAND COMMAND|COUNT COMMAND|DOCS COMMAND|INFO
    COMMAND|LIST COMMAND|GETKEYS COMMAND|GETKEYSANDFLAGS COMMAND|HELP CONFIG|GET CONFIG|HELP
    CLIENT|LIST CLIENT|INFO CLIENT|GETNAME CLIENT|ID CLIENT|TRACKINGINFO CLIENT|GETREDIR
    CLIENT|HELP SLOWLOG|LEN SLOWLOG|HELP MEMORY|STATS MEMORY|DOCTOR MEMORY|MALLOC-STATS
    MEMORY|HELP LATENCY|LATEST LATENCY|HISTORY LATENCY|DOCTOR LATENCY|GRAPH LATENCY|HISTOGRAM
    LATENCY|HELP CLUSTER|INFO CLUSTER|NODES CLUSTER|SLOTS CLUSTER|SHARDS CLUSTER|MYID
    CLUSTER|MYSHARDID CLUSTER|KEYSLOT CLUSTER|COUNTKEYSINSLOT CLUSTER|LINKS CLUSTER|REPLICAS
    CLUSTER|SLAVES CLUSTER|COUNT-FAILURE-REPORTS CLUSTER|HELP PUBSUB|CHANNELS PUBSUB|NUMSUB
    PUBSUB|NUMPAT PUBSUB|SHARDCHANNELS PUBSUB|SHARDNUMSUB PUBSUB|HELP ACL|WHOAMI ACL|USERS
    ACL|CAT ACL|HELP MODULE|LIST MODULE|HELP FUNCTION|LIST FUNCTION|STATS FUNCTION|HELP
    SCRIPT|EXISTS SCRIPT|HELP
    """
)


def bound(name: str) -> Bound | None:
    """How `name` (NAME or NAME|SUB) is bounded; None for a name not graded (not read-only)."""
    if name in _WHOLE:
        return "whole"
    if name in _ARGUMENT:
        return "argument"
    return "fixed" if name in _FIXED else None


GRADED = frozenset(_FIXED | _ARGUMENT.keys() | _WHOLE.keys())
"""Every name graded here: the guard's read-only list must be exactly this (tests check)."""


def unbounded(name: str, command: tuple[str, ...]) -> str | None:
    """Why a read-only `command` may not run on production as typed, or None when bounded.

    A name that is not graded is refused: a read added to the guard must be graded here too.
    """
    if name in _WHOLE:
        return _WHOLE[name]
    rule = _ARGUMENT.get(name)
    if rule is not None:
        return rule(command)
    return None if name in _FIXED else "its read bound is not graded"


# --- CONFIG GET: parameters that hold credentials -------------------------------------------

SECRET_PARAMETERS = _names(
    "requirepass masterauth masteruser primaryauth primaryuser tls-key-file-pass"
    " tls-client-key-file-pass"
)
"""Configuration parameters whose values are credentials (or name the replication user)."""
_LONGEST = max(len(name) for name in SECRET_PARAMETERS)


def _glob_tokens(pattern: str) -> list[str] | None:
    """A Redis glob as tokens: `*`, `?` or one lower-case literal character. Every `[...]`
    class becomes `?` and an escaped `*` or `?` stays a wildcard: a superset of what Redis
    matches, never less. None when the pattern holds more single-character tokens than the
    longest secret name has characters (it cannot match one)."""
    tokens: list[str] = []
    singles = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "[":
            index = _class_end(pattern, index)
            char = "?"
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            char = pattern[index]
        if char != "*" or not tokens or tokens[-1] != "*":
            tokens.append(char.lower() if len(char.lower()) == 1 else "?")
        singles += char != "*"
        if singles > _LONGEST:
            return None
        index += 1
    return tokens


def _class_end(pattern: str, start: int) -> int:
    """The index of the `]` closing the class opened at `start` (escapes skipped); the last
    index when it is never closed (Redis reads the class to the end of the pattern)."""
    index = start + 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return min(index, len(pattern) - 1)


def _matches(tokens: list[str], name: str) -> bool:
    """Glob tokens against a name, by dynamic programming (no backtracking)."""
    reach = [True] + [False] * len(name)  # reach[j]: tokens so far can match name[:j]
    for token in tokens:
        if token == "*":
            for j in range(1, len(name) + 1):
                reach[j] = reach[j] or reach[j - 1]
        else:
            reach = [False] + [
                reach[j] and (token == "?" or token == name[j]) for j in range(len(name))
            ]
    return reach[-1]


def secret_parameters(patterns: tuple[str, ...]) -> list[str]:
    """The secret parameters any of CONFIG GET's `patterns` can match (as Redis, ignoring case)."""
    found: set[str] = set()
    for pattern in patterns:
        tokens = _glob_tokens(pattern)
        if tokens is not None:
            found.update(name for name in SECRET_PARAMETERS if _matches(tokens, name))
    return sorted(found)
