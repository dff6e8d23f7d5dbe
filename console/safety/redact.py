"""Credential redaction for every error message, log line, export and file the console writes.

Two nets: patterns (credentials in URLs, key=value pairs under any prefixed name, SQL and Redis
password clauses, command-line flags, HTTP Authorization headers, AWS keys, JWTs, GitHub and Slack
tokens, PEM private keys) and the exact values of every secret the data layer has resolved in
this process.

Why linear: every pattern is anchored on the left by a lookbehind of its own character class and
bounds what it takes, so a long run is never rescanned from each of its positions (1 MB of
URL-like or token-like text redacts in well under a second; bench/redaction_adversarial.py).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

MASK = "***"
_MAX = 1024
"""The longest value a pattern takes: long enough for any credential, short enough to be linear."""

# A value after `=` or `:`: quoted (spaces and escapes allowed; E'..' and B'..' in SQL), an
# unclosed quote, or one unquoted word. The groups o/c keep its quotes around the mask, so a SQL
# text keeps its shape and every pattern replaces with a template (no Python call per match).
_QUOTED = (
    rf"(?P<o1>[eEbB]?')(?:[^'\\\n]|\\.|''){{0,{_MAX}}}(?P<c1>')"
    rf'|(?P<o2>")(?:[^"\\\n]|\\.){{0,{_MAX}}}(?P<c2>")'
)
# An unquoted value ends at a `&` only where a query string's next `name=` follows: a password
# may hold `&` (`db_password: Tr0ub4dor&3` kept its `&3` when every `&` ended it).
_VALUE = (
    rf"(?:{_QUOTED}|(?P<o3>[\"']?)"
    rf"(?:[^\s,;&)(\"'<>{{}}\[\]]|&(?![\w.-]{{1,40}}=)){{1,{_MAX}}})"
)
_KEEP = r"\g<o1>\g<o2>\g<o3>" + MASK + r"\g<c1>\g<c2>"
_PRE_KEEP = r"\g<pre>" + _KEEP

# names that hold a credential, as the last word of a key (PGPASSWORD, db_password, clientSecret,
# "SecretAccessKey", X-Amz-Security-Token, requirepass), written as a trie so that a position
# that starts no name fails at its first letter. The word starts the name, follows a separator,
# or is capitalised after a lower-case letter (camelCase); PG is the one prefix written without
# a separator. `bypass: on` and `compass=N` are not passwords.
_SECRET_NAME = (
    r"(?:pass(?:word|wd|phrase)?|p(?:wd?|rivate[_-]?key)|token|credentials?|requirepass"
    r"|s(?:ecret(?:[_-]?key)?|ignature|igning[_-]?key|ession[_-]?key)|encryption[_-]?key"
    r"|a(?:uth(?:orization)?|pi[_-]?key|pikey|ccess[_-]?key|ccount[_-]?key)"
    r"|master(?:auth|[_-]?key))"
)
_NAME_START = r"(?=[pstacemr])(?-i:(?<![A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z])|(?<=PG))"
_KEY_VALUE = re.compile(
    rf"(?P<pre>{_NAME_START}{_SECRET_NAME}"
    rf"(?:[_-]?(?:hash|digest|b64|base64|enc))?\d*[\"']?[ \t]*(?:=>|:=|=|:)[ \t]*){_VALUE}",
    re.I,
)
# SQL: 'x' AS password / "x" AS api_key (a literal named as a credential column)
_AS_NAME = re.compile(
    rf"(?=['\"])(?:{_QUOTED})(?P<o3>)(?P<post>[ \t]+AS[ \t]+[`\"]?[\w.-]{{0,40}}?"
    rf"{_SECRET_NAME}\d*\b)",
    re.I,
)
# scheme://user:password@host — the password may hold an `@` (the last one before the host wins)
_URL = re.compile(
    r"(?=[a-z])(?<![a-z0-9+.-])(?P<pre>[a-z][a-z0-9+.-]{0,30}://[^:/@\s]{0,256}:)"
    r"[^\s/]{1,256}(?=@)",
    re.I,
)
# SQL: IDENTIFIED [WITH plugin] BY [PASSWORD] 'x', [ENCRYPTED] PASSWORD 'x' / E'x' / "x" / ('x'),
# IDENTIFIED VIA plugin USING 'x' / PASSWORD('x'), SET PASSWORD [FOR u] = 'x'
_SQL = re.compile(
    r"(?P<pre>(?=[iups])\b(?:(?:IDENTIFIED[ \t\n]+(?:WITH[ \t\n]+\S{1,64}[ \t\n]+)?BY"
    r"(?:[ \t\n]+PASSWORD)?"
    r"|USING(?:[ \t\n]+PASSWORD)?|PASSWORD)(?:[ \t\n]+|(?=\())"
    r"|SET[ \t\n]+PASSWORD(?:[ \t\n]+FOR[ \t\n]+\S{1,200})?[ \t\n]*=(?:[ \t\n]*PASSWORD)?)"
    rf"[ \t\n]*\(?[ \t\n]*)(?:{_QUOTED})(?P<o3>)",
    re.I,
)
# Redis: CONFIG SET requirepass x, masterauth x (also redis.conf lines)
_REDIS_CONFIG = re.compile(rf"(?P<pre>\b(?:requirepass|masterauth)[ \t]+){_VALUE}", re.I)
# aws configure set aws_secret_access_key x (a name and its value apart, no `=`)
_CONFIGURE_SET = re.compile(
    r"(?P<pre>\bconfigure[ \t]+set[ \t]+[\w.-]{0,80}(?:secret|token|password|key)[ \t]+)" + _VALUE,
    re.I,
)
# Redis AUTH [user] pw, HELLO 3 AUTH user pw, MIGRATE ... AUTH pw / AUTH2 user pw (the command
# word in capitals; never a title like "Auth (8)", never across lines). Another case is a
# command only when it is the whole line or follows HELLO/MIGRATE/redis-cli (`_auth_sub`).
_ARGS = r"[^\s(][^\s]{0,1024}(?:[ \t]+[^\s]{1,1024})?"
_AUTH_UPPER = re.compile(rf"(?P<pre>(?=A)(?<![\w-])AUTH2?[ \t]+){_ARGS}")
_AUTH_OTHER = re.compile(rf"(?P<pre>(?=[aA])(?<![\w-])(?!AUTH)(?i:auth2?)[ \t]+){_ARGS}")
_REDIS_PROMPT = re.compile(r"(?:\S*>)?")
# ACL SETUSER name on >password <password #hash !hash (quoted or not)
_ACL_LINE = re.compile(r"\bACL[ \t]+SETUSER\b[^\n]*", re.I)
_ACL_RULE = re.compile(
    r"(?P<op>(?<![^\s\"'])[<>#!])(?:[^\s\"']{1,1024}|(?<=[\"'][<>#!])[^\n\"']{1,1024})"
)
# command lines: --password=x / --password x / --pass x; -a x (redis-cli) / -px (mysql)
_FLAG = re.compile(
    r"(?P<pre>(?=-)(?<![\w-])--?(?:password|passwd|pass|pwd|token|secret|auth|api-key|requirepass"
    rf"|masterauth|access-key|secret-key)(?:[ \t]+|=))(?!-){_VALUE}",
    re.I,
)
_MYSQL_FLAG = re.compile(rf"(?P<pre>(?<![\w-])-p)(?!-){_VALUE}")
_REDIS_CLI_FLAG = re.compile(rf"(?P<pre>(?<![\w-])-a[ \t]+)(?!-){_VALUE}")
_MYSQL_TOOLS = ("mysql", "mariadb")
_REDIS_TOOLS = ("redis-cli", "valkey-cli", "keydb-cli")
# HTTP: Authorization: Basic x / Bearer x / Digest ..., and a Basic or Bearer credential alone
_AUTH_HEADER = re.compile(
    r"(?P<pre>\b(?:proxy-)?authorization[\"']?[ \t]*[:=][ \t]*[\"']?"
    r"(?:(?:basic|bearer|token|digest|negotiate|ntlm|aws4-hmac-sha256)[ \t]+)?)[^\n\"']{1,2048}",
    re.I,
)
# a Basic/Bearer credential (digits, symbols or inner capitals): "Basic Authentication" stays
_SCHEME_TOKEN = re.compile(
    r"(?P<pre>\b(?:Basic|Bearer)[ \t]+)"
    r"(?-i:(?=[A-Za-z0-9._~+/-]{0,4096}(?:[0-9._~+/=-]|(?<=[A-Za-z0-9._~+/-])[A-Z])))"
    r"[A-Za-z0-9._~+/-]{8,4096}=*",
    re.I,
)
# tokens recognisable by their shape alone
_TOKENS = re.compile(
    r"(?=[AegxsrpnA])(?<![A-Za-z0-9_/+-])(?:"
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}"  # AWS key ids
    r"|eyJ[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,8192}"  # JWT
    r"|gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255}"  # GitHub
    r"|glpat-[A-Za-z0-9_-]{20,255}|npm_[A-Za-z0-9]{36}"  # GitLab, npm
    r"|xox[abposre]-[A-Za-z0-9-]{10,255}|xapp-[A-Za-z0-9-]{10,255}"  # Slack
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,255}"  # Stripe
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r")(?![A-Za-z0-9_-])"
)
_SLACK_HOOK = re.compile(r"(?P<pre>hooks\.slack\.com/services/)[A-Za-z0-9/]{1,255}")
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")


def _line_before(text: str, start: int, width: int = 300) -> str:
    """The text of the line before `start`, at most `width` characters (bounded: linear)."""
    head = text[max(0, start - width) : start]
    return head[head.rfind("\n") + 1 :]


def _auth_sub(match: re.Match[str]) -> str:
    """`auth` not in capitals: a command when it is the whole line or an argument of a command.

    `auth default pw` (after a `host:port>` prompt or none) or `hello 3 auth u pw` is one;
    "auth failed for user bob" is a log line.
    """
    line = _line_before(match.string, match.start()).lower()
    rest = match.string[match.end() : match.end() + 300].partition("\n")[0]
    typed = _REDIS_PROMPT.fullmatch(line.strip()) is not None and not rest.strip()
    if typed or any(name in line for name in ("hello", "migrate", *_REDIS_TOOLS)):
        return match.group("pre") + MASK
    return match.group(0)


def _acl_sub(match: re.Match[str]) -> str:
    return _ACL_RULE.sub(r"\g<op>" + MASK, match.group(0))


def _short_flags(text: str, lower: str) -> str:
    """-pSECRET on a mysql command line, -a SECRET on a redis-cli one; other tools keep theirs."""
    mysql = any(tool in lower for tool in _MYSQL_TOOLS)
    redis_cli = any(tool in lower for tool in _REDIS_TOOLS)
    if not mysql and not redis_cli:
        return text
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        folded = line.lower()
        if mysql and any(tool in folded for tool in _MYSQL_TOOLS):
            line = _MYSQL_FLAG.sub(_PRE_KEEP, line)
        if redis_cli and any(tool in folded for tool in _REDIS_TOOLS):
            line = _REDIS_CLI_FLAG.sub(_PRE_KEEP, line)
        lines[index] = line
    return "".join(lines)


def _redact_pem(text: str) -> str:
    """Everything between BEGIN ... PRIVATE KEY and its END; to the end if the END is missing."""
    out, position = [], 0
    while (begin := _PEM_BEGIN.search(text, position)) is not None:
        end = _PEM_END.search(text, begin.end())
        out.append(text[position : begin.end()] + "\n" + MASK + "\n")
        if end is None:
            return "".join(out)
        out.append(end.group(0))
        position = end.end()
    return "".join(out) + text[position:]


_Sub = str | Callable[[re.Match[str]], str]
_SECRET_WORDS = ("pass", "pw", "secret", "token", "auth", "credential", "signature", "key")
_TOKEN_HEADS = (
    *("akia", "asia", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "abia", "acca", "eyj"),
    *("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "npm_", "xox", "xapp-"),
    *("sk_", "rk_", "pk_", "aiza"),
)
# (pattern, replacement, needles): a pattern runs only on a text holding one of its needles
# (lower-cased), so an ordinary text costs a few `in` tests per pattern, not a regex scan
_PATTERNS: tuple[tuple[re.Pattern[str], _Sub, tuple[str, ...]], ...] = (
    (_URL, r"\g<pre>" + MASK, ("://",)),
    (_AUTH_HEADER, r"\g<pre>" + MASK, ("authorization",)),
    (_SQL, _PRE_KEEP, ("password", "identified", "using")),
    (_FLAG, _PRE_KEEP, _SECRET_WORDS),
    (_KEY_VALUE, _PRE_KEEP, _SECRET_WORDS),
    (_AS_NAME, _KEEP + r"\g<post>", (" as ",)),
    (_REDIS_CONFIG, _PRE_KEEP, ("requirepass", "masterauth")),
    (_CONFIGURE_SET, _PRE_KEEP, ("configure",)),
    (_ACL_LINE, _acl_sub, ("setuser",)),
    (_AUTH_UPPER, r"\g<pre>" + MASK, ("auth",)),
    (_AUTH_OTHER, _auth_sub, ("auth",)),
    (_SCHEME_TOKEN, r"\g<pre>" + MASK, ("basic", "bearer")),
    (_TOKENS, MASK, _TOKEN_HEADS),
    (_SLACK_HOOK, r"\g<pre>" + MASK, ("hooks.slack.com",)),
)

_known_lock = threading.Lock()
_known_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a resolved secret so that any text holding it is redacted."""
    if len(value) >= 4:
        with _known_lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    """Return `text` with every credential replaced by ***."""
    if not text:
        return text
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    if "PRIVATE KEY" in text:
        text = _redact_pem(text)
    lower = text.lower()
    for pattern, replacement, needles in _PATTERNS:
        if any(needle in lower for needle in needles):
            redacted = pattern.sub(replacement, text)
            if redacted != text:
                text, lower = redacted, redacted.lower()
    return _short_flags(text, lower)
