"""busy_cores: keep this machine's cores busy for a while, as an ordinary busy host would be.

Why: the console must tell its own slowness from a server's on a busy machine; the lab test and
bench/busy_check.py both need the same bounded load. Each burner is `timeout N python -c 'while
True: pass'`, so it dies by itself even if the caller is killed; leaving the block ends it now.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

BURN = "while True: pass"


@contextmanager
def busy_cores(count: int | None = None, at_most_s: int = 120) -> Iterator[int]:
    """`count` CPU burners (default: one per core), each ended after `at_most_s` at the latest."""
    burners = [
        subprocess.Popen(["timeout", str(at_most_s), sys.executable, "-c", BURN])
        for _ in range(count or os.cpu_count() or 2)
    ]
    try:
        yield len(burners)
    finally:
        for burner in burners:
            burner.terminate()
        for burner in burners:
            burner.wait(timeout=10)
