"""Benchmark: our slow-query digest against pt-query-digest on the same generated slow log.

Generates (once, cached in /tmp) a MySQL 8.0 / RDS-style slow log of `--size-mb` (default 1024)
with a few hundred fingerprints in a skewed, realistic mix (point reads, IN lists, joins,
multi-row inserts, multi-line statements with comments, administrator commands, PII in
literals), then times `opsconsole`'s digest and `pt-query-digest` on it in the same run, reports
wall time, speed ratio, our peak RSS and RSS along the way (flat), and whether the top 10 agree.
Run: `.venv/bin/python bench/digest.py [--size-mb N] [--skip-pt]`.
"""

# ruff: noqa: S608  (the statements are text written into a generated log, never executed)

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from console.analysis.digest import DigestReport, digest_lines

TABLES = (
    "salesorder.orders", "salesorder.order_items", "salespayment.payments",
    "isalesmembermarketing.members", "salescrm.leads", "salesmarketing.coupons",
    "isalescdp.profiles", "iluckyauthapi.tokens", "oplog.events", "iworkflowmidlayer.tasks",
    "devops.deploys", "ipermission.grants", "cdpactivity.visits", "framework01.jobs",
    "iadmin.users", "isalesprivatedomain.contacts", "salesorder.refunds", "salesorder.carts",
    "salespayment.settlements", "salesmarketing.campaigns",
)  # fmt: skip
SHAPES: tuple[Callable[[str, random.Random], str], ...] = (
    lambda t, r: f"SELECT * FROM {t} WHERE id = {r.randint(1, 10**7)}",
    lambda t, r: (
        f"SELECT id, status FROM {t} WHERE member_id = {r.randint(1, 10**6)} "
        f"AND status = '{r.choice(('PAID', 'NEW', 'REFUNDED'))}' ORDER BY created_at DESC LIMIT 20"
    ),
    lambda t, r: (
        f"SELECT COUNT(*) FROM {t} WHERE id IN ("
        + ", ".join(str(r.randint(1, 10**6)) for _ in range(r.randint(1, 40)))
        + ")"
    ),
    lambda t, r: (
        f"UPDATE {t} SET status = 'DONE', updated_at = NOW() WHERE id = {r.randint(1, 10**7)}"
    ),
    lambda t, r: (
        f"INSERT INTO {t} (member_id, amount, note) VALUES "
        + ", ".join(
            f"({r.randint(1, 10**6)}, {r.randint(1, 9999) / 100}, 'n{r.randint(1, 99)}')"
            for _ in range(r.randint(1, 12))
        )
    ),
    lambda t, r: f"DELETE FROM {t} WHERE created_at < '2026-0{r.randint(1, 9)}-01' LIMIT 1000",
    lambda t, r: (
        f"/* report:{r.randint(1, 9)} */ SELECT o.store_id, SUM(o.amount) AS revenue\n"
        f"  FROM {t} o\n  -- last week only\n"
        f"  WHERE o.created_at >= '2026-11-{r.randint(10, 28)}'\n"
        f"  GROUP BY o.store_id ORDER BY revenue DESC LIMIT {r.choice((10, 20, 50))}"
    ),
    lambda t, r: (
        f"SELECT id FROM {t} WHERE email = '{r.choice(('jane', 'li.wei', 'tom'))}"
        f"{r.randint(1, 999)}@example.com' OR phone = '212-555-{r.randint(1000, 9999)}'"
    ),
    lambda t, r: (
        f"SELECT a.id, b.id FROM {t} a JOIN {t} b ON b.parent_id = a.id "
        f"WHERE a.flag = {r.choice(('TRUE', 'FALSE', 'NULL'))} AND a.score > {r.uniform(0, 1):.4f}"
    ),
    lambda t, r: (
        f"select sql_no_cache * from {t} where id between {r.randint(1, 1000)} "
        f"and {r.randint(1001, 9999)} order by id asc"
    ),
    lambda t, r: (
        f"UPDATE {t} SET card_no = '4111 1111 1111 {r.randint(1000, 9999)}' "
        f"WHERE id = {r.randint(1, 10**6)}"
    ),
)
USERS = ("salesorder_app", "bi_report", "member_api", "crm_app", "ops_batch")


def templates() -> list[tuple[Callable[[str, random.Random], str], str, float]]:
    """(shape, table, weight): ~220 fingerprints, Zipf-like weights."""
    pairs = [(shape, table) for table in TABLES for shape in SHAPES]
    random.Random(7).shuffle(pairs)
    return [(shape, table, 1.0 / (rank + 1) ** 0.9) for rank, (shape, table) in enumerate(pairs)]


