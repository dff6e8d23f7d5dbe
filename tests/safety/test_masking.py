"""PII masking: generated emails, phones and cards never survive; domains and last 4 digits do.

Issue 11: classes 3 (JSON/XML/aggregates), 8 (holes and over-masking) and 9 (linear).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.safety.masking import (
    column_kind,
    luhn_valid,
    mask_cell,
    mask_optional,
    mask_row,
    mask_setting,
    mask_text,
)
from tests.safety import masking_corpus
from tests.safety.adversarial_shapes import SHAPES, shaped


def digits(size: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=size, max_size=size)


def luhn_complete(partial: str) -> str:
    """`partial` with its Luhn check digit appended (computed apart from the module's checker)."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return partial + str(-total % 10)


@st.composite
def us_phones(draw: st.DrawFn) -> str:
    """A NANP number in one of the shapes people type."""
    area = str(draw(st.integers(200, 999)))
    exchange = str(draw(st.integers(200, 999)))
    line = draw(digits(4))
    shape = draw(
        st.sampled_from(
            [
                "({a}) {e}-{l}",
                "{a}-{e}-{l}",
                "{a}.{e}.{l}",
                "{a} {e} {l}",
                "{a}{e}{l}",
                "1-{a}-{e}-{l}",
                "+1-{a}-{e}-{l}",
                "+1 ({a}) {e}-{l}",
                "+1{a}{e}{l}",
            ]
        )
    )
    return shape.format(a=area, e=exchange, l=line)


@st.composite
def international_phones(draw: st.DrawFn) -> str:
    """+<country> then the national number in groups of 2-4 digits."""
    country = draw(st.sampled_from(["44", "86", "33", "49", "81", "91", "61", "55", "7", "353"]))
    national = draw(st.integers(1, 9).map(str)) + draw(
        st.text("0123456789", min_size=7, max_size=14 - len(country))
    )
    separator = draw(st.sampled_from([" ", "-", ".", ""]))
    groups, rest = [], national
    while rest:
        size = draw(st.integers(2, 4))
        groups.append(rest[:size])
        rest = rest[size:]
    return f"+{country} " + separator.join(groups)


# (prefix, length): Visa 13/16/19, Mastercard 51-55 and 2221, Amex 34/37, Discover, JCB
CARD_SHAPES = [
    ("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("37", 15),
    ("34", 15), ("6011", 16), ("35", 17),
]  # fmt: skip


@st.composite
def cards(draw: st.DrawFn) -> str:
    """A Luhn-valid card number: contiguous, or grouped by spaces or dashes."""
    prefix, length = draw(st.sampled_from(CARD_SHAPES))
    number = luhn_complete(prefix + draw(digits(length - len(prefix) - 1)))
    separator = draw(st.sampled_from(["", " ", "-"]))
    if length == 15:
        return separator.join((number[:4], number[4:10], number[10:]))
    return separator.join(number[i : i + 4] for i in range(0, length, 4))


phones = st.one_of(us_phones(), international_phones())
# a local part of stars only is indistinguishable from its own mask ("*@x.com" in "***@x.com")
emails = st.emails().filter(lambda email: email.partition("@")[0].strip("*") != "")
noise = st.text(max_size=40)


def last4(value: str) -> str:
    return re.sub(r"\D", "", value)[-4:]


@settings(max_examples=300)
@given(emails, phones, cards(), noise, noise)
def test_pii_in_a_statement_never_survives(
    email: str, phone: str, card: str, before: str, after: str
) -> None:
    statement = (
        f"{before} SELECT * FROM members WHERE email = '{email}' AND note = 'call {phone}'"
        f" AND card = '{card}' {after}"
    )
    masked = mask_text(statement)
    assert email not in masked and phone not in masked and card not in masked
    domain = email.rpartition("@")[2]
    assert "***@" + domain in masked
    assert "****" + last4(card) in masked
    assert last4(phone) in masked


@given(emails)
def test_an_email_keeps_only_its_domain(email: str) -> None:
    assert mask_text(email).endswith("***@" + email.rpartition("@")[2])
    assert email not in mask_text(email)


@given(us_phones())
def test_a_us_phone_keeps_only_its_last_four_digits(phone: str) -> None:
    assert mask_text(f"call {phone} now") == f"call ***-***-{last4(phone)} now"


@given(international_phones())
def test_an_international_phone_keeps_its_last_four_digits(phone: str) -> None:
    masked = mask_text(f"tel: {phone}")
    assert phone not in masked and masked.endswith(last4(phone))


@given(cards())
def test_a_card_keeps_only_its_last_four_digits(card: str) -> None:
    assert mask_text(f"card={card};") == f"card=****{last4(card)};"


@given(digits(15), st.sampled_from(["", " ", "-"]))
def test_a_non_luhn_order_number_is_not_a_card(body: str, separator: str) -> None:
    valid = luhn_complete(body)
    number = body + str((int(valid[-1]) + 1) % 10)
    assert not luhn_valid(number)
    shaped = separator.join(number[i : i + 4] for i in range(0, 16, 4))
    masked = mask_text(f"order_no = '{shaped}'")
    assert "****" not in masked
    if not separator:
        assert masked == f"order_no = '{shaped}'"


fragments = st.one_of(
    emails, phones, cards(), st.text(), st.text(" '=-.+()@*0123456789aZ:_", max_size=12)
)


@settings(max_examples=500)
@given(st.lists(fragments, max_size=8).map("".join))
def test_masking_is_idempotent(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once


@given(st.text())
def test_arbitrary_text_is_masked_idempotently(text: str) -> None:
    assert mask_text(mask_text(text)) == mask_text(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+44 20 7946 0958", "***-***-0958"),
        ("+86 138 0013 8000", "***-***-8000"),
        ("(212) 555-0100", "***-***-0100"),
        ("212.555.0100", "***-***-0100"),
        ("+1-212-555-0100", "***-***-0100"),
        ("+1 (212) 555-0100", "***-***-0100"),
        ("020 7946 0958", "***-***-0958"),
        ("0044 20 7946 0958", "***-***-0958"),
        ("4111 1111 1111 1111", "****1111"),
        ("4111-1111-1111-1111", "****1111"),
        ("3782 822463 10005", "****0005"),
        ("WHERE email='jane.doe@example.com'", "WHERE email='***@example.com'"),
        ("WHERE email = 'o''brien@example.com'", "WHERE email = '***@example.com'"),
        ('{"email": "jane@example.com"}', '{"email": "***@example.com"}'),
        ("session:2125550100", "session:***-***-0100"),
    ],
)
def test_known_shapes(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1234567812345678",  # a 16-digit order number that fails Luhn
        "2024-01-15 10:23:45.123456",
        "host 10.100.200.250:3306",
        "pi 3.1415926535",
        "order-2125550100",
        "uuid 550e8400-e29b-41d4-a716-446655440000",
        "mysql-bin.000123 version 8.0.35-27",
        "",
    ],
)
def test_ordinary_values_are_left_alone(text: str) -> None:
    assert mask_text(text) == text


def test_settings_and_optional_values() -> None:
    assert mask_setting("1073741824") == "1073741824"
    assert mask_setting("admin jane@example.com") == "admin ***@example.com"
    assert mask_optional(None) is None
    assert mask_optional("jane@example.com") == "***@example.com"


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("email", "jane@example.com", "***@example.com"),
        ("userEmail", "a@b.co; c@d.org", "***@b.co, ***@d.org"),
        ("e_mail", "not an address", "***"),
        ("phone", "212 555 0100 ext 9", "***-***-0100"),
        ("mobile_no", "+86 138 0013 8000", "***-***-8000"),
        ("tel", "555-0100", "***-***-0100"),
        ("msisdn", "8613800138000", "***-***-8000"),
        ("card_number", "4111 1111 1111 1112", "****1112"),  # not Luhn-valid: the name decides
        ("CCNumber", "4111  1111  1111  1111", "****1111"),
        ("pan", "************1111", "****1111"),
        ("cvv", "123", "***"),
        ("CVC", "", "***"),
        ("ssn", "123-45-6789", "***-**-6789"),
        ("password", "hunter2", "***"),
        ("password_hash", "$2y$10$abcdef", "***"),
        ("api_key", "k-123", "***"),
        ("refresh_token", "x", "***"),
        ("phone", "", ""),
        ("phone", "n/a", "***"),
        ("company", "Acme, call 2125550100", "Acme, call ***-***-0100"),
        ("hotel", "Hilton", "Hilton"),
        ("note", None, None),
        ("phone", None, None),
    ],
)
def test_mask_cell_by_column_name(column: str, value: str | None, expected: str | None) -> None:
    assert mask_cell(column, value) == expected


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("company", None),
        ("hotel", None),
        ("tokens_used", None),
        ("cc_email", "email"),
        ("cc_number", "card"),
        ("creditCard", "card"),
        ("mailAddress", "email"),
        ("cellphone", "phone"),
        ("social_security_number", "ssn"),
        ("secret_key", "secret"),
    ],
)
def test_column_kind_splits_words(column: str, kind: str | None) -> None:
    assert column_kind(column) == kind


