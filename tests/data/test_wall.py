"""The data layer is a wall: what it hands out only reads, and a change runs only through a
confirmed consent whose audit line can be written.

The `# type: ignore[attr-defined]` lines are the type-level half: mypy runs with
`warn_unused_ignores` (strict), so should a protocol ever grow `write` or `client`, the ignore
becomes unused and the mypy gate fails; the `pytest.raises` around them is the run-time half.
"""

from __future__ import annotations

import inspect
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, get_type_hints

import msgspec
import pytest
from redis.asyncio import Redis

from console.config import Settings
from console.data import reads
from console.data.layer import DataLayer
from console.data.reads import ReadView, SqlReads, protocol_names
from console.inventory import Instance
from console.safety.audit import AuditLog
from console.safety.confirm import YES, Consent
from tests.helpers import offered

FORBIDDEN = ("write", "execute", "client", "connect", "select", "command", "close", "forget")
"""Public names that would be a side door: a write, a raw client or connection, a statement
past the guard (select, command), or closing a pool under another screen."""


def side_doors(names: Any) -> set[str]:
    """The names among `names` that are, or start as, a side door (`clients`, CLIENT LIST,
    is a read and stays allowed)."""
    return {
        n
        for n in names
        if not n.startswith("_") and (n in FORBIDDEN or n.startswith(("write_", "connect_")))
    }


@pytest.fixture
async def layer(offline_settings: Settings) -> AsyncIterator[DataLayer]:
    async with DataLayer(offline_settings) as data:
        yield data


def handed_out(data: DataLayer) -> Iterator[tuple[str, Any, Any]]:
    """(name, object, declared type) of every public attribute of the facade that is not a
    method (the properties), plus the declared return type of every public method."""
    for name, member in inspect.getmembers(type(data)):
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            assert member.fget is not None
            yield name, getattr(data, name), get_type_hints(member.fget)["return"]
        elif inspect.isfunction(member):
            yield name, None, get_type_hints(member).get("return")


def test_no_object_the_facade_hands_out_has_a_side_door(layer: DataLayer) -> None:
    assert side_doors(dir(layer)) == {"close"}  # its owner's (the app on unmount, async with)
    walked = 0
    for name, value, declared in handed_out(layer):
        if name == "settings" or value is None:
            continue
        walked += 1
        doors = side_doors(dir(value)) - {"execute"}
        assert doors == set(), f"data.{name} answers {sorted(doors)}"
        if "execute" in dir(value):  # the confirmed change path, and only with a consent
            assert name == "queries"
            hints = get_type_hints(value.execute)
            assert hints["consent"] is Consent
        if getattr(declared, "_is_protocol", False):
            assert side_doors(protocol_names(declared)) <= {"execute"}
    assert walked >= 6  # mysql, postgres, redis, prometheus, alertmanager, queries


def test_every_protocol_the_facade_declares_only_reads() -> None:
    protocols = [
        value
        for value in vars(reads).values()
        if isinstance(value, type) and getattr(value, "_is_protocol", False)
    ]
    assert {p.__name__ for p in protocols} >= {"SqlReads", "MySQLReads", "RedisReads", "Queries"}
    for protocol in protocols:
        allowed = {"execute"} if protocol is reads.Queries else set()
        assert side_doors(protocol_names(protocol)) == allowed, protocol.__name__
    assert "execute" in protocol_names(reads.Queries)
    assert get_type_hints(reads.Queries.execute)["consent"] is Consent


def test_a_screen_reaching_for_a_write_finds_none(layer: DataLayer) -> None:
    """What a screen could type: each is a mypy error (the ignores) and an AttributeError."""
    instance = layer.settings.fleet.instances[0]
    with pytest.raises(AttributeError):
        layer.mysql.write(instance, "DELETE FROM orders")  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.mysql.select(instance, "SELECT 1", 1)  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.postgres.write(instance, "DROP TABLE t")  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.redis.client(instance)  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.redis.connect(instance, "127.0.0.1", 6379)  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.redis.command(instance, ["FLUSHALL"])  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.sql(instance).close()  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.alertmanager.close()  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        layer.mysql = layer.postgres  # type: ignore[misc]
    assert callable(layer.mysql.processlist) and callable(layer.redis.clients)  # reads answer


def test_a_view_answers_its_protocol_only_and_cannot_be_changed(layer: DataLayer) -> None:
    view = layer.postgres
    assert isinstance(view, ReadView)
    assert set(dir(view)) == protocol_names(reads.PostgresReads) >= protocol_names(SqlReads)
    with pytest.raises(AttributeError, match="not a read the data layer hands out"):
        getattr(view, "forget")  # noqa: B009 - a name mypy does not know, on purpose
    with pytest.raises(AttributeError, match="cannot be changed"):
        view.status = view.processlist


def test_a_source_lacking_a_protocol_method_is_refused_at_construction() -> None:
    class Half:
        async def info(self, instance: Instance) -> None: ...

    with pytest.raises(TypeError, match="lacks clients, memory, sample_keys, slowlog"):
        ReadView(Half(), reads.RedisReads)


