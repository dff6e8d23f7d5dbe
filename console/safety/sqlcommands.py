"""The token half of the SQL guard: split statements, and judge what sqlglot does not parse.

sqlglot turns SHOW and EXPLAIN into an unparsed Command and FLUSH or LISTEN into a bare alias, so
these are judged on sqlglot's own tokens, against strict allowlists and a keyword table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from console.safety.sqlrules import (
    Classification,
    Dialect,
    Finding,
    LimitPolicy,
    Verdict,
    known_finding,
    refusal,
    worst,
)

if TYPE_CHECKING:
    from sqlglot.tokenizer_core import Token
    from sqlglot.tokens import Tokenizer

Judge = Callable[[str, LimitPolicy | None], Verdict]
"""The whole guard, for the statement inside EXPLAIN (no LIMIT is added there)."""

INSPECT_LEADS = frozenset({"SHOW", "DESCRIBE", "DESC", "EXPLAIN"})
EXPLAINABLE_LEADS = frozenset(
    {"SELECT", "WITH", "(", "TABLE", "VALUES", "INSERT", "REPLACE", "UPDATE", "DELETE", "MERGE"}
)
ANALYZABLE_LEADS = (EXPLAINABLE_LEADS - {"TABLE"}) | {"FORMAT"}  # MariaDB ANALYZE <statement>
_STRINGS = frozenset({"STRING", "NATIONAL_STRING"})
_LITERAL_LEADS = _STRINGS | {"IDENTIFIER", "NUMBER", "HEX_STRING", "BIT_STRING", "BYTE_STRING"}

_REFUSED: Classification = "refused"
# Statements judged by their first keyword alone: sqlglot does not model them.
FIXED: dict[str, Finding] = {
    "SET": (_REFUSED, "SET changes session or server state; the console's sessions are its own"),
    "RESET": (_REFUSED, "RESET changes session state"),
    "DISCARD": (_REFUSED, "DISCARD changes session state"),
    "LISTEN": (_REFUSED, "LISTEN subscribes the pooled session to notifications"),
    "UNLISTEN": (_REFUSED, "UNLISTEN changes the pooled session's subscriptions"),
    "NOTIFY": (_REFUSED, "NOTIFY sends a notification to other sessions"),
    "BEGIN": (_REFUSED, "transaction control is not the console's: one statement per call"),
    "START": (_REFUSED, "START (transactions, replication) is not run from the console"),
    "COMMIT": (_REFUSED, "transaction control is not the console's: one statement per call"),
    "END": (_REFUSED, "transaction control is not the console's: one statement per call"),
    "ROLLBACK": (_REFUSED, "transaction control is not the console's: one statement per call"),
    "ABORT": (_REFUSED, "transaction control is not the console's: one statement per call"),
    "SAVEPOINT": (_REFUSED, "transaction control is not the console's: one statement per call"),
    "RELEASE": (_REFUSED, "transaction control is not the console's: one statement per call"),
    "XA": (_REFUSED, "XA transactions are not the console's"),
    "LOCK": (_REFUSED, "table locks outlive the call on a pooled session"),
    "UNLOCK": (_REFUSED, "table locks are not the console's"),
    "HANDLER": (_REFUSED, "HANDLER opens a low-level table cursor on the session"),
    "LOAD": (_REFUSED, "LOAD DATA/XML reads files into tables"),
    "CALL": (_REFUSED, "a stored procedure can do anything; CALL is not run"),
    "DO": (_REFUSED, "DO runs code for its side effects"),
    "PREPARE": (_REFUSED, "prepared statements hide the statement from the guard"),
    "EXECUTE": (_REFUSED, "prepared statements hide the statement from the guard"),
    "DEALLOCATE": (_REFUSED, "prepared statements are not the console's"),
    "USE": (_REFUSED, "USE changes the session's database"),
    "FLUSH": (_REFUSED, "FLUSH changes server state (WITH READ LOCK blocks every write)"),
    "COPY": (_REFUSED, "COPY reads or writes server files and programs"),
    "SHUTDOWN": (_REFUSED, "SHUTDOWN stops the server"),
    "RESTART": (_REFUSED, "RESTART restarts the server"),
    "INSTALL": (_REFUSED, "plugins and components are not installed from the console"),
    "UNINSTALL": (_REFUSED, "plugins and components are not removed from the console"),
    "PURGE": (_REFUSED, "PURGE removes binary logs"),
    "CHANGE": (_REFUSED, "replication configuration is not changed from the console"),
    "STOP": (_REFUSED, "replication control is not run from the console"),
    "CHECKPOINT": (_REFUSED, "CHECKPOINT forces heavy I/O"),
    "DECLARE": (_REFUSED, "cursors belong to a transaction the console does not hold"),
    "FETCH": (_REFUSED, "cursors belong to a transaction the console does not hold"),
    "MOVE": (_REFUSED, "cursors belong to a transaction the console does not hold"),
    "CLOSE": (_REFUSED, "cursors belong to a transaction the console does not hold"),
    "BINLOG": (_REFUSED, "BINLOG applies raw replication events"),
    "CLONE": (_REFUSED, "CLONE replaces the server's data"),
    "IMPORT": (_REFUSED, "IMPORT reads files or foreign schemas"),
    "SECURITY": (_REFUSED, "security labels are not changed from the console"),
    "CACHE": (_REFUSED, "CACHE INDEX changes server caches"),
    "GET": (_REFUSED, "diagnostics belong to a session the console does not keep"),
    "SIGNAL": (_REFUSED, "SIGNAL raises errors for stored programs"),
    "RESIGNAL": (_REFUSED, "RESIGNAL raises errors for stored programs"),
    "HELP": (_REFUSED, "HELP is not on the read-only allowlist"),
    "VACUUM": ("write", "VACUUM reclaims space (heavy I/O)"),
    "REINDEX": ("write", "REINDEX rebuilds indexes and blocks writes meanwhile"),
    "REFRESH": ("write", "REFRESH MATERIALIZED VIEW rewrites the view"),
    "CHECK": ("write", "CHECK TABLE locks the table and may mark it corrupted or upgraded"),
    "ANALYZE": ("write", "ANALYZE updates optimizer statistics"),
    "COMMENT": ("write", "COMMENT ON changes the catalog"),
    "OPTIMIZE": ("destructive", "OPTIMIZE TABLE rebuilds the table, like ALTER TABLE"),
    "REPAIR": ("destructive", "REPAIR TABLE rewrites the table and can lose rows"),
    "CLUSTER": ("destructive", "CLUSTER rewrites the table under an exclusive lock"),
    "REASSIGN": ("destructive", "REASSIGN OWNED changes object ownership"),
}

# Statements sqlglot parses when it can; these say what they are when it falls back to Command.
FALLBACK: dict[str, Finding] = {
    "INSERT": ("write", "INSERT writes rows"),
    "REPLACE": ("write", "REPLACE INTO writes rows (deleting conflicting ones)"),
    "UPDATE": ("write", "UPDATE changes rows"),
    "MERGE": ("write", "MERGE writes rows"),
    "DELETE": ("destructive", "DELETE removes rows"),
    "CREATE": ("destructive", "CREATE of an account, role, routine, trigger or event"),
    "DROP": ("destructive", "DROP removes a schema object or account"),
    "ALTER": ("destructive", "ALTER changes a schema object or account"),
    "TRUNCATE": ("destructive", "TRUNCATE empties the table"),
    "RENAME": ("destructive", "RENAME changes table or account names"),
    "GRANT": ("destructive", "GRANT changes privileges"),
    "REVOKE": ("destructive", "REVOKE changes privileges"),
    "KILL": ("destructive", "KILL ends another session or its query"),
}

_N = r"(?:<id>|[A-Z_][A-Z0-9_$]*)"
_Q = rf"{_N}(?: \. {_N})?"
_LIKE = r"(?: LIKE <s>)?"
_IN = rf"(?: (?:FROM|IN) {_N})?"
_ACCOUNT = rf"(?:<s>|{_N})(?: @ (?:<s>|{_N}))?"
MYSQL_SHOW = (
    r"(?:FULL )?PROCESSLIST",
    rf"(?:(?:GLOBAL|SESSION|LOCAL) )?(?:STATUS|VARIABLES){_LIKE}",
    rf"(?:EXTENDED )?(?:FULL )?TABLES{_IN}{_LIKE}",
    rf"(?:DATABASES|SCHEMAS){_LIKE}",
    rf"CREATE (?:TABLE|VIEW|DATABASE|SCHEMA|PROCEDURE|FUNCTION|TRIGGER|EVENT) {_Q}",
    rf"(?:EXTENDED )?(?:INDEX|INDEXES|KEYS) (?:FROM|IN) {_Q}{_IN}",
    rf"(?:EXTENDED )?(?:FULL )?(?:COLUMNS|FIELDS) (?:FROM|IN) {_Q}{_IN}{_LIKE}",
    rf"(?:TABLE STATUS|OPEN TABLES|TRIGGERS|EVENTS){_IN}{_LIKE}",
    r"ENGINE (?:INNODB|PERFORMANCE_SCHEMA) (?:STATUS|MUTEX)|(?:STORAGE )?ENGINES",
    rf"(?:REPLICA|SLAVE) STATUS(?: FOR CHANNEL (?:<s>|{_N}))?|ALL (?:REPLICAS|SLAVES) STATUS",
    r"(?:MASTER|BINARY LOG) STATUS|(?:BINARY|MASTER) LOGS|REPLICAS|SLAVE HOSTS",
    rf"GRANTS(?: FOR (?:CURRENT_USER(?: \( \))?|{_ACCOUNT}))?",
    r"WARNINGS|ERRORS|PLUGINS|PRIVILEGES|PROFILES|EXPLAIN FOR <n>",
    rf"(?:CHARACTER SET|CHARSET|COLLATION|(?:PROCEDURE|FUNCTION) STATUS){_LIKE}",
)
POSTGRES_SHOW = (rf"ALL|{_Q}|TRANSACTION ISOLATION LEVEL|TIME ZONE|SESSION AUTHORIZATION",)
MYSQL_DESCRIBE = rf"(?:DESCRIBE|DESC|EXPLAIN) {_Q}(?: (?:{_N}|<s>))?|EXPLAIN FOR CONNECTION <n>"
_SHOW = {
    "mysql": re.compile(rf"SHOW (?:{'|'.join(MYSQL_SHOW)})"),
    "postgres": re.compile(rf"SHOW (?:{'|'.join(POSTGRES_SHOW)})"),
}
PG_EXPLAIN_OPTIONS = frozenset(
    {"ANALYZE", "VERBOSE", "COSTS", "SETTINGS", "GENERIC_PLAN", "BUFFERS", "SERIALIZE", "WAL"}
    | {"TIMING", "SUMMARY", "MEMORY", "FORMAT"}
)
STATEMENT_WORDS = frozenset(FIXED) | frozenset(FALLBACK) | EXPLAINABLE_LEADS | INSPECT_LEADS
_EXPLAIN_FLAGS = {"mysql": ("EXTENDED", "PARTITIONS"), "postgres": ("VERBOSE",)}
PG_EXPLAIN_VALUES = frozenset(
    {"TRUE", "FALSE", "ON", "OFF", "TEXT", "XML", "JSON", "YAML", "NONE", "BINARY"}
)


@lru_cache(maxsize=2)
def _tokenizer_class(dialect: Dialect) -> type[Tokenizer]:
    """sqlglot's tokenizer for `dialect`, minus its habit of swallowing EXPLAIN/SHOW as one string.

    Why: the allowlists need the tokens after EXPLAIN and SHOW, which the stock one hides.
    """
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    base = SqlglotDialect.get_or_raise(dialect).tokenizer_class
    return cast("type[Tokenizer]", type("PlainTokenizer", (base,), {"COMMANDS": set()}))


def tokenize(sql: str, dialect: Dialect) -> list[Token]:
    """sqlglot's tokens for `sql`; raises sqlglot's TokenError (unterminated string, comment...)."""
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    return _tokenizer_class(dialect)(dialect=SqlglotDialect.get_or_raise(dialect)).tokenize(sql)


def split(tokens: list[Token]) -> list[list[Token]]:
    """The non-empty statements between semicolons (a trailing `;` makes no extra statement)."""
    statements: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type.name == "SEMICOLON":
            statements.append([])
        else:
            statements[-1].append(token)
    return [statement for statement in statements if statement]


def text_of(sql: str, tokens: list[Token]) -> str:
    """The source text from the first token to the last, inclusive."""
    return sql[tokens[0].start : tokens[-1].end + 1]


def canonical(sql: str, tokens: list[Token]) -> str:
    """The tokens' source text with comments gone: a gap that held anything becomes one space.

    Why: what runs for an unparsed statement must hold nothing the guard did not see as a token.
    """
    parts = [sql[tokens[0].start : tokens[0].end + 1]]
    for before, token in itertools.pairwise(tokens):
        gap = sql[before.end + 1 : token.start]
        parts.append((" " if gap else "") + sql[token.start : token.end + 1])
    return "".join(parts)


def lead(tokens: list[Token]) -> str:
    """The statement's first keyword, upper-cased ("" when it is a literal or quoted name)."""
    if not tokens:
        return ""
    first = tokens[0]
    if first.token_type.name in _LITERAL_LEADS:
        return ""
    return " ".join(first.text.upper().split())


