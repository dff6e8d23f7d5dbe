"""Silences: from an alert (or typed matchers) to a confirmed, audited Alertmanager silence.

The `silence` verb and the alerts screen's `s`, `S` and `x` both call this room: matchers from
an alert's labels (or typed `name="value"`, `name=~"re"`, `name!="v"`), the preview of how many
firing alerts they match (Alertmanager's own filter), durations (`30m`, `2h`, `1d`, `1h30m`),
the author (the Unix user, from the password database), and the change itself, which runs only
through the data layer's confirmed path (`data.queries.silence` builds the action, refused in
read-only mode; `execute` checks the consent, sends it and writes the audit line).

Why a service: the verb and the screen must build the same silence from the same input and
show the same preview; a second parser in a screen is how two fronts start to disagree.
"""

from __future__ import annotations

import getpass
import os
import pwd
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from console.data.calls import utcnow
from console.data.layer import DataLayer
from console.data.models import Alert, Matcher, Reading, Silence, SilenceChange, WriteOutcome
from console.safety.confirm import Action, Consent, matcher_text, silence_problem
from console.safety.scrub import scrub
from console.services import query as query_service

T = TypeVar("T")
U = TypeVar("U")
DEFAULT_DURATION = "2h"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(\d+)([smhdw])")
_MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,]*)')
SHOWN_STATES = ("active", "pending")
"""What `S` and `silence list` show: silences in force or about to be (expired ones are
Alertmanager's history, not the incident's)."""


@dataclass(frozen=True, slots=True)
class Preview:
    """What a silence's matchers match now: the firing alerts and those already muted."""

    firing: int
    silenced: int
    alerts: tuple[Alert, ...]

    @property
    def text(self) -> str:
        firing = f"{self.firing} firing alert{'' if self.firing == 1 else 's'}"
        muted = f" ({self.silenced} already silenced)" if self.silenced else ""
        return f"matches {firing} now{muted}"


