"""The production heavy-read check: a check that could not be made is a warning shown to the
person (an unknown load is not a light one), never dropped."""

from __future__ import annotations

from dataclasses import replace

from console.config import Settings
from console.data.layer import DataLayer
from console.inventory import Instance


def unreachable_mysql(port: int, env: str = "production") -> Instance:
    return Instance(
        kind="mysql",
        name="aws-luckyus-heavy-rw",
        group="Sales/CRM",
        env=env,
        host="127.0.0.1",
        port=port,
        user="opsconsole_ro",
        secret="env:OPSCONSOLE_HEAVY_TEST_UNSET",
    )


async def test_checks_that_could_not_be_made_are_warnings(
    offline_settings: Settings, closed_port: int
) -> None:
    instance = unreachable_mysql(closed_port)
    async with DataLayer(offline_settings) as data:
        warnings = await data.queries.heavy(instance, "SELECT * FROM orders")
        not_explainable = await data.queries.heavy(instance, "SHOW TABLES")
        staging = await data.queries.heavy(replace(instance, env="staging"), "SELECT 1")
    assert len(warnings) == 2  # the sessions and the EXPLAIN estimate, each unknown
    assert all(w.startswith("could not check mysql aws-luckyus-heavy-rw: ") for w in warnings)
    assert len(not_explainable) == 1  # EXPLAIN does not take SHOW: that is no warning
    assert staging == ()  # not production: nothing is checked
