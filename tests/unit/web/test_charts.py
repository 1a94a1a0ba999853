"""The statistics page's SVG bar charts (services.web.charts): a zero-based scale ending
on a round number, bars in proportion, an empty year and a month with zero; lying down,
a row per bar with its label above it, so sixteen category names never meet."""

from __future__ import annotations

import itertools

import pytest

from services.common.models import CATEGORIES, CATEGORY_NAMES
from services.web.charts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    ROW,
    ROW_VALUE_ROOM,
    TOP,
    WIDEST_BAR,
    WIDTH,
    bar_chart,
    horizontal_bar_chart,
    nice_step,
)

PLOT = HEIGHT - TOP - BOTTOM


@pytest.mark.parametrize(("largest", "step"), [
    (0, 1), (1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10), (99, 20),
    (250, 50), (1001, 500), (123_456, 50_000)])
def test_the_step_is_one_two_or_five_times_a_power_of_ten_in_at_most_five_steps(
        largest: int, step: int) -> None:
    assert nice_step(largest) == step


def test_the_scale_starts_at_zero_and_ends_on_the_round_number_above_the_largest() -> None:
    chart = bar_chart([("1", 7), ("2", 3)])
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    assert chart.ticks[0].start.y == chart.ticks[0].end.y == HEIGHT - BOTTOM
    assert chart.ticks[-1].start.y == TOP
    assert chart.bars[0].height == pytest.approx(PLOT * 7 / 8, abs=0.01)
    assert chart.bars[0].height / chart.bars[1].height == pytest.approx(7 / 3, rel=1e-3)
    assert all(bar.y + bar.height == pytest.approx(HEIGHT - BOTTOM) for bar in chart.bars)


def test_a_month_with_zero_has_a_bar_of_no_height_at_the_baseline() -> None:
    chart = bar_chart([(str(month), 4 if month == 1 else 0) for month in range(1, 13)])
    assert len(chart.bars) == 12
    assert [bar.label for bar in chart.bars] == [str(month) for month in range(1, 13)]
    assert chart.bars[1].height == 0
    assert chart.bars[1].y == HEIGHT - BOTTOM
    assert chart.bars[0].height == PLOT
    assert chart.total == 4
    assert not chart.empty


def test_an_empty_year_is_empty_with_a_scale_of_one_and_no_height_anywhere() -> None:
    chart = bar_chart([(str(month), 0) for month in range(1, 13)])
    assert chart.empty
    assert chart.total == 0
    assert [tick.value for tick in chart.ticks] == [0, 1]
    assert {bar.height for bar in chart.bars} == {0}
    assert bar_chart([]).empty
    assert bar_chart([]).bars == []


def test_bars_stay_inside_the_plot_left_to_right_and_a_lone_bar_is_not_a_block() -> None:
    chart = bar_chart([(str(month), month) for month in range(1, 13)])
    edges = [(bar.x, bar.x + bar.width) for bar in chart.bars]
    assert edges[0][0] >= LEFT
    assert edges[-1][1] <= WIDTH - RIGHT
    assert all(right <= following
               for (_, right), (following, _) in itertools.pairwise(edges))
    lone = bar_chart([("维修/报修记录", 1)]).bars[0]
    assert lone.width == WIDEST_BAR
    assert lone.label_at.x == pytest.approx(lone.x + lone.width / 2)
    assert lone.label_at.x == pytest.approx(LEFT + (WIDTH - LEFT - RIGHT) / 2)


def test_sixteen_categories_lie_a_row_each_with_the_label_above_its_own_bar() -> None:
    chart = horizontal_bar_chart([(CATEGORY_NAMES[c], n) for n, c in enumerate(CATEGORIES)])
    assert chart.horizontal
    assert chart.height > ROW * len(CATEGORIES)
    for upper, lower in itertools.pairwise(chart.bars):
        assert upper.y + upper.height <= lower.label_at.y - 12  # a 12 px line between
        assert lower.label_at.y - upper.label_at.y == ROW
    for bar in chart.bars:
        assert bar.label_at.y < bar.y  # the label's baseline is above its bar
        assert bar.label_at.x == bar.x  # and starts where the bar does, whatever its length
    assert chart.bars[-1].y + chart.bars[-1].height < chart.ticks[0].label_at.y


def test_lying_bars_are_in_proportion_on_a_scale_along_the_bottom() -> None:
    chart = horizontal_bar_chart([("往来函件", 7), ("维修/报修记录", 3), ("申请单", 0)])
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    assert chart.ticks[-1].start.x == pytest.approx(WIDTH - ROW_VALUE_ROOM)
    assert chart.bars[0].width == pytest.approx(
        (WIDTH - ROW_VALUE_ROOM - chart.bars[0].x) * 7 / 8, abs=0.01)
    assert chart.bars[0].width / chart.bars[1].width == pytest.approx(7 / 3, rel=1e-3)
    assert chart.bars[2].width == 0
    assert chart.bars[0].value_at.x > chart.bars[0].x + chart.bars[0].width
    assert all(tick.start.y < tick.end.y for tick in chart.ticks)
    assert horizontal_bar_chart([]).empty