def signature(tokens: list[Token]) -> str:
    """Tokens as `WORD <s> <id> <n>` text, the form the SHOW/DESCRIBE allowlists are written in."""
    words = []
    for token in tokens:
        kind = token.token_type.name
        if kind in _STRINGS:
            words.append("<s>")
        elif kind == "IDENTIFIER":
            words.append("<id>")
        elif kind == "NUMBER":
            words.append("<n>")
        else:
            words.append(" ".join(token.text.upper().split()))
    return " ".join(words)


def judge_keyword(sql: str, tokens: list[Token], table: dict[str, Finding]) -> Verdict:
    """Judge a statement by its first keyword in `table`, escalated by a known dangerous call."""
    first = lead(tokens)
    unknown: Finding = (_REFUSED, f"{first or 'this'} is not a statement the console runs")
    finding = table.get(first, unknown)
    if first == "VACUUM" and "FULL" in signature(tokens[1:]).split():
        finding = ("destructive", "VACUUM FULL rewrites the table under an exclusive lock")
    findings = [finding, *_called_functions(tokens)]
    level, _ = worst(findings)
    reasons = tuple(reason for found, reason in findings if found == level)
    if level == _REFUSED:
        return refusal(sql, *reasons)
    return Verdict(level, canonical(sql, tokens), reasons)


