"""Start-up and CLI failures (config, secrets): shown as one clear message, exit status 2.

Source failures at run time are never exceptions past the data layer: they are `SourceError`
values inside a `Reading`.
"""

from __future__ import annotations


class ConsoleError(Exception):
    """A failure the user must fix before the console can run; its text is the whole message."""


class ConfigError(ConsoleError):
    """config.toml is broken: the message names the file, the key and what is expected."""

    def __init__(self, path: str, key: str, problem: str, expected: str = "") -> None:
        self.path = path
        self.key = key
        text = f"{path}: {key}: {problem}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


class SecretError(ConsoleError):
    """A secret reference that cannot be resolved; the message never holds the secret."""
