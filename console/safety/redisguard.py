"""The Redis guard: every command typed in the console becomes a `RedisPlan` before it runs.

An allowlist, failing closed: a command (or subcommand) not named here is refused. Redis's own
command flags are not enough (INFO, CLIENT LIST and SLOWLOG GET lack `readonly`; CONFIG SET,
CLIENT KILL, SHUTDOWN and PUBLISH lack `write`), so every container command is classified by
subcommand, and the few whose effect depends on an argument (XREAD BLOCK, CONFIG SET <param>,
CONFIG GET <pattern>, COPY/RESTORE REPLACE, ACL LOG RESET) are looked at argument by argument.

A read-only command can still exhaust a production server or print a credential: on production
every read must be bounded (`console.safety.redisbounds` grades each one: bounded by nature, by
a COUNT/range/LIMIT argument capped at `READ_CAP`, or a whole-key read refused with the bounded
alternative), and CONFIG GET of a pattern that can match a credential is refused everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from console.safety.redisargs import MAX_COMMAND_CHARS
from console.safety.redisbounds import READ_CAP, secret_parameters, unbounded

Classification = Literal["read_only", "write", "destructive", "refused"]
Verdict = tuple[Classification, str]


@dataclass(frozen=True, slots=True)
class RedisPlan:
    """The guard's verdict on one command: what it does, the confirmations it needs and why.

    `command` is what runs: the command (and subcommand) names upper-cased, arguments as given.
    """

    classification: Classification
    command: tuple[str, ...]
    confirmations: int
    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        """False when the console must not run the command at all."""
        return self.classification != "refused"


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string, so that long name lists stay compact."""
    return frozenset(text.split())


# Commands that take a subcommand; "NAME|SUB" keys below, as Redis itself spells them.
CONTAINERS = _words(
    "ACL CLIENT CLUSTER COMMAND CONFIG FUNCTION LATENCY MEMORY MODULE OBJECT PUBSUB SCRIPT SLOWLOG"
    " XGROUP XINFO"
)