# --- the audit: a change whose line cannot be written -----------------------------------------


def unwritable_audit(tmp_path: Path) -> Path:
    """An audit path that cannot be opened: its folder is a file. (Why not a read-only file:
    the tests may run as root, who writes a 0400 file; a missing folder is made again.)"""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    return blocker / "audit.jsonl"


def redis_instance(port: int) -> Instance:
    return Instance(
        kind="redis",
        name="luckyus-wall-test",
        group="Sales/CRM",
        env="staging",
        host="127.0.0.1",
        port=port,
        user="opsconsole_ro",
        secret="env:OPSCONSOLE_WALL_TEST_UNSET",
        write_user="opsconsole_rw",
        write_secret="env:OPSCONSOLE_WALL_TEST_UNSET",
    )


async def test_an_unwritable_audit_log_refuses_the_change_before_anything_is_sent(
    offline_settings: Settings, tmp_path: Path, closed_port: int
) -> None:
    """Nothing listens on the port and no secret resolves: had the change been tried, the
    error would say so, not "refused"."""
    console = msgspec.structs.replace(
        offline_settings.console, audit_log=str(unwritable_audit(tmp_path))
    )
    instance = redis_instance(closed_port)
    async with DataLayer(replace(offline_settings, console=console)) as data:
        action = offered(await data.queries.action(instance, ["SET", "k", "v"]))
        assert action is not None and action.confirmations == 1
        done = await data.queries.execute(instance, Consent(action, (YES,)))
        cancelled = await data.queries.cancelled(instance, action)
    assert done.value is None and done.error is not None
    assert done.error.kind == "refused"
    assert "audit log" in done.error.message and "nothing was sent" in done.error.message
    assert cancelled is not None and "cannot be written" in cancelled


def test_the_audit_check_writes_nothing(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "folder" / "audit.jsonl")
    log.ready()
    assert log.path.read_bytes() == b""
    with pytest.raises(OSError, match=r"exists|Not a directory"):
        AuditLog(unwritable_audit(tmp_path)).ready()


@pytest.mark.lab
async def test_a_failing_audit_on_the_lab_refuses_the_change_and_sends_nothing(
    settings: Settings, tmp_path: Path, lab_admin: Redis
) -> None:
    key = f"opsconsole:test:wall:{secrets.token_hex(4)}"
    console = msgspec.structs.replace(settings.console, audit_log=str(unwritable_audit(tmp_path)))
    async with DataLayer(replace(settings, console=console)) as data:
        instance = (await data.fleet()).by_name("luckyus-isales-market")
        assert instance is not None and instance.write_secret is not None
        action = offered(await data.queries.action(instance, ["SET", key, "1"]))
        assert action is not None
        done = await data.queries.execute(instance, Consent(action, (YES,)))
    assert done.error is not None and done.error.kind == "refused"
    assert "nothing was sent" in done.error.message
    assert await lab_admin.exists(key) == 0


@pytest.mark.lab
async def test_an_audit_line_failing_after_the_change_ran_is_a_refused_value(
    settings: Settings, tmp_path: Path, lab_admin: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log accepts the check, then the disk fills up (a test double: a full disk cannot be
    made here) when the outcome is written: a value saying the change ran, not an exception."""
    key = f"opsconsole:test:wall:{secrets.token_hex(4)}"
    record = AuditLog.record

    def full_after_the_change(self: AuditLog, entry: Any) -> None:
        if entry.outcome == "ok":
            raise OSError(28, "No space left on device")
        record(self, entry)

    monkeypatch.setattr(AuditLog, "record", full_after_the_change)
    log = tmp_path / "audit.jsonl"
    console = msgspec.structs.replace(settings.console, audit_log=str(log))
    try:
        async with DataLayer(replace(settings, console=console)) as data:
            instance = (await data.fleet()).by_name("luckyus-isales-market")
            assert instance is not None
            action = offered(await data.queries.action(instance, ["SET", key, "1"]))
            assert action is not None
            done = await data.queries.execute(instance, Consent(action, (YES,)))
        assert done.value is None and done.error is not None
        assert done.error.kind == "refused"
        assert "the change ran" in done.error.message and "No space left" in done.error.message
        assert await lab_admin.get(key) == "1"  # it did run: the value says so
    finally:
        await lab_admin.delete(key)


async def test_leaving_the_context_closes_what_was_opened(
    offline_settings: Settings, closed_port: int
) -> None:
    """A client opened by a call (here Prometheus' HTTP client, on a port nothing answers) is
    closed on leaving `async with`, and a later call opens a new one."""
    monitoring = msgspec.structs.replace(
        offline_settings.monitoring, prometheus=f"http://127.0.0.1:{closed_port}"
    )
    async with DataLayer(replace(offline_settings, monitoring=monitoring)) as data:
        reading = await data.prometheus.query("up")
        assert reading.error is not None and reading.error.kind == "unreachable"
    again = await data.prometheus.query("up")
    assert again.error is not None and again.error.kind == "unreachable"
    await data.close()
