"""Credential redaction for every error message, log line and export.

Two nets: patterns (passwords in DSNs and key=value pairs, IDENTIFIED BY, AWS keys, bearer
tokens) and the exact values of every secret the data layer has resolved in this process.
"""

from __future__ import annotations

import re
import threading

MASK = "***"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # scheme://user:password@host
    # (anchored on the left: without it a long token is rescanned from every position)
    (
        re.compile(r"(?<![a-z0-9+.-])(?P<pre>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?=@)", re.I),
        r"\g<pre>" + MASK,
    ),
    # password=..., passwd: ..., pwd ..., token=..., secret=... (quoted or not)
    (
        re.compile(
            r"(?P<pre>\b(?:password|passwd|pwd|pass|token|secret|api[_-]?key|auth)\b"
            r"[\"']?\s*[=:]\s*)(?P<q>[\"']?)[^\s\"',;&)]+(?P=q)",
            re.I,
        ),
        r"\g<pre>\g<q>" + MASK + r"\g<q>",
    ),
    # IDENTIFIED BY 'x' / PASSWORD 'x' in SQL
    (
        re.compile(r"(?P<pre>\b(?:IDENTIFIED\s+(?:WITH\s+\S+\s+)?BY|PASSWORD)\s+)'[^']*'", re.I),
        r"\g<pre>'" + MASK + "'",
    ),
    # AWS access key ids and secret keys
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), MASK),
    (re.compile(r"(?P<pre>aws_secret_access_key\s*[=:]\s*)\S+", re.I), r"\g<pre>" + MASK),
    # Authorization: Bearer xxx
    (re.compile(r"(?P<pre>\bBearer\s+)[A-Za-z0-9._~+/-]+=*", re.I), r"\g<pre>" + MASK),
    # redis AUTH user pass / AUTH pass
    # (the command word exactly, never a title like "Auth (8)"; never across lines)
    (re.compile(r"(?P<pre>\b(?:AUTH|auth)[ \t]+)[^\s(]\S*(?:[ \t]+\S+)?"), r"\g<pre>" + MASK),
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
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
