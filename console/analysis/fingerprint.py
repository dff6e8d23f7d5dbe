"""Query fingerprints as pt-query-digest computes them (`QueryRewriter::fingerprint`, pt 3.x).

Literals become `?`, IN and VALUES lists collapse to `(?+)`, comments go, whitespace is collapsed
and ASCII is lower-cased, so the same statement with different values lands in one class. Each
Perl substitution is translated one for one (ASCII semantics, as Perl applies them to the log's
bytes); the cheap `in` tests in front of them only skip a substitution that could not match, so
the result is the same, just faster on the hot path of a digest.
"""

from __future__ import annotations

import re

_A = re.ASCII
_MYSQLDUMP = re.compile(r"SELECT /\*!40001 SQL_NO_CACHE \*/ \* FROM `", _A)
_PT_TOOL = re.compile(r"/\*\w+\.\w+:[0-9]/[0-9]\*/", _A)
_CALL = re.compile(r"\s*(call\s+\S+)\(", _A | re.I)
_MULTI_INSERT = re.compile(
    r"((?:INSERT|REPLACE)(?: IGNORE)?\s+INTO.+?VALUES\s*\(.*?\))\s*,\s*\(", _A | re.I | re.S
)
_MULTI_LINE_COMMENT = re.compile(r"/\*[^!].*?\*/", _A | re.S)
_ONE_LINE_COMMENT = re.compile(r"(?:--|#)[^'\"\r\n]*(?=[\r\n]|\Z)", _A)
_USE = re.compile(r"\Ause \S+(?=\n?\Z)", _A | re.I)
_ESCAPED_QUOTE = re.compile(r"\\[\"']")
_DOUBLE_QUOTED = re.compile(r'".*?"', re.S)
_SINGLE_QUOTED = re.compile(r"'.*?'", re.S)
_BOOLEAN = re.compile(r"\bfalse\b|\btrue\b", _A | re.I)
_NUMBER = re.compile(r"[0-9+-][0-9a-f.xb+-]*")
_NUMBER_LEFTOVER = re.compile(r"[xb.+-]\?")
_LEADING_SPACE = re.compile(r"\A\s+", _A)
_SPACES = re.compile(r"[ \n\t\r\f]+")
_NULL = re.compile(r"\bnull\b", _A)
_LISTS = re.compile(r"\b(in|values?)(?:[\s,]*\([\s?,]*\))+", _A)
_UNION = re.compile(r"\b(select\s.*?)(?:(\sunion(?:\sall)?)\s\1)+", _A)
_LIMIT = re.compile(r"\blimit \?(?:, ?\?| offset \?)?", _A)
_ORDER_BY = re.compile(r"\border by ", _A | re.I)
_ASC = re.compile(r"(.+?)\s+asc", _A | re.I)
_INSERTS = ("INSERT", "REPLAC")
_DIGIT_RUNS = re.compile(r"[0-9]+")
KEY_MAX_CHARS = 2000
_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _special(query: str) -> str | None:
    """The classes pt-query-digest names without abstracting: dumps, toolkit, admin, CALL."""
    if query.startswith("SELECT /*!40001") and _MYSQLDUMP.match(query):
        return "mysqldump"
    if "/*" in query and _PT_TOOL.search(query):
        return "percona-toolkit"
    if query.startswith("administrator command: "):
        return query
    call = _CALL.match(query) if "(" in query else None
    return call.group(1).lower() if call else None


def _strip_comments(query: str) -> str:
    if "/*" in query:
        query = _MULTI_LINE_COMMENT.sub("", query)
    if "--" in query or "#" in query:
        query = _ONE_LINE_COMMENT.sub("", query)
    return query


def _abstract_literals(query: str) -> str:
    """Quoted strings, booleans and numbers (hex, decimals, signs) to `?`."""
    if "\\" in query:
        query = _ESCAPED_QUOTE.sub("", query)
    if '"' in query:
        query = _DOUBLE_QUOTED.sub("?", query)
    if "'" in query:
        query = _SINGLE_QUOTED.sub("?", query)
    lowered = query.lower()
    if "true" in lowered or "false" in lowered:
        query = _BOOLEAN.sub("?", query)
    query = _NUMBER.sub("?", query)
    return _NUMBER_LEFTOVER.sub("?", query) if "?" in query else query


def _ascii_lower(query: str) -> str:
    """Perl's lc on bytes: only A-Z change."""
    return query.lower() if query.isascii() else query.translate(_UPPER)


def _without_asc(query: str) -> str:
    """Drop ASC after the first ORDER BY, as pt's `s/\\G(.+?)\\s+ASC/$1/gi` pass does."""
    found = _ORDER_BY.search(query)
    if found is None:
        return query
    position, kept = found.end(), [query[: found.end()]]
    while (match := _ASC.match(query, position)) is not None:
        kept.append(match.group(1))
        position = match.end()
    return "".join(kept) + query[position:] if len(kept) > 1 else query


def _normalise(query: str) -> str:
    """Whitespace, case, NULL, lists, UNION repeats, LIMIT and ORDER BY ... ASC."""
    if query[:1].isspace():
        query = _LEADING_SPACE.sub("", query)
    if query.endswith("\n"):
        query = query[:-1]
    query = _ascii_lower(_SPACES.sub(" ", query))
    if "null" in query:
        query = _NULL.sub("?", query)
    if "(" in query:
        query = _LISTS.sub(r"\1(?+)", query)
    if " union" in query:
        query = _UNION.sub(r"\1 /*repeat\2*/", query)
    if "limit ?" in query:
        query = _LIMIT.sub("limit ?", query, count=1)
    if " asc" in query:
        query = _without_asc(query)
    return query


def class_key(query: str) -> str | None:
    """A key that statements with the same fingerprint share: every digit run as one `0`.

    Every digit either becomes `?` or is dropped with a literal or a comment, and a shorter
    digit run never changes where a number, a word or a quoted string ends, so statements that
    differ only in digits fingerprint alike. None where digits do survive or decide (CALL names,
    administrator commands, mysqldump's and the toolkit's marker comments) and for long
    statements (the key would cost memory): fingerprint those directly.
    """
    if len(query) > KEY_MAX_CHARS or query.startswith(("administrator", "SELECT /*!")):
        return None
    if ("/*" in query and ":" in query) or query.lstrip()[:4].lower() == "call":
        return None
    return _DIGIT_RUNS.sub("0", query)


def fingerprint(query: str) -> str:
    """The pt-query-digest fingerprint of one statement as logged (without its final `;`)."""
    special = _special(query)
    if special is not None:
        return special
    if query[:6].upper() in _INSERTS and (shortened := _MULTI_INSERT.match(query)):
        query = shortened.group(1)
    query = _strip_comments(query)
    if query[:4].lower() == "use " and _USE.match(query):
        return _USE.sub("use ?", query, count=1)
    return _normalise(_abstract_literals(query))