def test_mask_row() -> None:
    row = mask_row(("id", "email", "phone", "notes"), ("7", "j@x.com", "2125550100", None))
    assert row == ("7", "***@x.com", "***-***-0100", None)
    with pytest.raises(ValueError, match="zip"):
        mask_row(("a",), ("1", "2"))


# --- issue 11, class 8: split and disguised PII, and figures that are not PII ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4111.1111.1111.1111", "****1111"),
        ("4111_1111_1111_1111", "****1111"),
        ("4111\u00a01111\u00a01111\u00a01111", "****1111"),
        ("4111  1111  1111  1111", "****1111"),
        ("４１１１１１１１１１１１１１１１", "****1111"),
        ("card4111111111111111;", "card****1111;"),
        ("212.555.0100", "***-***-0100"),
        ("212_555_0100", "***-***-0100"),
        ("212\u00a0555\u00a00100", "***-***-0100"),
        ("212  555  0100", "***-***-0100"),
        ("２１２-５５５-０１００", "***-***-0100"),
        ("tel212-555-0100now", "tel***-***-0100now"),
        ("jane.doe%40example.com", "***@example.com"),
        ("jane@[192.0.2.7]", "***@[192.0.2.7]"),
        ("jane@[IPv6:2001:db8::7]", "***@[IPv6:2001:db8::7]"),
        ("kill salesorder_app@10.0.3.7", "kill salesorder_app@10.0.3.7"),  # an account, no email
        ("jane＠example.com", "***@example.com"),
        ('"jane doe"@example.com', "***@example.com"),
        ("jane.doe[b][/b]@example.com", "***@example.com"),
        ("ssn 123-45-6789", "ssn ***-**-6789"),
        ("SSN: 123456789", "SSN: ***-**-6789"),
        ("social security 123 45 6789", "social security ***-**-6789"),
        ("Authorization: Bearer abc123def456ghi789", "Authorization: Bearer ***"),
    ],
)
def test_class8_split_and_disguised_pii_is_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "created_at=1717171717",
        "ts: 1717171717000",
        "order_id=4539578763621486",
        "epoch 1717171717",  # no area code starts with 1: never a phone
        "id 123456789",  # 9 digits with no SSN named: an id
        "uptime 1717171717123 ms",  # a millisecond time starts with 1: never a card
        "000-12-3456",  # not an SSN (area 000)
    ],
)
def test_class8_figures_are_not_phones_cards_or_ssns(text: str) -> None:
    assert mask_text(text) == text


