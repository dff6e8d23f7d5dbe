"""`python -m console` runs the same entry point as the `opsconsole` script."""

from __future__ import annotations

from console.cli import main

raise SystemExit(main())
