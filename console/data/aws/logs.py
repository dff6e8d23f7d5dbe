"""CloudWatch Logs: an RDS instance's slow-query log for a window, bounded, as a LogChunk.

filter_log_events is paged with nextToken until the log ends or the configured bound (events or
bytes) is reached; then the chunk says `truncated`. Statement lines are masked (PII) while the
slow log's own header lines (`# Time:`, `# Query_time:`, `SET timestamp=`) stay parseable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.data.aws.clients import AwsClients
from console.data.aws_models import LogChunk
from console.safety.scrub import scrub

SLOW_LOG_GROUP = "/aws/rds/instance/{server}/slowquery"


@dataclass(frozen=True, slots=True)
class LogBounds:
    """How much one read may take: events, bytes of message text, events per page."""

    max_events: int
    max_bytes: int
    page_events: int


def slow_log_group(server: str) -> str:
    """The log group RDS publishes `server`'s slow-query log to."""
    return SLOW_LOG_GROUP.format(server=server)


async def read_group(
    aws: AwsClients, group: str, since: datetime, until: datetime, bounds: LogBounds
) -> LogChunk:
    """The events of `group` in [since, until), oldest first, within `bounds`."""
    lines: list[str] = []
    events = size = 0
    params: dict[str, Any] = {
        "logGroupName": group,
        "startTime": _ms(since),
        "endTime": _ms(until),
        "limit": bounds.page_events,
    }
    async with aws.client("logs") as client:
        while True:
            page = await client.filter_log_events(**params)
            for event in page.get("events", []):
                message = str(event.get("message", ""))
                if events >= bounds.max_events or size + len(message) > bounds.max_bytes:
                    return LogChunk(group, tuple(lines), events, truncated=True)
                events += 1
                size += len(message)
                lines.extend(mask_line(line) for line in message.splitlines())
            token = page.get("nextToken")  # an empty page may still carry one: keep going
            if not token or token == params.get("nextToken"):
                return LogChunk(group, tuple(lines), events, truncated=False)
            params["nextToken"] = token


def mask_line(line: str) -> str:
    """Mask a statement line; header lines carry no PII and must stay parseable."""
    stripped = line.lstrip()
    if stripped.startswith("#") or stripped.lower().startswith(("set timestamp=", "use ")):
        return line
    return scrub(line)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
