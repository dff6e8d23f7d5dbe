"""Issue 11, class 3 (the fetch part): a read is fetched up to limit + 1 rows, never whole.

The statements here go straight to the sources (past the guard, with no LIMIT), as a statement
escaping the LIMIT would. Each row costs the server a sleep, so a result fetched whole would
take hours and end in the query timeout (5 s): an answer with limit + 1 rows shows the server
stopped there. No timing is asserted.
"""

from __future__ import annotations

import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.data.rowcap import (
    FETCH_CHUNK,
    MAX_CELL_CHARS,
    MAX_RESULT_CHARS,
    cut_cell,
    fetch_bounded,
)
from console.inventory import Instance

MARIADB = "aws-luckyus-salesorder-rw"
POSTGRES = "aws-luckyus-dify-rw"
LIMIT = 100


def named(settings: Settings, name: str) -> Instance:
    instance = settings.fleet.by_name(name)
    assert instance is not None
    return instance


@pytest.mark.lab
async def test_mariadb_streams_limit_plus_one_rows_of_a_million(
    data: DataLayer, settings: Settings
) -> None:
    # 4 KB rows: MariaDB flushes its 16 KB network buffer every few rows
    sql = "SELECT seq, REPEAT('x', 4000) FROM seq_1_to_1000000 WHERE SLEEP(0.005) = 0"
    reading = await data._sources.mysql.select(named(settings, MARIADB), sql, LIMIT)
    assert reading.value is not None, reading.error
    assert len(reading.value.rows) == LIMIT + 1 and not reading.value.cut_at_size
    assert [row[0] for row in reading.value.rows] == list(range(1, LIMIT + 2))
    again = await data._sources.mysql.select(named(settings, MARIADB), "SELECT 42", LIMIT)
    assert again.value is not None and again.value.rows == [(42,)]  # the pool is still sound


@pytest.mark.lab
async def test_postgres_stops_the_server_at_limit_plus_one_rows(
    data: DataLayer, settings: Settings
) -> None:
    sql = "SELECT g FROM generate_series(1, 10000000) g WHERE pg_sleep(0.005) IS NOT NULL"
    reading = await data._sources.postgres.select(named(settings, POSTGRES), sql, LIMIT)
    assert reading.value is not None, reading.error
    assert [row[0] for row in reading.value.rows] == list(range(1, LIMIT + 2))
    assert reading.value.columns == ("g",) and not reading.value.cut_at_size


@pytest.mark.lab
@pytest.mark.parametrize(
    ("name", "sql"),
    [
        (MARIADB, "SELECT REPEAT('x', 1000000) FROM seq_1_to_50"),
        (POSTGRES, "SELECT repeat('x', 1000000) FROM generate_series(1, 50)"),
    ],
)
async def test_fetching_stops_at_the_character_cap(
    data: DataLayer, settings: Settings, name: str, sql: str
) -> None:
    source = data._sources.mysql if name == MARIADB else data._sources.postgres
    reading = await source.select(named(settings, name), sql, LIMIT)
    assert reading.value is not None, reading.error
    assert reading.value.cut_at_size
    assert len(reading.value.rows) == MAX_RESULT_CHARS // 1_000_000 + 1 < 50


@pytest.mark.lab
async def test_the_runner_marks_the_result_truncated_and_cuts_a_whole_table_cell(
    data: DataLayer, settings: Settings
) -> None:
    pg = named(settings, POSTGRES)
    many = await data.queries.query(
        pg, "SELECT repeat('x', 1000000) AS r FROM generate_series(1, 50)"
    )
    assert many.value is not None, many.error
    assert many.value.truncated and len(many.value.rows) < 50
    one = await data.queries.query(
        pg, "SELECT string_agg(g::text, ',') AS s FROM generate_series(1, 500000) g"
    )
    assert one.value is not None, one.error
    [[value]] = one.value.rows
    assert value is not None and value.endswith(f"{MAX_CELL_CHARS:,} shown)")
    assert len(value) < MAX_CELL_CHARS + 100


def test_a_long_cell_is_cut_with_its_length() -> None:
    assert cut_cell(None) is None and cut_cell("short") == "short"
    cut = cut_cell("y" * (MAX_CELL_CHARS + 5))
    assert cut is not None and cut.startswith("y" * MAX_CELL_CHARS)
    assert f"{MAX_CELL_CHARS + 5:,} characters" in cut and len(cut) < MAX_CELL_CHARS + 80


async def test_fetch_bounded_asks_in_chunks_and_never_past_the_bound() -> None:
    asked: list[int] = []
    total = 10_000

    async def rows(n: int) -> list[tuple[int]]:
        start = sum(asked)
        asked.append(n)
        return [(i,) for i in range(start, min(start + n, total))]

    fetched, cut, exhausted = await fetch_bounded(rows, 2 * FETCH_CHUNK + 1)
    assert len(fetched) == 2 * FETCH_CHUNK + 1 and not cut and not exhausted
    assert asked == [FETCH_CHUNK, FETCH_CHUNK, 1]
    asked.clear()
    total = 5
    fetched, cut, exhausted = await fetch_bounded(rows, LIMIT + 1)
    assert len(fetched) == 5 and exhausted and asked == [FETCH_CHUNK]
