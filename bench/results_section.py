"""Write one benchmark's section of bench/RESULTS.md, replacing the section it wrote before.

Why: each figure in RESULTS.md names the script, date and load it came from; a script that
rewrites its own section keeps the file current without hand-copying.
"""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def context() -> str:
    """Date, machine and load, for the line under a section's title."""
    one, five, _ = os.getloadavg()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Run {now} on {os.cpu_count()} cores ({platform.python_implementation()} "
        f"{platform.python_version()}), load average {one:.1f} (1 min) / {five:.1f} (5 min)."
    )


def write_section(title: str, body: str, path: Path = RESULTS) -> None:
    """Replace the section whose heading starts with `## {title}` (or append it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark figures\n"
    heading = f"## {title}"
    section = f"{heading}\n\n{body.strip()}\n"
    start = text.find(heading)
    if start < 0:
        path.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        return
    end = text.find("\n## ", start + len(heading))
    rest = "" if end < 0 else text[end:]
    path.write_text(text[:start] + section + rest, encoding="utf-8")
