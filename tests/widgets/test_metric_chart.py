"""MetricChart: resampled sparklines, figures with units, no redraw for unchanged data, stale."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from console.data.models import Reading, Series
from tests import factories_alerts as fa
from tests.factories import AT
from tests.widgets_harness_alerts import ChartsHarness
from widgets.metric_chart import MetricChart, same_series, series_label


def chart_lines(chart: MetricChart) -> list[str]:
    return chart.render().plain.splitlines()


def again(reading: Reading[tuple[Series, ...]], seconds: float) -> Reading[tuple[Series, ...]]:
    """The same series in a later poll (a new Reading object, equal points)."""
    assert reading.value is not None
    copied = tuple(Series(s.labels, tuple(s.points)) for s in reading.value)
    return Reading(reading.instance, reading.source, AT + timedelta(seconds=seconds), 0.03, copied)


@pytest.mark.parametrize("width", [80, 131])
async def test_each_sparkline_is_resampled_to_the_content_width(width: int) -> None:
    app = ChartsHarness()
    async with app.run_test(size=(width, 40)):
        chart = app.query_one("#memory", MetricChart)
        content = chart.size.width
        assert content == width - 4  # round border and one column of padding each side
        shown = chart_lines(chart)
        sparklines = shown[1:6:2]
        assert [len(line) for line in sparklines] == [content] * 3
        assert all(set(line) <= set("▁▂▃▄▅▆▇█ ") for line in sparklines)


async def test_legend_shows_labels_and_last_min_max_in_the_unit() -> None:
    app = ChartsHarness()
    async with app.run_test(size=(100, 40)):
        memory = chart_lines(app.query_one("#memory", MetricChart))
        assert memory[0].startswith("● luckyus-isales-market:6379 · redis")
        assert memory[0].endswith("last 6.6 GiB  min 5.2 GiB  max 6.8 GiB")
        assert memory[6].startswith("14:00") and memory[6].endswith("14:30 UTC")
        qps = chart_lines(app.query_one("#qps", MetricChart))
        assert qps[0].endswith("last 1.4k ops/s  min 900 ops/s  max 4.8k ops/s")
        assert " " in qps[1].strip()  # the scrape gap (NaN points) stays a gap


async def test_changing_the_unit_redraws_the_figures() -> None:
    app = ChartsHarness()
    async with app.run_test(size=(100, 40)) as pilot:
        chart = app.query_one("#qps", MetricChart)
        chart.unit = ""
        await pilot.pause()
        assert chart_lines(chart)[0].endswith("last 1.4k  min 900  max 4.8k")


class CountingChart(MetricChart):
    """Counts renders and refresh calls (a refresh is what costs bytes over SSH)."""

    renders = 0
    refreshes = 0

    def render(self):
        CountingChart.renders += 1
        return super().render()

    def refresh(self, *args, **kwargs):
        CountingChart.refreshes += 1
        return super().refresh(*args, **kwargs)


async def test_the_same_series_again_neither_refreshes_nor_renders() -> None:
    first = fa.series_reading()
    app = ChartsHarness()
    async with app.run_test(size=(100, 40)) as pilot:
        chart = CountingChart("Memory used", unit="bytes")
        await app.query_one("VerticalScroll").mount(chart)
        chart.reading = first
        await pilot.pause()
        CountingChart.renders = CountingChart.refreshes = 0
        chart.reading = again(first, 15)
        chart.reading = again(first, 30)
        await pilot.pause()
        assert (CountingChart.renders, CountingChart.refreshes) == (0, 0)
        changed = fa.series_reading(fa.memory_series()[:2])
        chart.reading = changed
        await pilot.pause()
        assert CountingChart.refreshes >= 1
        assert CountingChart.renders >= 1
        assert len(chart_lines(chart)) == 5  # two series and the time axis


async def test_an_error_keeps_the_last_chart_marked_stale() -> None:
    app = ChartsHarness()
    async with app.run_test(size=(100, 40)) as pilot:
        chart = app.query_one("#memory", MetricChart)
        before = chart_lines(chart)
        chart.reading = fa.series_error()
        await pilot.pause()
        assert chart_lines(chart) == before
        assert chart.has_class("-stale")
        assert str(chart.border_subtitle).startswith("stale")  # the clock is frozen at AT
        assert "unreachable: connection refused" in str(chart.border_subtitle)
        chart.reading = again(fa.series_reading(), 60)  # same data, fresh again
        await pilot.pause()
        assert not chart.has_class("-stale")
        assert not chart.has_class("-error")


async def test_an_error_before_any_data_says_so() -> None:
    app = ChartsHarness()
    async with app.run_test(size=(100, 40)):
        chart = app.query_one("#lag", MetricChart)
        assert chart.has_class("-error")
        assert not chart.has_class("-stale")
        assert chart_lines(chart) == [
            "no data: prometheus (prometheus): unreachable: connection refused"
        ]


async def test_more_series_than_fit_are_counted_not_drawn() -> None:
    many = tuple(fa.series(f"redis-{n}:6379", 100.0 * (n + 1), 10.0) for n in range(8))
    app = ChartsHarness(memory=fa.series_reading(many))
    async with app.run_test(size=(100, 40)):
        shown = chart_lines(app.query_one("#memory", MetricChart))
        assert len(shown) == 6 * 2 + 2
        assert shown[-2] == "+2 more series not drawn"


async def test_no_series_is_a_quiet_note() -> None:
    app = ChartsHarness(memory=fa.series_reading(()))
    async with app.run_test(size=(100, 40)):
        assert chart_lines(app.query_one("#memory", MetricChart)) == ["no series"]


def test_same_series_treats_nan_as_equal_and_labels_as_identity() -> None:
    [qps] = fa.qps_series()
    copy = Series(
        qps.labels, tuple((t, float("nan") if math.isnan(v) else v) for t, v in qps.points)
    )
    assert qps != copy  # plain equality: nan != nan
    assert same_series((qps,), (copy,))
    relabelled = Series((("instance", "other"),), copy.points)
    assert not same_series((qps,), (relabelled,))
    assert not same_series(None, (qps,))


def test_series_label_skips_the_metric_name() -> None:
    assert series_label(Series((("__name__", "up"), ("instance", "db1")), ())) == "db1"
    assert series_label(Series((), ())) == "{}"
