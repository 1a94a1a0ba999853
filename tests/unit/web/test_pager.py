"""Every staff list reads the page its address asks for one way, and starts that page
after the rows of the full pages before it."""

from __future__ import annotations

from services.common.paging import LIST_PAGE
from services.web.corrections_page import list_pages
from services.web.household_page import file_view
from services.web.households_page import finding
from services.web.pager import asked_page, rows_before


def test_no_page_or_one_below_the_first_is_the_first_in_every_list() -> None:
    assert asked_page(None) == asked_page(0) == asked_page(-3) == 1
    assert asked_page(4) == 4
    assert finding("", 0).page == 1
    assert file_view("A-1201", category="", part="", page=-1).page == 1
    assert list_pages(page=None, mine_page=0) == list_pages(page=1, mine_page=1)


def test_a_page_starts_after_the_rows_of_the_pages_before_it() -> None:
    assert rows_before(1) == 0
    assert rows_before(3) == finding("王", 3).offset == 2 * LIST_PAGE
