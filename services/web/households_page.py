"""The households page (``/ui/households?q=&page=``): finding a household's file (户档)
by its unit code however typed or by the name of an occupant, current or former
(``GET /registry/households?q=``), ``LIST_PAGE`` households a page in cabinet order; with
nothing typed, every household the reader may know of. Each row says which former
occupants' names hold what was typed, since the label shows only the current one."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.contracts.fields import MAX_NAME
from services.common.contracts.households import Household
from services.common.paging import LIST_PAGE
from services.common.text import fold
from services.web.links import household_url, households_url
from services.web.pager import Pager, asked_page, pager, rows_before


@dataclass(frozen=True)
class Finding:
    """What was typed (trimmed) and the page of households asked for."""

    typed: str = ""
    page: int = 1

    @property
    def offset(self) -> int:
        return rows_before(self.page)

    def url(self, page: int) -> str:
        return households_url(q=self.typed, page=page)


def finding(typed: str, page: int | None) -> Finding:
    """The search the address asks for; a page below 1 is the first."""
    return Finding(typed=typed.strip()[:MAX_NAME], page=asked_page(page))


@dataclass(frozen=True)
class FoundHousehold:
    household: Household
    url: str
    former: list[str]
    """The former occupants whose names hold what was typed (the label is the current one)."""


@dataclass(frozen=True)
class HouseholdsView:
    finding: Finding
    rows: list[FoundHousehold]
    first: int
    """The number of the first row shown, from 1."""
    more: bool
    """Whether households follow on the next page."""
    pager: Pager

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def households_view(found: Finding, households: list[Household]) -> HouseholdsView:
    """The page for ``households`` as the registry answered ``found``: asked for one more
    than a page holds, so that one past the page says another follows."""
    shown = households[:LIST_PAGE]
    more = len(households) > LIST_PAGE
    name = fold(found.typed)
    rows = [FoundHousehold(household=household, url=household_url(household.household),
                           former=[occupancy.occupant for occupancy in household.occupants
                                   if occupancy.moved_out is not None and name
                                   and name in fold(occupancy.occupant)])
            for household in shown]
    return HouseholdsView(finding=found, rows=rows, first=found.offset + 1, more=more,
                          pager=pager(found.page, found.page + 1 if more else found.page,
                                      found.url))
