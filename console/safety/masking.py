"""PII masking: emails keep their domain, phones and card numbers their last 4 digits.

Applied by the data layer to every value that leaves it (rows, statement texts, errors), so
screens, exports and screenshots only ever see masked values. Detection is by value: a PII
value inside free text or a processlist's statement is masked too.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@(?P<domain>[A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# 13-19 digits, optionally separated by single spaces or dashes: card candidates (Luhn-checked)
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# North-American and international phone shapes: +1 (212) 555-0100, 212-555-0100, 2125550100
_PHONE = re.compile(
    r"(?<![\w-])(?:\+?\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}(?![\w-])"
)


def luhn_valid(digits: str) -> bool:
    """True when `digits` (only 0-9) passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if not luhn_valid(digits):
        return match.group(0)
    return "****" + digits[-4:]


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "***-***-" + digits[-4:]


def mask_text(text: str) -> str:
    """Mask every email, Luhn-valid card number and phone number inside `text`."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: "***@" + m.group("domain"), text)
    text = _CARD.sub(_mask_card, text)
    return _PHONE.sub(_mask_phone, text)


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def mask_setting(value: str) -> str:
    """A server setting, plan cell or counter: masked unless it is a plain number.

    A bare 10-digit figure (max_binlog_size = 1073741824, rows = 2147483648) is not a phone;
    PII in a table cell always goes through mask_text.
    """
    return value if _NUMBER.fullmatch(value) else mask_text(value)


def mask_optional(text: str | None) -> str | None:
    """`mask_text` for values that may be absent."""
    return None if text is None else mask_text(text)
