"""The one keymap: every key binding of the console, by id, with its default key and its meaning.

Why: screens, widgets and the App take their `Binding`s from here (widgets/bindings.py builds
them), `config.toml [keymap]` is checked against these ids when it loads, and `opsconsole keys`
lists them, so the footer, the config and the listing can never disagree. One id per meaning:
refresh, back and pause are one id each on every screen. Pure data, no Textual: the config
loader imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One binding: `[keymap]` rebinds it by `id`; `help` says what it does (and is its tooltip)."""

    id: str
    key: str
    action: str
    description: str
    help: str
    where: str
    show: bool = True


EVERYWHERE = "everywhere"
SCREENS = "every screen"
INSTANCE = "instance"
PROCESSES = "Processes tab"
QUERY = "Query tab"

KEYS: tuple[KeySpec, ...] = (
    KeySpec("app.quit", "q", "quit", "Quit", "Quit the console", EVERYWHERE),
    KeySpec("app.alerts", "a", "alerts", "Alerts", "Open the alerts and alarms", EVERYWHERE),
    KeySpec("app.cost", "dollar_sign", "cost", "AWS cost", "Open the AWS cost report", EVERYWHERE),
    KeySpec(
        "app.slow_fleet", "L", "slow_fleet", "Slow log (fleet)",
        "Open the slow-query digest of every MySQL instance", EVERYWHERE,
    ),
    KeySpec("app.help", "question_mark", "help", "Keys", "Show or hide every key", EVERYWHERE),
    KeySpec(
        "app.screenshot", "ctrl+s", "save_screenshot", "Screenshot",
        "Save the screen as SVG and text in the output folder", EVERYWHERE,
    ),
    KeySpec(
        "app.export", "ctrl+e", "export_table", "Export table",
        "Save the focused table as CSV and Markdown in the output folder", EVERYWHERE,
    ),
    KeySpec(
        "app.copy", "y", "copy_row", "Copy row",
        "Copy the highlighted row to the clipboard (OSC 52, works over SSH)", EVERYWHERE,
    ),
    KeySpec(
        "screen.back", "escape", "back", "Back",
        "Go back to the screen this one was opened from", "every screen but the fleet",
    ),
    KeySpec(
        "screen.refresh", "r", "refresh", "Refresh",
        "Ask now (AWS cost: through the cache; slow log: read the logs again)", SCREENS,
    ),
    KeySpec(
        "screen.pause", "p", "pause", "Pause",
        "Pause or resume the screen's polling", "fleet, instance, alerts",
    ),
    KeySpec(
        "screen.filter", "slash", "filter", "Filter",
        "Filter the fleet by name or group, the processes by user, host, db, state or query",
        "fleet, instance",
    ),
    KeySpec(
        "screen.investigate", "i", "investigate", "Investigate",
        "Investigate the highlighted alert or this instance (as `opsconsole investigate`)",
        "alerts, instance",
    ),
    KeySpec("instance.overview", "1", "show('overview')", "Overview", "Show the Overview tab",
            INSTANCE),
    KeySpec("instance.processes", "2", "show('processes')", "Processes",
            "Show the Processes tab", INSTANCE),
    KeySpec("instance.queries", "3", "show('queries')", "Top queries",
            "Show the Top queries tab", INSTANCE),
    KeySpec("instance.metrics", "4", "show('metrics')", "Metrics", "Show the Metrics tab",
            INSTANCE),
    KeySpec("instance.query", "5", "show('query')", "Query", "Show the Query tab", INSTANCE),
    KeySpec("instance.keys", "6", "show('keys')", "Keys", "Show the Keys tab (Redis)", INSTANCE),
    KeySpec("instance.slow", "7", "show('slow')", "Slow log", "Show the Slow log tab (MySQL)",
            INSTANCE),
    KeySpec(
        "process.choose", "enter", "select_cursor", "Details",
        "Open the highlighted session: full query, EXPLAIN", PROCESSES,
    ),
    KeySpec(
        "process.kill", "k", "kill", "Kill",
        "Kill the highlighted session (Redis: CLIENT KILL the client), after the prompts",
        PROCESSES,
    ),
    KeySpec(
        "process.sort", "s", "cycle_sort", "Sort", "Sort by time, transaction age or id", PROCESSES
    ),
    KeySpec(
        "process.idle", "h", "toggle_idle", "Idle",
        "Show or hide idle sessions (Sleep / idle, no transaction open; Redis: clients idle "
        "for more than a few seconds)", PROCESSES,
    ),
    KeySpec("process.close", "escape", "dismiss", "Close", "Close the session's details",
            "session details"),
    KeySpec(
        "digest.choose", "enter", "select_cursor", "Details", "Open the highlighted statement",
        "Top queries, slow logs",
    ),
    KeySpec("query.leave", "escape", "leave", "Leave input", "Leave the query line", QUERY),
    KeySpec("query.previous", "up", "history(-1)", "Previous", "The previous statement",
            QUERY, show=False),
    KeySpec("query.next", "down", "history(1)", "Next", "The next statement", QUERY,
            show=False),
    KeySpec("query.explain", "f4", "explain", "Explain", "EXPLAIN the statement", QUERY),
    KeySpec("query.tables", "f3", "tables", "Tables", "List the tables", QUERY),
    KeySpec(
        "keys.audit", "s", "audit", "Scan keys",
        "Scan the keyspace (SCAN only, on a replica when there is one); again to continue",
        "Keys tab",
    ),
    KeySpec(
        "keys.remediate", "x", "remediate", "Set TTLs",
        "Set a TTL on the keys without one, after the prompt", "Keys tab",
    ),
    KeySpec("metrics.range", "t", "next_range", "Range", "Charts over 15m, 1h, 6h or 24h",
            "Metrics tab"),
    KeySpec("metrics.prompt", "e", "prompt", "PromQL", "Chart an ad-hoc PromQL query",
            "Metrics tab"),
    KeySpec(
        "slow.window", "t", "next_window", "Window",
        "Digest the last 1h, 6h or 24h of the slow log", "slow logs",
    ),
    KeySpec("alert.open", "enter", "select", "Open", "Open the instance it concerns", "alerts"),
    KeySpec("confirm.cancel", "escape", "cancel", "Cancel", "Cancel the change",
            "confirmation"),
    KeySpec("cost.fewer", "minus", "days(-1)", "Fewer days", "Report fewer days", "AWS cost"),
    KeySpec("cost.more", "plus,equals_sign", "days(1)", "More days", "Report more days",
            "AWS cost"),
    # --- Alertmanager silences (issue 14) ---
    KeySpec(
        "alert.silence", "s", "silence", "Silence",
        "Silence the highlighted alert: matchers from its labels (editable, previewed), a "
        "duration and a comment, after the prompt", "alerts",
    ),
    KeySpec("alert.silences", "S", "silences", "Silences",
            "List the silences in force (Enter shows one, x expires it)", "alerts"),
    KeySpec("silence.choose", "enter", "select_cursor", "Details",
            "Show the highlighted silence whole", "silences"),
    KeySpec("silence.expire", "x", "expire", "Expire",
            "Expire the highlighted silence, after the prompt", "silences"),
    KeySpec("silence.close", "escape", "dismiss", "Close", "Close the silence's details",
            "silence details"),
    # replaying a recording (`opsconsole --replay DIR`): the cursor's keys
    KeySpec("replay.earlier", "left_square_bracket", "replay_step(-1)", "Earlier",
            "Replay: one sample earlier", "replay"),
    KeySpec("replay.later", "right_square_bracket", "replay_step(1)", "Later",
            "Replay: one sample later", "replay"),
    KeySpec("replay.previous_change", "left_curly_bracket", "replay_change(-1)", "Prev change",
            "Replay: back to the previous change of an instance's health or of the alerts",
            "replay"),
    KeySpec("replay.next_change", "right_curly_bracket", "replay_change(1)", "Next change",
            "Replay: on to the next change of an instance's health or of the alerts", "replay"),
    KeySpec("replay.goto", "g", "replay_goto", "Go to",
            "Replay: go to a time (+30s from the start, -5m from the end, 03:12, ISO 8601)",
            "replay"),
    # --- Logs Insights (screens/logs.py) ---
    KeySpec("instance.logs", "l", "logs", "Logs", "Open Logs Insights on this instance's log "
            "groups (RDS: slowquery, error, ...)", INSTANCE),
    KeySpec("logs.run", "f5", "run", "Run", "Run the query over the ticked log groups (refused "
            "past the daily budget of bytes scanned: F5 again runs it anyway)", "Logs"),
    KeySpec("logs.window", "f6", "next_window", "Window",
            "Query the last 15m, 1h, 6h, 24h or 7d", "Logs"),
    KeySpec("logs.stop", "f8", "stop", "Stop", "Stop the running query (StopQuery)", "Logs"),
    # --- the line of tab titles (widgets/pane_tabs.py), when it has the focus (Tab) ---
    KeySpec("tabs.previous", "left", "move(-1)", "Previous tab", "Show the tab on the left",
            "tab titles", show=False),
    KeySpec("tabs.next", "right", "move(1)", "Next tab", "Show the tab on the right",
            "tab titles", show=False),
)  # fmt: skip

