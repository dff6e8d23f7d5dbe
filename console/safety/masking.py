"""PII masking: emails keep their domain, phones and card numbers their last 4 digits.

Applied by the data layer to every value that leaves it (rows, statement texts, errors), so
screens, exports and screenshots only ever see masked values. Detection is by value (a PII value
inside free text or a processlist's statement is masked too) and, for table cells, by column name
(`mask_cell`), which also catches values whose shape the value detectors would miss.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Literal

# RFC 5322 atext, unicode letters and digits too (hypothesis' emails() uses all of it).
_LOCAL = r"[\w!#$%&'*+/=?^`{|}~.-]"
_EMAIL = re.compile(
    rf"(?<!{_LOCAL})(?P<local>{_LOCAL}+)@"
    r"(?P<domain>(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_](?:[\w-]*[^\W_])?)"
)
# Kept in front of the mask: up to the last `=` and its quotes (`WHERE email='jane@x.com'`), or
# the punctuation opening the local part (`'jane@x.com'`); never `*`, so masking is idempotent.
_LEAD = re.compile(r"[!#$%&'+/?^`{|}~.-]*")

# Digits never touch a word, a `+`, an `@`, a mask's `*` or a dotted/dashed word, so ids, IP
# addresses, decimals, domains and masks already applied are left alone.
_LEFT = r"(?<![\w+*@])(?<![\w*][.-])"
_RIGHT = r"(?![\w@])(?![.-]\w)"
# a whole run of 13+ digits in groups split by single spaces or dashes; the card inside it is
# found by Luhn (`_mask_card`), so "4111 1111 1111 1111 12/27" still loses its card
_CARD = re.compile(rf"{_LEFT}(?<!\d[ -])\d(?:[ -]?\d){{12,}}(?![ -]?\d){_RIGHT}", re.ASCII)
_GROUP_SPLIT = re.compile(r"([ -])")
_PHONE = re.compile(
    _LEFT + r"(?:"
    # international: +44 20 7946 0958, +86 138 0013 8000, +1 (212) 555-0100, +442079460958
    r"\+(?:\d{7,15}|\d{1,4}(?:[ .-]?\(\d{1,5}\)[ .-]?\d{1,15})?(?:[ .-]\d{1,15})*)"
    # North American: (212) 555-0100, 212.555.0100, 1-212-555-0100, 2125550100
    r"|(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}"
    # mobile 3-4-4 (138 0013 8000) and national trunk-0 numbers (020 7946 0958, 06 12 34 56 78)
    r"|1\d{2}[ -]\d{4}[ -]\d{4}"
    r"|0\d{1,4}(?:[ -]\d{2,4}){2,4}"
    r")" + _RIGHT,
    re.ASCII,
)
_DIGITS = re.compile(r"[^0-9]")
# the longest digit run of a cell, separators allowed: "212 555 0100 ext 9" → "212 555 0100"
_DIGIT_RUN = re.compile(r"[0-9](?:[ .()/-]{0,3}[0-9])*")


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


def _mask_email(match: re.Match[str]) -> str:
    """jane@x.com → ***@x.com, keeping what opens the local part (`email='`, a quote).

    A SQL text stays readable, and nothing of the person's name survives.
    """
    head, equals, local = match.group("local").rpartition("=")
    lead = _LEAD.match(local)
    return head + equals + (lead.group(0) if lead else "") + "***@" + match.group("domain")


def _card_span(groups: list[str], start: int) -> int | None:
    """End of the longest run of groups from `start` that is a Luhn-valid 13-19 digit card."""
    found, size = None, 0
    for end in range(start, len(groups)):
        size += len(groups[end])
        if size > 19:
            break
        digits = "".join(groups[start : end + 1])
        if size >= 13 and luhn_valid(digits):
            found = end + 1
    return found


def _mask_card(match: re.Match[str]) -> str:
    """Each Luhn-valid card in a digit run as ****1234, the other groups as they were."""
    parts = _GROUP_SPLIT.split(match.group(0))
    groups, separators = parts[0::2], [*parts[1::2], ""]
    out, index = [], 0
    while index < len(groups):
        end = _card_span(groups, index)
        if end is None:
            out.append(groups[index] + separators[index])
            index += 1
        else:
            out.append("****" + "".join(groups[index:end])[-4:] + separators[end - 1])
            index = end
    return "".join(out)


def _mask_phone(match: re.Match[str]) -> str:
    """A phone as ***-***-1234; a `+` or trunk-0 shape with an implausible digit count stays.

    `+1 5` or a 17-digit run in groups is not a phone, and masking it would only hide data.
    """
    text = match.group(0)
    digits = _DIGITS.sub("", text)
    if text.startswith("+") and len(digits) < 8:
        return text
    if text.startswith("0") and not 10 <= len(digits) <= 15:
        return text
    return "***-***-" + digits[-4:]


def mask_text(text: str) -> str:
    """Mask every email, Luhn-valid card number and phone number inside `text`.

    Emails go first (a local part may be all digits), then cards (13-19 digits), then phones.
    """
    if not text:
        return text
    text = _EMAIL.sub(_mask_email, text)
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


Kind = Literal["secret", "email", "phone", "card", "ssn"]


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string, so that word lists stay compact."""
    return frozenset(text.split())