@pytest.mark.parametrize(
    ("column", "value", "figure", "expected"),
    [
        ("created_at", "1717171717", False, "1717171717"),
        ("ts", "1717171717000", False, "1717171717000"),
        ("order_id", "4539578763621486", False, "4539578763621486"),
        ("amount", "2125550100", True, "2125550100"),
        ("note", "2125550100", False, "***-***-0100"),
        ("user_id", "jane@example.com", False, "***@example.com"),  # not a number: masked
        ("phone_id", "2125550100", True, "***-***-0100"),  # the name says phone: masked anyway
    ],
)
def test_class8_a_value_is_masked_by_where_it_stands(
    column: str, value: str, figure: bool, expected: str
) -> None:
    assert mask_cell(column, value, figure=figure) == expected


def test_class8_the_source_kind_masks_a_renamed_column() -> None:
    row = mask_row(("x", "id_no", "n"), ("hunter2", "123-45-6789", "7"), ("secret", "ssn", None))
    assert row == ("***", "***-**-6789", "7")


def test_class8_masking_corpus_both_directions() -> None:
    rates = masking_corpus.rates()
    assert rates.text_misses == [] and rates.cell_misses == []
    assert rates.cell_false == [] and rates.typed_false == [] and rates.text_false == []
    assert rates.harmless_false == []


# --- issue 11, class 3: values inside JSON, XML and aggregated text ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[{"id":1,"email":"jane@example.com","phone":2125550100,"password":"pw","ssn":"123456789"}]',
            '[{"id":1,"email":"***@example.com","phone":"***-***-0100","password":"***","ssn":"***-**-6789"}]',
        ),
        (
            '{"contact": {"mobile_no": "n/a", "note": "hi"}}',
            '{"contact": {"mobile_no": "***", "note": "hi"}}',
        ),
        (
            "<row><email>jane@example.com</email><phone>n/a</phone><name>Jane</name></row>",
            "<row><email>***@example.com</email><phone>***</phone><name>Jane</name></row>",
        ),
        ("jane@example.com,bob@example.org", "***@example.com,***@example.org"),
        ('[{"note": "call 212-555-0100"}]', '[{"note": "call ***-***-0100"}]'),
    ],
)  # fmt: skip
def test_class3_values_in_json_xml_and_aggregates_are_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected


# --- issue 11, class 9: linear on adversarial shapes (the timeout is a hang guard only) --------


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_class9_mask_text_returns_on_adversarial_shapes(name: str) -> None:
    masked = mask_text(shaped(SHAPES[name], 200_000))
    assert isinstance(masked, str) and masked


@pytest.mark.timeout(30)
def test_class9_a_megabyte_of_digit_groups_masks_every_card_and_keeps_the_rest() -> None:
    groups = shaped("1234 5678 ", 1_000_000)
    assert "****" not in mask_text(groups)  # no group of 1234 5678 ... is a card (Luhn fails)
    cards = "4111 1111 1111 1111 x " * 40_000
    assert mask_text(cards) == "****1111 x " * 40_000
