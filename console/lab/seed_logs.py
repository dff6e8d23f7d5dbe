"""Application and error log groups for the lab's CloudWatch Logs, for Logs Insights to query.

Two services' logs as the team's applications write them (the order API's plain lines, the
member API's JSON lines) and the salesorder RDS instance's error log, over the last hours, with
the PII shapes real logs leak: customers' emails, US phone numbers and Luhn-valid card numbers
(console/lab/fake.py), so `opsconsole logs` and the Logs screen can be seen masking them.

Idempotent and additive: each group and stream is created if missing (an existing one is kept),
and events are put only into a stream that has none, so seeding again, or on a lab seeded before
this module existed, adds what is missing and never touches another group.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from console.lab import fake

Call = Callable[[str, Mapping[str, object]], bytes]
"""One CloudWatch Logs call (seed_aws.logs): action, JSON body -> the answer's body."""
Event = tuple[int, str]

ORDER_GROUP = "/luckyus/app/salesorder-api"
MEMBER_GROUP = "/luckyus/app/member-api"
ERROR_GROUP = "/aws/rds/instance/aws-luckyus-salesorder-rw/error"
HOURS = 6


def seed(call: Call, now: datetime | None = None) -> list[str]:
    """Create and fill the groups that lack events; the names of those filled."""
    moment = now or datetime.now(UTC)
    end_ms = int(moment.timestamp() * 1000) - 60_000
    start_ms = end_ms - HOURS * 3_600_000
    filled = []
    for group, (stream, lines, count) in _plans().items():
        rng = random.Random(group)
        if _fill(call, group, stream, _events(rng, lines, count, start_ms, end_ms)):
            filled.append(group)
    return filled


def messages(group: str) -> list[str]:
    """The messages seeded into `group` (the same whenever seeded): tests look for their PII."""
    _stream, lines, count = _plans()[group]
    return [m for _t, m in _events(random.Random(group), lines, count, 0, HOURS * 3_600_000)]


Lines = Callable[[random.Random, int, datetime], str]


def _plans() -> dict[str, tuple[str, Lines, int]]:
    """Each group's stream, line maker and number of events."""
    return {
        ORDER_GROUP: ("salesorder-api-7c9f", _order_lines, 400),
        MEMBER_GROUP: ("member-api-5d2a", _member_lines, 200),
        ERROR_GROUP: ("aws-luckyus-salesorder-rw", _error_lines, 30),
    }


def _events(
    rng: random.Random,
    lines: Lines,
    count: int,
    start_ms: int,
    end_ms: int,
) -> list[Event]:
    stamps = sorted(rng.randint(start_ms, end_ms) for _ in range(count))
    return [
        (stamp, lines(rng, index, datetime.fromtimestamp(stamp / 1000, UTC)))
        for index, stamp in enumerate(stamps)
    ]


