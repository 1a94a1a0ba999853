"""The households page: the households found, each linking to its file, the former
occupants whose names hold what was typed, the count said, the pager when more follow,
and what to try when nothing is found; in Chinese and in English."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.common.auth import Principal
from services.common.contracts.households import Household, Occupancy
from services.common.paging import LIST_PAGE
from services.web.households_page import HouseholdsView, finding, households_view
from tests.unit.web.conftest import in_both_languages

AT = datetime(2030, 6, 1, tzinfo=UTC)
MA = Principal(username="ma", roles=("staff",), clearance="ordinary",
               department="customer_service")


def _household(code: str, *occupants: tuple[str, date | None]) -> Household:
    history = [Occupancy(occupancy_id=number, occupant=name, moved_in=date(2010 + number, 1, 1),
                         moved_out=moved_out)
               for number, (name, moved_out) in enumerate(occupants, start=1)]
    current = [o.occupant for o in history if o.moved_out is None]
    building, digits = code.split("-")
    return Household(household=code, building=building, floor=int(digits[:-2]),
                     unit=int(digits[-2:]), label=current[0] if current else None,
                     occupied=bool(current), occupants=history, created_at=AT, updated_at=AT)


def _in_both_languages(view: HouseholdsView) -> tuple[str, str]:
    return in_both_languages(MA, "/ui/households", "households.html", view=view,
                             may_register=False, problem="", values={})


def test_a_household_found_by_a_former_occupant_s_name_says_whom_it_matched() -> None:
    found = households_view(finding(" 鄭家豪 ", None), [_household(
        "A-1201", ("郑家豪", date(2021, 7, 1)), ("李明", date(2022, 1, 1)), ("何晶", None))])
    chinese, english = _in_both_languages(found)
    assert [row.former for row in found.rows] == [["郑家豪"]]
    assert '<a href="/ui/households/A-1201">A-1201</a>' in chinese
    assert "何晶" in chinese
    assert "李明" not in chinese
    assert '<p id="households-count" role="status">找到 1 户</p>' in chinese
    assert "<title>户档 · 找到 1 户" in chinese
    assert '<label for="households-q">户号或住户姓名</label>' in chinese
    assert 'value="鄭家豪"' in chinese
    assert '<p id="households-count" role="status">1 household found</p>' in english
    assert "Former occupants" in english


def test_a_full_page_says_which_households_it_shows_and_links_the_next() -> None:
    households = [_household(f"A-{floor:02d}01") for floor in range(1, LIST_PAGE + 2)]
    found = households_view(finding("01", 2), households)
    chinese, english = _in_both_languages(found)
    assert (len(found.rows), found.more) == (LIST_PAGE, True)
    assert f"第 {LIST_PAGE + 1}–{2 * LIST_PAGE} 户，后面还有" in chinese
    assert f"Households {LIST_PAGE + 1}–{2 * LIST_PAGE}, more follow" in english
    assert found.pager.next_page == "/ui/households?q=01&page=3"
    assert found.pager.previous_page == "/ui/households?q=01"


def test_nothing_found_says_what_to_try_next() -> None:
    chinese, english = _in_both_languages(households_view(finding("三栋", None), []))
    assert "没有户号或住户姓名含“三栋”的户档" in chinese
    assert 'href="/ui/search?q=%E4%B8%89%E6%A0%8B"' in chinese
    assert "type only part of the name" in english
    assert "<title>Household files · No household found" in english
