"""Analysis: pure functions over models (slow-query digest, Redis TTL audit, findings)."""