_GROUPS: tuple[tuple[Classification, str, str], ...] = (
    (
        "read_only",
        "reads keys",
        """
        GET MGET STRLEN GETRANGE SUBSTR LCS GETBIT BITCOUNT BITPOS BITFIELD_RO EXISTS TYPE TTL PTTL
        EXPIRETIME PEXPIRETIME TOUCH RANDOMKEY DBSIZE SCAN SORT_RO HGET HMGET HLEN HEXISTS
        HSTRLEN HSCAN HRANDFIELD HTTL HPTTL HEXPIRETIME HPEXPIRETIME LLEN LRANGE LINDEX LPOS SCARD
        SISMEMBER SMISMEMBER SRANDMEMBER SSCAN SINTERCARD ZCARD ZCOUNT ZLEXCOUNT ZRANGE
        ZRANGEBYSCORE ZRANGEBYLEX ZREVRANGE ZREVRANGEBYSCORE ZREVRANGEBYLEX ZRANK ZREVRANK ZSCORE
        ZMSCORE ZSCAN ZRANDMEMBER ZINTERCARD XLEN XRANGE XREVRANGE XPENDING PFCOUNT GEOPOS GEODIST
        GEOHASH GEOSEARCH GEORADIUS_RO GEORADIUSBYMEMBER_RO XINFO|STREAM XINFO|GROUPS
        XINFO|CONSUMERS XINFO|HELP OBJECT|ENCODING OBJECT|FREQ OBJECT|IDLETIME OBJECT|REFCOUNT
        OBJECT|HELP MEMORY|USAGE""",
    ),
    (
        "read_only",
        "reads whole keys (O(N): on a big key prefer HSCAN, SSCAN or ZSCAN)",
        """
        HGETALL HKEYS HVALS SMEMBERS SINTER SUNION SDIFF ZDIFF ZINTER ZUNION""",
    ),
    ("read_only", "reads key names, walking the whole keyspace", "KEYS"),
    (
        "read_only",
        "reads server state",
        """
        PING ECHO TIME LASTSAVE ROLE INFO COMMAND COMMAND|COUNT COMMAND|DOCS COMMAND|INFO
        COMMAND|LIST COMMAND|GETKEYS COMMAND|GETKEYSANDFLAGS COMMAND|HELP CONFIG|HELP
        CLIENT|LIST CLIENT|INFO CLIENT|GETNAME CLIENT|ID CLIENT|TRACKINGINFO CLIENT|GETREDIR
        CLIENT|HELP SLOWLOG|GET SLOWLOG|LEN SLOWLOG|HELP MEMORY|STATS MEMORY|DOCTOR
        MEMORY|MALLOC-STATS MEMORY|HELP LATENCY|LATEST LATENCY|HISTORY LATENCY|DOCTOR LATENCY|GRAPH
        LATENCY|HISTOGRAM LATENCY|HELP CLUSTER|INFO CLUSTER|NODES CLUSTER|SLOTS CLUSTER|SHARDS
        CLUSTER|MYID CLUSTER|MYSHARDID CLUSTER|KEYSLOT CLUSTER|COUNTKEYSINSLOT CLUSTER|GETKEYSINSLOT
        CLUSTER|LINKS CLUSTER|REPLICAS CLUSTER|SLAVES CLUSTER|COUNT-FAILURE-REPORTS CLUSTER|HELP
        PUBSUB|CHANNELS PUBSUB|NUMSUB PUBSUB|NUMPAT PUBSUB|SHARDCHANNELS PUBSUB|SHARDNUMSUB
        PUBSUB|HELP ACL|WHOAMI ACL|USERS ACL|CAT ACL|HELP MODULE|LIST MODULE|HELP FUNCTION|LIST
        FUNCTION|STATS FUNCTION|HELP SCRIPT|EXISTS SCRIPT|HELP""",
    ),
    (
        "write",
        "changes keys",
        """
        SET SETNX SETEX PSETEX MSET MSETNX APPEND SETRANGE SETBIT BITFIELD BITOP INCR INCRBY
        INCRBYFLOAT DECR DECRBY GETSET GETEX HSET HSETNX HMSET HINCRBY HINCRBYFLOAT HSETEX HGETEX
        LPUSH RPUSH LPUSHX RPUSHX LINSERT LSET LMOVE RPOPLPUSH SADD SMOVE SINTERSTORE SUNIONSTORE
        SDIFFSTORE ZADD ZINCRBY ZRANGESTORE ZUNIONSTORE ZINTERSTORE ZDIFFSTORE XADD XSETID PFADD
        PFMERGE GEOADD GEOSEARCHSTORE RENAMENX XGROUP|CREATE XGROUP|CREATECONSUMER XGROUP|SETID""",
    ),
    (
        "write",
        "can store its result: read with SORT_RO, GEORADIUS_RO, GEORADIUSBYMEMBER_RO",
        "SORT GEORADIUS GEORADIUSBYMEMBER",
    ),
    ("write", "changes what the application's stream consumers see", "XACK XCLAIM XAUTOCLAIM"),
    (
        "write",
        "sets or clears a time to live",
        """
        EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HPERSIST""",
    ),
    ("write", "sends a message to the application's subscribers", "PUBLISH SPUBLISH"),
    (
        "write",
        "resets diagnostics the next on-call may need",
        """
        CONFIG|RESETSTAT SLOWLOG|RESET LATENCY|RESET""",
    ),
    ("write", "changes server state", "MEMORY|PURGE CLIENT|UNPAUSE"),
    ("write", "forks the server to write to disk (copy-on-write memory)", "BGSAVE BGREWRITEAOF"),
    (
        "destructive",
        "removes data",
        """
        DEL UNLINK GETDEL HDEL HGETDEL LPOP RPOP LMPOP LREM LTRIM SPOP SREM ZREM ZREMRANGEBYSCORE
        ZREMRANGEBYRANK ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP XDEL XTRIM XGROUP|DESTROY
        XGROUP|DELCONSUMER""",
    ),
    ("destructive", "moves a key the application reads by name", "RENAME MOVE"),
    ("destructive", "removes every key", "FLUSHALL FLUSHDB SWAPDB"),
    (
        "destructive",
        "disconnects, pauses or interrupts clients",
        """
        CLIENT|KILL CLIENT|PAUSE CLIENT|UNBLOCK SCRIPT|KILL FUNCTION|KILL""",
    ),
    ("destructive", "persists the running configuration to redis.conf", "CONFIG|REWRITE"),
    (
        "destructive",
        "changes replication or cluster topology",
        """
        REPLICAOF SLAVEOF FAILOVER CLUSTER|FAILOVER CLUSTER|RESET CLUSTER|FORGET CLUSTER|REPLICATE
        CLUSTER|MEET CLUSTER|ADDSLOTS CLUSTER|ADDSLOTSRANGE CLUSTER|DELSLOTS CLUSTER|DELSLOTSRANGE
        CLUSTER|FLUSHSLOTS CLUSTER|SETSLOT CLUSTER|SET-CONFIG-EPOCH CLUSTER|BUMPEPOCH
        CLUSTER|SAVECONFIG""",
    ),
    (
        "refused",
        "would block a headless verb",
        """
        SUBSCRIBE PSUBSCRIBE SSUBSCRIBE MONITOR BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP BZPOPMIN
        BZPOPMAX BZMPOP WAIT WAITAOF SYNC PSYNC""",
    ),
    (
        "refused",
        "scripts can write and run atomically, blocking the server",
        """
        EVAL EVALSHA EVAL_RO EVALSHA_RO FCALL FCALL_RO SCRIPT|LOAD SCRIPT|FLUSH SCRIPT|DEBUG
        FUNCTION|LOAD FUNCTION|DELETE FUNCTION|FLUSH FUNCTION|RESTORE FUNCTION|DUMP""",
    ),
    ("refused", "can crash or stall the server", "DEBUG PFDEBUG PFSELFTEST"),
    ("refused", "loads native code into the server", "MODULE|LOAD MODULE|LOADEX MODULE|UNLOAD"),
    (
        "refused",
        "manages users and permissions: not from the console",
        """
        ACL|SETUSER ACL|DELUSER ACL|LOAD ACL|SAVE ACL|GENPASS ACL|DRYRUN""",
    ),
    ("refused", "prints password hashes: use ACL USERS or ACL WHOAMI", "ACL|LIST ACL|GETUSER"),
    ("refused", "stops the server, which the console cannot start again", "SHUTDOWN"),
    ("refused", "blocks the server while it writes the RDB: use BGSAVE", "SAVE"),
    ("refused", "moves keys to another server", "MIGRATE RESTORE-ASKING"),
    (
        "refused",
        "changes the state of the console's pooled connection",
        """
        SELECT AUTH HELLO RESET QUIT READONLY READWRITE ASKING MULTI EXEC DISCARD WATCH UNWATCH
        UNSUBSCRIBE PUNSUBSCRIBE SUNSUBSCRIBE CLIENT|SETNAME CLIENT|SETINFO CLIENT|REPLY
        CLIENT|TRACKING CLIENT|CACHING CLIENT|NO-EVICT CLIENT|NO-TOUCH REPLCONF""",
    ),
)


