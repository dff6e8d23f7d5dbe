"""Exports of what is on screen: SVG + text screenshots, CSV + Markdown tables, the clipboard.

Everything shown was masked by the data layer; every text is redacted and masked once more on
the way out (`scrub`: the SVG's text too, line by line), so an export never holds a credential
or PII that a source or a typed statement let through. Files are named by time and subject.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.widgets import DataTable

from console.formatting import table_csv, table_markdown
from console.safety.redact import redact
from console.safety.scrub import scrub

# one run of text in a Rich/Textual SVG: <text class=.. x=.. y=.. ...>escaped text</text>
_SVG_TEXT = re.compile(r'(?P<open><text\b[^>]*?\by="(?P<y>[^"]*)"[^>]*>)(?P<body>[^<]*)</text>')


def stem(subject: str, now: datetime | None = None) -> str:
    """`opsconsole-20261125-143000-aws-luckyus-salesorder-rw`: time first, so files sort."""
    moment = now or datetime.now().astimezone()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", subject).strip("-") or "console"
    return f"opsconsole-{moment:%Y%m%d-%H%M%S}-{safe}"


def screen_text(app: App[Any]) -> str:
    """The current screen as plain text, as the SVG shows it, without styles."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True)
    console.print(app.screen._compositor.render_update(full=True))  # noqa: SLF001 (Textual's)
    return console.export_text(styles=False)


def save_screenshot(app: App[Any], folder: Path, subject: str, path: Path | None = None) -> Path:
    """SVG (and a .txt beside it) of the current screen; returns the SVG's path."""
    svg_path = path or folder / f"{stem(subject)}.svg"
    svg_path.parent.mkdir(parents=True, exist_ok=True)
    svg_path.write_text(scrub_svg(app.export_screenshot()), encoding="utf-8")
    svg_path.with_suffix(".txt").write_text(scrub(screen_text(app)), encoding="utf-8")
    return svg_path


def _svg_lines(svg: str) -> Iterator[list[re.Match[str]]]:
    """The text runs of the SVG, grouped by screen line (consecutive runs with the same y)."""
    line: list[re.Match[str]] = []
    for match in _SVG_TEXT.finditer(svg):
        if line and match.group("y") != line[0].group("y"):
            yield line
            line = []
        line.append(match)
    if line:
        yield line


def _scrub_line(texts: list[str]) -> list[str]:
    """A screen line's runs, scrubbed; each keeps its length so the columns stay in place.

    Each run alone first (a cell); if PII still shows across runs (an email split by the
    cursor's style), the whole line is scrubbed and cut back into runs of the same lengths.
    """
    runs = [scrub(text).ljust(len(text)) for text in texts]
    joined = "".join(runs)
    if scrub(joined) == joined:
        return runs
    whole, out, offset = scrub("".join(texts)).ljust(sum(map(len, texts))), [], 0
    for index, text in enumerate(texts):
        end = len(whole) if index == len(texts) - 1 else offset + len(text)
        out.append(whole[offset:end])
        offset = end
    return out


def scrub_svg(svg: str) -> str:
    """An SVG screenshot with every text run redacted and masked (and the markup redacted)."""
    pieces, position = [], 0
    for line in _svg_lines(svg):
        texts = [html.unescape(m.group("body")).replace("\xa0", " ") for m in line]
        for match, text in zip(line, _scrub_line(texts), strict=True):
            escaped = html.escape(text, quote=False).replace(" ", "&#160;")
            pieces += [svg[position : match.start("body")], escaped]
            position = match.end("body")
    return redact("".join(pieces) + svg[position:])


def _cells(table: DataTable[Any]) -> tuple[list[str], list[list[str]]]:
    headers = [str(column.label) for column in table.columns.values()]
    rows = [[scrub(str(cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return [scrub(h) for h in headers], rows


def save_table(table: DataTable[Any], folder: Path, subject: str) -> tuple[Path, Path]:
    """The table as CSV and Markdown in `folder`; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    headers, rows = _cells(table)
    base = folder / stem(subject)
    csv_path, md_path = base.with_suffix(".csv"), base.with_suffix(".md")
    csv_path.write_text(table_csv(headers, rows), encoding="utf-8")
    md_path.write_text(table_markdown(headers, rows), encoding="utf-8")
    return csv_path, md_path


def table_text(table: DataTable[Any], row: int) -> str:
    """One row as tab-separated text, for the clipboard."""
    return "\t".join(scrub(str(cell)) for cell in table.get_row_at(row))
