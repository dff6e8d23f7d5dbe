"""The Redis guard's adversarial corpus, and a snapshot of Redis's own command flags.

`CASES` are commands an on-call engineer (or a pasted runbook) might send, with the verdict the
guard must give. The snapshot (`COMMAND INFO` of the lab's Redis 7.0.15) lets the tests check
the allowlist against Redis itself: nothing Redis does not flag `readonly` may be read-only here
unless it is listed, with the reason, in `READ_ONLY_WITHOUT_FLAG`.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from console.safety.redisguard import Classification


class Case(NamedTuple):
    """One command and the verdict it must get (`reason`: a fragment of the plan's reasons)."""

    command: str | tuple[str, ...]
    expected: Classification
    production: bool = True
    reason: str = ""

    @property
    def args(self) -> tuple[str, ...]:
        """The argument list: a plain string is split on spaces."""
        return self.command if isinstance(self.command, tuple) else tuple(self.command.split())


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# every command and subcommand of Redis 7.0.15 (COMMAND INFO on the lab), as Redis spells them
REDIS_COMMANDS = _names(
    """
    acl acl|cat acl|deluser acl|dryrun acl|genpass acl|getuser acl|help acl|list acl|load
    acl|log acl|save acl|setuser acl|users acl|whoami append asking auth bgrewriteaof bgsave
    bitcount bitfield bitfield_ro bitop bitpos blmove blmpop blpop brpop brpoplpush bzmpop
    bzpopmax bzpopmin client client|caching client|getname client|getredir client|help client|id
    client|info client|kill client|list client|no-evict client|pause client|reply client|setname
    client|tracking client|trackinginfo client|unblock client|unpause cluster cluster|addslots
    cluster|addslotsrange cluster|bumpepoch cluster|count-failure-reports
    cluster|countkeysinslot cluster|delslots cluster|delslotsrange cluster|failover
    cluster|flushslots cluster|forget cluster|getkeysinslot cluster|help cluster|info
    cluster|keyslot cluster|links cluster|meet cluster|myid cluster|nodes cluster|replicas
    cluster|replicate cluster|reset cluster|saveconfig cluster|set-config-epoch cluster|setslot
    cluster|shards cluster|slaves cluster|slots command command|count command|docs
    command|getkeys command|getkeysandflags command|help command|info command|list config
    config|get config|help config|resetstat config|rewrite config|set copy dbsize debug decr
    decrby del discard dump echo eval eval_ro evalsha evalsha_ro exec exists expire expireat
    expiretime failover fcall fcall_ro flushall flushdb function function|delete function|dump
    function|flush function|help function|kill function|list function|load function|restore
    function|stats geoadd geodist geohash geopos georadius georadius_ro georadiusbymember
    georadiusbymember_ro geosearch geosearchstore get getbit getdel getex getrange getset hdel
    hello hexists hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset hrandfield hscan hset
    hsetnx hstrlen hvals incr incrby incrbyfloat info keys lastsave latency latency|doctor
    latency|graph latency|help latency|histogram latency|history latency|latest latency|reset
    lcs lindex linsert llen lmove lmpop lolwut lpop lpos lpush lpushx lrange lrem lset ltrim
    memory memory|doctor memory|help memory|malloc-stats memory|purge memory|stats memory|usage
    mget migrate module module|help module|list module|load module|loadex module|unload monitor
    move mset msetnx multi object object|encoding object|freq object|help object|idletime
    object|refcount persist pexpire pexpireat pexpiretime pfadd pfcount pfdebug pfmerge
    pfselftest ping psetex psubscribe psync pttl publish pubsub pubsub|channels pubsub|help
    pubsub|numpat pubsub|numsub pubsub|shardchannels pubsub|shardnumsub punsubscribe quit
    randomkey readonly readwrite rename renamenx replconf replicaof reset restore restore-asking
    role rpop rpoplpush rpush rpushx sadd save scan scard script script|debug script|exists
    script|flush script|help script|kill script|load sdiff sdiffstore select set setbit setex
    setnx setrange shutdown sinter sintercard sinterstore sismember slaveof slowlog slowlog|get
    slowlog|help slowlog|len slowlog|reset smembers smismember smove sort sort_ro spop spublish
    srandmember srem sscan ssubscribe strlen subscribe substr sunion sunionstore sunsubscribe
    swapdb sync time touch ttl type unlink unsubscribe unwatch wait watch xack xadd xautoclaim
    xclaim xdel xgroup xgroup|create xgroup|createconsumer xgroup|delconsumer xgroup|destroy
    xgroup|help xgroup|setid xinfo xinfo|consumers xinfo|groups xinfo|help xinfo|stream xlen
    xpending xrange xread xreadgroup xrevrange xsetid xtrim zadd zcard zcount zdiff zdiffstore
    zincrby zinter zintercard zinterstore zlexcount zmpop zmscore zpopmax zpopmin zrandmember
    zrange zrangebylex zrangebyscore zrangestore zrank zrem zremrangebylex zremrangebyrank
    zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore zrevrank zscan zscore zunion
    zunionstore
"""
)
# the ones Redis flags `readonly`
REDIS_READONLY_FLAGGED = _names(
    """
    bitcount bitfield_ro bitpos dbsize dump eval_ro evalsha_ro exists expiretime fcall_ro
    geodist geohash geopos georadius_ro georadiusbymember_ro geosearch get getbit getrange
    hexists hget hgetall hkeys hlen hmget hrandfield hscan hstrlen hvals keys lcs lindex llen
    lolwut lpos lrange memory|usage mget object|encoding object|freq object|idletime
    object|refcount pexpiretime pfcount pttl randomkey scan scard sdiff sinter sintercard
    sismember smembers smismember sort_ro srandmember sscan strlen substr sunion touch ttl type
    xinfo|consumers xinfo|groups xinfo|stream xlen xpending xrange xread xrevrange zcard zcount
    zdiff zinter zintercard zlexcount zmscore zrandmember zrange zrangebylex zrangebyscore zrank
    zrevrange zrevrangebylex zrevrangebyscore zrevrank zscan zscore zunion
"""
)
# newer than the snapshot (Redis 7.2-8.0): hash-field TTLs, WAITAOF, CLUSTER MYSHARDID
NEWER_READ_ONLY = _names("httl hpttl hexpiretime hpexpiretime cluster|myshardid")
NEWER_NOT_READ_ONLY = _names(
    "hexpire hpexpire hexpireat hpexpireat hpersist hgetdel hgetex hsetex waitaof client|no-touch"
    " client|setinfo vadd vrem"
)
# read-only although Redis does not flag them so (server state, not keys), reviewed one by one
READ_ONLY_WITHOUT_FLAG = _names(
    """
    ping echo time lastsave role info
    command command|count command|docs command|info command|list command|getkeys
    command|getkeysandflags command|help config|get config|help
    client|list client|info client|getname client|id client|trackinginfo client|getredir client|help
    slowlog|get slowlog|len slowlog|help memory|stats memory|doctor memory|malloc-stats memory|help
    latency|latest latency|history latency|doctor latency|graph latency|histogram latency|help
    object|help xinfo|help
    cluster|info cluster|nodes cluster|slots cluster|shards cluster|myid cluster|keyslot
    cluster|countkeysinslot cluster|getkeysinslot cluster|links cluster|replicas cluster|slaves
    cluster|count-failure-reports cluster|help
    pubsub|channels pubsub|numsub pubsub|numpat pubsub|shardchannels pubsub|shardnumsub pubsub|help
    acl|whoami acl|users acl|cat acl|help acl|log module|list module|help
    function|list function|stats function|help script|exists script|help
    """
)
# everything else must never be classified read_only, whatever its arguments
NOT_READ_ONLY = (
    REDIS_COMMANDS - REDIS_READONLY_FLAGGED - READ_ONLY_WITHOUT_FLAG
) | NEWER_NOT_READ_ONLY

R: Final = "read_only"
W: Final = "write"
D: Final = "destructive"
X: Final = "refused"
BLOCKS = "would block a headless verb"

CASES: tuple[Case, ...] = (
    # --- read-only: keys -------------------------------------------------------------------
    Case("GET user:1", R),
    Case("get user:1", R),
    Case("GeT user:1", R),
    Case("MGET a b c", R),
    Case("EXISTS a b", R),
    Case("TYPE k", R),
    Case("TTL k", R),
    Case("PTTL k", R),
    Case("EXPIRETIME k", R),
    Case("STRLEN k", R),
    Case("SCAN 0 MATCH user:* COUNT 100", R),
    Case("scan 0 type hash", R),
    Case("HGET h f", R),
    Case("HSCAN h 0 COUNT 50", R),
    Case("HGETALL h", R, production=False, reason="O(N)"),
    Case("SMEMBERS s", R, production=False, reason="SSCAN"),
    Case("LRANGE l 0 10", R),
    Case("LLEN l", R),
    Case("ZRANGE z 0 -1 WITHSCORES", R, production=False),
    Case("ZRANGE z 0 99 WITHSCORES", R),
    Case("ZSCORE z m", R),
    Case("XRANGE s - + COUNT 10", R),
    Case("XLEN s", R),
    Case("XPENDING s g", R),
    Case("XREAD COUNT 10 STREAMS s 0", R),
    Case("XREAD COUNT 5 STREAMS BLOCK 0", R),  # a stream named BLOCK, after STREAMS: a read
    Case("PFCOUNT visitors", R),
    Case("GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 5 km COUNT 10", R),
    Case("GEORADIUS_RO g 0 0 5 km COUNT 10", R),
    Case("SORT_RO l LIMIT 0 10", R, production=False),
    Case("TOUCH k", R),
    Case("RANDOMKEY", R),
    Case("DBSIZE", R),
    Case("OBJECT ENCODING k", R),
    Case("object freq k", R),
    Case("MEMORY USAGE k SAMPLES 5", R),
    Case("KEYS user:*", R, production=False),
    Case(("GET", "key with spaces"), R),
    Case(("GET", "k\r\nFLUSHALL\r\n"), R),  # RESP bulk strings carry their length: no injection
    # --- read-only: server state (Redis flags none of these readonly) -----------------------
    Case("INFO", R),
    Case("INFO memory", R),
    Case("PING", R),
    Case("ECHO hi", R),
    Case("TIME", R),
    Case("ROLE", R),
    Case("LASTSAVE", R),
    Case("CONFIG GET maxmemory", R),
    Case("config get max*", R),
    Case(("CONFIG", "GET", "maxmemory", "hz", "save"), R),
    Case("CLIENT LIST", R),
    Case("client list TYPE normal", R),
    Case("CLIENT INFO", R),
    Case("CLIENT GETNAME", R),
    Case("CLIENT ID", R),
    Case("SLOWLOG GET 10", R),
    Case("slowlog len", R),
    Case("MEMORY STATS", R),
    Case("MEMORY DOCTOR", R),
    Case("LATENCY LATEST", R),
    Case("LATENCY DOCTOR", R),
    Case("COMMAND", R),
    Case("COMMAND COUNT", R),
    Case("COMMAND DOCS get", R),
    Case("COMMAND GETKEYS SET k v", R),  # names the keys of SET, never runs it
    Case("CLUSTER INFO", R),
    Case("CLUSTER NODES", R),
    Case("PUBSUB CHANNELS", R),
    Case("PUBSUB NUMSUB orders", R),
    Case("XINFO STREAM s", R),
    Case("XINFO GROUPS s", R),
    Case("ACL WHOAMI", R),
    Case("ACL USERS", R),
    Case("ACL LOG 10", R),
    Case("MODULE LIST", R),
    Case("FUNCTION STATS", R),
    Case("SCRIPT EXISTS 2fa2b029f72572e803ff55a09b1282699aecae6a", R),
    # --- refused on production: reads of a whole key, or past READ_CAP (class 4) --------------
    Case("SCAN 0 COUNT 2147483647", X, reason="COUNT"),
    Case("HSCAN h 0 MATCH * COUNT 5000", X, reason="COUNT"),
    Case("SRANDMEMBER k -2000000000", X, reason="count"),
    Case("HRANDFIELD h 5000 WITHVALUES", X, reason="count"),
    Case("LRANGE k 0 -1", X, reason="whole key"),
    Case("ZRANGE k 0 -1", X, reason="whole key"),
    Case("ZRANGEBYSCORE z -inf +inf", X, reason="LIMIT"),
    Case("XRANGE s - +", X, reason="COUNT"),
    Case("LPOS k e COUNT 0 MAXLEN 0", X, reason="every match"),
    Case("LCS a b", X, reason="O(N*M)"),
    Case("MEMORY USAGE k SAMPLES 0", X, reason="SAMPLES"),
    Case("CLUSTER GETKEYSINSLOT 7 100000", X, reason="count"),
    Case("HGETALL h", X, reason="HSCAN"),
    Case("SMEMBERS s", X, reason="SSCAN"),
    Case("SORT_RO l LIMIT 0 10", X, reason="sorts the whole key"),
    Case("LRANGE k 0 -1", R, production=False),
    # --- refused everywhere: CONFIG GET of a credential (class 4) -----------------------------
    Case("CONFIG GET requirepass", X, reason="credentials"),
    Case("CONFIG GET masterauth", X, production=False, reason="masterauth"),
    Case("config get *", X, reason="requirepass"),
    Case("CONFIG GET maxmemory *auth", X, reason="masterauth"),
    # --- writes: one confirmation -------------------------------------------------------
    Case("SET k v", W),
    Case("set k v EX 10", W),
    Case("SET k v GET", W),
    Case("MSET a 1 b 2", W),
    Case("INCR counter", W),
    Case("GETEX k PERSIST", W),
    Case("EXPIRE k 10", W),
    Case("PEXPIRE k 100", W),
    Case("PERSIST k", W),
    Case("HEXPIRE h 10 FIELDS 1 f", W),
    Case("HSET h f v", W),
    Case("LPUSH l x", W),
    Case("SADD s m", W),
    Case("ZADD z 1 m", W),
    Case("XADD s * f v", W),
    Case("XACK s g 1-0", W),
    Case("XGROUP CREATE s g $", W),
    Case("SINTERSTORE dst a b", W),
    Case("RENAMENX a b", W),
    Case("COPY a b", W),
    Case("RESTORE k 0 payload", W),
    Case("SORT l", W, reason="SORT_RO"),  # SORT can STORE: Redis flags it write, so do we
    Case("SORT l LIMIT 0 10 STORE dst", W),
    Case("GEORADIUS g 0 0 5 km", W, reason="GEORADIUS_RO"),
    Case("PUBLISH orders hello", W),
    Case("SPUBLISH orders hello", W),
    Case("CONFIG SET slowlog-log-slower-than 1000", W),
    Case("CONFIG RESETSTAT", W),
    Case("SLOWLOG RESET", W),
    Case("LATENCY RESET", W),
    Case("MEMORY PURGE", W),
    Case("ACL LOG RESET", W),
    Case("BGSAVE", W, reason="fork"),
    Case("BGREWRITEAOF", W),
    Case("CLIENT UNPAUSE", W),
    # --- destructive: two confirmations on production, one elsewhere --------------------------
    Case("DEL k", D),
    Case("del k", D, production=False),
    Case("UNLINK a b", D),
    Case("GETDEL k", D),
    Case("HDEL h f", D),
    Case("LPOP l", D),
    Case("LTRIM l 0 0", D),
    Case("SPOP s", D),
    Case("ZREM z m", D),
    Case("ZPOPMIN z", D),
    Case("XDEL s 1-0", D),
    Case("XTRIM s MAXLEN 0", D),
    Case("XGROUP DESTROY s g", D),
    Case("RENAME a b", D),
    Case("MOVE k 1", D),
    Case("COPY a b REPLACE", D, reason="REPLACE"),
    Case("RESTORE k 0 payload replace", D),
    Case("FLUSHALL", D),
    Case("FLUSHALL ASYNC", D),
    Case("FLUSHDB", D),
    Case("flushdb", D, production=False),
    Case("SWAPDB 0 1", D),
    Case("REPLICAOF 10.0.0.5 6379", D),
    Case("REPLICAOF NO ONE", D),
    Case("SLAVEOF NO ONE", D),
    Case("FAILOVER", D),
    Case("CLUSTER FAILOVER", D),
    Case("CLUSTER RESET HARD", D),
    Case("CLUSTER FORGET 07c37dfeb235213a872192d90877d0cd55635b91", D),
    Case("CLIENT KILL ID 42", D),
    Case("client kill 10.0.0.7:52341", D, production=False),
    Case("CLIENT PAUSE 1000 WRITE", D),
    Case("CLIENT UNBLOCK 42", D),
    Case("SCRIPT KILL", D),
    Case("FUNCTION KILL", D),
    Case("CONFIG REWRITE", D),
    Case("CONFIG SET maxmemory 1", D, reason="maxmemory"),
    Case("config set MAXMEMORY-POLICY allkeys-lru", D),
    Case(("CONFIG", "SET", "hz", "20", "save", ""), D, reason="save"),
    # --- refused: blocking ------------------------------------------------------------------
    Case("SUBSCRIBE orders", X, reason=BLOCKS),
    Case("PSUBSCRIBE order.*", X, reason=BLOCKS),
    Case("SSUBSCRIBE orders", X, reason=BLOCKS),
    Case("MONITOR", X, reason=BLOCKS),
    Case("BLPOP l 0", X, reason=BLOCKS),
    Case("BRPOP l 5", X, reason=BLOCKS),
    Case("BRPOPLPUSH a b 0", X, reason=BLOCKS),
    Case("BLMOVE a b LEFT RIGHT 0", X, reason=BLOCKS),
    Case("BLMPOP 0 1 l LEFT", X, reason=BLOCKS),
    Case("BZPOPMIN z 0", X, reason=BLOCKS),
    Case("bzpopmax z 0", X, reason=BLOCKS),
    Case("BZMPOP 0 1 z MIN", X, reason=BLOCKS),
    Case("WAIT 1 0", X, reason=BLOCKS),
    Case("WAITAOF 1 0 0", X, reason=BLOCKS),
    Case("XREAD BLOCK 0 STREAMS s $", X, reason=BLOCKS),
    Case("xread count 1 block 100 streams s 0", X, reason=BLOCKS),
    Case("XREADGROUP GROUP g c BLOCK 0 STREAMS s >", X, reason=BLOCKS),
    Case("XREADGROUP GROUP g c COUNT 1 STREAMS s >", X, reason="consumers"),
    Case("SYNC", X, reason=BLOCKS),
    Case("PSYNC ? -1", X, reason=BLOCKS),
    Case("KEYS *", X, reason="use SCAN"),
    Case("keys user:*", X, reason="use SCAN"),
    # --- refused: scripts, debugging, modules, users, lifecycle -------------------------------
    Case(("EVAL", "return redis.call('FLUSHALL')", "0"), X, reason="scripts"),
    Case("EVALSHA 2fa2b029f72572e803ff55a09b1282699aecae6a 0", X),
    Case(("EVAL_RO", "while true do end", "0"), X, reason="blocking the server"),
    Case("EVALSHA_RO 2fa2b029f72572e803ff55a09b1282699aecae6a 0", X),
    Case("FCALL myfunc 0", X),
    Case("FCALL_RO myfunc 0", X),
    Case("SCRIPT LOAD x", X),
    Case("SCRIPT FLUSH", X),
    Case("FUNCTION LOAD x", X),
    Case("FUNCTION DELETE mylib", X),
    Case("FUNCTION FLUSH", X),
    Case("DEBUG SLEEP 0", X),
    Case("debug segfault", X),
    Case("DEBUG OBJECT k", X),
    Case("MODULE LOAD /tmp/evil.so", X, reason="native code"),
    Case("MODULE UNLOAD search", X),
    Case("ACL SETUSER eve on >pw ~* +@all", X, reason="users"),
    Case("ACL DELUSER opsconsole", X),
    Case("ACL SAVE", X),
    Case("ACL LOAD", X),
    Case("ACL LIST", X, reason="password hashes"),
    Case("ACL GETUSER admin", X, reason="password hashes"),
    Case("SHUTDOWN", X),
    Case("shutdown nosave", X),
    Case("SAVE", X, reason="BGSAVE"),
    Case("MIGRATE 10.0.0.9 6379 k 0 1000", X),
    Case("CONFIG SET dir /var/www", X, reason="dir"),
    Case("CONFIG SET dbfilename shell.php", X),
    Case("CONFIG SET requirepass x", X),
    Case("CONFIG SET tls-cert-file /tmp/c.pem", X),
    Case(("CONFIG", "SET", "hz", "10", "DIR", "/tmp"), X, reason="dir"),
    Case("CONFIG SET maxmemory", X, reason="pairs"),
    Case("CONFIG SET", X),
    # --- refused: connection state ----------------------------------------------------------
    Case("SELECT 1", X, reason="connection"),
    Case("AUTH admin hunter2", X),
    Case("HELLO 3", X),
    Case("MULTI", X),
    Case("EXEC", X),
    Case("WATCH k", X),
    Case("RESET", X),
    Case("QUIT", X),
    Case("READONLY", X),
    Case("CLIENT SETNAME x", X),
    Case("CLIENT REPLY OFF", X),
    Case("CLIENT TRACKING ON", X),
    Case("CLIENT NO-EVICT ON", X),
    # --- refused: unknown, malformed, smuggled ------------------------------------------------
    Case("CONFIG", X, reason="subcommand"),
    Case("CLIENT", X, reason="subcommand"),
    Case("CLUSTER", X),
    Case("CONFIG FOO", X, reason="allowlist"),
    Case("CLIENT FROB", X),
    Case("LOLWUT", X, reason="allowlist"),
    Case("DUMP k", X),
    Case("VADD vs VALUES 1 0.5 m", X),
    Case("FROBNICATE", X, reason="allowlist"),
    Case((), X, reason="empty"),
    Case(("",), X),
    Case(("GET k",), X, reason="ASCII"),  # one string holding the whole command
    Case((" GET", "k"), X),
    Case(("GET\r\nFLUSHALL", "k"), X),
    Case(("ſet", "k", "v"), X, reason="ASCII"),  # "ſ".upper() == "S": a guard must not fold it
    Case(("ınfo",), X),  # dotless i: "ınfo".upper() == "INFO"
    Case(("CONFIG|GET", "maxmemory"), X),
    Case(("CONFIG", "GET\x00", "x"), X),
    Case(("FLUSHALL\x00",), X),
)
