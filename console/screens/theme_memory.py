"""The theme a user chose (palette "Theme"), kept in their state folder and applied at start.

Why the state folder and not the config: the config is the team's (often
/etc/opsconsole/config.toml, read-only to its members); a theme is one person's taste, kept
per user like their query history (`Settings.state_dir`/theme.txt).
"""

from __future__ import annotations

from pathlib import Path

THEME_FILE = "theme.txt"


def theme_path(state_dir: Path) -> Path:
    return state_dir / THEME_FILE


def saved_theme(state_dir: Path) -> str | None:
    """The theme chosen last time, or None (never chosen, or the file cannot be read)."""
    try:
        name = theme_path(state_dir).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


def keep_theme(state_dir: Path, name: str) -> None:
    """Remember `name` for the next start (blocking: call it off the event loop)."""
    path = theme_path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{name}\n", encoding="utf-8")
