"""Exports of what is on screen: SVG + text screenshots, CSV + Markdown tables.

Everything shown was masked by the data layer; the text is redacted once more on the way out,
so an export never holds a credential. Files are named by time and subject (the instance).
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.widgets import DataTable

from console.formatting import table_csv, table_markdown
from console.safety.masking import mask_text
from console.safety.redact import redact


def stem(subject: str, now: datetime | None = None) -> str:
    """`opsconsole-20261125-143000-aws-luckyus-salesorder-rw`: time first, so files sort."""
    moment = now or datetime.now().astimezone()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", subject).strip("-") or "console"
    return f"opsconsole-{moment:%Y%m%d-%H%M%S}-{safe}"


def _clean(text: str) -> str:
    return redact(mask_text(text))


def screen_text(app: App[Any]) -> str:
    """The current screen as plain text, as the SVG shows it, without styles."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


def save_screenshot(app: App[Any], folder: Path, subject: str, path: Path | None = None) -> Path:
    """SVG (and a .txt beside it) of the current screen; returns the SVG's path."""
    svg_path = path or folder / f"{stem(subject)}.svg"
    svg_path.parent.mkdir(parents=True, exist_ok=True)
    svg_path.write_text(redact(app.export_screenshot()), encoding="utf-8")
    svg_path.with_suffix(".txt").write_text(_clean(screen_text(app)), encoding="utf-8")
    return svg_path


def _cells(table: DataTable[Any]) -> tuple[list[str], list[list[str]]]:
    headers = [str(column.label) for column in table.columns.values()]
    rows = [[_clean(str(cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return [_clean(h) for h in headers], rows


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
    return "\t".join(_clean(str(cell)) for cell in table.get_row_at(row))
