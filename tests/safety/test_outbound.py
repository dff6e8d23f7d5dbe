"""Every path that writes or shows text lets out no secret and no PII (issue 11, classes 5, 6).

Each test puts a credential and a PII value in and reads what comes out: the audit log's file
(refused statements included), the query history's file, `opsconsole plan` and `query` output,
refusal and parse-error reasons, SVG and text screenshots. (The Query tab's verdict line, exports
and the clipboard are driven through the real app in tests/screens/test_query_scrubbed.py.)
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.inventory import Instance
from console.safety.audit import AuditEntry, AuditLog
from console.screens.exports import scrub_svg
from console.services.query import append_history, history_line, load_history
from tests.helpers import run_opsconsole as opsconsole

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zq9-S3cret-pw"
EMAIL = "jane.doe@example.com"
CARD = "4111 1111 1111 1111"
LEAKS = (SECRET, EMAIL, "jane.doe", CARD, "4111111111111111")

# the statements, as typed: every one carries the secret and most carry PII
STATEMENTS = (
    f"CREATE USER 'bob'@'%' IDENTIFIED BY \"{SECRET}\" /* for {EMAIL} */",
    f"ALTER ROLE app PASSWORD E'{SECRET}'",
    f"CHANGE REPLICATION SOURCE TO SOURCE_HOST='db2', SOURCE_PASSWORD='{SECRET}'",
    f"UPDATE members SET card = '{CARD}', pw = PASSWORD('{SECRET}') WHERE email = '{EMAIL}'",
)
REDIS_COMMANDS = (
    ["CONFIG", "SET", "requirepass", SECRET],
    ["ACL", "SETUSER", "bob", "on", f">{SECRET}", "~*"],
    ["AUTH", "default", SECRET],
    ["MIGRATE", "h", "6379", "k", "0", "5000", "AUTH2", "admin", SECRET],
)


def leaks_in(text: str) -> list[str]:
    return [leak for leak in LEAKS if leak in text]


# --- the audit log ------------------------------------------------------------------------------


@pytest.mark.parametrize("statement", STATEMENTS + tuple(" ".join(c) for c in REDIS_COMMANDS))
def test_class5_the_audit_log_holds_no_secret_of_a_refused_statement(
    tmp_path: Path, statement: str
) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record(AuditEntry("db", "production", statement, "refused", 0, "refused", error=statement))
    text = log.path.read_text("ascii")
    assert leaks_in(text) == []
    assert "***" in json.loads(text)["statement"]


def named(settings: Settings, name: str) -> Instance:
    instance = settings.fleet.by_name(name)
    assert instance is not None
    return instance


@pytest.mark.lab
async def test_class5_refused_statements_and_commands_are_audited_and_refused_scrubbed(
    audited: tuple[DataLayer, Path], settings: Settings, market: Instance
) -> None:
    data, log = audited
    mysql = named(settings, "aws-luckyus-salesorder-rw")
    redis = market
    messages = []
    for statement in STATEMENTS:
        reading = await data.queries.query(mysql, statement)
        assert reading.error is not None and reading.error.kind == "refused"
        messages.append(reading.error.message)
    for command in REDIS_COMMANDS:
        reply = await data.queries.redis(redis, list(command))
        messages.append(reply.error.message if reply.error else "\n".join(reply.value.lines))  # type: ignore[union-attr]
    entries = [json.loads(line) for line in log.read_text("ascii").splitlines()]
    assert len(entries) == len(STATEMENTS) + len(REDIS_COMMANDS)
    assert leaks_in(log.read_text("ascii")) == []
    assert leaks_in("\n".join(messages)) == []


@pytest.mark.lab
async def test_class8_an_alias_does_not_unmask_and_figures_stay(
    audited: tuple[DataLayer, Path], settings: Settings
) -> None:
    data, log = audited
    for name in ("aws-luckyus-salesorder-rw", "aws-luckyus-dify-rw"):
        instance = named(settings, name)
        sql = (
            f"SELECT password AS x, ssn AS id_no, 1717171717 AS created, '2125550100' AS note"
            f" FROM (SELECT '{SECRET}' AS password, '123-45-6789' AS ssn) AS s"
        )
        reading = await data.queries.query(instance, sql)
        assert reading.value is not None, reading.error
        assert reading.value.rows == (("***", "***-**-6789", "1717171717", "***-***-0100"),)
    assert SECRET not in log.read_text("ascii")


@pytest.mark.lab
async def test_class3_whole_rows_as_json_are_masked_inside(
    audited: tuple[DataLayer, Path], settings: Settings
) -> None:
    data, _ = audited
    instance = named(settings, "aws-luckyus-dify-rw")
    inner = f"SELECT '{EMAIL}' AS email, '{SECRET}' AS pw, '+1 212 555 0100' AS phone"
    for sql in (
        f"SELECT json_agg(u) AS j FROM ({inner}) AS u",
        f"SELECT string_agg(email, ',') AS j FROM ({inner}) AS u",
        f"SELECT query_to_xml($${inner}$$, true, false, '') AS j",
    ):
        reading = await data.queries.query(instance, sql)
        if reading.value is None:  # refused by the guard: nothing ran, nothing shown
            assert reading.error is not None and leaks_in(reading.error.message) == []
            continue
        shown = json.dumps(reading.value.rows)
        assert leaks_in(shown) == []
        assert "***@example.com" in shown


# --- query history ------------------------------------------------------------------------------


def test_class5_history_is_scrubbed_and_line_breaks_inside_an_entry_do_not_split_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history-redis.txt"
    entries = [
        f"AUTH default {SECRET}",
        f"SELECT '{EMAIL}'\u2028UNION SELECT '{CARD}'",
        "SELECT 1\rUNION SELECT 2\u2029-- x\x85y",
        f"CONFIG SET requirepass {SECRET}",
    ]
    for entry in entries:
        append_history(path, entry)
    text = path.read_text("utf-8")
    assert leaks_in(text) == []
    assert text.isascii() and text.count("\n") == len(entries)
    loaded = load_history(path)
    assert len(loaded) == len(entries)
    assert loaded[0] == "AUTH ***" and loaded[2] == "SELECT 1\rUNION SELECT 2\u2029-- x\x85y"


def test_history_reads_an_older_plain_file() -> None:
    assert json.loads(history_line("SELECT 1")) == "SELECT 1"


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT * FROM members WHERE email = '{EMAIL}' AND card = '{CARD}'",
        f"SELECT * FROM users WHERE password = '{SECRET}' OR email = '{EMAIL}'",
        f"SELECT ((( '{EMAIL}' {CARD} password='{SECRET}'",  # a parse error quotes raw input
        f"CREATE USER bob IDENTIFIED BY '{SECRET}'",
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_class6_opsconsole_plan_prints_no_secret_or_pii(sql: str, as_json: bool) -> None:
    options = ["--json"] if as_json else []
    result = opsconsole("plan", "--instance", "aws-luckyus-salesorder-rw", *options, sql)
    assert result.returncode == 0, result.stderr
    assert leaks_in(result.stdout + result.stderr) == []
    assert "***" in result.stdout


@pytest.mark.lab
def test_class6_a_refused_query_prints_no_secret_or_pii(lab_dir: Path) -> None:
    sql = f"UPDATE members SET pw = '{SECRET}' WHERE email = '{EMAIL}'"
    result = opsconsole("query", "--instance", "aws-luckyus-salesorder-rw", sql)
    assert result.returncode == 3
    assert leaks_in(result.stdout + result.stderr) == []


# --- screenshots ----------------------------------------------------------------------------------


def svg_line(y: int, *runs: str) -> str:
    texts = "".join(
        f'<text class="r{i}" x="{i * 10}" y="{y}" textLength="9">{run}</text>'
        for i, run in enumerate(runs)
    )
    return f'<g clip-path="url(#line-{y})">{texts}</g>'


def test_class6_svg_screenshots_are_masked_and_redacted_run_by_run_and_across_runs() -> None:
    svg = "<svg>" + "".join(
        [
            svg_line(1, f"&#160;{EMAIL}&#160;", "│", f"password={SECRET}"),
            svg_line(2, "email='jane.d", "o", "e@example.com'&#160;and&#160;", CARD[:9], CARD[9:]),
            svg_line(3, "&#160;4117&#160;", "&#160;app_orders&#160;"),
        ]
    ) + "</svg>"  # fmt: skip
    scrubbed = scrub_svg(svg)
    assert leaks_in(scrubbed) == [] and "jane" not in scrubbed
    shown = html.unescape(re.sub(r"<[^>]+>", "", scrubbed))
    assert "***@example.com" in shown and "****1111" in shown and "password=***" in shown
    assert svg_line(3, "&#160;4117&#160;", "&#160;app_orders&#160;") in scrubbed
    assert scrubbed.count("<text") == svg.count("<text")
