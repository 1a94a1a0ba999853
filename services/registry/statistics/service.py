"""The yearly statistics (O2): the year's period, and its report from one snapshot.

A year is a calendar year on the company's clocks (``ARCHIVE_TIME_ZONE``), as the
registry's other date rules take the day (a sweep's ``as_of``, a destruction's wait):
a loan issued at 07:30 on 1 January in Shanghai counts in the new year. The report is
counted at ``as_of``: the last instant of the year, or now while the year is not over. A
year that has not begun is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from services.common.contracts.statistics import (
    Appraised,
    Borrowed,
    CategoryCounts,
    Checks,
    HandedOver,
    LoansOfKind,
    MonthCounts,
    YearStatistics,
)
from services.common.errors import ValidationFailed
from services.common.models import CATEGORIES, Category
from services.registry.store import FeatureService


@dataclass(frozen=True)
class Period:
    """A year's period so far: ``since``..``as_of``, both included."""

    year: int
    since: datetime
    as_of: datetime
    so_far: bool


def period_of(year: int, now: datetime, zone: tzinfo) -> Period:
    """The year's period in ``zone`` as seen at ``now``; 422 ``year_in_future`` before it
    begins."""
    since = datetime(year, 1, 1, tzinfo=zone)
    if now < since:
        raise ValidationFailed(f"{year} has not begun; ask for {now.astimezone(zone).year} "
                               "(so far) or an earlier year", code="year_in_future")
    end = datetime(year + 1, 1, 1, tzinfo=zone) - timedelta(microseconds=1)
    return Period(year=year, since=since, as_of=min(now, end).astimezone(UTC),
                  so_far=now < end)


class StatisticsService(FeatureService):
    async def year(self, year: int | None = None) -> YearStatistics:
        """The report of ``year`` (default: this year, so far), every count read from one
        snapshot, so a filing or return meanwhile is in all of them or in none."""
        now = self.clock.now()
        zone = self.clock.zone
        period = period_of(self.clock.today().year if year is None else year, now, zone)
        since, as_of = period.since, period.as_of
        async with self.store.snapshot() as view:
            counts = view.statistics
            received = await counts.registered(since, as_of)
            held = await counts.held(as_of)
            outcomes = await counts.appraisal_outcomes(since, as_of)
            destroyed = await counts.destroyed(since, as_of)
            transferred = await counts.transferred(since, as_of)
            handovers, handed_documents = await counts.handed_over(since, as_of)
            issued = await counts.issued(since, as_of)
            returned = await counts.returned(since, as_of)
            returned_late = await counts.returned_late(since, as_of)
            overdue = await counts.overdue(as_of)
            inventoried, organised, discrepancies = await counts.inventoried(since, as_of)
            unresolved = await counts.unresolved(as_of)
            checked, with_problems = await counts.condition_checked(since, as_of)
            starts = month_starts(period, zone)
            monthly = await counts.per_month(starts, as_of)
        return YearStatistics(
            year=period.year, as_of=as_of, so_far=period.so_far,
            received=_by_category(received), holdings=_by_category(held),
            appraised=_appraised(outcomes), destroyed=_by_category(destroyed),
            borrowed=_borrowed(issued), transferred_out=_by_category(transferred),
            handed_over=HandedOver(handovers=handovers, documents=handed_documents),
            returned=returned, returned_late=returned_late, overdue=overdue,
            checks=Checks(inventories=inventoried, organised=len(organised),
                          discrepancies=discrepancies, unresolved=unresolved,
                          condition_checks=checked, with_problems=with_problems),
            months=[MonthCounts(month=number, received=monthly["received"].get(number, 0),
                                destroyed=monthly["destroyed"].get(number, 0),
                                loans=monthly["loans"].get(number, 0))
                    for number in range(1, len(starts) + 1)])


def month_starts(period: Period, zone: tzinfo) -> list[datetime]:
    """The first instants, in ``zone``, of the period's months begun by ``as_of``."""
    return [datetime(period.year, month, 1, tzinfo=zone)
            for month in range(1, period.as_of.astimezone(zone).month + 1)]


def _by_category(counted: dict[str, int]) -> CategoryCounts:
    ordered: dict[Category, int] = {category: counted[category] for category in CATEGORIES
                                    if counted.get(category)}
    return CategoryCounts(total=sum(counted.values()), by_category=ordered)


def _appraised(outcomes: dict[str, int]) -> Appraised:
    keep, reappraise = outcomes.get("keep", 0), outcomes.get("reappraise", 0)
    destroy = outcomes.get("destroy", 0)
    # R3: reappraise keeps the document too, for another year.
    return Appraised(total=keep + reappraise + destroy, kept=keep + reappraise,
                     reappraise=reappraise, for_destruction=destroy)


def _borrowed(issued: dict[str, tuple[int, int]]) -> Borrowed:
    paper, digital = issued.get("paper", (0, 0)), issued.get("digital", (0, 0))
    return Borrowed(loans=paper[0] + digital[0], documents=paper[1] + digital[1],
                    paper=LoansOfKind(loans=paper[0], documents=paper[1]),
                    digital=LoansOfKind(loans=digital[0], documents=digital[1]))