def unix_user() -> str:
    """The Unix user running the console, from the password database by uid ($USER can say
    anything); getpass's answer when the uid has no entry, else `uid:N`."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        pass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def parse_duration(text: str) -> timedelta:
    """`30m`, `2h`, `1d`, `1h30m`, `90s`, `1w` as a duration (ValueError says what it takes)."""
    compact = text.strip().lower().replace(" ", "")
    if not compact or _DURATION.sub("", compact):
        raise ValueError(f"{text!r} is not a duration: write e.g. 30m, 2h, 1d or 1h30m")
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _DURATION.findall(compact))
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a duration: it must be longer than 0")
    return timedelta(seconds=seconds)


def parse_matchers(text: str | Sequence[str]) -> tuple[Matcher, ...]:
    """Matchers from `name="value", name=~"re"` (one line, the form's) or from one matcher
    per item (`--matcher k=v`); a value may be quoted (JSON string) or bare. ValueError names
    the part it cannot read."""
    parts = [text] if isinstance(text, str) else list(text)
    found: list[Matcher] = []
    for part in parts:
        position = 0
        while position < len(part):
            hit = _MATCHER.match(part, position)
            if hit is None or not hit.group(1):
                raise ValueError(f"cannot read matcher {part[position:].strip()!r}: "
                                 'write name="value", name=~"regex", name!="value"')  # fmt: skip
            found.append(_matcher(hit.group(1), hit.group(2), hit.group(3).strip()))
            position = hit.end()
            rest = part[position:].lstrip()
            if rest and not rest.startswith(","):
                raise ValueError(f"cannot read matcher near {rest!r}: separate them with commas")
            position = len(part) - len(rest) + (1 if rest else 0)
    if not found:
        raise ValueError("no matcher: a silence needs at least one")
    return tuple(found)


def _matcher(name: str, operator: str, raw: str) -> Matcher:
    value = raw
    if '"' in raw and not raw.startswith('"'):
        raise ValueError(f'cannot read the value {raw}: quote it whole, {name}{operator}"..."')
    if raw.startswith('"'):
        import json

        try:
            value = str(json.loads(raw))
        except ValueError:
            raise ValueError(f"cannot read the quoted value {raw}") from None
    return Matcher(name, value, is_regex="~" in operator, is_equal=not operator.startswith("!"))


def matchers_from_labels(labels: Iterable[tuple[str, str]]) -> tuple[Matcher, ...]:
    """One equality matcher per label of the alert: the silence mutes this alert (and any
    other with exactly these labels)."""
    return tuple(Matcher(name, value) for name, value in labels)


def matchers_line(matchers: Iterable[Matcher]) -> str:
    """The matchers as one editable line (what `parse_matchers` reads back)."""
    return ", ".join(matcher_text(m) for m in matchers)


def new_silence(
    matchers: Sequence[Matcher],
    duration: str,
    comment: str,
    *,
    user: str | None = None,
    now: datetime | None = None,
) -> SilenceChange:
    """The silence to create, from now for `duration`; ValueError says what is wrong."""
    start = now or utcnow()
    change = SilenceChange(
        op="create",
        created_by=user or unix_user(),
        comment=comment.strip(),
        matchers=tuple(matchers),
        starts_at=start,
        ends_at=start + parse_duration(duration),
    )
    problem = silence_problem(change, start)
    if problem is not None:
        raise ValueError(problem)
    return change


def expiry(silence_id: str, user: str | None = None) -> SilenceChange:
    """The change that expires one silence (now)."""
    return SilenceChange(op="expire", created_by=user or unix_user(), silence_id=silence_id.strip())


async def preview(data: DataLayer, matchers: Sequence[Matcher]) -> Reading[Preview]:
    """How many firing alerts the matchers match now (and how many of those are muted
    already), as Alertmanager's filter matches them; its error scrubbed."""
    reading = _shown(await data.alertmanager.matching(tuple(matchers)))
    if reading.value is None:
        return _carried(reading, None)
    alerts = reading.value
    muted = sum(1 for a in alerts if a.state == "suppressed" or a.silenced_by)
    return _carried(reading, Preview(len(alerts) - muted, muted, alerts))


async def find_alert(data: DataLayer, fingerprint: str) -> Reading[Alert | None]:
    """The active alert with this fingerprint (or the one alert whose fingerprint starts
    with it); None in the value when there is no such alert, or several."""
    reading = _shown(await data.alertmanager.alerts())
    if reading.value is None:
        return _carried(reading, None)
    wanted = fingerprint.strip().lower()
    exact = [a for a in reading.value if a.fingerprint.lower() == wanted]
    prefixed = [a for a in reading.value if a.fingerprint.lower().startswith(wanted)]
    found = exact or (prefixed if len(prefixed) == 1 else [])
    return _carried(reading, found[0] if found else None)


async def shown_silences(data: DataLayer) -> Reading[tuple[Silence, ...]]:
    """The silences in force or pending (ending soonest first), for `S` and `silence list`."""
    reading = _shown(await data.alertmanager.silences())
    if reading.value is None:
        return reading
    return replace(reading, value=tuple(s for s in reading.value if s.state in SHOWN_STATES))


async def offer(data: DataLayer, change: SilenceChange, about: str = "") -> Reading[Action]:
    """The confirmable action of the change (`about`: the preview, for the prompt); refused
    in read-only mode or when the change cannot be sent, the reason scrubbed."""
    return _shown(await data.queries.silence(change, about))


async def settle(
    data: DataLayer, action: Action, consent: Consent | None
) -> Reading[WriteOutcome] | None:
    """After the prompt: send the change with the answers given (the data layer checks them
    and writes the audit line), or audit its cancellation (None)."""
    target = data.queries.alertmanager_target()
    return await query_service.settle(data, target, action, consent)


def created_id(outcome: WriteOutcome) -> str:
    """The id Alertmanager gave the silence (or the one expired)."""
    return outcome.reply[0] if outcome.reply else ""


def _shown(reading: Reading[T]) -> Reading[T]:
    """The reading with its error message scrubbed (an API error may quote a matcher)."""
    if reading.error is None:
        return reading
    return replace(reading, error=replace(reading.error, message=scrub(reading.error.message)))


def _carried(reading: Reading[T], value: U | None) -> Reading[U]:
    """A reading of another value, from the same call (its error, if any, kept)."""
    return Reading(
        reading.instance,
        reading.source,
        reading.fetched_at,
        reading.elapsed_s,
        value,
        reading.error,
    )
