"""Benchmark: masking's error rates both ways on tests/safety/masking_corpus.py's corpus.

False negatives: PII (cards, phones, emails, SSNs, bearer tokens, split or disguised) that
survives, in free text and in a table cell. False positives: ids, Unix and millisecond
timestamps changed, in their columns, in typed numeric columns, after `created_at=` in free
text, and harmless texts. Also reports, for information, bare ids in free text with nothing
saying what they are (a 10-digit number there is indistinguishable from a phone).
Writes the rates to bench/RESULTS.md. Run: `.venv/bin/python bench/masking_corpus.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from results_section import context, write_section

from tests.safety.masking_corpus import HARMLESS, SEED, rates

TITLE = "Masking error rates both ways (`bench/masking_corpus.py`)"


def rate(failed: int, total: int) -> str:
    return f"{failed}/{total} ({100 * failed / total:.1f} %)" if total else "-"


def main() -> int:
    r = rates(SEED)
    pii, figures = r.pii_total, r.figure_total
    rows = [
        ("PII in free text survives (false negative)", rate(len(r.text_misses), pii)),
        ("PII in a `note` cell survives (false negative)", rate(len(r.cell_misses), pii)),
        ("id/timestamp in its named column changed", rate(len(r.cell_false), figures)),
        ("id/timestamp in a typed numeric column changed", rate(len(r.typed_false), figures)),
        ("`created_at=1717171717`-style text changed", rate(len(r.text_false), figures)),
        ("harmless texts changed", rate(len(r.harmless_false), len(HARMLESS))),
        ("info: bare ids in free text, no context, masked", rate(r.bare_ids_masked, figures)),
    ]
    table = ["| measure | rate |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    body = "\n".join(
        [
            context(),
            "",
            f"Corpus seed {SEED}: {r.pii_total} PII values (cards, phones, emails, SSNs, bearer"
            " tokens, split by dots, underscores, NBSP, double or thin spaces, fullwidth digits,"
            " touching letters, `%40`, IP literals, fullwidth ＠, quoted local parts) and"
            f" {r.figure_total} figures (Unix and millisecond timestamps, 10-19 digit ids).",
            "",
            *table,
            "",
            "Before: ~10 % of random 13-19 digit ids became cards and every 10-digit integer a"
            " phone. Bare ids in free text with no name before them stay ambiguous: a 10-digit"
            " number there reads as a North American phone when its area code and exchange are"
            " 2-9 (never a Unix time), and a Luhn-valid 13-19 digit run starting 2-6 as a card.",
        ]
    )
    write_section(TITLE, body)
    print("\n".join(table))
    failures = r.text_misses + r.cell_misses + r.cell_false + r.typed_false + r.text_false
    return 1 if failures or r.harmless_false else 0


if __name__ == "__main__":
    raise SystemExit(main())
