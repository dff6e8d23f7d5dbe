"""Issue 11, class 1: a statement that calls a function with a side effect is never read-only.

Functions are an allowlist of pure built-ins per engine; these tests enumerate the classes of
functions that must stay off it (side effects per engine, SQL-text executors, user-defined and
schema-qualified functions, functions the guard never heard of), in every place a call can
stand, and check that every allowlisted name is a real built-in on the lab's servers.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.lab import topology
from console.safety.sqlcalls import emitted_name
from console.safety.sqlfunctions import ALLOWED, MYSQL, POSTGRES, POSTGRES_SYNTAX
from console.safety.sqlguard import plan
from tests.safety.sql_corpus import Dialect

# (dialect, call, level): side effects the allowlist leaves out; level is the guard's class for
# the well-known ones the console gives a class on purpose (a kill is destructive, not refused).
SIDE_EFFECTS: tuple[tuple[Dialect, str, str], ...] = (
    ("postgres", "pg_terminate_backend(1234)", "destructive"),
    ("postgres", "pg_catalog.pg_terminate_backend(1234)", "destructive"),
    ("postgres", "pg_cancel_backend(1234)", "destructive"),
    ("postgres", "setval('order_seq', 1)", "destructive"),
    ("postgres", "nextval('order_seq')", "write"),
    ("postgres", "txid_current()", "write"),
    ("postgres", "pg_current_xact_id()", "write"),
    ("postgres", "pg_sleep(60)", "refused"),
    ("postgres", "pg_advisory_lock(1)", "refused"),
    ("postgres", "pg_try_advisory_xact_lock(1)", "refused"),
    ("postgres", "set_config('work_mem', '1GB', false)", "refused"),
    ("postgres", "setseed(0.5)", "refused"),
    ("postgres", "pg_promote()", "refused"),
    ("postgres", "pg_wal_replay_pause()", "refused"),
    ("postgres", "pg_create_restore_point('x')", "refused"),
    ("postgres", "pg_replication_slot_advance('s', '0/0')", "refused"),
    ("postgres", "pg_logical_slot_get_changes('s', NULL, NULL)", "refused"),
    ("postgres", "pg_logical_emit_message(true, 'x', 'y')", "refused"),
    ("postgres", "pg_drop_replication_slot('s')", "refused"),
    ("postgres", "brin_summarize_new_values('idx'::regclass)", "refused"),
    ("postgres", "brin_summarize_range('idx'::regclass, 0)", "refused"),
    ("postgres", "brin_desummarize_range('idx'::regclass, 0)", "refused"),
    ("postgres", "gin_clean_pending_list('idx'::regclass)", "refused"),
    ("postgres", "pg_background_launch('delete from orders')", "refused"),
    ("postgres", "autoprewarm_dump_now()", "refused"),
    ("postgres", "pg_prewarm('orders')", "refused"),
    ("postgres", "pg_read_file('/etc/passwd')", "refused"),
    ("postgres", "pg_read_binary_file('/etc/passwd')", "refused"),
    ("postgres", "pg_stat_file('base')", "refused"),
    ("postgres", "pg_ls_waldir()", "refused"),
    ("postgres", "lo_export(1, '/tmp/x')", "refused"),
    ("postgres", "lo_from_bytea(0, 'x')", "refused"),
    ("postgres", "pg_stat_reset_shared('bgwriter')", "refused"),
    ("postgres", "pg_reload_conf()", "refused"),
    ("postgres", "pg_notify('c', 'x')", "refused"),
    ("postgres", "pg_export_snapshot()", "refused"),
    ("postgres", "pg_log_backend_memory_contexts(1)", "refused"),
    ("postgres", "aws_s3.query_export_to_s3('select * from orders', 'b', 'k')", "refused"),
    ("postgres", "aws_lambda.invoke('fn', '{}'::json)", "refused"),
    ("postgres", "cron.schedule('* * * * *', 'delete from orders')", "refused"),
    ("mysql", "SLEEP(10)", "refused"),
    ("mysql", "BENCHMARK(1000000, MD5('a'))", "refused"),
    ("mysql", "GET_LOCK('x', 10)", "refused"),
    ("mysql", "RELEASE_ALL_LOCKS()", "refused"),
    ("mysql", "LOAD_FILE('/etc/passwd')", "refused"),
    ("mysql", "LAST_INSERT_ID(5)", "refused"),
    ("mysql", "MASTER_POS_WAIT('binlog.000001', 4)", "refused"),
    ("mysql", "SOURCE_POS_WAIT('binlog.000001', 4)", "refused"),
    ("mysql", "MASTER_GTID_WAIT('0-1-1')", "refused"),
    ("mysql", "WAIT_FOR_EXECUTED_GTID_SET('x')", "refused"),
    ("mysql", "asynchronous_connection_failover_add_source('ch', 'h', 3306, '', 50)", "refused"),
    ("mysql", "group_replication_set_as_primary('uuid')", "refused"),
    ("mysql", "group_replication_switch_to_single_primary_mode()", "refused"),
    ("mysql", "lambda_async('arn', '{}')", "refused"),
    ("mysql", "mysql.lambda_sync('arn', '{}')", "refused"),
    ("mysql", "aws_sagemaker_invoke_endpoint('e', 'x')", "refused"),
    ("mysql", "mysql.rds_kill(1)", "refused"),
    ("mysql", "set_firewall_mode('u@h', 'PROTECTING')", "refused"),
    ("mysql", "mysql_firewall_flush_status()", "refused"),
    ("mysql", "flush_rewrite_rules()", "refused"),
    ("mysql", "spider_direct_sql('delete from t', 'tmp', 'srv \"s\"')", "refused"),
    ("mysql", "spider_bg_direct_sql('delete from t', 'tmp', 'srv \"s\"')", "refused"),
    ("mysql", "version_tokens_set('a=b')", "refused"),
    ("mysql", "keyring_key_store('k', 'AES', 'x')", "refused"),
    ("mysql", "audit_log_filter_set_filter('f', '{}')", "refused"),
    ("mysql", "NEXTVAL(order_seq)", "write"),  # MariaDB sequences, as on PostgreSQL
    ("mysql", "SETVAL(order_seq, 1)", "destructive"),
    ("mysql", "sys_exec('id')", "refused"),
)

SQL_TEXT: tuple[tuple[Dialect, str], ...] = (
    ("postgres", "ts_stat('SELECT to_tsvector(pg_sleep(60)::text)')"),
    ("postgres", "ts_rewrite('a'::tsquery, 'SELECT pg_terminate_backend(1), 1')"),
    ("postgres", "query_to_xml('delete from orders returning *', true, true, '')"),
    ("postgres", "query_to_xmlschema('select 1', true, true, '')"),
    ("postgres", "query_to_xml_and_xmlschema('select 1', true, true, '')"),
    ("postgres", "cursor_to_xml('c', 10, true, true, '')"),
    ("postgres", "cursor_to_xmlschema('c', true, true, '')"),
    ("postgres", "table_to_xml('orders', true, true, '')"),
    ("postgres", "schema_to_xml('public', true, true, '')"),
    ("postgres", "database_to_xml(true, true, '')"),
    ("postgres", "dblink('host=evil', 'select 1')"),
    ("postgres", "dblink_exec('host=evil', 'drop table orders')"),
    ("mysql", "spider_direct_sql('drop table t', 'tmp', 'srv \"s\"')"),
)

USER_DEFINED: tuple[tuple[Dialect, str, str], ...] = (
    ("postgres", "shop.purge_orders()", "shop.purge_orders"),
    ("postgres", 'public."Purge"(1)', "public.Purge"),
    ("postgres", "purge_orders()", "purge_orders"),
    ("postgres", '"Lower_Case"(1)', "Lower_Case"),
    (
        "postgres",
        "pglogical.replicate_ddl_command('drop table t')",
        "pglogical.replicate_ddl_command",
    ),
    ("mysql", "shop.purge_orders()", "shop.purge_orders"),
    ("mysql", "`shop`.`f`(1)", "shop.f"),
    ("mysql", "my_udf(1)", "my_udf"),
    ("mysql", "sys.ps_setup_enable_thread(1)", "sys.ps_setup_enable_thread"),
)

# Where a call can stand: each statement puts {call} somewhere else.
PLACES: tuple[str, ...] = (
    "SELECT {call}",
    "SELECT * FROM orders WHERE id = {call}",
    "SELECT * FROM orders ORDER BY {call}",
    "SELECT status, count(*) FROM orders GROUP BY status HAVING count(*) > {call}",
    "SELECT * FROM orders WHERE id IN (SELECT {call})",
    "WITH c AS (SELECT {call} AS x) SELECT * FROM c",
    "SELECT 1 UNION SELECT {call}",
    "SELECT * FROM orders o JOIN members m ON m.id = {call}",
    "SELECT CASE WHEN 1 = 1 THEN {call} END",
    "SELECT coalesce(NULL, {call})",
)


def _ids(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    return [f"{row[0]}:{row[1][:48]}" for row in rows]


@pytest.mark.parametrize(("dialect", "call", "level"), SIDE_EFFECTS, ids=_ids(SIDE_EFFECTS))
def test_side_effect_functions_are_never_read_only(dialect: Dialect, call: str, level: str) -> None:
    for place in PLACES:
        verdict = plan(place.format(call=call), dialect)
        assert verdict.classification == level, (place, verdict.reasons)
        assert verdict.reasons


@pytest.mark.parametrize(("dialect", "call"), SQL_TEXT, ids=_ids(SQL_TEXT))
def test_functions_that_run_sql_text_are_refused_with_the_reason(
    dialect: Dialect, call: str
) -> None:
    name = re.split(r"[(.]", call)[0]
    for place in PLACES:
        verdict = plan(place.format(call=call), dialect)
        assert verdict.classification == "refused"
        assert any(
            f"function {name} is not on the read-only allowlist" in r for r in verdict.reasons
        )


@pytest.mark.parametrize(("dialect", "call", "shown"), USER_DEFINED, ids=_ids(USER_DEFINED))
def test_user_defined_and_schema_qualified_functions_are_refused(
    dialect: Dialect, call: str, shown: str
) -> None:
    for place in PLACES:
        verdict = plan(place.format(call=call), dialect)
        assert verdict.classification == "refused"
        assert any(
            f"function {shown} is not on the read-only allowlist" in r for r in verdict.reasons
        )


@pytest.mark.parametrize(
    ("dialect", "sql", "shown"),
    [
        ("postgres", "SELECT * FROM shop.lower('x') AS l", "function shop.lower"),
        ("postgres", "SELECT * FROM t, LATERAL shop.purge(t.id)", "function shop.purge"),
        ("postgres", "SELECT * FROM ts_stat('SELECT 1')", "function ts_stat"),
        ("postgres", "SELECT * FROM purge_orders(1) WITH ORDINALITY", "function purge_orders"),
        ("postgres", "SELECT * FROM ROWS FROM (pg_sleep(1))", "function pg_sleep"),
        ("postgres", "SELECT (purge_orders(1)).*", "function purge_orders"),
        ("postgres", "SELECT my_agg(x ORDER BY y) FILTER (WHERE x > 0) FROM t", "function my_agg"),
        ("postgres", "SELECT purge() OVER () FROM t", "function purge"),
        ("postgres", "SELECT 1 OPERATOR(shop.+) 2", "OPERATOR(shop.+)"),
        ("mysql", "SELECT * FROM `shop`.lower(1) AS l", "function shop.lower"),
        ("mysql", "SELECT my_agg(DISTINCT x) FROM t", "function my_agg"),
    ],
)
def test_calls_in_every_syntax_are_judged_alike(dialect: Dialect, sql: str, shown: str) -> None:
    """Table functions, LATERAL, aggregates, windows and operators call functions too."""
    verdict = plan(sql, dialect)
    assert verdict.classification == "refused"
    assert any(reason.startswith(shown) for reason in verdict.reasons), verdict.reasons


def test_a_schema_qualified_builtin_is_refused_outside_pg_catalog() -> None:
    assert plan("SELECT * FROM pg_catalog.generate_series(1, 2)", "postgres").classification == (
        "read_only"
    )
    assert plan("SELECT 1 OPERATOR(pg_catalog.+) 2", "postgres").classification == "read_only"
    assert plan("SELECT pg_catalog.lower('A')", "postgres").classification == "read_only"
    assert plan("SELECT shop.lower('A')", "postgres").classification == "refused"
    assert plan("SELECT shop.lower('A')", "mysql").classification == "refused"


def test_last_insert_id_reads_without_an_argument_only() -> None:
    assert plan("SELECT LAST_INSERT_ID()", "mysql").classification == "read_only"
    assert plan("SELECT LAST_INSERT_ID(42)", "mysql").classification == "refused"


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgres", "SELECT pid, now() - query_start, left(query, 80) FROM pg_stat_activity"),
        ("postgres", "SELECT relname, pg_size_pretty(pg_total_relation_size(relid)) FROM t"),
        ("postgres", "SELECT count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity"),
        ("postgres", "SELECT doc->>'a', doc #> '{a}', x::int, ARRAY[1, 2], ROW(1, 2) FROM t"),
        ("postgres", "SELECT EXISTS (SELECT 1), CASE WHEN a THEN 1 END, extract(epoch FROM now())"),
        (
            "postgres",
            "SELECT string_agg(a, ','), json_agg(t), percentile_cont(0.5) WITHIN GROUP "
            "(ORDER BY a), row_number() OVER () FROM t",
        ),
        ("postgres", "SELECT starts_with(a, 'x'), substring(a FROM 1 FOR 2), position('x' IN a)"),
        ("postgres", "SELECT * FROM generate_series(1, 3), unnest(ARRAY[1]) AS u(x)"),
        ("mysql", "SELECT IFNULL(a, 0), IF(a, 1, 2), DATE_FORMAT(NOW(), '%Y'), CHAR_LENGTH(a)"),
        ("mysql", "SELECT GROUP_CONCAT(a SEPARATOR ','), JSON_ARRAYAGG(JSON_OBJECT('a', a))"),
        ("mysql", "SELECT doc->>'$.a', CAST(a AS UNSIGNED), CONVERT(a USING utf8mb4) FROM t"),
        ("mysql", "SELECT MATCH(a) AGAINST ('x'), a COLLATE utf8mb4_bin, UTC_TIMESTAMP()"),
        ("mysql", "SELECT CURRENT_USER, DATABASE(), VERSION(), FOUND_ROWS(), UUID()"),
    ],
)
def test_everyday_read_only_queries_stay_read_only(dialect: Dialect, sql: str) -> None:
    verdict = plan(sql, dialect)
    assert verdict.classification == "read_only", verdict.reasons


NAMES = st.from_regex(r"[a-z][a-z0-9_]{2,24}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(name=NAMES, dialect=st.sampled_from(["mysql", "postgres"]))
def test_a_function_off_the_allowlist_never_runs(name: str, dialect: Dialect) -> None:
    """The general rule: whatever a call's name, what runs calls allowlisted functions only."""
    verdict = plan(f"SELECT {name}(1)", dialect)
    if verdict.classification == "read_only":
        called = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\(", verdict.statement)
        assert all(c.lower() in ALLOWED[dialect] for c in called), verdict.statement
    if name not in ALLOWED[dialect] and verdict.classification != "read_only":
        assert verdict.classification == "refused"


def test_typed_sqlglot_functions_are_judged_by_the_name_that_runs() -> None:
    """sqlglot's typed call nodes (hundreds) are judged by the name the generator writes."""
    from sqlglot import exp

    kinds = [k for k in vars(exp).values() if isinstance(k, type) and issubclass(k, exp.Func)]
    assert len(kinds) > 300
    for dialect in ("mysql", "postgres"):
        named = set()
        for kind in kinds:
            try:
                node = kind(this=exp.column("x"))
            except Exception:  # abstract or argument-less classes never come out of a parse
                continue
            name = emitted_name(node, dialect)
            assert name is None or name == name.lower()
            named.add(name)
        assert len(named & ALLOWED[dialect]) > 150, dialect  # the mapping finds real built-ins
    length = exp.Length(this=exp.column("x"))
    assert emitted_name(length, "postgres") == "length"  # sqlglot's class, the engine's name
    concat = exp.GroupConcat(this=exp.column("x"), separator=exp.Literal.string(","))
    assert emitted_name(concat, "postgres") == "string_agg"
    assert emitted_name(concat, "mysql") == "group_concat"
    aggregate = exp.AnonymousAggFunc(this="purge_orders", expressions=[exp.column("x")])
    assert emitted_name(aggregate, "postgres") == "purge_orders"  # a name it carries, not a stub


# --- the allowlist against the lab's servers -----------------------------------------------------

MARIADB_MISSING = 1305  # "FUNCTION x does not exist": not a built-in


async def _mariadb_builtins(lab_dir: Path, names: list[str]) -> list[str]:
    """The names MariaDB does not know as built-ins (PREPARE parses without running)."""
    import asyncmy

    password = (lab_dir / "secrets" / "mysql-ro.pass").read_text().strip()
    conn = await asyncmy.connect(
        host=topology.HOST,
        port=topology.MARIADB_PORT,
        user=topology.MYSQL_RO_USER,
        password=password,
    )
    unknown = []
    try:
        async with conn.cursor() as cursor:
            for name in names:
                codes = []
                for arguments in ("", "1", "1, 1", "1, 1, 1"):
                    try:
                        await cursor.execute(f"PREPARE probe FROM 'SELECT {name}({arguments})'")
                        codes.append(0)
                    except Exception as exc:  # the server's answer is the datum here
                        codes.append(int(exc.args[0]) if exc.args else -1)
                if all(code == MARIADB_MISSING for code in codes):
                    unknown.append(name)
    finally:
        conn.close()
    return unknown


@pytest.mark.lab
def test_every_mysql_allowlisted_name_is_a_mariadb_builtin(lab_dir: Path) -> None:
    unknown = asyncio.run(_mariadb_builtins(lab_dir, sorted(MYSQL)))
    assert unknown == []


@pytest.mark.lab
def test_the_mariadb_probe_tells_a_builtin_from_an_unknown_name(lab_dir: Path) -> None:
    """The check above can fail: an invented name is reported, a real one is not."""
    unknown = asyncio.run(_mariadb_builtins(lab_dir, ["lower", "no_such_function_x"]))
    assert unknown == ["no_such_function_x"]


async def _postgres_catalog(lab_dir: Path) -> tuple[set[str], set[str]]:
    """pg_proc's names in pg_catalog, and PostgreSQL's keywords, from the lab's server."""
    import asyncpg

    password = (lab_dir / "secrets" / "postgres-ro.pass").read_text().strip()
    conn = await asyncpg.connect(
        host=topology.HOST,
        port=topology.POSTGRES_PORT,
        user=topology.POSTGRES_RO_USER,
        password=password,
        database="postgres",
    )
    try:
        procs = await conn.fetch(
            "SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace"
        )
        words = await conn.fetch("SELECT word FROM pg_get_keywords()")
    finally:
        await conn.close()
    return {str(r[0]) for r in procs}, {str(r[0]) for r in words}


@pytest.mark.lab
def test_every_postgres_allowlisted_name_is_in_pg_proc(lab_dir: Path) -> None:
    procs, keywords = asyncio.run(_postgres_catalog(lab_dir))
    assert sorted(POSTGRES - procs) == []
    assert sorted(POSTGRES_SYNTAX - keywords - procs) == []
