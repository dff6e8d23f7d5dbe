"""The investigation tests' lab fixtures, shared: run a verb as a user does, and the lab's
seeded PII and passwords to grep every recording for."""

from tests.investigate.conftest import lab_passwords, opsconsole, seeded_pii

__all__ = ["lab_passwords", "opsconsole", "seeded_pii"]