def _table() -> dict[str, Verdict]:
    """NAME or NAME|SUB → (classification, reason); a name listed twice is a bug."""
    table: dict[str, Verdict] = {}
    for classification, reason, words in _GROUPS:
        for name in words.split():
            if name in table:
                raise ValueError(f"{name} is classified twice")
            table[name] = (classification, reason)
    return table


_TABLE = _table()
_PRODUCTION_READS = (
    f"production: reads are bounded (at most {READ_CAP:,} elements a call, no whole-key reads)"
)
_BLOCKING = "would block a headless verb"

# CONFIG SET parameters: file paths, credentials and listeners are never set from the console;
# these change what the server keeps, evicts, accepts or replicates.
_CONFIG_REFUSED = _words(
    "dir dbfilename logfile appendfilename appenddirname aclfile pidfile unixsocket unixsocketperm"
    " requirepass masterauth masteruser primaryauth primaryuser bind port tls-port protected-mode"
    " enable-debug-command enable-module-command enable-protected-configs rename-command"
    " loadmodule include syslog-enabled syslog-ident cluster-config-file"
)
_CONFIG_DESTRUCTIVE = _words(
    "maxmemory maxmemory-policy save appendonly appendfsync maxclients timeout replica-read-only"
    " slave-read-only replicaof slaveof min-replicas-to-write min-slaves-to-write"
    " min-replicas-max-lag min-slaves-max-lag client-output-buffer-limit repl-backlog-size"
    " busy-reply-threshold lua-time-limit io-threads lazyfree-lazy-user-del"
)


def _xread(args: tuple[str, ...], production: bool) -> Verdict:
    """XREAD is read-only unless BLOCK appears among its options (before STREAMS)."""
    for word in args[1:]:
        upper = word.upper()
        if upper == "STREAMS":
            break
        if upper == "BLOCK":
            return ("refused", _BLOCKING)
    return ("read_only", "reads stream entries")


def _xreadgroup(args: tuple[str, ...], production: bool) -> Verdict:
    """XREADGROUP hands entries to a console consumer, taking them from the application's."""
    if _xread(args, production)[0] == "refused":
        return ("refused", _BLOCKING)
    return ("refused", "takes stream entries from the application's consumers: use XRANGE")


def _replace(args: tuple[str, ...], production: bool) -> Verdict:
    """COPY and RESTORE write a key; with REPLACE they overwrite one that exists."""
    if any(word.upper() == "REPLACE" for word in args[2:]):
        return ("destructive", "overwrites an existing key (REPLACE)")
    return ("write", "creates a key")


def _acl_log(args: tuple[str, ...], production: bool) -> Verdict:
    """ACL LOG reads the log of denied commands; ACL LOG RESET clears it."""
    if any(word.upper() == "RESET" for word in args[2:]):
        return ("write", "clears the ACL log")
    return ("read_only", "reads the log of denied commands")


def _config_get(args: tuple[str, ...], production: bool) -> Verdict:
    """CONFIG GET pattern...: refused when a pattern can match a credential (`*`, `*pass*`)."""
    patterns = args[2:]
    if not patterns:
        return ("refused", "CONFIG GET takes parameter patterns")
    secrets = secret_parameters(patterns)
    if secrets:
        return (
            "refused",
            f"would print credentials ({', '.join(secrets)}): name the parameters you need, "
            "without a pattern that matches these",
        )
    return ("read_only", "reads server state")


