"""config.toml: the shipped fleet, profiles, and one clear message for every broken config."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import load_settings
from console.errors import ConfigError
from console.inventory import UNGROUPED, Fleet, GroupRule, Instance, group_for, merge_discovered

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"


def test_shipped_config_holds_the_teams_fleet() -> None:
    settings = load_settings(CONFIG, "production")
    mysql = settings.fleet.of_kind("mysql")
    assert len(mysql) == 61
    assert len({i.group for i in mysql}) == 8
    assert all(i.name.startswith("aws-luckyus-") and i.name.endswith("-rw") for i in mysql)
    assert [i.name for i in settings.fleet.of_kind("postgres")] == [
        "aws-luckyus-dify-rw",
        "aws-luckyus-difynew-rw",
        "aws-luckyus-pgilkmap-rw",
    ]
    assert len(settings.redis_rules) == 11
    assert sum(rule.expected for rule in settings.redis_rules) == 78
    assert all(i.env == "production" for i in settings.fleet.instances)
    assert settings.monitoring.cloudwatch_region == "us-east-1"


def test_lab_profile_maps_the_same_names_onto_the_lab() -> None:
    production = load_settings(CONFIG, "production")
    lab = load_settings(CONFIG, "lab")
    assert [i.name for i in lab.fleet.instances] == [i.name for i in production.fleet.instances]
    salesorder = lab.fleet.by_name("aws-luckyus-salesorder-rw")
    assert salesorder is not None
    assert (salesorder.host, salesorder.port, salesorder.database) == (
        "127.0.0.1",
        13306,
        "salesorder",
    )
    scm = lab.fleet.by_name("aws-luckyus-scm-asset-rw")
    assert scm is not None and scm.database == "scm_asset"
    assert salesorder.secret.startswith("file:") and salesorder.secret.endswith("mysql-ro.pass")
    assert lab.monitoring.prometheus.startswith("http://127.0.0.1:")


def test_default_profile_is_lab_and_env_var_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(CONFIG).profile == "lab"
    monkeypatch.setenv("OPSCONSOLE_PROFILE", "production")
    assert load_settings(CONFIG).profile == "production"
    assert load_settings(CONFIG, "lab").profile == "lab"


def test_a_62nd_mysql_server_is_one_short_block(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        CONFIG.read_text()
        + "\n[[instances]]\n"
        + 'kind = "mysql"\nname = "aws-luckyus-newservice-rw"\ndomain = "Platform"\n'
    )
    settings = load_settings(path, "production")
    added = settings.fleet.by_name("aws-luckyus-newservice-rw")
    assert added is not None
    assert (added.kind, added.group, added.env, added.port) == (
        "mysql",
        "Platform",
        "production",
        3306,
    )
    assert len(settings.fleet.of_kind("mysql")) == 62


POSTGRES_HOST = (
    'name_pattern = "aws-luckyus-{name}-rw"\n'
    'host = "{server}.luckyus.us-east-1.rds.amazonaws.com"\n'
    "port = 5432"
)


BLOCK = '[[instances]]\nkind = "mysql"\nname = "aws-luckyus-x-rw"\ndomain = "X"\n'


def _broken(tmp_path: Path, old: str, new: str) -> str:
    text = CONFIG.read_text()
    assert old in text
    path = tmp_path / "config.toml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, "lab")
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("row_limit = 100", "row_limit = ", ["syntax", "line"]),
        ("row_limit = 100", "row_limt = 100", ["console.row_limt", "unknown key"]),
        ("row_limit = 100", "row_limit = 0", ["console.row_limit", "Expected `int` >= 1"]),
        ("port = 13306", "port = 99999", ["profiles.lab.mysql.port", "Expected `int` <= 65535"]),
        ("port = 3306", 'port = "three"', ["mysql.port", "Expected `int`, got `str`"]),
        ("[console]\n", '[console]\nread_only = "true"\n', ["console.read_only", "`bool`"]),
        ('secret = "rds-iam"', 'secret = "hunter2"', ["mysql.secret", "secret reference"]),
        (
            'write_secret = "file:.lab/secrets/mysql-admin.pass"',
            'write_secret = "hunter2"',
            ["profiles.lab.mysql.write_secret", "env:VAR, file:PATH"],
        ),
        (
            'prometheus = "http://127.0.0.1:19090"',
            'prometheus = "127.0.0.1:19090"',
            ["profiles.lab.monitoring.prometheus", "http"],
        ),
        (
            'alertmanager = "http://alertmanager.luckyus.internal:9093"',
            'alertmanager = "ftp://x"',
            ["monitoring.alertmanager: must be an http:// or https:// URL"],
        ),
        (
            'prometheus = "http://prometheus.luckyus.internal:9090"\n',
            "",
            ["monitoring.prometheus: is missing"],
        ),
        (
            POSTGRES_HOST,
            'name_pattern = "aws-luckyus-{name}-rw"\n',
            ["postgres.host", "missing"],
        ),
        (
            "[profiles.lab.mysql]",
            "[profiles.lab.fleet]\nwarn_memory_ratio = 2\n\n[profiles.lab.mysql]",
            ["profiles.lab.fleet.warn_memory_ratio", "Expected `float` <= 1.0"],
        ),
        ("[keymap]\n", "[keymap]\nscreen.refresh = 5\n", ["keymap.screen.refresh: Expected `str`"]),
        (
            "[profiles.lab.mysql]",
            "[profiles.lab.keymap]\nscreen.refresh = 5\n\n[profiles.lab.mysql]",
            ["profiles.lab.keymap.screen.refresh: Expected `str`"],
        ),
        ("[metrics]\n", "[metrics]\noracle = []\n", ["metrics", "one of: mysql, postgres, redis"]),
        ('{ title = "Keys", q', '{ title = "Keys", unit = 5, q', ["metrics.redis.3.unit"]),
        ('"Latest lines" = "', '"Latest lines" = 5 # "', ["logs.queries.Latest lines"]),
        ("[keymap]\n", f"[keymap]\n{BLOCK}\n{BLOCK}secret = 'hunter2'\n", ["instances.1.secret"]),
        ("[keymap]\n", f"[keymap]\n{BLOCK}port = 0\n", ["instances.0.port", ">= 1"]),
    ],
)
def test_broken_config_names_file_key_and_expectation(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    message = _broken(tmp_path, old, new)
    assert str(tmp_path / "config.toml") in message
    for fragment in expected:
        assert fragment in message
    assert "hunter2" not in message


def test_urls_lose_their_trailing_slash_and_floats_take_integers(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = CONFIG.read_text().replace('19090"', '19090//"', 1)
    path.write_text(text.replace("refresh_s = 2.0", "refresh_s = 3", 1))
    settings = load_settings(path, "lab")
    assert settings.monitoring.prometheus == "http://127.0.0.1:19090"
    assert settings.console.refresh_s == 3.0 and isinstance(settings.console.refresh_s, float)


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown profile 'staging'.*production, lab"):
        load_settings(CONFIG, "staging")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: file: not found"):
        load_settings(tmp_path / "nope.toml")


RULES = (
    GroupRule("Sales/CRM", 10, ("luckyus-isales*", "luckyus-sales*")),
    GroupRule("Dify", 1, ("luckyus-dify*",)),
)


def _redis(name: str) -> Instance:
    return Instance(
        "redis", name, "", "production", "10.0.0.1", 6379, None, "none", origin="prometheus"
    )


def test_discovered_clusters_are_grouped_and_unmatched_kept() -> None:
    assert group_for("luckyus-isales-market", RULES) == "Sales/CRM"
    assert group_for("luckyus-mystery", RULES) == UNGROUPED
    merged = merge_discovered(
        Fleet(()), [_redis("luckyus-isales-market"), _redis("luckyus-mystery")], RULES
    )
    assert {(i.name, i.group) for i in merged.instances} == {
        ("luckyus-isales-market", "Sales/CRM"),
        ("luckyus-mystery", UNGROUPED),
    }


def test_configured_name_wins_over_discovery() -> None:
    configured = Instance(
        "redis", "luckyus-dify", "Dify", "staging", "dify.cache", 6380, None, "none"
    )
    merged = merge_discovered(Fleet((configured,)), [_redis("luckyus-dify")], RULES)
    assert merged.instances == (configured,)
