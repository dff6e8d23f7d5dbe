"""Secret shapes redaction must catch, and harmless texts it must leave (almost) alone.

Why a corpus: redaction has failed by shape (a prefixed name, a SQL clause, a token format), so
the test runs every shape, and generated variants of each (names x separators x quoting), rather
than one example per pattern. Each case is (text, secret): the secret must not survive.
"""

from __future__ import annotations

from itertools import product

PW = "S3cr3t-Pa55"
SPACED = "correct horse battery"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6"

# names a credential is stored under, as people and tools write them
NAMES = (
    "password", "passwd", "pwd", "PGPASSWORD", "MYSQL_PWD", "REDISCLI_AUTH", "db_password",
    "DB_PASS", "client_secret", "access_token", "refresh_token", "api_key", "api-key", "apikey",
    "x-api-key", "auth_token", "SECRET_KEY", "secret", "aws_secret_access_key",
    "aws_session_token", "SOURCE_PASSWORD", "MASTER_PASSWORD", "dbPassword", "clientSecret",
    "SecretAccessKey", "SessionToken", "private_key", "requirepass", "masterauth",
    "X-Amz-Security-Token", "token", "passphrase", "password1", "ADMIN_PASSWORD", "pw",
)  # fmt: skip
SEPARATORS = ("=", ": ", " = ", ":", "=>", ":=")
QUOTINGS = ("{}", "'{}'", '"{}"')


def key_value_cases() -> list[tuple[str, str]]:
    """Every name x separator x quoting, plus JSON with the key quoted and a spaced value."""
    cases = [
        (f"{name}{sep}{quote.format(PW)} host=db1", PW)
        for name, sep, quote in product(NAMES, SEPARATORS, QUOTINGS)
    ]
    cases += [(f'{{"{name}": "{PW}", "user": "app"}}', PW) for name in NAMES]
    cases += [(f"{name}='{SPACED}'", SPACED) for name in NAMES]
    cases += [(f'{name}: "{SPACED}"', SPACED) for name in NAMES]
    # an unquoted value holding `&`: no part of it may survive (its tail did)
    cases += [(f"{name}{sep}Tr0ub4dor&3xq host=db1", "3xq") for name in NAMES for sep in SEPARATORS]
    return cases


URLS = [
    (f"{scheme}://{user}:{PW}@db.example:1234/x", PW)
    for scheme, user in product(
        ("mysql", "postgresql", "postgres", "redis", "rediss", "mongodb+srv", "amqp", "https"),
        ("app", "", "ops.user"),
    )
] + [
    ("redis://default:p@ss@word@cache-1:6379/0", "p@ss@word"),
    ("postgresql://app:pw%40x@db/x?sslmode=require", "pw%40x"),
    ("dsn redis://:only-a-password@cache:6379", "only-a-password"),
]

SQL = [
    (f"CREATE USER 'bob'@'%' IDENTIFIED BY '{PW}'", PW),
    (f'CREATE USER bob IDENTIFIED BY "{PW}"', PW),
    (f"ALTER USER bob IDENTIFIED WITH caching_sha2_password BY '{PW}'", PW),
    (f"ALTER USER bob IDENTIFIED BY '{SPACED}' RETAIN CURRENT PASSWORD", SPACED),
    (f"CREATE USER bob IDENTIFIED BY PASSWORD '*{PW}'", PW),
    (f"CREATE USER bob IDENTIFIED VIA ed25519 USING PASSWORD('{PW}')", PW),
    (f"SET PASSWORD FOR 'bob'@'%' = PASSWORD('{PW}')", PW),
    (f"SET PASSWORD = '{PW}'", PW),
    (f"ALTER ROLE app WITH PASSWORD '{PW}'", PW),
    (f"ALTER ROLE app PASSWORD E'{PW}\\'x'", PW),
    (f"CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'md5{PW}'", PW),
    (f"create role app with login password '{SPACED}' valid until 'infinity'", SPACED),
    (f"CHANGE REPLICATION SOURCE TO SOURCE_HOST='db2', SOURCE_PASSWORD='{PW}'", PW),
    (f"CHANGE MASTER TO MASTER_USER='repl', MASTER_PASSWORD = '{PW}', MASTER_PORT=3306", PW),
    (f"CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'x', password '{PW}')", PW),
    (f"CREATE SERVER s OPTIONS (HOST 'h', USER 'u', PASSWORD '{PW}')", PW),
]

REDIS = [
    (f"AUTH {PW}", PW),
    (f"AUTH default {PW}", PW),
    (f"auth default {PW}", PW),
    (f"127.0.0.1:6379> auth {PW}", PW),
    (f"CONFIG SET requirepass {PW}", PW),
    (f'config set requirepass "{SPACED}"', SPACED),
    (f"CONFIG SET masterauth {PW}", PW),
    (f"requirepass {PW}", PW),
    (f"ACL SETUSER bob on >{PW} ~* +@read", PW),
    (f"ACL SETUSER bob on #{'a' * 64} ~*", "a" * 64),
    (f'acl setuser bob on ">{SPACED}" ~*', SPACED),
    (f"ACL SETUSER bob <{PW} !{'b' * 64}", PW),
    (f"MIGRATE host 6379 key 0 5000 AUTH {PW}", PW),
    (f'MIGRATE host 6379 "" 0 5000 AUTH2 admin {PW} KEYS a b', PW),
    (f"HELLO 3 AUTH default {PW} SETNAME console", PW),
    (f"hello 3 auth default {PW}", PW),
    (f"redis-cli -h cache -a {PW} ping", PW),
    (f"redis-cli --user admin --pass {PW} info", PW),
]

