"""Credential redaction: secrets vanish from any text, ordinary words survive.

Issue 11: class 5 (every secret shape, from a corpus) and class 9 (linear on adversarial input).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.safety.redact import redact, register_secret
from tests.safety import secret_corpus
from tests.safety.adversarial_shapes import SHAPES, shaped


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mysql://opsconsole:S3cr3t-pw@db.example:3306/x", "S3cr3t-pw"),
        ("connect failed: password=hunter22 host=x", "hunter22"),
        ("CREATE USER u IDENTIFIED BY 'pa55word'", "pa55word"),
        ("ALTER USER u IDENTIFIED WITH mysql_native_password BY 'pa55word'", "pa55word"),
        ("key AKIAIOSFODNN7EXAMPLE in use", "AKIAIOSFODNN7EXAMPLE"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
        ("Authorization: Bearer eyJhbGciOi.abc.def", "eyJhbGciOi"),
        ("AUTH opsconsole r3dis-pass", "r3dis-pass"),
        ('{"token": "tok-123456"}', "tok-123456"),
    ],
)
def test_credentials_are_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_registered_secrets_are_redacted_anywhere() -> None:
    register_secret("Zq9-registered-value")
    assert "Zq9-registered-value" not in redact("error near 'Zq9-registered-value' at line 1")


@pytest.mark.parametrize(
    "text",
    ["├── ▶ Auth (8)\n├── ▶ DevOps (6)", "Redis group Auth", "passwords rotate monthly"],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


# --- issue 11, class 5: every secret shape of the corpus, and ordinary text left alone ---------

CASES = secret_corpus.secret_cases()


def test_the_corpus_is_well_over_the_probe() -> None:
    assert len(CASES) > 5 * 77


@pytest.mark.parametrize(("text", "secret"), CASES, ids=[f"{i}" for i in range(len(CASES))])
def test_class5_no_secret_of_the_corpus_survives(text: str, secret: str) -> None:
    redacted = redact(text)
    assert secret not in redacted
    assert "***" in redacted


@pytest.mark.parametrize("text", secret_corpus.HARMLESS)
def test_class5_harmless_text_is_not_redacted(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CREATE USER bob IDENTIFIED BY 'x y'", "CREATE USER bob IDENTIFIED BY '***'"),
        ("ALTER ROLE app PASSWORD E'a\\'b'", "ALTER ROLE app PASSWORD E'***'"),
        ('{"password": "p w", "user": "app"}', '{"password": "***", "user": "app"}'),
        ("PGPASSWORD=pw psql -h db", "PGPASSWORD=*** psql -h db"),
        ("redis://default:p@ss@cache:6379/0", "redis://default:***@cache:6379/0"),
        ("ACL SETUSER bob on >pw ~* +@all", "ACL SETUSER bob on >*** ~* +@all"),
        ("mysql -uroot -ppw shop", "mysql -uroot -p*** shop"),
    ],
)
def test_class5_redaction_keeps_the_text_readable(text: str, expected: str) -> None:
    assert redact(text) == expected


@given(st.sampled_from(CASES), st.text(max_size=30), st.text(max_size=30))
def test_class5_a_secret_is_redacted_inside_any_text(
    case: tuple[str, str], before: str, after: str
) -> None:
    text, secret = case
    assert secret not in redact(f"{before}\n{text}\n{after}")


@given(st.text())
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


# --- issue 11, class 9: linear on adversarial shapes (correct output; the timeout only guards
# against a hang, the time itself is bench/redaction_adversarial.py's) -------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_class9_redact_returns_on_adversarial_shapes(name: str) -> None:
    text = shaped(SHAPES[name], 200_000)
    redacted = redact(text)
    assert isinstance(redacted, str) and redacted


@pytest.mark.timeout(30)
def test_class9_adversarial_url_lists_keep_their_text_and_lose_their_passwords() -> None:
    hosts = shaped("redis://host:port,", 44 * 1024)
    assert redact(hosts) == hosts
    empty = shaped("a://:", 100 * 1024)
    assert redact(empty) == empty
    with_password = "redis://u:S3cret-x@h:1," * 20_000
    assert "S3cret-x" not in redact(with_password)
    assert redact(with_password).count("***") == 20_000
