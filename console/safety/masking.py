"""PII masking: emails keep their domain, phones, cards and SSNs their last 4 digits.

Applied by the data layer to every value that leaves it (rows, statement texts, errors), so
screens, exports and screenshots only ever see masked values. Detection is by value (a PII value
inside free text or a processlist's statement is masked too), by key inside JSON and XML text
(`{"phone": "n/a"}`, `<email>..</email>`) and, for table cells, by column name and by where the
value stands (`mask_cell`): a 10-digit figure in an id, timestamp or numeric column is not a
phone, and a 13-19-digit id is not a card.

Why linear: every pattern is anchored by a lookbehind of its own class or bounds what it takes,
so 1 MB of digits, dots or `@` masks in well under a second (bench/redaction_adversarial.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import pairwise
from typing import Literal

Kind = Literal["secret", "email", "phone", "card", "ssn"]


@cache
def _folding() -> dict[int, str]:
    """Fullwidth forms, Unicode digits, spaces and dashes → ASCII (NFKC, and a few more).

    A card in fullwidth digits, a phone split by non-breaking spaces or an email with a
    fullwidth ＠ reads as its ASCII self, so the detectors below see it.
    """
    table: dict[int, str] = {}
    for code in range(0x80, 0x10000):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Nd":
            table[code] = str(unicodedata.digit(char))
        elif category == "Zs":
            table[code] = " "
        elif 0xFE50 <= code <= 0xFFEF:
            folded = unicodedata.normalize("NFKC", char)
            if len(folded) == 1 and folded.isascii() and folded.isprintable():
                table[code] = folded
    table.update(dict.fromkeys((0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212), "-"))
    table[0x3002] = "."
    return table


def _fold(text: str) -> str:
    return text if text.isascii() else text.translate(_folding())


# --- emails -----------------------------------------------------------------------------------

# RFC 5322 atext, unicode letters and digits too (hypothesis' emails() uses all of it); a Rich
# markup tag inside the local part (`jane[b][/b]@x.com`) is part of it; so is a quoted local
# part ("jane doe"@x.com). The `@` may be URL-encoded (%40); the domain may be an IP literal.
_LOCAL = r"[\w!#$%&'*+/=?^`{|}~.-]"
# An IP literal is an email's only in brackets (RFC 5321): a bare `user@10.0.3.7` is the
# MySQL account and client host every processlist and kill prompt shows, not a person's address.
_EMAIL = re.compile(
    r"(?P<local>(?<![\w\"])\"[^\"\n@]{1,64}\""
    rf"|(?<![\w!#$%&'*+/=?^`{{|}}~.\]-])(?:{_LOCAL}|\[/?\w{{0,16}}\])+)"
    r"(?:@|%40)"
    r"(?P<domain>(?:[^\W_](?:[\w-]{0,62}[^\W_])?\.){1,16}[^\W\d_](?:[\w-]{0,62}[^\W_])?"
    r"|\[(?:IPv6:)?[0-9A-Fa-f:.]{2,45}\])"
)
# Kept in front of the mask: up to the last `=` and its quotes (`WHERE email='jane@x.com'`), or
# the punctuation opening the local part (`'jane@x.com'`); never `*`, so masking is idempotent.
_LEAD = re.compile(r"[!#$%&'+/?^`{|}~.-]*")


def _mask_email(match: re.Match[str]) -> str:
    """jane@x.com → ***@x.com, keeping what opens the local part (`email='`, a quote).

    A SQL text stays readable, and nothing of the person's name survives.
    """
    local, domain = match.group("local"), match.group("domain")
    if local.startswith('"'):
        return "***@" + domain
    head, equals, local = local.rpartition("=")
    lead = _LEAD.match(local)
    return head + equals + (lead.group(0) if lead else "") + "***@" + domain


# --- numbers: SSNs, cards, phones -------------------------------------------------------------

# Digits never touch another digit, a `+`, an `@`, a mask's `*` or a dotted/dashed word, so ids,
# IP addresses, decimals, domains and masks already applied are left alone. Letters may touch a
# card (Luhn-checked) or a phone written with separators ("tel212-555-0100").
_LEFT = r"(?<![0-9_+*@])(?<![\w*][.-])"
_RIGHT = r"(?![0-9@])(?![.-][0-9])"
_SEP = r"[ ._-]{1,2}"
_OPT = r"[ ._-]{0,2}"
# US SSN: 123-45-6789 always; 123456789 / 123 45 6789 only after a word naming it
_SSN_DASHED = re.compile(
    r"(?<![\w*-])(?P<area>\d{3})(?P<sep>-)(?P<group>\d{2})-(?P<serial>\d{4})(?![\w-])"
)
_SSN_PLAIN = re.compile(
    r"(?=\d)(?<![\w*-])(?P<area>\d{3})(?P<sep>[ .]?)(?P<group>\d{2})(?P=sep)"
    r"(?P<serial>\d{4})(?![\w-])"
)
_SSN_CONTEXT = re.compile(r"ssn|social[ _-]?security|\bsocial\b", re.I)
# a whole run of 13+ digits in groups; the card inside it is found by its shape, IIN and Luhn
# (`_mask_card`), so "4111 1111 1111 1111 12/27" still loses its card
_CARD = re.compile(
    rf"(?=\d){_LEFT}(?<!\d[ ._-])(?<!\d[ ._-]{{2}})\d(?:{_OPT}\d){{12,}}(?!{_OPT}\d){_RIGHT}",
    re.ASCII,
)
_GROUP_SPLIT = re.compile(r"([ ._-]{1,2})")
_PHONE = re.compile(
    r"(?=[\d+(])" + _LEFT + r"(?:"
    # international: +44 20 7946 0958, +86 138 0013 8000, +1 (212) 555-0100, +442079460958
    rf"(?P<intl>\+(?:\d{{7,15}}|\d{{1,4}}(?:{_OPT}\(\d{{1,5}}\){_OPT}\d{{1,15}}"
    rf"(?:{_SEP}\d{{1,15}}){{0,8}}"
    rf"|(?:{_SEP}\d{{1,15}}){{1,8}})))"
    # North American: (212) 555-0100, 212.555.0100, 1-212-555-0100, 2125550100
    rf"|(?P<nanp>(?:1{_OPT})?(?:\(\d{{3}}\){_OPT}|\d{{3}}{_OPT})\d{{3}}{_OPT}\d{{4}})"
    # mobile 3-4-4 (138 0013 8000) and national trunk-0 numbers (020 7946 0958, 06 12 34 56 78)
    rf"|1\d{{2}}{_SEP}\d{{4}}{_SEP}\d{{4}}"
    rf"|0\d{{1,4}}(?:{_SEP}\d{{2,4}}){{2,4}}"
    r")" + _RIGHT,
    re.ASCII,
)
# a bare figure after a name saying it is an id, a time or a count is not a phone
_FIGURE_KEY = re.compile(
    r"(?:^|[^\w])(?:id|ts|pid|timestamp|epoch|created|updated|\w*_(?:id|at|ts|time|epoch|ms|count"
    r"|bytes|size|seq|lsn|offset))[\"'`]?[ \t]*(?:=|:|=>)[ \t]*[\"']?$",
    re.I,
)
_DIGITS = re.compile(r"[^0-9]")
# the longest digit run of a cell, separators allowed: "212 555 0100 ext 9" → "212 555 0100"
_DIGIT_RUN = re.compile(r"[0-9](?:[ .()/_-]{0,3}[0-9])*")
_BEARER = re.compile(
    r"(?P<pre>(?<![\w-])[Bb]earer[ \t]+)(?=[A-Za-z0-9._~+/-]{0,4096}[0-9._~+/=-])"
    r"[A-Za-z0-9._~+/-]{8,4096}=*"
)


_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """True when `digits` (only 0-9) passes the Luhn checksum (sums taken in C, for long runs)."""
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(_DOUBLED)
    return (sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)) % 10 == 0


def _mask_ssn(match: re.Match[str]) -> str:
    """123-45-6789 → ***-**-6789; undashed only with "SSN" or "social security" just before."""
    area, group, serial = match.group("area", "group", "serial")
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return match.group(0)
    if match.group("sep") != "-":
        before = match.string[max(0, match.start() - 40) : match.start()]
        if not _SSN_CONTEXT.search(before):
            return match.group(0)
    return "***-**-" + serial


def _card_span(groups: list[str], start: int) -> int | None:
    """End of the groups from `start` that write a 13-19 digit card, or None.

    A card is one run of 13-19 digits or grouped as cards are printed (4-4-4-4[-3], Amex and
    Diners 4-6-5 / 4-6-4), starts with a network's digit (2-6: Mastercard, Amex/Diners/JCB,
    Visa, Mastercard, Discover/UnionPay) and passes Luhn: a millisecond timestamp (1...) or a
    dotted IP list is not one. At most 5 groups are looked at: linear in the run.
    """
    first = groups[start]
    if 13 <= len(first) <= 19:
        return start + 1 if luhn_valid(first) else None
    after = [len(g) for g in groups[start + 1 : start + 5]]
    counts: tuple[int, ...] = ()
    if after[:1] == [6] and after[1:2] in ([4], [5]):
        counts = (3,)
    elif after[:2] == [4, 4] and len(after) > 2 and after[2] <= 4:
        # 4-4-4-4 + 1..3 digits (17-19), or 4-4-4 + 1..4 (13-16): the longer card first
        counts = (5, 4) if after[2] == 4 and len(after) > 3 and after[3] <= 3 else (4,)
    for count in counts:
        if luhn_valid("".join(groups[start : start + count])):
            return start + count
    return None


def _after_figure_key(match: re.Match[str]) -> bool:
    """True when a bare number follows a name saying it is an id, a time or a count."""
    before = match.string[max(0, match.start() - 40) : match.start()]
    return match.group(0).isdigit() and _FIGURE_KEY.search(before) is not None


def _mask_card(match: re.Match[str]) -> str:
    """Each card in a digit run as ****1234, the other groups as they were (not after `id=`)."""
    if _after_figure_key(match):
        return match.group(0)
    parts = _GROUP_SPLIT.split(match.group(0))
    groups, separators = parts[0::2], [*parts[1::2], ""]
    out, index, plain = [], 0, 0
    while index < len(groups):
        group = groups[index]
        end = None
        if group[0] in "23456" and (len(group) == 4 or 13 <= len(group) <= 19):
            end = _card_span(groups, index)
        if end is None:
            index += 1
            continue
        out += [g + s for g, s in zip(groups[plain:index], separators[plain:index], strict=True)]
        out.append("****" + "".join(groups[index:end])[-4:] + separators[end - 1])
        index = plain = end
    if not out:
        return match.group(0)
    out += [g + s for g, s in zip(groups[plain:], separators[plain:], strict=True)]
    return "".join(out)


def _mask_phone(match: re.Match[str]) -> str:
    """A phone as ***-***-1234, unless its shape says otherwise.

    `+1 5` or a 17-digit run in groups is not a phone; a North American number has an area
    code and exchange of 2-9 (so no Unix time is one); a bare figure touching letters or after
    `created_at=` is an id or a time.
    """
    text, string = match.group(0), match.string
    digits = _DIGITS.sub("", text)
    bare = text.isdigit()
    if text.startswith("+") and len(digits) < 8:
        return text
    if text.startswith("0") and not 10 <= len(digits) <= 15:
        return text
    if match.group("nanp") is not None:
        national = digits[1:] if len(digits) == 11 else digits
        if national[0] in "01" or national[3] in "01":
            return text
    touching = (match.start() > 0 and string[match.start() - 1].isalpha()) or (
        match.end() < len(string) and string[match.end()].isalnum()
    )
    if bare and (touching or _after_figure_key(match)):
        return text
    return "***-***-" + digits[-4:]


# --- keyed values inside JSON and XML text ----------------------------------------------------

# "key": "value" / "key": 123 (JSON from json_agg, row_to_json, JSON_OBJECT, JSON_ARRAYAGG) and
# <key>value</key> (table_to_xml, query_to_xml): the key names the kind, whatever the value
_JSON_PAIR = re.compile(
    r'"(?P<key>[^"\\\n]{1,64})"[ \t\n]*:[ \t\n]*'
    r'(?P<value>"(?:[^"\\\n]|\\.){0,4096}"|-?\d[\d.eE+-]{0,40})'
)
_XML_PAIR = re.compile(
    r"<(?P<key>[A-Za-z_][\w.-]{0,63})(?P<attrs>[ \t][^<>]{0,256})?>"
    r"(?P<value>[^<]{0,4096})</(?P=key)>"
)


def _mask_json_pair(match: re.Match[str]) -> str:
    kind = column_kind(match.group("key"))
    if kind is None:
        return match.group(0)
    value = match.group("value")
    raw = value[1:-1] if value.startswith('"') else value
    head = match.group(0)[: match.start("value") - match.start()]
    return head + '"' + mask_kind(kind, raw) + '"'


def _mask_xml_pair(match: re.Match[str]) -> str:
    kind = column_kind(match.group("key"))
    if kind is None:
        return match.group(0)
    key, attrs = match.group("key"), match.group("attrs") or ""
    return f"<{key}{attrs}>{mask_kind(kind, match.group('value'))}</{key}>"


def mask_text(text: str) -> str:
    """Mask every email, SSN, card number, phone number and bearer token inside `text`.

    Unicode digits, spaces and fullwidth forms are folded to ASCII first; JSON and XML values
    are masked by their key; then emails (a local part may be all digits), SSNs, cards (13-19
    digits), phones.

    Why a second pass: a mask can make a new match of its own (`=@a.b@c.d` masks to
    `=***@c.d`, whose `***` now reads as a local part); masked text must mask to itself, so the
    passes repeat until nothing changes (each pass only shortens digits and names to `***`, so
    it settles in two or three; the bound keeps it linear).
    """
    for _ in range(4):
        masked = _mask_once(text)
        if masked == text:
            break
        text = masked
    return text


def _mask_once(text: str) -> str:
    """One pass of every detector over `text`."""
    if not text:
        return text
    text = _fold(text)
    if '"' in text:
        text = _JSON_PAIR.sub(_mask_json_pair, text)
    if "</" in text:
        text = _XML_PAIR.sub(_mask_xml_pair, text)
    if "@" in text or "%40" in text:
        text = _EMAIL.sub(_mask_email, text)
    if "-" in text:
        text = _SSN_DASHED.sub(_mask_ssn, text)
    lower = text.lower()
    if "ssn" in lower or "social" in lower:
        text = _SSN_PLAIN.sub(_mask_ssn, text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(_mask_phone, text)
    if "earer" in text:
        text = _BEARER.sub(r"\g<pre>***", text)
    return text


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def mask_setting(value: str) -> str:
    """A server setting, plan cell or counter: masked unless it is a plain number.

    A bare 10-digit figure (max_binlog_size = 1073741824, rows = 2147483648) is not a phone;
    PII in a table cell always goes through mask_text.
    """
    return value if _NUMBER.fullmatch(value) else mask_text(value)


def mask_optional(text: str | None) -> str | None:
    """`mask_text` for values that may be absent."""
    return None if text is None else mask_text(text)


# --- by column name ---------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string, so that word lists stay compact."""
    return frozenset(text.split())


