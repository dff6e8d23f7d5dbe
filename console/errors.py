"""Start-up and CLI failures (config, secrets): shown as one clear message, exit status 2.

Source failures at run time are never exceptions past the data layer: they are `SourceError`
values inside a `Reading`.
"""

from __future__ import annotations

from collections.abc import Callable


class ConsoleError(Exception):
    """A failure the user must fix before the console can run; its text is the whole message."""


class ConfigError(ConsoleError):
    """config.toml is broken: the message names the file, the key and what is expected."""

    def __init__(self, path: str, key: str, problem: str, expected: str = "") -> None:
        self.path = path
        self.key = key
        self.problem = problem
        self.expected = expected
        super().__init__(self.told(lambda text: text))

    def told(self, scrub: Callable[[str], str]) -> str:
        """The message with `scrub` run over each part that may hold a value (the path, the
        problem, what is expected) but not over the key, which is the config's own name.

        Why: scrubbing the whole line reads `postgres.secret: is not ...` as a password
        after its name and prints `postgres.secret: *** not a secret reference`."""
        text = f"{scrub(self.path)}: {self.key}: {scrub(self.problem)}"
        if self.expected:
            text += f" (expected {scrub(self.expected)})"
        return text


class SecretError(ConsoleError):
    """A secret reference that cannot be resolved; the message never holds the secret."""