CLI = [
    (f"mysql -uroot -p{PW} -h db1", PW),
    (f"mysqldump -u app -p'{SPACED}' shop", SPACED),
    (f"mariadb --password={PW} shop", PW),
    (f"mysqladmin --password {PW} status", PW),
    (f"psql 'host=db user=app password={PW}'", PW),
    (f"pg_dump --dbname=postgresql://app:{PW}@db/shop", PW),
    (f"curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA==' https://x/{PW}", "dXNlcjpwYXNzd29yZA"),
    (f"export PGPASSWORD={PW}", PW),
    (f"env MYSQL_PWD='{PW}' mysql", PW),
    (f"docker run -e POSTGRES_PASSWORD={PW} postgres", PW),
    (f"aws configure set aws_secret_access_key {AWS_SECRET}", AWS_SECRET),
]

HTTP = [
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA"),
    ("authorization: basic YWRtaW46aHVudGVyMg==", "YWRtaW46aHVudGVyMg"),
    (f"Authorization: Bearer {JWT}", JWT[:30]),
    ("Authorization: Token abc123def456ghi789", "abc123def456ghi789"),
    ('{"Authorization": "Bearer tok_1a2b3c4d5e6f"}', "tok_1a2b3c4d5e6f"),
    ("Proxy-Authorization: Digest username=x, response=6629fae49393a05397450978507c", "6629fae4"),
    ("sent with bearer 1a2b3c4d5e6f7a8b9c0d", "1a2b3c4d5e6f7a8b9c0d"),
    (f"jwt {JWT} expired", JWT[40:70]),
    (f"cookie session={JWT}", JWT[:30]),
]

CLOUD = [
    ("key AKIAIOSFODNN7EXAMPLE in use", "AKIAIOSFODNN7EXAMPLE"),
    ('{"AccessKeyId": "ASIAY34FZKBOKMUTVV7A"}', "ASIAY34FZKBOKMUTVV7A"),
    (f'{{"SecretAccessKey": "{AWS_SECRET}"}}', AWS_SECRET),
    (f'"SessionToken": "{SESSION_TOKEN}"', SESSION_TOKEN),
    (f"aws_session_token = {SESSION_TOKEN}", SESSION_TOKEN),
    (f"X-Amz-Security-Token={SESSION_TOKEN}&X-Amz-Signature=abcdef0123456789", "abcdef0123456789"),
    ("token ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "A1b2C3d4E5f6G7h8I9j0"),
    ("gho_" + "Z" * 36, "Z" * 36),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "11ABCDEFG0123456789"),
    ("slack xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp"),
    ("xoxp-1111-2222-3333-abcdefabcdef", "abcdefabcdef"),
    ("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX", "XXXXXXXXXXXXXXXX"),
    ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWDarjtT1zdp7dc"),
    ("glpat-abcdefghij0123456789", "abcdefghij0123456789"),
]

PEM = [
    (f"-----BEGIN {kind}PRIVATE KEY-----\n{PEM_BODY}\n-----END {kind}PRIVATE KEY-----", PEM_BODY)
    for kind in ("", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED ", "DSA ")
] + [
    (f"key: -----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n(truncated)", PEM_BODY),
    (f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n{PEM_BODY}\n-----END PGP PRIVATE KEY BLOCK-----",
     PEM_BODY),
]  # fmt: skip


def secret_cases() -> list[tuple[str, str]]:
    """Every (text, secret) case: well over a thousand, most generated."""
    return [*key_value_cases(), *URLS, *SQL, *REDIS, *CLI, *HTTP, *CLOUD, *PEM]


# texts with no credential: redaction must leave them exactly as they are
HARMLESS = (
    "├── ▶ Auth (8)\n├── ▶ DevOps (6)",
    "Redis group Auth",
    "passwords rotate monthly",
    "see the password reset page for help",
    "auth failed for user bob",
    "the secret to fast queries is an index",
    "token bucket rate limiter: 5 req/s",
    "tokens_used: 42",
    "bypass: on",
    "compass=north",
    "Basic Authentication is disabled",
    "a Bearer token is required",
    "primary key: id",
    "SELECT id, email FROM users WHERE created_at > now() - interval '1 day'",
    "SELECT password_reset_at FROM users",
    "mysql -h db1 -P 3306 -u app",
    "mkdir -p /var/lib/opsconsole",
    "ls -a /tmp",
    "Key AKIA is a prefix",
    "INFO keyspace db0:keys=12,expires=0",
    "https://example.com/docs/auth",
    "ERR max number of clients reached",
    "host 10.0.0.1:6379 role:master",
    "slowlog: 12 entries, 3 over 10 ms",
    "ALTER TABLE t ADD COLUMN pass_count int",
    "EXPLAIN SELECT * FROM accounts WHERE token_id = 7",
)
