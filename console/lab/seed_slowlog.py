"""Slow-query log events for the lab's CloudWatch Logs: MySQL 8 entries, and MariaDB's own.

RDS publishes one log event per slow-log entry; these build such entries (generated in MySQL 8's
format with realistic statements, some holding PII to be masked) and split the lab MariaDB's
`mariadb-slow.log` into entries, so the slow-query digest has real input on moto.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

from console.lab import fake

Event = tuple[int, str]
"""(timestamp in ms, message) as PutLogEvents takes it."""

_STATEMENTS = (
    "SELECT o.id, o.member_id, o.amount FROM orders o WHERE o.created_at >= '{day} 00:00:00' "
    "ORDER BY o.amount DESC LIMIT {n};",
    "SELECT * FROM members WHERE email = '{email}';",
    "SELECT id, status FROM orders WHERE member_id = {id} AND status IN ('PAID', 'MADE');",
    "UPDATE orders SET status = 'REFUNDED' WHERE id = {id};",
    "SELECT store_id, COUNT(*), SUM(amount) FROM orders WHERE created_at BETWEEN "
    "'{day} 00:00:00' AND '{day} 23:59:59' GROUP BY store_id;",
    "SELECT m.id, m.phone FROM members m WHERE m.phone = '{phone}' LIMIT 1;",
    "SELECT p.id, p.card_last4, p.amount FROM payments p JOIN orders o ON o.id = p.order_id "
    "WHERE o.member_id = {id};",
    "DELETE FROM cart_items WHERE updated_at < '{day} 00:00:00' LIMIT {n};",
)
_USERS = ("salesorder_app", "member_api", "bi_report", "payment_svc")


def generated(
    rng: random.Random, schema: str, count: int, start_ms: int, end_ms: int
) -> list[Event]:
    """`count` MySQL 8 slow-log entries spread over [start_ms, end_ms], oldest first."""
    stamps = sorted(rng.randint(start_ms, end_ms) for _ in range(count))
    return [(stamp, _entry(rng, schema, stamp, index)) for index, stamp in enumerate(stamps)]


def _entry(rng: random.Random, schema: str, stamp_ms: int, index: int) -> str:
    moment = datetime.fromtimestamp(stamp_ms / 1000, UTC)
    _name, email = fake.person(rng, index)
    statement = rng.choice(_STATEMENTS).format(
        day=moment.date().isoformat(),
        n=rng.choice((20, 50, 100, 1000)),
        email=email,
        id=rng.randint(1000, 400_000),
        phone=fake.us_phone(rng),
    )
    query_s = round(rng.lognormvariate(0.3, 0.9) + 0.5, 6)
    examined = int(rng.lognormvariate(10, 2))
    user = rng.choice(_USERS)
    return "\n".join(
        (
            f"# Time: {moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}",
            f"# User@Host: {user}[{user}] @  [10.20.{rng.randint(0, 9)}.{rng.randint(2, 250)}]"
            f"  Id: {rng.randint(10_000, 999_999)}",
            f"# Query_time: {query_s:.6f}  Lock_time: {rng.random() / 1000:.6f} "
            f"Rows_sent: {rng.randint(0, 100)}  Rows_examined: {examined}",
            f"use {schema};",
            f"SET timestamp={stamp_ms // 1000};",
            statement,
        )
    )


_START = re.compile(r"^# (Time|User@Host): ")
_STAMP = re.compile(r"^SET timestamp=(\d+);", re.MULTILINE)


SHIPPED_ENTRIES = 2_000
"""The newest entries of the lab MariaDB's slow log shipped to moto. The workload adds entries
all the time and the file outlives `lab down`: a lab used all day shipped 27,000, past `[aws]
slow_log_max_events` (a day's log no longer read whole), and its seed slowed down with age."""


def mariadb_entries(path: Path, now_ms: int, newest: int = SHIPPED_ENTRIES) -> list[Event]:
    """The `newest` entries of a MariaDB slow log (header lines dropped), oldest first.

    Timestamps come from each entry's `SET timestamp=`; one older than a day is moved to the
    last hours (CloudWatch Logs refuses events that are too old).
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    entries: list[list[str]] = []
    for line in text.splitlines():
        starts = _START.match(line)
        if starts and (not entries or starts.group(1) == "Time" or _has_statement(entries[-1])):
            entries.append([])
        if entries:
            entries[-1].append(line)
    events = []
    for lines in entries[-newest:] if newest else []:
        message = "\n".join(lines)
        found = _STAMP.search(message)
        stamp = int(found.group(1)) * 1000 if found else now_ms
        if not now_ms - 86_400_000 < stamp <= now_ms:
            stamp = now_ms - (stamp % 3_600_000)
        events.append((stamp, message))
    return sorted(events)


def _has_statement(lines: list[str]) -> bool:
    return any(line and not line.startswith("#") for line in lines)
