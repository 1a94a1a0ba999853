"""The yearly statistics route (O2)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.common.auth import SERVICE_ROLE
from services.common.contracts.statistics import YearStatistics
from services.common.models import EARLIEST_YEAR, LATEST_YEAR
from services.common.operations import STATISTICS_READERS
from services.registry.guards import allow
from services.registry.statistics.service import StatisticsService


class StatisticsController(Controller):
    path = "/statistics"
    tags = ("statistics",)
    guards = [allow(SERVICE_ROLE, *STATISTICS_READERS)]  # noqa: RUF012 - Litestar's layer type

    @get("/", operation_id="getYearStatistics")
    async def year(self, statistics: NamedDependency[StatisticsService],
                   year: Annotated[int | None, QueryParameter(
                       ge=EARLIEST_YEAR, le=LATEST_YEAR)] = None) -> YearStatistics:
        """A calendar year's statistics (年度统计, O2); without ``year``, this year so far.
        Documents received (registered), held at ``as_of``, appraised, destroyed,
        transferred out (移出); handovers; loans issued (paper, digital) with the documents
        they covered, returned, and overdue at ``as_of``; inventories, files organised
        (整理) and condition checks (O3). Years are calendar years on the company's clocks
        (``ARCHIVE_TIME_ZONE``); ``as_of`` is the year's last instant, or now while it is
        not over. 422 ``year_in_future`` for a year not begun."""
        return await statistics.year(year)
