"""A generated corpus for masking in both directions: PII that must go, figures that must stay.

Why: masking failed both ways (split or disguised PII passed; 10-digit times became phones and
~10 % of long ids became cards). `rates()` measures false negatives on PII and false positives on
ids, timestamps and other figures, by value in free text and by where a value stands (its column,
its type) in table cells. The test asserts the rates; bench/masking_corpus.py records them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from console.safety.masking import mask_cell, mask_text

SEED = 20261205
FULLWIDTH = str.maketrans("0123456789@", "０１２３４５６７８９＠")


def luhn_complete(partial: str) -> str:
    """`partial` with its Luhn check digit appended (independent of the module's checker)."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return partial + str(-total % 10)


@dataclass(frozen=True, slots=True)
class Pii:
    """A PII value as written, and what of it must not survive (digits are compared alone)."""

    kind: str
    written: str
    secret: str


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def cards(rng: random.Random) -> list[Pii]:
    prefixes = [("4", 16), ("4", 13), ("51", 16), ("2221", 16), ("37", 15), ("6011", 16)]
    separators = ["", " ", "-", ".", "_", "\u00a0", "  ", "\u2009"]
    out = []
    for _ in range(60):
        prefix, length = rng.choice(prefixes)
        rest = "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
        number = luhn_complete(prefix + rest)
        sep = rng.choice(separators)
        if length == 15:
            written = sep.join((number[:4], number[4:10], number[10:]))
        else:
            written = sep.join(number[i : i + 4] for i in range(0, length, 4))
        if rng.random() < 0.15:
            written = written.translate(FULLWIDTH)
        out.append(Pii("card", written, number[:-4]))
    return out


def phones(rng: random.Random) -> list[Pii]:
    shapes = [
        "({a}) {e}-{l}",
        "{a}-{e}-{l}",
        "{a}.{e}.{l}",
        "{a}_{e}_{l}",
        "{a}\u00a0{e}\u00a0{l}",
        "{a}  {e}  {l}",
        "+1 {a} {e} {l}",
        "1-{a}-{e}-{l}",
        "{a}{e}{l}",
        "tel{a}-{e}-{l}",
        "+44 20 {e}{l}",
        "+86 138 {l} {l}",
    ]
    out = []
    for _ in range(60):
        area, exchange = str(rng.randint(201, 989)), str(rng.randint(201, 999))
        line = f"{rng.randint(0, 9999):04d}"
        written = rng.choice(shapes).format(a=area, e=exchange, l=line)
        if rng.random() < 0.15:
            written = written.translate(FULLWIDTH)
        out.append(Pii("phone", written, _digits(written)[:-4]))
    return out


def emails(rng: random.Random) -> list[Pii]:
    names = ["jane.doe", "o'brien", "j+tag", "ANA_MARIA", "li.wei99", "x-y"]
    shapes = [
        "{n}@example.com",
        "{n}%40example.com",
        "{n}@[192.0.2.7]",
        "{n}@[IPv6:2001:db8::7]",
        "{n}＠example.com",
        '"{n} q"@example.com',
        "{n}[b][/b]@example.com",
        "{n}@mail.co.uk",
    ]
    out = []
    for _ in range(48):
        name = rng.choice(names)
        out.append(Pii("email", rng.choice(shapes).format(n=name), name))
    return out


def ssns(rng: random.Random) -> list[Pii]:
    out = []
    for _ in range(30):
        area, group, serial = rng.randint(1, 665), rng.randint(1, 99), rng.randint(1, 9999)
        dashed = f"{area:03d}-{group:02d}-{serial:04d}"
        written = rng.choice([dashed, f"SSN {area:03d}{group:02d}{serial:04d}"])
        out.append(Pii("ssn", written, f"{area:03d}{group:02d}"))
    return out


def tokens(rng: random.Random) -> list[Pii]:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    out = []
    for _ in range(20):
        token = "".join(rng.choice(alphabet) for _ in range(32)) + "9"
        out.append(Pii("bearer", f"Authorization: Bearer {token}", token))
    return out


def pii(rng: random.Random) -> list[Pii]:
    return [*cards(rng), *phones(rng), *emails(rng), *ssns(rng), *tokens(rng)]


# figures: (column, value) that masking must leave exactly as they are
def figures(rng: random.Random) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for _ in range(100):
        unix = str(rng.randint(10**9, 2 * 10**9))
        out.append((rng.choice(["created_at", "updated_at", "ts", "epoch"]), unix))
        out.append((rng.choice(["event_ts", "logged_at"]), str(rng.randint(10**12, 2 * 10**12))))
        size = rng.randint(13, 19)
        number = str(rng.randint(10 ** (size - 1), 10**size - 1))
        out.append((rng.choice(["id", "order_id", "trace_id", "user_id"]), number))
        out.append((rng.choice(["id", "account_id"]), str(rng.randint(10**9, 10**10 - 1))))
    return out


# free-text contexts for figures: `created_at=1717171717` and the like
def figure_texts(rng: random.Random) -> list[str]:
    return [f"{column}={value}" for column, value in figures(rng)]


# harmless texts the value detectors must leave alone
HARMLESS = (
    "2024-01-15 10:23:45.123456",
    "host 10.100.200.250:3306",
    "pi 3.1415926535",
    "uuid 550e8400-e29b-41d4-a716-446655440000",
    "mysql-bin.000123 version 8.0.35-27",
    "replicas 203.0.113.5 203.0.113.6 203.0.113.7 203.0.113.8",
    "sha 9f86d081884c7d659a2feaa0c55ad015",
    "Auth (8)",
    "password reset page",
    "order-2125550100",
    "lsn 0/16B3748",
    "x = 1.5e10",
)


@dataclass(frozen=True, slots=True)
class Rates:
    pii_total: int
    text_misses: list[str]
    cell_misses: list[str]
    figure_total: int
    cell_false: list[str]
    typed_false: list[str]
    text_false: list[str]
    harmless_false: list[str]
    bare_ids_total: int
    bare_ids_masked: int


def _survives(masked: str, item: Pii) -> bool:
    if item.kind in ("card", "phone", "ssn"):
        return item.secret in _digits(masked)
    return item.secret in masked


def rates(seed: int = SEED) -> Rates:
    """Run the whole corpus once; every list holds the failing values."""
    rng = random.Random(seed)
    items = pii(rng)
    text_misses = [i.written for i in items if _survives(mask_text(f"note: {i.written} end"), i)]
    cell = [i for i in items if _survives(mask_cell("note", i.written) or "", i)]
    found = figures(rng)
    masked_cell: Callable[[str, str], str | None] = mask_cell
    cell_false = [f"{c}={v}" for c, v in found if masked_cell(c, v) != v]
    typed_false = [v for _, v in found if mask_cell("value", v, figure=True) != v]
    text_false = [t for t in figure_texts(rng) if mask_text(t) != t]
    harmless_false = [t for t in HARMLESS if mask_text(t) != t]
    bare = [v for _, v in found]
    bare_masked = sum(1 for v in bare if mask_text(f"see {v} here") != f"see {v} here")
    return Rates(
        len(items),
        text_misses,
        [i.written for i in cell],
        len(found),
        cell_false,
        typed_false,
        text_false,
        harmless_false,
        len(bare),
        bare_masked,
    )
