"""The Redis audit's TTL plan applied through a consent, on the lab: the keys get their TTL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import msgspec
import pytest
from redis.asyncio import Redis

from console.analysis.ttl_audit import remediation_plan
from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import AuditOptions
from console.safety.confirm import YES, Consent
from tests.data.conftest import lab_admin
from tests.helpers import offered
from tests.redis_audit.conftest import Seeded, seeded

__all__ = ["lab_admin", "seeded"]  # fixtures of the audit tests
pytestmark = pytest.mark.lab


async def test_the_ttl_plan_is_confirmed_applied_and_audited(
    settings: Settings, tmp_path: Path, seeded: Seeded, lab_admin: Redis
) -> None:
    log = tmp_path / "audit.jsonl"
    console = msgspec.structs.replace(settings.console, audit_log=str(log))
    data = DataLayer(replace(settings, console=console))
    try:
        instance = (await data.fleet()).by_name("luckyus-isales-market")
        assert instance is not None
        run = (await data.redis_audit(instance, AuditOptions(match=seeded.match))).value
        assert run is not None and run.audit.complete
        assert len(run.no_ttl_keys) == seeded.no_ttl
        plan = remediation_plan(
            instance.name, run.no_ttl_keys, keys_without_ttl=run.audit.keys_without_ttl,
            ttl_s=600, jitter_s=60, production=True, complete=True,
        )  # fmt: skip
        action = offered(await data.queries.remediation(instance, plan))
        assert action is not None
        assert action.classification == "write" and action.confirmations == 1
        assert len(action.batch) == seeded.no_ttl
        assert "jane.doe" not in action.text  # key names are masked in the prompt
        refused = await data.queries.execute(instance, Consent(action, ()))
        assert refused.error is not None and refused.error.kind == "refused"
        assert await lab_admin.ttl(run.no_ttl_keys[0]) == -1  # nothing was sent
        done = await data.queries.execute(instance, Consent(action, (YES,)))
        assert done.error is None, done.error
        for key in run.no_ttl_keys:
            assert 600 <= await lab_admin.ttl(key) <= 660
        again = (await data.redis_audit(instance, AuditOptions(match=seeded.match))).value
        assert again is not None and again.audit.keys_without_ttl == 0
    finally:
        await data.close()
    outcomes = [line for line in log.read_text().splitlines() if "Set a TTL" in line]
    assert len(outcomes) == 2 and '"ok"' in outcomes[-1] and "jane.doe" not in log.read_text()
