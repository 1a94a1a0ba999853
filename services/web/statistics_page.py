"""The statistics page (``/ui/statistics?year=``): the registry's yearly report (O2) as
figures, and a chart per series drawn on the server (``charts``), each beside a table
of the same numbers. Nothing is counted here: every number is the registry's."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import Principal
from services.common.contracts.statistics import YearStatistics
from services.common.models import (
    CATEGORIES,
    CATEGORY_NAMES,
    EARLIEST_YEAR,
    LATEST_YEAR,
    Category,
)
from services.common.operations import STATISTICS_READERS
from services.web.charts import BarChart, bar_chart, horizontal_bar_chart

SERIES_TITLES = {
    "received-month": "每月接收的文件", "destroyed-month": "每月销毁的文件",
    "loans-month": "每月借出", "received-category": "按类别接收的文件",
    "destroyed-category": "按类别销毁的文件",
}
"""The charts, in the page's order (``-month`` series are by month, drawn upright, the
others by category, drawn horizontal: a category's name is too long to share a row with
fifteen others), by their Chinese titles."""
YEARS = (EARLIEST_YEAR, LATEST_YEAR)
"""The first and last year the registry counts, which the page names when asked another."""


@dataclass(frozen=True)
class Series:
    key: str
    """The chart's id in the page (``chart-{key}``)."""
    title: str
    """Chinese; translated by the template."""
    by_month: bool
    """The labels are month numbers (the template names them), else category names."""
    rows: list[tuple[str, int]]
    chart: BarChart


@dataclass(frozen=True)
class StatisticsPage:
    report: YearStatistics
    series: list[Series]


def may_read(principal: Principal) -> bool:
    """Whether the statistics page exists for ``principal`` (else: the not-found page)."""
    return principal.has_role(*STATISTICS_READERS)


def parse_year(asked: str) -> int | None:
    """The year asked for, or None for this year; ``ValueError`` for anything but a year
    the registry counts (``YEARS``)."""
    asked = asked.strip()
    if not asked:
        return None
    year = int(asked)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(asked)
    return year


def _by_category(counts: dict[Category, int]) -> list[tuple[str, int]]:
    """Every category the vocabulary has that the year counts, in its order (D5)."""
    return [(CATEGORY_NAMES[category], counts[category]) for category in CATEGORIES
            if counts.get(category)]


def statistics_page(report: YearStatistics) -> StatisticsPage:
    def monthly(field: str) -> list[tuple[str, int]]:
        return [(str(month.month), getattr(month, field)) for month in report.months]

    counts = {
        "received-month": monthly("received"), "destroyed-month": monthly("destroyed"),
        "loans-month": monthly("loans"),
        "received-category": _by_category(report.received.by_category),
        "destroyed-category": _by_category(report.destroyed.by_category),
    }
    series = []
    for key, title in SERIES_TITLES.items():
        rows, by_month = counts[key], key.endswith("-month")
        series.append(Series(
            key=key, title=title, by_month=by_month, rows=rows,
            chart=bar_chart(rows) if by_month else horizontal_bar_chart(rows)))
    return StatisticsPage(report=report, series=series)
