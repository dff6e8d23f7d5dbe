"""The Redis audit's tables: key prefixes (keys, without TTL, memory) and the biggest keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from console.data.models import BigKey, PrefixUsage
from console.formatting import human_bytes, human_duration, human_number
from widgets.keyed_table import ColumnSpec, KeyedRow, ReadingTable, cell


class PrefixTable(ReadingTable[PrefixUsage]):
    """Key prefixes, most keys without a TTL first (the order the audit gives)."""

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("prefix", "prefix", 28),
        ("keys", "keys", 9),
        ("no_ttl", "no TTL", 9),
        ("memory", "memory≈", 9),
        ("biggest", "biggest key", 30),
    )
    TITLE: ClassVar[str] = "key prefixes"

    def _filter_fields(self, item: PrefixUsage) -> tuple[str | None, ...]:
        return (item.prefix, item.biggest_key)

    def _rows(self, items: Sequence[PrefixUsage]) -> list[KeyedRow]:
        return [
            (
                usage.prefix,
                (
                    cell(usage.prefix),
                    human_number(usage.keys),
                    cell(human_number(usage.no_ttl), "bold red" if usage.no_ttl else ""),
                    human_bytes(usage.memory_bytes),
                    cell(usage.biggest_key),
                ),
            )
            for usage in items
        ]


class BigKeyTable(ReadingTable[BigKey]):
    """The biggest keys of each type, by length and by memory."""

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("type", "type", 7),
        ("key", "key", 34),
        ("size", "length", 14),
        ("memory", "memory", 9),
        ("ttl", "TTL", 9),
    )
    TITLE: ClassVar[str] = "biggest keys"

    def _filter_fields(self, item: BigKey) -> tuple[str | None, ...]:
        return (item.type, item.key)

    def _rows(self, items: Sequence[BigKey]) -> list[KeyedRow]:
        return [
            (
                f"{key.type}:{key.key}",
                (
                    key.type,
                    cell(key.key),
                    f"{human_number(key.size)} {key.unit}",
                    human_bytes(key.memory_bytes),
                    "none" if key.ttl_s is None else human_duration(key.ttl_s),
                ),
            )
            for key in items
        ]