def _config_set(args: tuple[str, ...], production: bool) -> Verdict:
    """CONFIG SET, one or more parameter/value pairs: the most dangerous parameter decides."""
    pairs = args[2:]
    if not pairs or len(pairs) % 2:
        return ("refused", "CONFIG SET takes parameter value pairs")
    names = {name.lower() for name in pairs[0::2]}
    refused = sorted(n for n in names if n in _CONFIG_REFUSED or n.startswith("tls-"))
    if refused:
        return ("refused", f"sets a path, credential or listener ({', '.join(refused)})")
    destructive = sorted(names & _CONFIG_DESTRUCTIVE)
    if destructive:
        return (
            "destructive",
            f"changes what the server keeps or accepts ({', '.join(destructive)})",
        )
    return ("write", "changes the running configuration")


_ARGUMENT_RULES: dict[str, Callable[[tuple[str, ...], bool], Verdict]] = {
    "XREAD": _xread,
    "XREADGROUP": _xreadgroup,
    "COPY": _replace,
    "RESTORE": _replace,
    "ACL|LOG": _acl_log,
    "CONFIG|GET": _config_get,
    "CONFIG|SET": _config_set,
}

#: every NAME or NAME|SUB the guard can classify read_only (some only for certain arguments)
READ_ONLY_COMMANDS = frozenset(
    [name for name, (kind, _) in _TABLE.items() if kind == "read_only"]
    + ["XREAD", "ACL|LOG", "CONFIG|GET"]
)


def _is_word(name: str) -> bool:
    """A command name as Redis spells them: ASCII letters, digits, `_` and `-`, nothing else."""
    return name.isascii() and name.replace("_", "").replace("-", "").isalnum()


def _name(command: tuple[str, ...]) -> str:
    """NAME, or NAME|SUB for a container command, as the table keys them."""
    if command[0] in CONTAINERS and len(command) > 1:
        return f"{command[0]}|{command[1]}"
    return command[0]


def _verdict(command: tuple[str, ...], production: bool) -> Verdict:
    """The verdict for a command whose names are already upper-cased."""
    name = _name(command)
    if name in CONTAINERS and name != "COMMAND":  # bare COMMAND lists every command
        return ("refused", f"{name} needs a subcommand")
    rule = _ARGUMENT_RULES.get(name)
    verdict = rule(command, production) if rule is not None else _TABLE.get(name)
    if verdict is None:
        return ("refused", "not on the console's allowlist")
    if verdict[0] == "read_only" and production:
        problem = unbounded(name, command)
        if problem is not None:
            return ("refused", problem)
    return verdict


def _confirmations(classification: Classification, production: bool) -> int:
    """Writes are confirmed once; destructive commands twice on production."""
    if classification == "write":
        return 1
    if classification == "destructive":
        return 2 if production else 1
    return 0


def _normalise(args: Sequence[str]) -> tuple[tuple[str, ...], str | None]:
    """(command with upper-cased names, why it is malformed or None)."""
    if isinstance(args, str):
        return (args,), "a command is a list of arguments, not one string"
    command = tuple(args)
    if not command:
        return command, "empty command"
    if not all(isinstance(arg, str) for arg in command):
        return command, "arguments must be strings"
    length = sum(len(arg) for arg in command)
    if length > MAX_COMMAND_CHARS:
        return command, (
            f"the command is {length:,} characters long: the console takes at most "
            f"{MAX_COMMAND_CHARS:,}"
        )
    named = 2 if command[0].upper() in CONTAINERS and len(command) > 1 else 1
    shown = tuple(w.upper() if _is_word(w) else w for w in command[:named]) + command[named:]
    if not all(_is_word(word) for word in command[:named]):
        return shown, "command names are plain ASCII words"
    return shown, None


def plan_redis(args: Sequence[str], *, production: bool = True) -> RedisPlan:
    """Classify one Redis command, e.g. ["CONFIG", "SET", "maxmemory", "1"], into a RedisPlan.

    Fails closed: an unknown command or subcommand is refused, never guessed at.
    """
    command, malformed = _normalise(args)
    if malformed is not None:
        return RedisPlan("refused", command, 0, (malformed,))
    classification, reason = _verdict(command, production)
    confirmations = _confirmations(classification, production)
    reasons = [f"{_name(command).replace('|', ' ')}: {reason}"]
    if confirmations == 2:
        reasons.append("production: confirm twice")
    elif production and classification == "refused" and _verdict(command, False)[0] != "refused":
        reasons.append(_PRODUCTION_READS)
    return RedisPlan(classification, command, confirmations, tuple(reasons))
