"""The query service (console/services/query.py) as the Query tab, the prompts and the verbs use
it: verdicts as typed, the change path, and every text it hands back scrubbed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from console.config import Settings, load_settings
from console.data.layer import DataLayer
from console.inventory import Instance, Kind
from console.safety.confirm import Action
from console.services import query as query_service
from tests.helpers import offered

ROOT = Path(__file__).resolve().parents[1]
SALESORDER = "aws-luckyus-salesorder-rw"
SECRET = "Zq9-S3cret-pw"
EMAIL = "jane.doe@example.com"


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    """The lab profile with a private output folder and audit log; nothing here connects."""
    loaded = load_settings(ROOT / "config.toml", "lab")
    options = {"output_dir": str(tmp_path / "output"), "audit_log": str(tmp_path / "audit.log")}
    return replace(loaded, console=msgspec.structs.replace(loaded.console, **options))


@pytest.fixture
async def offline(offline_settings: Settings) -> AsyncIterator[DataLayer]:
    async with DataLayer(offline_settings) as data:
        yield data


def named(settings: Settings, name: str) -> Instance:
    instance = settings.fleet.by_name(name)
    assert instance is not None
    return instance


def staging(settings: Settings) -> Instance:
    """Salesorder as a staging server: no heavy check, so the change path asks no server."""
    return replace(named(settings, SALESORDER), env="staging")


async def test_a_read_verdict_shows_its_limit(offline: DataLayer) -> None:
    instance = named(offline.settings, SALESORDER)
    verdict = await query_service.verdict(offline, instance, "SELECT * FROM orders")
    assert verdict.read_only and verdict.confirmations == 0
    assert "LIMIT" in verdict.statement.upper()


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE users SET password = '{SECRET}' WHERE email = '{EMAIL}'",
        f"SELECT ((( '{EMAIL}' password='{SECRET}'",  # a parse error quotes the raw input
    ],
)
async def test_a_verdict_shows_no_secret_or_pii(offline: DataLayer, sql: str) -> None:
    instance = named(offline.settings, SALESORDER)
    verdict = await query_service.verdict(offline, instance, sql)
    shown = verdict.statement + " ".join(verdict.reasons)
    assert not verdict.read_only
    assert SECRET not in shown and "jane.doe" not in shown


async def test_a_redis_verdict_splits_the_typed_line_and_hides_the_password(
    offline: DataLayer,
) -> None:
    market = replace(named(offline.settings, SALESORDER), kind="redis", port=6379)
    verdict = await query_service.verdict(offline, market, f'CONFIG SET requirepass "{SECRET}"')
    assert not verdict.read_only
    assert SECRET not in verdict.statement and verdict.statement.startswith("CONFIG SET")
    read = await query_service.verdict(offline, market, 'GET "a key with spaces"')
    assert read.read_only and read.statement == "GET a key with spaces"


async def test_a_typed_write_is_a_change_and_a_read_is_not(offline: DataLayer) -> None:
    instance = staging(offline.settings)
    statement = "UPDATE orders SET status = 'x' WHERE id = -1"
    change = offered(await query_service.change(offline, instance, statement))
    assert change is not None and change.warnings == ()
    assert change.action.classification == "write" and change.action.confirmations == 1
    assert change.action.statement == statement
    assert await query_service.change(offline, instance, "SELECT 1") is None


async def test_a_kill_is_destructive_and_asks_twice_on_production(offline: DataLayer) -> None:
    instance = replace(named(offline.settings, SALESORDER), kind="postgres", port=5432)
    about = f"app: SELECT * FROM members WHERE email = '{EMAIL}'"
    reading = await query_service.kill_action(offline, instance, 4242, about)
    action = reading.value
    assert action is not None and action.kill == 4242
    assert (action.classification, action.confirmations) == ("destructive", 2)
    assert "4242" in action.statement and "jane.doe" not in " ".join(action.reasons)


def test_the_prompt_scrubs_reasons_and_warnings_and_keeps_the_action() -> None:
    action = Action(
        "db", "production", "db:3306", "Run a write", "write", 1,
        (f"touches the row of {EMAIL}",), statement="UPDATE t SET a = 1",
    )  # fmt: skip
    prompt = query_service.prompt(action, (f"password={SECRET} seen",))
    assert prompt.action is action
    assert "jane.doe" not in prompt.reasons[0] and "@example.com" in prompt.reasons[0]
    assert SECRET not in prompt.warnings[0]


@pytest.mark.parametrize(
    ("kind", "schema", "expected"),
    [
        ("mysql", "sales`x", "SELECT * FROM `sales``x`.`orders`"),
        ("postgres", 'sales"x', 'SELECT * FROM "sales""x"."orders"'),
    ],
)
def test_select_all_quotes_names_for_the_engine(
    offline_settings: Settings, kind: Kind, schema: str, expected: str
) -> None:
    instance = replace(named(offline_settings, SALESORDER), kind=kind)
    assert query_service.select_all(instance, schema, "orders") == expected


async def test_history_keeps_the_last_entries_once_each_and_scrubbed(tmp_path: Path) -> None:
    path = tmp_path / "history-mysql.txt"
    history: list[str] = []
    for text in ("SELECT 1", "SELECT 1", f"SELECT '{EMAIL}'"):
        history = await query_service.remember(path, history, text)
    assert history == ["SELECT 1", f"SELECT '{EMAIL}'"]  # the session's own list, as typed
    stored = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert stored[0] == "SELECT 1" and "jane.doe" not in stored[1]
    assert query_service.load_history(path) == stored
    for n in range(query_service.HISTORY_SIZE + 5):
        history = await query_service.remember(path, history, f"SELECT {n}")
    assert len(history) == query_service.HISTORY_SIZE and history[-1] == "SELECT 204"


# --- on the lab ---------------------------------------------------------------------------------


@pytest.mark.lab
async def test_a_cancelled_change_sends_nothing_and_is_audited(
    settings: Settings, tmp_path: Path
) -> None:
    audited = replace(
        settings,
        console=msgspec.structs.replace(settings.console, audit_log=str(tmp_path / "audit.log")),
    )
    async with DataLayer(audited) as data:
        instance = named(audited, SALESORDER)
        change = offered(
            await query_service.change(data, instance, "DELETE FROM orders WHERE id = -1")
        )
        assert change is not None
        assert await query_service.settle(data, instance, change.action, None) is None
    [entry] = [json.loads(line) for line in (tmp_path / "audit.log").read_text().splitlines()]
    assert entry["outcome"] == "cancelled" and entry["classification"] == "destructive"


async def test_a_cancellation_the_audit_cannot_record_is_told(
    offline_settings: Settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"  # the audit's folder is a file: no line can be written
    blocker.write_text("")
    options = {"audit_log": str(blocker / "audit.jsonl")}
    unaudited = replace(
        offline_settings, console=msgspec.structs.replace(offline_settings.console, **options)
    )
    async with DataLayer(unaudited) as data:
        instance = staging(unaudited)
        change = offered(
            await query_service.change(data, instance, "DELETE FROM orders WHERE id = -1")
        )
        assert change is not None
        told = await query_service.settle(data, instance, change.action, None)
    assert told is not None and told.value is None and told.error is not None
    assert told.error.kind == "refused"
    assert told.error.message.startswith("cancelled, nothing was sent; but the audit log")


@pytest.mark.lab
async def test_rows_are_masked_and_a_refusal_names_no_secret(data: DataLayer) -> None:
    members = named(data.settings, "aws-luckyus-isalesmembermarketing-rw")
    rows = await query_service.run_query(data, members, "SELECT email FROM members LIMIT 3")
    assert rows.value is not None and rows.value.rows
    assert all(str(row[0]).startswith("***@") for row in rows.value.rows)
    instance = named(data.settings, SALESORDER)
    refused = await query_service.run_query(
        data, instance, f"UPDATE users SET password = '{SECRET}'"
    )
    assert refused.error is not None and refused.error.kind == "refused"
    assert SECRET not in refused.error.message