def _called_functions(tokens: list[Token]) -> list[Finding]:
    """Well-known dangerous functions called anywhere in an unparsed statement (a name before `(`).

    Why: such a statement is a write or worse already (it asks first); names are all there is.
    """
    found = []
    for token, after in itertools.pairwise(tokens):
        if after.token_type.name == "L_PAREN":
            finding = known_finding(token.text)
            if finding is not None:
                found.append(finding)
    return found


def judge_inspect(sql: str, tokens: list[Token], dialect: Dialect, judge: Judge) -> Verdict:
    """SHOW, DESCRIBE and EXPLAIN: read-only only when their exact form is on the allowlist.

    Why: sqlglot leaves them unparsed, and MySQL's SHOW ... WHERE takes any expression.
    """
    first = lead(tokens)
    if first in ("DESCRIBE", "DESC") and dialect == "postgres":
        return refusal(sql, f"PostgreSQL has no {first}")
    if first == "SHOW":
        if _SHOW[dialect].fullmatch(signature(tokens)):
            return Verdict("read_only", canonical(sql, tokens), ("SHOW form on the allowlist",))
        return refusal(sql, "this SHOW form is not on the read-only allowlist")
    start, analyze = _explain_prefix(tokens, dialect)
    if start is not None and start < len(tokens) and lead(tokens[start:]) in EXPLAINABLE_LEADS:
        return _judge_explain(sql, tokens, start, analyze, judge)
    named = lead(tokens[1:]) not in STATEMENT_WORDS  # `DESCRIBE <table>`, not a statement
    if dialect == "mysql" and named and re.fullmatch(MYSQL_DESCRIBE, signature(tokens)):
        return Verdict("read_only", canonical(sql, tokens), (f"{first} form on the allowlist",))
    return refusal(sql, f"this {first} form is not on the read-only allowlist")


