"""Screen fixtures: the app on the lab settings, and a long-running session to look at."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncmy
import msgspec
import pytest

from console.app import OpsConsoleApp
from console.config import Settings
from console.lab import topology

EMAIL = "jane.doe@example.com"


@pytest.fixture
async def sleeping_session(lab_dir: Path) -> AsyncIterator[int]:
    """A MariaDB session running a 20 s SELECT that carries an email literal."""
    password = (lab_dir / "secrets" / "mysql-admin.pass").read_text().strip()
    conn: Any = await asyncmy.connect(
        host=topology.HOST,
        port=topology.MARIADB_PORT,
        user=topology.MYSQL_ADMIN_USER,
        password=password,
        database="salesorder",
    )
    cursor = conn.cursor()
    task = asyncio.create_task(cursor.execute(f"SELECT SLEEP(20), '{EMAIL}' AS contact"))
    await asyncio.sleep(0.3)
    yield int(conn.thread_id())
    task.cancel()
    conn.close()


def audit_of(tmp_path: Path) -> Path:
    """The test's audit log: beside its output folder, so exports stay alone in there."""
    return tmp_path.parent / f"{tmp_path.name}-audit.jsonl"


def app_for(settings: Settings, tmp_path: Path, **options: Any) -> OpsConsoleApp:
    update = {"output_dir": str(tmp_path), "refresh_s": 0.5, "audit_log": str(audit_of(tmp_path))}
    console = msgspec.structs.replace(settings.console, **update)
    return OpsConsoleApp(replace(settings, console=console), **options)