_SECRET_WORDS = _words(
    "password passwd pwd pass passphrase secret secrets token apikey cvv cvv2 cvc cvc2 csc pin"
    " otp totp salt privatekey credential credentials"
)
_SECRET_PAIRS = (("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"))
_CARD_WORDS = _words("card cards pan creditcard cardnumber cardno cardnum ccnumber ccnum ccn")
_PHONE_WORDS = _words("phone tel telephone mobile msisdn fax cellphone")
_MAIL_WORDS = _words("mail email emails mailaddr mailaddress")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _column_words(column: str) -> tuple[str, ...]:
    """`userEmail`, `card-number`, `PHONE_NO` → lower-case words."""
    return tuple(w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", column).lower()) if w)


def column_kind(column: str) -> Kind | None:
    """The kind of PII a column holds judging by its name alone, or None.

    Names are split into words, so `company` is not a `pan` and `hotel` is not a `tel`.
    """
    words = _column_words(column)
    joined = "".join(words)
    pairs = set(pairwise(words))
    if any(w in _SECRET_WORDS or "password" in w or w.endswith("token") for w in words) or any(
        pair in pairs for pair in _SECRET_PAIRS
    ):
        return "secret"
    if any(w in _MAIL_WORDS or "email" in w for w in words):
        return "email"
    if any(w in _CARD_WORDS for w in words) or ("cc" in words and "number" in joined):
        return "card"
    if "ssn" in words or "socialsecurity" in joined:
        return "ssn"
    if any(w in _PHONE_WORDS or w.endswith("phone") for w in words):
        return "phone"
    return None


def _last_four(value: str) -> str | None:
    """The last 4 digits of the longest digit run in `value`, or None below 4 digits."""
    runs = [_DIGITS.sub("", run) for run in _DIGIT_RUN.findall(value)]
    longest = max(reversed(runs), key=len, default="")
    return longest[-4:] if len(longest) >= 4 else None


def _mask_email_cell(value: str) -> str:
    """Every address in the cell as ***@domain; a malformed one as a bare ***."""
    domains = [m.group("domain") for m in _EMAIL.finditer(value)]
    if domains:
        return ", ".join("***@" + domain for domain in domains)
    domain = value.rpartition("@")[2].strip()
    return "***@" + domain if "@" in value and re.fullmatch(r"[\w.-]+", domain) else "***"


def mask_kind(kind: Kind, value: str) -> str:
    """Mask the whole of `value` as the given kind of PII, whatever its shape."""
    if kind == "secret":
        return "***"
    if not value:
        return value
    if kind == "email":
        return _mask_email_cell(value)
    last = _last_four(value)
    if last is None:
        return "***"
    return {"phone": "***-***-", "card": "****", "ssn": "***-**-"}[kind] + last


def mask_cell(column: str, value: str | None) -> str | None:
    """Mask one table cell: by its column's name when that names PII, else by its value.

    A phone stored as "212 555 0100 ext 9" or a card with odd spacing escapes the value
    detectors; the column name does not.
    """
    if value is None:
        return None
    kind = column_kind(column)
    return mask_text(value) if kind is None else mask_kind(kind, value)


def mask_row(columns: Sequence[str], row: Sequence[str | None]) -> tuple[str | None, ...]:
    """`mask_cell` over a row; `columns` and `row` must be the same length."""
    return tuple(mask_cell(column, value) for column, value in zip(columns, row, strict=True))