def entries(seed: int) -> Iterator[str]:
    """Slow-log entries forever, MySQL 8.0 format (RDS), one string each."""
    rnd = random.Random(seed)
    pool = templates()
    weights = [weight for _, _, weight in pool]
    started = datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    clock = started
    while True:
        batch = rnd.choices(pool, weights, k=1000)
        for shape, table, _ in batch:
            clock += rnd.expovariate(20)
            moment = datetime.fromtimestamp(clock, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            seconds = rnd.lognormvariate(-1.5, 1.2)
            head = (
                f"# Time: {moment}\n# User@Host: {rnd.choice(USERS)}[app] @  "
                f"[10.0.{rnd.randint(0, 9)}.{rnd.randint(1, 250)}]  Id: {rnd.randint(10, 99999)}\n"
                f"# Query_time: {seconds:.6f}"
                f"  Lock_time: {seconds / 50:.6f} Rows_sent: {rnd.randint(0, 100)}"
                f"  Rows_examined: {rnd.randint(0, 100000)}\n"
            )
            use = f"use {table.split('.')[0]};\n" if rnd.random() < 0.1 else ""
            stamp = f"SET timestamp={int(clock)};\n"
            if rnd.random() < 0.01:
                yield head + use + stamp + "# administrator command: Quit;\n"
            else:
                yield head + use + stamp + shape(table, rnd) + ";\n"


def generate(path: Path, size_mb: int, seed: int = 1) -> None:
    """Write the log once; a file of the same name, size class and seed is reused."""
    marker = path.with_suffix(".done")
    if path.exists() and marker.exists() and marker.read_text() == f"{size_mb}:{seed}":
        return
    target = size_mb * 1024 * 1024
    preamble = (
        "/rdsdbbin/mysql/bin/mysqld, Version: 8.0.35 (Source distribution). started with:\n"
        "Tcp port: 3306  Unix socket: /tmp/mysql.sock\n"
        "Time                 Id Command    Argument\n"
    )
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(preamble)
        chunk: list[str] = []
        for entry in entries(seed):
            chunk.append(entry)
            if len(chunk) == 5000:
                block = "".join(chunk)
                out.write(block)
                written += len(block)
                chunk = []
                if written >= target:
                    break
    marker.write_text(f"{size_mb}:{seed}")


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def sampled(path: Path, points: list[tuple[int, float]]) -> Iterator[str]:
    """The log's lines, noting (MiB read, RSS MiB) about every 10 % of the file."""
    step = max(1, path.stat().st_size // 10)
    with path.open(encoding="utf-8", errors="replace") as log:
        next_mark, read = step, 0
        for line in log:
            read += len(line)
            if read >= next_mark:
                points.append((read // 2**20, rss_mib()))
                next_mark += step
            yield line


def run_ours(path: Path) -> tuple[float, float, DigestReport, list[tuple[int, float]]]:
    """Wall and CPU seconds, the report, and (MiB read, RSS MiB) along the way."""
    points: list[tuple[int, float]] = [(0, rss_mib())]
    started, cpu = time.perf_counter(), time.process_time()
    report = digest_lines(sampled(path, points), terminated=True)
    return time.perf_counter() - started, time.process_time() - cpu, report, points


def run_pt(path: Path) -> tuple[float, float, list[tuple[str, int, float]], float]:
    """pt-query-digest's wall and CPU seconds, its top classes (fingerprint, count, total) and
    its peak RSS (MiB)."""
    started = time.perf_counter()
    done = subprocess.run(
        ["pt-query-digest", "--output", "json", "--limit", "10", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    classes = json.loads(done.stdout)["classes"]
    top = [
        (c["fingerprint"], int(c["query_count"]), float(c["metrics"]["Query_time"]["sum"]))
        for c in classes
    ]
    top.sort(key=lambda item: -item[2])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, usage.ru_utime + usage.ru_stime, top, usage.ru_maxrss / 1024


def agree(report: DigestReport, top: list[tuple[str, int, float]]) -> list[str]:
    """Differences between our top 10 and pt's (same order, counts, totals within 1 µs).

    Both must have ten classes (the generated log has ~220): an empty or short answer from
    either side is a difference, never an agreement."""
    problems = []
    if len(report.rows) < 10 or len(top) < 10:
        problems.append(f"top 10: ours has {len(report.rows[:10])} classes, pt {len(top)}")
    for rank, (row, (fp, count, total)) in enumerate(
        zip(report.rows[:10], top[:10], strict=False), 1
    ):
        if (row.fingerprint, row.count) != (fp, count) or abs(row.total_time_s - total) > 1e-6:
            ours = f"{row.fingerprint[:50]!r} {row.count} {row.total_time_s:.6f}"
            problems.append(f"#{rank}: ours {ours} / pt {fp[:50]!r} {count} {total:.6f}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--skip-pt", action="store_true", help="time only ours")
    args = parser.parse_args()
    path = args.path or Path(f"/tmp/opsconsole-bench-slow-{args.size_mb}mb.log")
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load}")
    started = time.perf_counter()
    generate(path, args.size_mb)
    size_mb = path.stat().st_size / 2**20
    print(f"log: {path} {size_mb:.0f} MiB (ready in {time.perf_counter() - started:.1f} s)")
    ours_s, ours_cpu, report, points = run_ours(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ours: {ours_s:.1f} s wall, {ours_cpu:.1f} s CPU ({size_mb / ours_s:.1f} MiB/s), "
        f"{report.events} events, {len(report.rows)} fingerprints, peak RSS {peak:.0f} MiB"
    )
    print("RSS along the way (MiB read: RSS MiB): "
          + ", ".join(f"{read}: {rss:.0f}" for read, rss in points))  # fmt: skip
    if args.skip_pt or shutil.which("pt-query-digest") is None:
        print("pt-query-digest: skipped")
        return 0
    pt_s, pt_cpu, top, pt_peak = run_pt(path)
    print(
        f"pt-query-digest: {pt_s:.1f} s wall, {pt_cpu:.1f} s CPU ({size_mb / pt_s:.1f} MiB/s), "
        f"peak RSS {pt_peak:.0f} MiB"
    )
    print(f"speed ratio: {pt_s / ours_s:.2f}x wall, {pt_cpu / ours_cpu:.2f}x CPU (target >= 3x)")
    problems = agree(report, top)
    print("top 10: agree" if not problems else "top 10: DIFFER\n  " + "\n  ".join(problems))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
