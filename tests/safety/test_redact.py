"""Credential redaction: secrets vanish from any text, ordinary words survive."""

from __future__ import annotations

import pytest

from console.safety.redact import redact, register_secret


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
