"""`scrub`: redaction and masking together, for every text that leaves the console.

Why one function: each path that writes or shows text (audit, history, exports, screenshots,
clipboard, CLI output, error messages, the verdict line) must apply both, in the same order;
a path that applied only one of them is how credentials and PII got out.
"""

from __future__ import annotations

from console.safety.masking import mask_text
from console.safety.redact import redact


def scrub(text: str) -> str:
    """Redact credentials, mask PII, then redact again.

    Redacting first removes registered secrets before masking can reshape them (a secret that
    holds digits or an `@`); the last pass catches anything the masks revealed to the patterns.
    """
    return redact(mask_text(redact(text)))


def scrub_optional(text: str | None) -> str | None:
    """`scrub` for values that may be absent."""
    return None if text is None else scrub(text)