def _judge_explain(
    sql: str, tokens: list[Token], start: int, analyze: bool, judge: Judge
) -> Verdict:
    """Judge EXPLAIN by the statement it explains: plain EXPLAIN only of a read-only query.

    Why: EXPLAIN ANALYZE runs the statement, so it is as dangerous as the statement itself.
    """
    inner = judge(text_of(sql, tokens[start:]), None)
    statement = f"{canonical(sql, tokens[:start])} {inner.statement}"
    if not analyze:
        if inner.level != "read_only":
            return refusal(sql, "EXPLAIN is offered for read-only queries only", *inner.reasons)
        return Verdict("read_only", statement, ("EXPLAIN shows the plan without running it",))
    if inner.level == _REFUSED:
        return refusal(sql, *inner.reasons)
    runs = "ANALYZE runs the statement to time it"
    if inner.level == "read_only":
        return Verdict("read_only", statement, (f"{runs} (the whole query, no LIMIT added)",))
    return Verdict(inner.level, statement, (runs, *inner.reasons))


def _explain_prefix(tokens: list[Token], dialect: Dialect) -> tuple[int | None, bool]:
    """Where EXPLAIN's options end and whether ANALYZE is among them; None if an option is odd."""
    index, analyze = 1, lead(tokens) == "ANALYZE"
    while index < len(tokens):
        word = signature(tokens[index : index + 1])
        if word == "ANALYZE":
            index, analyze = index + 1, True
        elif word in _EXPLAIN_FLAGS[dialect]:
            index += 1
        elif word == "FORMAT" and dialect == "mysql":
            if signature(tokens[index + 1 : index + 2]) != "=" or index + 2 >= len(tokens):
                return None, analyze
            index += 3
        elif word == "(" and dialect == "postgres" and _is_option(tokens, index + 1):
            end = _option_list_end(tokens, index + 1)
            if end is None:
                return None, analyze
            analyze = analyze or "ANALYZE" in signature(tokens[index:end]).split()
            index = end + 1
        else:
            break
    return index, analyze


def _is_option(tokens: list[Token], index: int) -> bool:
    """Whether the token at `index` names a PostgreSQL EXPLAIN option."""
    return index < len(tokens) and tokens[index].text.upper() in PG_EXPLAIN_OPTIONS


def _option_list_end(tokens: list[Token], index: int) -> int | None:
    """Index of the `)` closing a PostgreSQL EXPLAIN option list; None if anything else is in it."""
    allowed = PG_EXPLAIN_OPTIONS | PG_EXPLAIN_VALUES | {",", "<n>", "<s>"}
    for position in range(index, len(tokens)):
        word = signature(tokens[position : position + 1])
        if word == ")":
            return position
        if word not in allowed:
            return None
    return None
