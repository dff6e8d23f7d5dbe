"""The Redis command path on adversarial shapes up to 1 MB: split, guard, bound rules.

Baseline measured in the same run: `shlex.split`, which the Query tab used before, on the same
line (only up to 64 KiB: it is quadratic, 28 s at 1 MB). Target: every shape up to 1 MB judged
in under 1 s (issue 11, class 9). Run: `.venv/bin/python bench/redis_guard.py`.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import time
from collections.abc import Callable

from console.safety.redisargs import MAX_COMMAND_CHARS, split_command, split_posix
from console.safety.redisbounds import secret_parameters
from console.safety.redisguard import plan_redis

SIZES = (16_384, MAX_COMMAND_CHARS, 1_048_576)


def _shapes(size: int) -> dict[str, str]:
    return {
        "plain words": ("k " * size)[:size],
        "one long argument": "GET " + "k" * size,
        "double-quoted, escapes": 'SET k "' + '\\"a' * (size // 3) + '"',
        "single quotes": "MGET " + "'a' " * (size // 4),
        "backslashes": "ECHO " + "\\x" * (size // 2),
        "unclosed quote": "GET '" + "a b " * (size // 4),
        "COUNT options": "SCAN 0" + " COUNT 10" * (size // 9),
    }


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| shape | chars | split_command + plan_redis | split_posix alone | shlex.split |")
    print("|---|---|---|---|---|")
    for size in SIZES:
        for name, text in _shapes(size).items():
            ours = _timed(lambda t=text: plan_redis(split_command(t)))  # type: ignore[misc]
            alone = _timed(lambda t=text: _quiet(split_posix, t))  # type: ignore[misc]
            base = "-"
            if size <= MAX_COMMAND_CHARS:
                base = f"{_timed(lambda t=text: _quiet(shlex.split, t)) * 1000:.0f} ms"  # type: ignore[misc]
            figures = f"{ours * 1000:.1f} ms | {alone * 1000:.0f} ms | {base}"
            print(f"| {name} | {len(text):,} | {figures} |")
    glob = "*a" * 500_000 + "*"
    print(
        f"| CONFIG GET glob `*a*a...` | {len(glob):,} | "
        f"{_timed(lambda: secret_parameters((glob,))) * 1000:.1f} ms | - | - |"
    )


def _quiet(split: Callable[[str], list[str]], text: str) -> None:
    with contextlib.suppress(ValueError):
        split(text)


if __name__ == "__main__":
    main()
