"""Bar charts drawn on the server as SVG (the statistics page): no chart library in the
browser, nothing to load. This module computes the geometry; the template draws it
(``_chart.html``), with a title and description for screen readers and a table of the
same numbers beside it.

Two shapes: ``bar_chart`` stands the bars up side by side with their labels under them,
for the twelve months, whose short names fit under a bar; ``horizontal_bar_chart`` lays
each bar down on a row of its own with its label above it, for names of any length and
any number of them (the sixteen categories of D5 side by side would overlap).

The value axis starts at zero and ends at a round number (a step of 1, 2 or 5 times a
power of ten, at most ``MOST_TICKS`` steps), so bars of counts compare honestly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
"""Of an upright chart; a horizontal one grows a row per bar."""
LEFT = 48
"""Room for the value axis' numbers."""
RIGHT = 8
TOP = 20
"""Room for the tallest bar's number."""
BOTTOM = 28
"""Room for the bars' labels."""
MOST_TICKS = 5
BAR_SHARE = 0.6
"""Of each bar's slot; the rest is the gap between bars."""
WIDEST_BAR = 56
"""A bar alone in the chart stays a bar, not a block."""
ROW = 36
"""A horizontal bar's row: its label's line, then the bar."""
ROW_LABEL = 13
"""The label's baseline below the row's top."""
ROW_BAR = 18
"""The bar's top below the row's top."""
ROW_BAR_THICKNESS = 14
ROW_SIDE = 8
"""A horizontal chart's margin left of its labels and bars."""
ROW_VALUE_ROOM = 48
"""Right of the longest bar: room for its number."""
ROW_TOP = 8
ROW_AXIS = 24
"""Below the last row: room for the value axis' numbers."""


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_at: Point
    """Where the label's text is anchored."""
    value_at: Point
    """Where the number's text is anchored."""


@dataclass(frozen=True)
class Tick:
    value: int
    start: Point
    """The grid line across the plot at ``value``, from ``start`` to ``end``."""
    end: Point
    label_at: Point


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    horizontal: bool
    bars: list[Bar]
    ticks: list[Tick]
    total: int

    @property
    def empty(self) -> bool:
        """Every value is zero (or there are none): the chart says so instead."""
        return self.total == 0

    @property
    def text_anchor(self) -> str:
        """Of the bars' labels and numbers: centred under and over an upright bar, from
        the left edge of a horizontal one."""
        return "start" if self.horizontal else "middle"

    @property
    def tick_anchor(self) -> str:
        """Of the axis' numbers: right-aligned left of the plot, or centred under it."""
        return "middle" if self.horizontal else "end"


def nice_step(largest: int, most_ticks: int = MOST_TICKS) -> int:
    """The smallest step of 1, 2 or 5 × 10ⁿ that reaches ``largest`` in at most
    ``most_ticks`` steps (counts are whole numbers, so never below 1)."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * most_ticks >= largest:
                return step
        magnitude *= 10


def _scale(points: Sequence[tuple[str, int]]) -> tuple[int, int]:
    """The axis' step and its end: the round number at or above the largest value."""
    largest = max((value for _, value in points), default=0)
    step = nice_step(largest)
    return step, step * -(-largest // step) if largest else step


def bar_chart(points: Sequence[tuple[str, int]]) -> BarChart:
    """The bars of ``points`` (label, count) standing left to right on one zero-based
    scale, each label under its bar."""
    step, top = _scale(points)
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = float(HEIGHT - BOTTOM)

    def y_of(value: int) -> float:
        return round(baseline - plot_height * value / top, 2)

    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    width = min(slot * BAR_SHARE, WIDEST_BAR)
    bars = []
    for index, (label, value) in enumerate(points):
        x = round(LEFT + index * slot + (slot - width) / 2, 2)
        y = y_of(value)
        middle = round(x + width / 2, 2)
        bars.append(Bar(label=label, value=value, x=x, y=y, width=round(width, 2),
                        height=round(baseline - y, 2), label_at=Point(middle, baseline + 16),
                        value_at=Point(middle, y - 4)))
    ticks = [Tick(value=value, start=Point(LEFT, y_of(value)),
                  end=Point(WIDTH - RIGHT, y_of(value)), label_at=Point(LEFT - 6, y_of(value) + 4))
             for value in range(0, top + 1, step)]
    return BarChart(width=WIDTH, height=HEIGHT, horizontal=False, bars=bars, ticks=ticks,
                    total=sum(value for _, value in points))


def horizontal_bar_chart(points: Sequence[tuple[str, int]]) -> BarChart:
    """The bars of ``points`` (label, count) lying top to bottom on one zero-based scale,
    each on a row of its own with its label above it, so no label meets another however
    long or many they are."""
    step, top = _scale(points)
    plot_width = WIDTH - ROW_SIDE - ROW_VALUE_ROOM
    axis = ROW_TOP + ROW * len(points)

    def length_of(value: int) -> float:
        return round(plot_width * value / top, 2)

    bars = []
    for index, (label, value) in enumerate(points):
        row = ROW_TOP + index * ROW
        length = length_of(value)
        bars.append(Bar(label=label, value=value, x=ROW_SIDE, y=row + ROW_BAR, width=length,
                        height=ROW_BAR_THICKNESS, label_at=Point(ROW_SIDE, row + ROW_LABEL),
                        value_at=Point(ROW_SIDE + length + 4, row + ROW_BAR + 11)))
    ticks = [Tick(value=value, start=Point(ROW_SIDE + length_of(value), ROW_TOP),
                  end=Point(ROW_SIDE + length_of(value), axis),
                  label_at=Point(ROW_SIDE + length_of(value), axis + 16))
             for value in range(0, top + 1, step)]
    return BarChart(width=WIDTH, height=axis + ROW_AXIS, horizontal=True, bars=bars,
                    ticks=ticks, total=sum(value for _, value in points))
