"""Adversarial text shapes for redaction and masking: long runs that backtracking regexes rescan.

Why: `redact()` was quadratic on URL-like input and `mask_text()` on digit groups (seconds for
tens of KB). Each shape repeats one unit to a size; the tests check the output on them (with a
hang guard), bench/redaction_adversarial.py times them from 1 KB to 1 MB.
"""

from __future__ import annotations

SHAPES: dict[str, str] = {
    "url list": "redis://host:port,",
    "empty urls": "a://:",
    "url userinfo": "x://u:p@",
    "digit groups": "1234 5678 ",
    "card groups": "4111 1111 1111 1111 ",
    "phones": "212-555-0100 ",
    "dotted digits": "1.2.",
    "plus digits": "+1 ",
    "ssn-like": "123-45-",
    "fullwidth digits": "１２３４ ",
    "nbsp digits": "1\u00a0",
    "email-like": "a@b.",
    "at signs": "a@",
    "markup local": "[b]a",
    "json pairs": '"email": "a", ',
    "xml tags": "<a>",
    "key=quote": 'password="',
    "prefixed keys": "a_password=",
    "auth lines": "AUTH x\n",
    "sql password": "PASSWORD ",
    "set password": "SET PASSWORD FOR ",
    "acl rules": "ACL SETUSER a >",
    "mysql flags": "mysql -p",
    "jwt-like": "eyJa-",
    "pem begins": "-----BEGIN PRIVATE KEY-----",
    "bearer words": "Bearer ",
    "quotes": "'",
    "literal as name": "'a' AS ",
}


def shaped(unit: str, size: int) -> str:
    """`unit` repeated to `size` characters."""
    return (unit * (size // len(unit) + 1))[:size]
