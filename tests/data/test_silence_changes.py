"""A silence is a change like any other: it runs only through `data.queries.execute` with a
consent that covers it, on the configured Alertmanager, and is refused before anything is
sent when the consent is short, forged or for another target, or in read-only mode.

These tests point the Alertmanager at a port nothing listens on: had anything been sent, the
error would say `unreachable`, not `refused`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from console.config import Settings, with_read_only_flag
from console.data.layer import DataLayer
from console.data.models import Matcher, SilenceChange
from console.safety.confirm import YES, Consent, silence_problem
from console.services import silences as service
from tests.helpers import offered

NOW = datetime(2026, 12, 5, 3, 12, tzinfo=UTC)
MATCHERS = (Matcher("alertname", "MySQLTooManyConnections"), Matcher("instance", "db1"))


def unreachable(settings: Settings, port: int) -> Settings:
    monitoring = msgspec.structs.replace(
        settings.monitoring, alertmanager=f"http://127.0.0.1:{port}"
    )
    return replace(settings, monitoring=monitoring)


def audit(settings: Settings) -> list[dict[str, object]]:
    path = settings.audit_path
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def a_silence() -> SilenceChange:
    return service.new_silence(MATCHERS, "2h", "opsconsole-test wall", user="alice")


async def test_a_confirmed_silence_is_sent_and_a_short_consent_is_refused(
    offline_settings: Settings, closed_port: int
) -> None:
    settings = unreachable(offline_settings, closed_port)
    async with DataLayer(settings) as data:
        action = offered(await data.queries.silence(a_silence(), "matches 2 firing alerts now"))
        assert action is not None and action.confirmations == 1
        assert action.instance == "alertmanager" and action.env == "lab"
        target = data.queries.alertmanager_target()
        short = await data.queries.execute(target, Consent(action, ()))
        sent = await data.queries.execute(target, Consent(action, (YES,)))
    assert short.error is not None and short.error.kind == "refused"
    assert sent.error is not None and sent.error.kind == "unreachable"  # it was sent
    assert [line["outcome"] for line in audit(settings)] == ["refused", "failed"]


async def test_a_forged_or_misdirected_silence_is_refused_before_anything_is_sent(
    offline_settings: Settings, closed_port: int
) -> None:
    settings = unreachable(offline_settings, closed_port)
    async with DataLayer(settings) as data:
        action = offered(await data.queries.silence(a_silence()))
        assert action is not None and action.silence is not None
        target = data.queries.alertmanager_target()
        wider = replace(action, silence=replace(action.silence, matchers=MATCHERS[:1]))
        forged = await data.queries.execute(target, Consent(wider, (YES,)))
        instance = settings.fleet.instances[0]
        elsewhere = await data.queries.execute(instance, Consent(action, (YES,)))
    assert forged.error is not None and forged.error.kind == "refused"
    assert "no longer the change" in forged.error.message
    assert elsewhere.error is not None and elsewhere.error.kind == "refused"


async def test_read_only_refuses_a_silence_before_any_prompt_and_audits_it(
    offline_settings: Settings, closed_port: int
) -> None:
    settings = with_read_only_flag(unreachable(offline_settings, closed_port))
    async with DataLayer(settings) as data:
        built = await data.queries.silence(a_silence())
    assert built.value is None and built.error is not None and built.error.kind == "refused"
    assert built.error.message.startswith("read-only:")
    [line] = audit(settings)
    assert line["outcome"] == "refused" and str(line["statement"]).startswith("silence create:")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (SilenceChange("create", "alice", "why", (), NOW, NOW + timedelta(hours=1)), "matcher"),
        (
            SilenceChange(
                "create",
                "alice",
                "why",
                (Matcher("a", ".*", is_regex=True),),
                NOW,
                NOW + timedelta(hours=1),
            ),
            "every alert",
        ),
        (SilenceChange("create", "alice", " ", MATCHERS, NOW, NOW + timedelta(hours=1)), "comment"),
        (SilenceChange("create", "", "why", MATCHERS, NOW, NOW + timedelta(hours=1)), "author"),
        (SilenceChange("create", "alice", "why", MATCHERS, NOW, NOW - timedelta(hours=1)), "end"),
        (SilenceChange("create", "alice", "why", MATCHERS, NOW, NOW + timedelta(days=31)), "30"),
        (SilenceChange("expire", "alice"), "id"),
    ],
)
def test_a_silence_that_cannot_be_sent_says_why(change: SilenceChange, problem: str) -> None:
    found = silence_problem(change, NOW)
    assert found is not None and problem in found


def test_a_good_silence_has_no_problem() -> None:
    change = SilenceChange("create", "alice", "why", MATCHERS, NOW, NOW + timedelta(hours=2))
    assert silence_problem(change, NOW) is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 90s ", 90), ("1w", 604800)],
)
def test_durations(text: str, seconds: int) -> None:
    assert service.parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "2", "2 hours", "h", "0m", "1y", "-1h"])
def test_durations_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        service.parse_duration(text)


def test_matchers_read_back_as_written() -> None:
    line = 'alertname="A b", instance=~"db-.*", severity!="info", job!~"x|y", path="a,\\"b\\""'
    parsed = service.parse_matchers(line)
    assert [(m.name, m.operator, m.value) for m in parsed] == [
        ("alertname", "=", "A b"),
        ("instance", "=~", "db-.*"),
        ("severity", "!=", "info"),
        ("job", "!~", "x|y"),
        ("path", "=", 'a,"b"'),
    ]
    assert service.parse_matchers(service.matchers_line(parsed)) == parsed
    assert service.parse_matchers(["a=b", "c=~d.*"]) == (
        Matcher("a", "b"),
        Matcher("c", "d.*", is_regex=True),
    )


@pytest.mark.parametrize("text", ["", "=x", 'a="b" c="d"', "a", 'a="unclosed', 'a=warning"'])
def test_matchers_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match=r"matcher|quote"):
        service.parse_matchers(text)


def test_the_author_is_the_unix_user_of_the_uid_not_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import pwd

    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    assert service.unix_user() == pwd.getpwuid(os.getuid()).pw_name


def test_the_alertmanager_view_has_no_way_to_write(
    offline_settings: Settings, closed_port: int
) -> None:
    """The read side stays read-only: a silence is made only through `queries`."""
    data = DataLayer(unreachable(offline_settings, closed_port))
    for name in ("post", "delete", "create_silence", "expire", "silence", "apply", "_http"):
        with pytest.raises(AttributeError):
            getattr(data.alertmanager, name)
    assert callable(data.alertmanager.matching) and callable(data.alertmanager.silences)


def test_each_silenced_alert_carries_the_end_of_its_last_active_silence() -> None:
    from console.data.models import Alert, Silence
    from console.data.sources.alertmanager import with_silence_ends

    def silence(sid: str, state: str, hours: int) -> Silence:
        return Silence(sid, state, "alice", "", NOW, NOW + timedelta(hours=hours), ())

    alerts = (
        Alert("a", "A", "warning", "suppressed", NOW, "", (), ("s1", "s2")),
        Alert("b", "B", "warning", "suppressed", NOW, "", (), ("gone",)),
        Alert("c", "C", "warning", "active", NOW, "", ()),
    )
    marked = with_silence_ends(
        alerts,
        (silence("s1", "active", 1), silence("s2", "active", 3), silence("gone", "expired", 9)),
    )
    assert [a.silenced_until for a in marked] == [NOW + timedelta(hours=3), None, None]
