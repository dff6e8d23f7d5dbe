"""Alertmanager over its v2 API: alerts (with silenced state), alert groups and silences.

The alerts screen starts every incident here; the source is read-only (it never creates or
expires a silence), and JSON becomes masked models inside this module.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from console.config import Timeouts
from console.data.calls import fetch
from console.data.http import JsonClient, items, labels, make_alert, obj, parse_time, text
from console.data.models import Alert, AlertGroup, Matcher, Reading, Silence
from console.safety.confirm import matcher_text
from console.safety.masking import mask_text

T = TypeVar("T")

INSTANCE = "alertmanager"
SEVERITY_ORDER = ("critical", "error", "warning", "info")  # then any other severity, then "none"
SILENCE_STATE_ORDER = ("active", "pending", "expired")


class AlertmanagerSource:
    """Read-only access to one Alertmanager through one lazily created httpx client."""

    def __init__(self, base_url: str, timeouts: Timeouts) -> None:
        self._timeouts = timeouts
        self._http = JsonClient(base_url, timeouts.http_s)

    async def close(self) -> None:
        """Close the HTTP client (DataLayer.close on unmount); a later call opens a new one."""
        await self._http.close()

    # --- public calls: each returns a Reading, never raises for a source failure ----------

    async def alerts(self, include_silenced: bool = True) -> Reading[tuple[Alert, ...]]:
        """Active alerts, most severe first; silenced and inhibited ones unless asked not to."""
        return await self._fetch(lambda: self._alerts(include_silenced))

    async def groups(self) -> Reading[tuple[AlertGroup, ...]]:
        """The alerts grouped by (severity, alert name), most severe group first."""

        async def run() -> tuple[AlertGroup, ...]:
            alerts = await self._alerts(include_silenced=True)
            if any(alert.silenced_by for alert in alerts):
                alerts = with_silence_ends(alerts, await self._silences_or_none())
            return group_alerts(alerts)

        return await self._fetch(run)

    async def silences(self) -> Reading[tuple[Silence, ...]]:
        """Every silence Alertmanager keeps: active, then pending, then expired."""
        return await self._fetch(self._silences)

    async def matching(self, matchers: tuple[Matcher, ...]) -> Reading[tuple[Alert, ...]]:
        """The active alerts these matchers match, as Alertmanager's own filter matches them
        (silenced and inhibited ones included: the preview of a silence counts both)."""

        async def run() -> tuple[Alert, ...]:
            params = [("active", "true"), ("silenced", "true"), ("inhibited", "true")]
            params += [("unprocessed", "true")]
            params += [("filter", matcher_text(m)) for m in matchers]
            rows = items(await self._http.get("/api/v2/alerts", params))
            return tuple(sorted((_alert(obj(row)) for row in rows), key=_alert_order))

        return await self._fetch(run)

    # --- internals ---------------------------------------------------------------------------

    async def _fetch(self, run: Callable[[], Awaitable[T]]) -> Reading[T]:
        return await fetch(INSTANCE, "alertmanager", self._timeouts.http_s, run)

    async def _silences(self) -> tuple[Silence, ...]:
        rows = items(await self._http.get("/api/v2/silences"))
        found = (_silence(obj(row)) for row in rows)
        return tuple(sorted(found, key=_silence_order))

    async def _silences_or_none(self) -> tuple[Silence, ...]:
        """The silences for the alerts' end times; none when they cannot be read (the alerts
        still show, marked silenced without an end)."""
        try:
            return await self._silences()
        except Exception:  # the alerts matter more than their silences' end times
            return ()

    async def _alerts(self, include_silenced: bool) -> tuple[Alert, ...]:
        flag = "true" if include_silenced else "false"
        params = {"active": "true", "silenced": flag, "inhibited": flag, "unprocessed": "true"}
        rows = items(await self._http.get("/api/v2/alerts", params))
        found = (_alert(obj(row)) for row in rows)
        return tuple(sorted(found, key=_alert_order))


# --- pure parts: grouping and JSON -> models (unit-tested without a server) ---------------------


def severity_rank(severity: str) -> int:
    """critical < error < warning < info < any other severity < none (smaller sorts first)."""
    name = severity.lower()
    if name in SEVERITY_ORDER:
        return SEVERITY_ORDER.index(name)
    return len(SEVERITY_ORDER) + (1 if name in ("none", "") else 0)


def group_alerts(alerts: Iterable[Alert]) -> tuple[AlertGroup, ...]:
    """Alerts grouped by (severity, name), most severe first, then by name.

    On-call reads the worst first; within a group alerts keep a stable order between polls.
    """
    groups: dict[tuple[str, str], list[Alert]] = {}
    for alert in alerts:
        groups.setdefault((alert.severity, alert.name), []).append(alert)
    ordered = sorted(groups.items(), key=lambda item: _group_order(*item[0]))
    return tuple(
        AlertGroup(severity, name, tuple(sorted(members, key=_alert_order)))
        for (severity, name), members in ordered
    )


def with_silence_ends(alerts: Iterable[Alert], silences: Iterable[Silence]) -> tuple[Alert, ...]:
    """Each silenced alert with the end of the last active silence that mutes it."""
    ends = {s.id: s.ends_at for s in silences if s.state == "active" and s.ends_at is not None}
    marked = []
    for alert in alerts:
        known = [ends[i] for i in alert.silenced_by if i in ends]
        marked.append(replace(alert, silenced_until=max(known)) if known else alert)
    return tuple(marked)


def render_matcher(matcher: object) -> str:
    """An Alertmanager matcher as PromQL-style text: name="v", name=~"re", name!="v", name!~"re"."""
    fields = obj(matcher)
    regex = fields.get("isRegex") is True
    equal = fields.get("isEqual") is not False  # absent in old versions: an equality matcher
    operator = ("=~" if regex else "=") if equal else ("!~" if regex else "!=")
    value = json.dumps(text(fields.get("value")), ensure_ascii=False)
    return f"{text(fields.get('name'))}{operator}{value}"


def _group_order(severity: str, name: str) -> tuple[int, str, str]:
    return severity_rank(severity), severity, name


def _alert_order(alert: Alert) -> tuple[int, str, str, str, str]:
    instance = alert.label("instance") or ""
    return severity_rank(alert.severity), alert.severity, alert.name, instance, alert.fingerprint


def _alert(row: dict[str, object]) -> Alert:
    """A v2 alert: state and silencing come from its `status`."""
    status = obj(row.get("status"))
    return make_alert(
        text(row.get("fingerprint")),
        labels(row.get("labels")),
        row.get("annotations"),
        text(status.get("state"), "unprocessed"),
        parse_time(row.get("startsAt")),
        tuple(text(silence) for silence in items(status.get("silencedBy"))),
    )


def _silence(row: dict[str, object]) -> Silence:
    """A v2 silence; free text (author, comment, matchers) is masked like any other row."""
    return Silence(
        id=text(row.get("id")),
        state=text(obj(row.get("status")).get("state"), "unknown"),
        created_by=mask_text(text(row.get("createdBy"))),
        comment=mask_text(text(row.get("comment"))),
        starts_at=parse_time(row.get("startsAt")),
        ends_at=parse_time(row.get("endsAt")),
        matchers=tuple(mask_text(render_matcher(m)) for m in items(row.get("matchers"))),
    )


def _silence_order(silence: Silence) -> tuple[int, float, str]:
    """Active and pending silences ending soonest first; expired ones most recent first."""
    state = silence.state
    rank = SILENCE_STATE_ORDER.index(state) if state in SILENCE_STATE_ORDER else 3
    ends_s = silence.ends_at.timestamp() if silence.ends_at is not None else float("inf")
    return rank, -ends_s if state == "expired" else ends_s, silence.id
