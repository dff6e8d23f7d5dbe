"""`opsconsole redis-audit` output: the audit and its remediation plan as text or JSON.

Why beside the verb: it is CLI output only (the console shows the audit in its Keys tab's tables).
Everything shown comes from masked models (prefixes and key names are masked by the audit; a
plan command is shown only through its masked `shown` text), so no output holds PII.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from console.data.models import BigKey, PrefixUsage, RedisAudit, RemediationPlan
from console.formatting import human_bytes, human_duration, text_table

PLAN_SAMPLE = 5
"""Commands of the plan shown (the count is always given in full)."""


def memory_note(audit: RedisAudit) -> str:
    return (
        f"memory is sampled: MEMORY USAGE on 1 key in {audit.sample_every}, the first keys of "
        "each prefix and the biggest keys; per-prefix totals are extrapolated (~)"
    )


def _big(key: BigKey, ranked_by: str) -> dict[str, Any]:
    return {
        "key": key.key,
        "type": key.type,
        "size": key.size,
        "unit": key.unit,
        "memory_bytes": key.memory_bytes,
        "ttl_s": key.ttl_s,
        "ranked_by": ranked_by,
    }


def _prefix(usage: PrefixUsage) -> dict[str, Any]:
    biggest = [] if usage.biggest_key is None else [
        {"key": usage.biggest_key, "memory_bytes": usage.biggest_memory_bytes}
    ]  # fmt: skip
    return {
        "prefix": usage.prefix,
        "keys": usage.keys,
        "no_ttl": usage.no_ttl,
        "memory_bytes": usage.memory_bytes,
        "measured_keys": usage.measured_keys,
        "biggest": biggest,
    }


def plan_record(plan: RemediationPlan) -> dict[str, Any]:
    kinds = sorted({command.classification for command in plan.commands})
    return {
        "dry_run": plan.dry_run,
        "command": f"EXPIRE key <{plan.ttl_s} + 0..{plan.jitter_s}>",
        "ttl_s": plan.ttl_s,
        "jitter_s": plan.jitter_s,
        "keys_without_ttl": plan.keys_without_ttl,
        "commands": len(plan.commands),
        "classifications": kinds,
        "confirmations": max((c.confirmations for c in plan.commands), default=0),
        "sample": [command.shown for command in plan.commands[:PLAN_SAMPLE]],
    }


def render_json(audit: RedisAudit, plan: RemediationPlan, state: Path | None) -> str:
    record = {
        "instance": audit.instance,
        "node": {"role": audit.node.role, "address": audit.node.address, "note": audit.node.note},
        "match": audit.match,
        "complete": audit.complete,
        "scanned": audit.scanned,
        "elapsed_s": round(audit.elapsed_s, 3),
        "total_elapsed_s": round(audit.total_elapsed_s, 3),
        "runs": audit.runs,
        "commands": audit.commands,
        "ops_per_s": round(audit.ops_per_s, 1),
        "ops_budget": audit.ops_budget,
        "memory": memory_note(audit),
        "keys_without_ttl": audit.keys_without_ttl,
        "prefixes": [_prefix(usage) for usage in audit.prefixes],
        "biggest": [_big(k, "size") for k in audit.biggest_by_size]
        + [_big(k, "memory") for k in audit.biggest_by_memory],
        "plan": plan_record(plan),
        "state": None if state is None else str(state),
        "notes": list(audit.notes),
    }
    return json.dumps(record, indent=2)


def _summary(audit: RedisAudit) -> list[str]:
    state = "complete" if audit.complete else "INCOMPLETE (time budget reached)"
    return [
        f"{audit.instance}: {audit.scanned} keys matching {audit.match!r} on the "
        f"{audit.node.role} {audit.node.address} ({audit.node.note})",
        f"scan {state} in {human_duration(audit.elapsed_s)} this run "
        f"({audit.runs} run(s), {human_duration(audit.total_elapsed_s)} in all); "
        f"{audit.commands} commands, {audit.ops_per_s:.0f} ops/s (budget {audit.ops_budget:g})",
        *audit.notes,
        memory_note(audit),
    ]


def _prefix_rows(prefixes: tuple[PrefixUsage, ...], limit: int) -> list[str]:
    headers = ["PREFIX", "KEYS", "NO TTL", "MEMORY~", "BIGGEST KEY (MEMORY)"]
    rows = [
        [
            usage.prefix,
            str(usage.keys),
            str(usage.no_ttl),
            human_bytes(usage.memory_bytes),
            f"{usage.biggest_key} ({human_bytes(usage.biggest_memory_bytes)})"
            if usage.biggest_key
            else "-",
        ]
        for usage in prefixes[:limit]
    ]
    more = [f"... {len(prefixes) - limit} more prefixes (--json has all)"]
    return text_table(headers, rows) + (more if len(prefixes) > limit else [])


def _big_rows(title: str, keys: tuple[BigKey, ...]) -> list[str]:
    headers = ["TYPE", "KEY", "LENGTH", "MEMORY", "TTL"]
    rows = [
        [
            key.type,
            key.key,
            f"{key.size} {key.unit}",
            human_bytes(key.memory_bytes),
            "none" if key.ttl_s is None else human_duration(key.ttl_s),
        ]
        for key in keys
    ]
    return ["", title, *text_table(headers, rows)] if rows else []


def _plan_lines(plan: RemediationPlan) -> list[str]:
    if not plan.keys_without_ttl:
        return ["", "no key without TTL: nothing to remediate"]
    record = plan_record(plan)
    covered = len(plan.commands)
    lines = [
        "",
        f"remediation plan (dry run, nothing sent): {record['command']} for {covered} of "
        f"{plan.keys_without_ttl} keys without TTL",
        f"  guard: {', '.join(record['classifications'])}, {record['confirmations']} "
        "confirmation(s) each; applied only from the console, after confirmation",
        *(f"  {shown}" for shown in record["sample"]),
    ]
    if covered > PLAN_SAMPLE:
        lines.append(f"  ... {covered - PLAN_SAMPLE} more")
    if not plan.complete:
        lines.append("  the scan is incomplete: the plan covers the keys found so far")
    return lines


def render_text(
    audit: RedisAudit, plan: RemediationPlan, state: Path | None, limit: int = 30
) -> str:
    """The summary, a table by prefix (most keys without TTL, then memory), the biggest keys by
    length and by memory per type, and the plan."""
    lines = [*_summary(audit), "", *_prefix_rows(audit.prefixes, limit)]
    lines += _big_rows("biggest keys by length (as redis-cli --bigkeys)", audit.biggest_by_size)
    lines += _big_rows("biggest keys by memory (as redis-cli --memkeys)", audit.biggest_by_memory)
    lines += _plan_lines(plan)
    if state is not None:
        lines += ["", f"state saved in {state}: run again with --resume to continue"]
    return "\n".join(lines)
