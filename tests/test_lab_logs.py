"""The lab's logs outlive `lab down`: what is shipped from them, and how they are kept bounded."""

from __future__ import annotations

from pathlib import Path

from console.lab.procs import trim_log
from console.lab.seed_slowlog import mariadb_entries

NOW_S = 1_796_486_160


def entry(n: int) -> str:
    return (
        f"# Time: 261205 15:{n:02d}:00\n"
        "# User@Host: order_api[order_api] @  [127.0.0.1]\n"
        f"# Query_time: 5.{n}  Lock_time: 0.000000  Rows_sent: 1  Rows_examined: 0\n"
        f"SET timestamp={NOW_S - 3600 + n * 60};\n"
        f"SELECT SLEEP(5.{n});\n"
    )


def test_only_the_newest_entries_are_shipped_oldest_first(tmp_path: Path) -> None:
    log = tmp_path / "mariadb-slow.log"
    preamble = "/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log. started with:\n"
    log.write_text(preamble + "".join(entry(n) for n in range(1, 8)))
    shipped = mariadb_entries(log, NOW_S * 1000, newest=3)
    assert [message.splitlines()[-1] for _, message in shipped] == [
        "SELECT SLEEP(5.5);",
        "SELECT SLEEP(5.6);",
        "SELECT SLEEP(5.7);",
    ]
    assert [stamp for stamp, _ in shipped] == [(NOW_S - 3600 + n * 60) * 1000 for n in (5, 6, 7)]
    assert len(mariadb_entries(log, NOW_S * 1000)) == 7  # under the bound: the whole log


def test_a_log_past_its_limit_keeps_its_last_whole_lines(tmp_path: Path) -> None:
    log = tmp_path / "part.log"
    lines = [f"line {n:04d} of the part's output" for n in range(1000)]
    log.write_text("\n".join(lines) + "\n")
    size = log.stat().st_size
    trim_log(log, limit=size, kept=300)
    assert log.stat().st_size == size  # at its limit: left alone
    trim_log(log, limit=size - 1, kept=300)
    kept = log.read_text().splitlines()
    assert kept and kept == lines[-len(kept) :]  # whole lines, the newest
    assert sum(len(line) + 1 for line in kept) <= 300