def _fill(call: Call, group: str, stream: str, events: list[Event]) -> bool:
    """Put `events` into group/stream unless the stream already holds some; True if put."""
    call("CreateLogGroup", {"logGroupName": group})
    call("CreateLogStream", {"logGroupName": group, "logStreamName": stream})
    answer = json.loads(
        call("DescribeLogStreams", {"logGroupName": group, "logStreamNamePrefix": stream}) or b"{}"
    )
    for found in answer.get("logStreams", []):
        if found.get("logStreamName") == stream and (
            found.get("lastEventTimestamp") or found.get("storedBytes")
        ):
            return False
    call("PutLogEvents", {
        "logGroupName": group, "logStreamName": stream,
        "logEvents": [{"timestamp": t, "message": m} for t, m in events],
    })  # fmt: skip
    return True


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _order_lines(rng: random.Random, index: int, moment: datetime) -> str:
    """The order API (Spring Boot style): orders, payments, declines, timeouts."""
    _name, email = fake.person(rng, index)
    thread = f"http-nio-8080-exec-{rng.randint(1, 40)}"
    order, member = rng.randint(8_000_000, 9_999_999), rng.randint(100_000, 999_999)
    store = f"US-{rng.choice(('NY', 'NJ', 'CA', 'MA'))}-{rng.randint(1, 60):04d}"
    amount = f"{rng.uniform(3.5, 42.0):.2f}"
    pick = rng.random()
    if pick < 0.55:
        level, logger, text = (
            "INFO",
            "c.l.sales.OrderController",
            (
                f"order created orderId={order} memberId={member} email={email} "
                f"store={store} amount={amount}"
            ),
        )
    elif pick < 0.75:
        brand, number = fake.card(rng)
        level, logger, text = (
            "INFO",
            "c.l.sales.PaymentService",
            (f"payment captured orderId={order} brand={brand} card={number} amount={amount}"),
        )
    elif pick < 0.87:
        _brand, number = fake.card(rng)
        level, logger, text = (
            "WARN",
            "c.l.sales.PaymentService",
            (
                f"card declined orderId={order} card={number} phone={fake.us_phone(rng)} "
                "reason=insufficient_funds"
            ),
        )
    elif pick < 0.95:
        level, logger, text = (
            "ERROR",
            "c.l.sales.OrderController",
            (f"failed to reach payment gateway after 3 retries (timeout 5000 ms) orderId={order}"),
        )
    else:
        level, logger, text = (
            "ERROR",
            "c.l.sales.db.OrderRepository",
            (
                "SQLTransientConnectionException: HikariPool-1 - Connection is not available, "
                "request timed out after 30000ms (aws-luckyus-salesorder-rw)"
            ),
        )
    return f"{_stamp(moment)} {level:<5} [{thread}] {logger} - {text}"


def _member_lines(rng: random.Random, index: int, moment: datetime) -> str:
    """The member API: one JSON object a line, as its logger writes them."""
    name, email = fake.person(rng, index)
    event = rng.choice(("member login", "member login", "profile updated", "otp sent",
                        "login failed"))  # fmt: skip
    record: dict[str, object] = {
        "ts": _stamp(moment),
        "level": "WARN" if event == "login failed" else "INFO",
        "logger": "member.api",
        "msg": event,
        "memberId": rng.randint(100_000, 999_999),
        "email": email,
        "latency_ms": rng.randint(4, 900),
        "ip": f"10.20.{rng.randint(0, 9)}.{rng.randint(2, 250)}",
    }
    if event in ("profile updated", "otp sent"):
        record["phone"] = fake.us_phone(rng)
    if event == "profile updated":
        record["name"] = name
    return json.dumps(record)


_DEADLOCK = (
    "[Note] [MY-012549] [InnoDB] Transactions deadlock detected, dumping detailed information. "
    "(UPDATE orders SET status = 'REFUNDED' WHERE id = {id})"
)


def _error_lines(rng: random.Random, index: int, moment: datetime) -> str:
    """The MySQL 8 error log RDS publishes: aborted connections, denied logins, a deadlock."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    thread = rng.randint(10_000, 999_999)
    user = rng.choice(("salesorder_app", "member_api", "bi_report"))
    host = f"10.20.{rng.randint(0, 9)}.{rng.randint(2, 250)}"
    pick = index % 5
    if pick == 0:
        text = (
            f"[Warning] [MY-010055] [Server] IP address '{host}' could not be resolved: "
            "Name or service not known"
        )
    elif pick == 1:
        text = (
            f"[Note] [MY-010914] [Server] Aborted connection {thread} to db: 'salesorder' "
            f"user: '{user}' host: '{host}' (Got timeout reading communication packets)."
        )
    elif pick == 2:
        text = (
            f"[Note] [MY-010926] [Server] Access denied for user '{user}'@'{host}' "
            "(using password: YES)"
        )
    elif pick == 3:
        text = (
            "[Warning] [MY-013360] [Server] Plugin mysql_native_password reported: "
            "''mysql_native_password' is deprecated'"
        )
    else:
        text = _DEADLOCK.format(id=rng.randint(1000, 400_000))
    return f"{stamp} {thread} {text}"
