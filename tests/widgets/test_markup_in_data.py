"""Issue 11, class 7: values that look like Rich markup are shown as they are, in every widget.

'[/]' used to raise MarkupError (the console closed), '[b]x[/b]' to lose its brackets, and
':100:' to become an emoji. The values go in where a source would put them: alert names, labels
and annotations, instance names, groups and endpoints.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from console.data.models import AlertGroup, InstanceRef
from tests import factories
from tests import factories_alerts as fa
from tests.helpers import screen_text
from tests.widgets_harness import FleetHarness
from tests.widgets_harness_alerts import AlertsHarness

TRICKY = ("[/]", "[b]x[/b]", "cart:100:items", "[red]", "\\[")


def tricky_refs() -> list[InstanceRef]:
    return [
        InstanceRef("mysql", f"db{i}-{text}", f"group {text}", "production", f"h{text}:3306")
        for i, text in enumerate(TRICKY)
    ]


async def test_instance_names_groups_and_endpoints_show_as_they_are() -> None:
    refs = tricky_refs()
    app = FleetHarness(refs, [factories.health(refs[0], "down")])
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        shown = screen_text(app.export_screenshot())
        for ref in tricky_refs():
            assert ref.name in shown
            assert ref.group in shown
        assert "h[/]:3306" in shown  # the detail's endpoint
        assert app.return_code is None


def tricky_alerts() -> tuple[AlertGroup, ...]:
    alert = fa.alert("[/]Down", "critical", "[b]db[/b]:9104", timedelta(minutes=5), "[red]sum")
    alert = replace(alert, labels=(*alert.labels, ("team", "cart:100:items")))
    return (AlertGroup("critical", "[/]Down", (alert,)),)


async def test_alert_names_labels_and_annotations_show_as_they_are() -> None:
    app = AlertsHarness(fa.alerts_reading(tricky_alerts()))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        shown = screen_text(app.export_screenshot())
        for text in ("[/]Down", "[b]db[/b]:9104", "[red]sum", "cart:100:items"):
            assert text in shown, text
        assert app.return_code is None
