"""The bundle writer and the health report renderers, from factories (no servers)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from console.analysis.findings import analyse
from console.analysis.health_report import build_health_report
from console.cli.investigate import render_findings
from console.data.models import InstanceRef
from console.inventory import Fleet, Instance, Kind
from console.services import health_report as report_service
from console.services.investigation.bundle import REPORT, bundle_name, shown, write_bundle
from console.services.investigation.screenshots import Screenshot
from tests import factories
from tests.factories import AT
from tests.factories_alerts import alert
from tests.investigate import factories as ev

PII = (ev.SEEDED_EMAIL, ev.SEEDED_PHONE, ev.SEEDED_CARD, "4539148803436467")


def bundle_text(folder: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def test_report_puts_the_alert_then_findings_first_then_figures_and_tables(tmp_path: Path) -> None:
    fired = alert(
        "MySQLLongRunningQuery", "warning", "10.0.1.5:3306", timedelta(minutes=2), "a query ran 30s"
    )
    evidence = replace(ev.lock_chain(), alert=fired)
    report = write_bundle(
        tmp_path, evidence, analyse(evidence), [Screenshot("processes", "screens/processes.svg")]
    )
    text = report.read_text(encoding="utf-8")
    order = [
        text.index(h) for h in ("## Alert", "## Findings", "## Figures", "## Tables", "## Sources")
    ]
    assert order == sorted(order)
    assert "**MySQLLongRunningQuery**" in text
    assert "WARNING: Lock wait: session 501 blocks 3 sessions" in text
    assert "[screens/processes.svg](screens/processes.svg)" in text
    assert report.name == REPORT


def test_every_table_is_a_csv_with_its_rows(tmp_path: Path) -> None:
    evidence = ev.lock_chain()
    write_bundle(tmp_path, evidence, analyse(evidence))
    with (tmp_path / "lock_waits.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["waiting", "blocking", "wait_s", "lock"]
    assert [r[:2] for r in rows[1:]] == [["502", "501"], ["503", "502"], ["504", "501"]]
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert findings["instance"] == "aws-luckyus-salesorder-rw"
    assert findings["findings"][0]["evidence"] == "lock_waits.csv"
    assert {p.name for p in tmp_path.iterdir()} >= {
        "processes.csv",
        "digests.csv",
        "sources.csv",
        "series.csv",
    }


def test_pii_a_source_let_through_never_reaches_a_file(tmp_path: Path) -> None:
    for index, evidence in enumerate((ev.sql(), ev.redis())):
        folder = tmp_path / str(index)
        summary = f"member {ev.SEEDED_EMAIL} called from {ev.SEEDED_PHONE}"
        fired = alert("Leaky", "warning", ev.SQL.name, timedelta(minutes=1), summary)
        leaky = replace(ev.with_pii(evidence), alert=fired)
        write_bundle(folder, leaky, analyse(leaky))
        text = bundle_text(folder)
        assert "***@gmail.com" in text  # the masked form is there: the data did flow through
        for value in PII:
            assert value not in text


def test_the_findings_a_user_is_shown_carry_no_pii() -> None:
    """What `opsconsole investigate` prints and `i` notifies: the service's findings, masked."""
    for evidence in (ev.sql(), ev.redis()):
        leaky = ev.with_pii(evidence)
        printed = "\n".join(render_findings([shown(f) for f in analyse(leaky)]))
        assert "***@gmail.com" in printed  # the statement or command is there, masked
        for value in PII:
            assert value not in printed


def test_a_failed_source_is_written_as_failed_and_the_rest_still_counts(tmp_path: Path) -> None:
    evidence = ev.down()
    write_bundle(tmp_path, evidence, analyse(evidence))
    sources = (tmp_path / "sources.csv").read_text(encoding="utf-8")
    assert "health,FAILED" in sources and "unreachable: Error 111" in sources
    text = (tmp_path / REPORT).read_text(encoding="utf-8")
    assert "CRITICAL: Instance down: luckyus-isales-market is unreachable" in text


def test_bundle_name_is_the_instance_and_the_utc_time() -> None:
    assert (
        bundle_name("aws-luckyus-salesorder-rw", AT) == "aws-luckyus-salesorder-rw-20261125-143000"
    )
    assert bundle_name("../x y", AT) == ".._x_y-20261125-143000"


def _fleet() -> Fleet:
    def instance(ref: InstanceRef) -> Instance:
        host, port = ref.endpoint.split(":")
        kind: Kind = (
            "redis" if ref.kind == "redis" else "mysql" if ref.kind == "mysql" else "postgres"
        )
        return Instance(kind, ref.name, ref.group, ref.env, host, int(port), None, "none")

    return Fleet(tuple(instance(ref) for ref in factories.refs()))


def test_health_report_rolls_up_groups_and_puts_the_worst_first() -> None:
    fired = alert(
        "RedisMemoryHigh",
        "critical",
        "luckyus-isales-market",
        timedelta(minutes=5),
        f"mail {ev.SEEDED_EMAIL}",
    )
    report = build_health_report(
        factories.fleet_health(), _fleet(), [fired], generated_at=AT, profile="lab"
    )
    assert (report.total, report.ok, report.warn, report.down) == (6, 4, 1, 1)
    assert [i.name for i in report.worst] == [
        "luckyus-dify",
        "aws-luckyus-salespayment-rw",
        "luckyus-isales-market",
    ]
    assert report.worst[2].alerts == ("RedisMemoryHigh",)
    sales = next(g for g in report.groups if (g.kind, g.group) == ("mysql", "Sales/CRM"))
    assert (sales.total, sales.ok, sales.warn, sales.down) == (2, 1, 1, 0)
    markdown, document = report_service.render_markdown(report), report_service.render_json(report)
    assert "| DOWN | redis | Dify | luckyus-dify | unreachable: connection refused |" in markdown
    assert json.loads(document)["summary"] == {
        "total": 6, "ok": 4, "warn": 1, "down": 1, "alerts_firing": 1, "alerts_silenced": 0
    }  # fmt: skip
    assert ev.SEEDED_EMAIL not in markdown + document
    assert report.needs_attention


def test_health_report_files_are_named_by_their_utc_time_and_hold_the_masked_report(
    tmp_path: Path,
) -> None:
    fired = alert("RedisMemoryHigh", "critical", "luckyus-isales-market", timedelta(minutes=5),
                  f"mail {ev.SEEDED_EMAIL}")  # fmt: skip
    report = build_health_report(
        factories.fleet_health(), _fleet(), [fired], generated_at=AT, profile="lab"
    )
    markdown, document = report_service.write_health_report(report, tmp_path / "reports")
    assert (markdown.parent, markdown.name, document.name) == (
        (tmp_path / "reports").resolve(), "health-20261125-143000.md", "health-20261125-143000.json"
    )  # fmt: skip
    assert markdown.read_text(encoding="utf-8").startswith("# Fleet health report — 2026-11-25")
    assert json.loads(document.read_text(encoding="utf-8"))["summary"]["down"] == 1
    assert ev.SEEDED_EMAIL not in markdown.read_text(encoding="utf-8") + document.read_text()