_SECRET_WORDS = _words(
    "password passwd pwd pw pass passphrase secret secrets token apikey cvv cvv2 cvc cvc2 csc pin"
    " otp totp salt privatekey credential credentials"
)
_SECRET_PAIRS = (("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"))
_CARD_WORDS = _words("card cards pan creditcard cardnumber cardno cardnum ccnumber ccnum ccn")
_PHONE_WORDS = _words("phone tel telephone mobile msisdn fax cellphone")
_MAIL_WORDS = _words("mail email emails mailaddr mailaddress")
# the last word of a column holding figures: ids, times, counts, sizes (never PII by value)
_FIGURE_WORDS = _words(
    "id ids uid gid pid xid lsn at ts time timestamp epoch ms us ns date seq sequence version"
    " count size bytes rows offset port"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _column_words(column: str) -> tuple[str, ...]:
    """`userEmail`, `card-number`, `PHONE_NO` → lower-case words."""
    return tuple(w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", column).lower()) if w)


@lru_cache(maxsize=4096)
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


@lru_cache(maxsize=4096)
def holds_figures(column: str) -> bool:
    """True when a column's name says it holds ids, times or counts (`id`, `user_id`, `created_at`,
    `ts`): a bare number there is not a phone or a card.
    """
    words = _column_words(column)
    return bool(words) and words[-1] in _FIGURE_WORDS


def _last_four(value: str) -> str | None:
    """The last 4 digits of the longest digit run in `value`, or None below 4 digits."""
    runs = [_DIGITS.sub("", run) for run in _DIGIT_RUN.findall(_fold(value))]
    longest = max(reversed(runs), key=len, default="")
    return longest[-4:] if len(longest) >= 4 else None


def _mask_email_cell(value: str) -> str:
    """Every address in the cell as ***@domain; a malformed one as a bare ***."""
    domains = [m.group("domain") for m in _EMAIL.finditer(_fold(value))]
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


def mask_cell(
    column: str, value: str | None, *, kind: Kind | None = None, figure: bool = False
) -> str | None:
    """Mask one table cell: by its kind (its column's name, or `kind` from the statement that
    made it, e.g. `SELECT ssn AS id_no`), else by its value, unless it is a figure.

    A phone stored as "212 555 0100 ext 9" or a card with odd spacing escapes the value
    detectors; the column name does not. A plain number in a typed numeric column (`figure`) or
    in an id/time/count column (`created_at`, `order_id`) is left as it is: 1717171717 is a
    time, not a phone.
    """
    if value is None:
        return None
    kind = kind or column_kind(column)
    if kind is not None:
        return mask_kind(kind, value)
    if (figure or holds_figures(column)) and _NUMBER.fullmatch(value):
        return value
    return mask_text(value)


def mask_row(
    columns: Sequence[str],
    row: Sequence[str | None],
    kinds: Sequence[Kind | None] | None = None,
    figures: Sequence[bool] | None = None,
) -> tuple[str | None, ...]:
    """`mask_cell` over a row; `columns`, `row` (and `kinds`, `figures`) are the same length."""
    kinds = kinds if kinds is not None else [None] * len(columns)
    figures = figures if figures is not None else [False] * len(columns)
    return tuple(
        mask_cell(column, value, kind=kind, figure=figure)
        for column, value, kind, figure in zip(columns, row, kinds, figures, strict=True)
    )