BY_ID: Mapping[str, KeySpec] = {spec.id: spec for spec in KEYS}

RENAMED: Mapping[str, str] = {
    **dict.fromkeys(
        ("fleet.refresh", "instance.refresh", "alerts.refresh", "cost.refresh",
         "slowfleet.refresh"),
        "screen.refresh",
    ),
    **dict.fromkeys(("instance.back", "alerts.back", "cost.back", "slowfleet.back"),
                    "screen.back"),
    **dict.fromkeys(("fleet.pause", "instance.pause"), "screen.pause"),
    **dict.fromkeys(("fleet.filter", "instance.filter"), "screen.filter"),
    **dict.fromkeys(("alerts.investigate", "instance.investigate"), "screen.investigate"),
    "slowfleet.window": "slow.window",
    "client.kill": "process.kill",
    "client.idle": "process.idle",
}  # fmt: skip
"""Ids of the same meaning that each screen had apart, before the one keymap (for the message)."""


def spec(binding_id: str) -> KeySpec:
    """The registry's entry (KeyError names an id a class asks for and the registry lacks)."""
    return BY_ID[binding_id]


def expected_instead(binding_id: str) -> str:
    """What to write instead of an unknown id: its new id, the closest one, else every id."""
    import difflib

    if binding_id in RENAMED:
        return f"{RENAMED[binding_id]!r}, its one id on every screen now"
    close = difflib.get_close_matches(binding_id, list(BY_ID), n=1, cutoff=0.6)
    if close:
        return f"an id `opsconsole keys` lists; the closest is {close[0]!r}"
    return "one of: " + ", ".join(BY_ID)


def effective(keymap: Mapping[str, str]) -> list[tuple[KeySpec, str]]:
    """Every binding with the key it answers to after `[keymap]` (ids already checked)."""
    return [(spec, keymap.get(spec.id, spec.key)) for spec in KEYS]
