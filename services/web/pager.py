"""The pager a long list shows under it (search results, a household's file): the first
and last page, those around the one shown, the previous and the next, each an address
that keeps the list's filters (the list's own ``url(page)`` builds it)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from services.common.paging import LIST_PAGE

LINKS_AROUND = 2
"""Pages linked on each side of the one shown."""

Line = TypeVar("Line")


@dataclass(frozen=True)
class PageLink:
    label: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class Pager:
    """No links when the list fits on one page."""

    pages: list[PageLink] = field(default_factory=list)
    previous_page: str | None = None
    next_page: str | None = None


def page_count(total: int, size: int) -> int:
    """The pages ``total`` rows fill, ``size`` a page; an empty list is one page."""
    return max(1, math.ceil(total / size))


def asked_page(page: int | None) -> int:
    """The page of a list the address asks for (``?page=``); none, or one below 1, is the
    first."""
    return max(1, page or 1)


def rows_before(page: int) -> int:
    """The rows of a staff list (``LIST_PAGE`` a page) on the pages before ``page``."""
    return (page - 1) * LIST_PAGE


def pager(shown: int, last: int, url: Callable[[int], str]) -> Pager:
    """The pager under page ``shown`` of ``last``; ``url(number)`` is page ``number``'s
    address."""
    if last <= 1:
        return Pager()
    numbers = sorted({1, last, *range(max(1, shown - LINKS_AROUND),
                                      min(last, shown + LINKS_AROUND) + 1)})
    return Pager(pages=[PageLink(str(number), url(number), active=number == shown)
                        for number in numbers],
                 previous_page=url(shown - 1) if shown > 1 else None,
                 next_page=url(shown + 1) if shown < last else None)


@dataclass(frozen=True)
class ListPage(Generic[Line]):
    """Page ``page`` of a staff list read a page at a time (``LIST_PAGE`` a page):
    ``lines`` those of the page, of ``total`` on every page, the pager under them."""

    lines: list[Line]
    page: int
    total: int
    pager: Pager

    @property
    def first(self) -> int:
        """The first line shown, counted from 1."""
        return rows_before(self.page) + 1

    @property
    def last(self) -> int:
        """The last line shown, counted from 1."""
        return self.first - 1 + len(self.lines)


def list_page(lines: list[Line], total: int, page: int, url: Callable[[int], str]
              ) -> ListPage[Line]:
    """Page ``page`` of ``total`` lines, ``lines`` its own, the pager under it leading
    through ``url(number)``."""
    return ListPage(lines=lines, page=page, total=total,
                    pager=pager(page, page_count(total, LIST_PAGE), url))
