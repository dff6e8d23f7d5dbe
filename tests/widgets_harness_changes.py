"""Harness apps for the change prompts and the Redis audit tables (snapshots, no server)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from console.data.models import BigKey, PrefixUsage
from console.inventory import Instance
from console.safety.confirm import Action, batch_action, kill_action
from console.safety.redisguard import plan_redis
from console.screens.confirm import ConfirmScreen
from console.services.query import prompt
from tests import factories
from tests.widgets_harness_alerts import fixed_clock
from widgets.key_audit_tables import BigKeyTable, PrefixTable

PRODUCTION = Instance(
    kind="mysql",
    name="aws-luckyus-salesorder-rw",
    group="Sales/CRM",
    env="production",
    host="aws-luckyus-salesorder-rw.luckyus.us-east-1.rds.amazonaws.com",
    port=3306,
    user="opsconsole_ro",
    secret="rds-iam",
)
REDIS = Instance(
    kind="redis", name="luckyus-isales-market", group="Sales/CRM", env="production",
    host="luckyus-isales-market.cache.amazonaws.com", port=6379, user="opsconsole",
    secret="none",
)  # fmt: skip


def kill_prompt() -> Action:
    """A production kill of a session whose statement carries an email (masked on screen)."""
    about = "salesorder_app@10.0.3.7: SELECT * FROM members WHERE email = 'jane.doe@example.com'"
    return kill_action(PRODUCTION, 4242, rds=True, about=about)


def ttl_prompt() -> Action:
    keys = [f"isales:market:push:{880000 + n}:jane.doe@example.com" for n in range(8)]
    verdicts = [
        plan_redis(["EXPIRE", key, str(604800 + n)], production=True) for n, key in enumerate(keys)
    ]
    action = batch_action(
        REDIS, "Set a TTL on 8 keys", verdicts, "EXPIRE after 604800s plus jitter"
    )
    assert action is not None
    return action


class ConfirmHarness(App[None]):
    """An empty app with the prompts of one action on top."""

    def __init__(self, action: Action, warnings: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._action, self._warnings = action, warnings

    def on_mount(self) -> None:
        self.push_screen(ConfirmScreen(prompt(self._action, self._warnings)))


def prefixes() -> tuple[PrefixUsage, ...]:
    rows = (
        ("isales:market:coupon", 3000, 1177, 545_894, "isales:market:coupon:880127"),
        ("isales:market:activity", 1500, 939, 252_006, "isales:market:activity:6325"),
        ("isales:market:member:*", 500, 500, 59_904, "isales:market:member:44:coupons"),
        ("salescrm:cache", 68, 22, 26_010, "salescrm:cache:***@example.com"),
    )
    return tuple(
        PrefixUsage(prefix, keys, no_ttl, memory, keys // 10, biggest, memory // 200)
        for prefix, keys, no_ttl, memory, biggest in rows
    )


def big_keys() -> tuple[BigKey, ...]:
    return (
        BigKey("isales:market:activity:big:hash", "hash", 20_000, "fields", 1_363_148, None),
        BigKey("isales:market:big:hash", "hash", 6_000, "fields", 353_689, None),
        BigKey("isales:market:coupon:rank", "zset", 4_000, "members", 290_112, 3_600.0),
        BigKey("isales:market:blob", "string", 524_288, "bytes", 524_360, 86_400.0),
    )


class KeysHarness(App[None]):
    """The Keys tab's two tables as the pane lays them out."""

    CSS = "PrefixTable { height: 2fr; } BigKeyTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield PrefixTable(clock=fixed_clock, id="prefixes")
        yield BigKeyTable(clock=fixed_clock, id="bigkeys")

    def on_mount(self) -> None:
        self.query_one(PrefixTable).reading = factories.reading(prefixes(), REDIS.name, "redis")
        self.query_one(BigKeyTable).reading = factories.reading(big_keys(), REDIS.name, "redis")
        self.query_one(PrefixTable).focus()
