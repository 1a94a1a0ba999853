"""Bar charts drawn on the server as SVG (the statistics page): no chart library in the
browser, nothing to load. This module computes the geometry; the template draws it
(``_chart.html``), with a title and description for screen readers and a table of the
same numbers beside it.

The value axis starts at zero and ends at a round number (a step of 1, 2 or 5 times a
power of ten, at most ``MOST_TICKS`` steps), so bars of counts compare honestly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
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


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right_edge: int
    baseline: float
    """The y of zero."""
    bars: list[Bar]
    ticks: list[Tick]
    total: int

    @property
    def empty(self) -> bool:
        """Every value is zero (or there are none): the chart says so instead."""
        return self.total == 0


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


def bar_chart(points: Sequence[tuple[str, int]]) -> BarChart:
    """The bars of ``points`` (label, count), left to right, on one zero-based scale."""
    largest = max((value for _, value in points), default=0)
    step = nice_step(largest)
    top = step * -(-largest // step) if largest else step
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = float(HEIGHT - BOTTOM)

    def y_of(value: int) -> float:
        return round(baseline - plot_height * value / top, 2)

    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    width = min(slot * BAR_SHARE, WIDEST_BAR)
    bars = []
    for index, (label, value) in enumerate(points):
        y = y_of(value)
        bars.append(Bar(label=label, value=value,
                        x=round(LEFT + index * slot + (slot - width) / 2, 2),
                        y=y, width=round(width, 2), height=round(baseline - y, 2)))
    ticks = [Tick(value=value, y=y_of(value)) for value in range(0, top + 1, step)]
    return BarChart(width=WIDTH, height=HEIGHT, left=LEFT, right_edge=WIDTH - RIGHT,
                    baseline=baseline, bars=bars, ticks=ticks,
                    total=sum(value for _, value in points))
