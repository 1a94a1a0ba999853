"""The household page: the file's list (a document above ordinary carries its level's
badge, in the reader's language), its counts per category and per part, a page at a time
with the filters kept; the occupants forms for an archivist only, a move-out confirmed
first, a refusal said with focus on it, what a change did said with its count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from services.common.auth import Principal
from services.common.contracts.households import Household, Occupancy
from services.common.contracts.registry import (
    DestroyedFromFile,
    DocumentRecord,
    PaperLocation,
    TransferredFromFile,
)
from services.common.contracts.retention import Hold
from services.common.paging import LIST_PAGE
from services.registry.catalogues.rules import place
from services.web.household_page import (
    HouseholdPage,
    confirmation,
    confirmed_closing,
    file_view,
    household_page,
    move_out_problem,
    occupant_problem,
    outcome,
    text_problem,
    typed_day,
)
from services.web.navigation import layout as page_layout
from tests.support.registry import document_record
from tests.unit.web.conftest import in_both_languages, shared_pages

AT = datetime(2030, 6, 1, tzinfo=UTC)
TODAY = AT.date()
WANG = Principal(username="wang", roles=("archivist",), clearance="secret",
                 department="archive")


def _record(document_id: str, security: str) -> DocumentRecord:
    return document_record(document_id=document_id,
                           archive_no=f"2020-repair-A-1201-000{document_id}",
                           title=f"报修单 {document_id}", security=security)


def _in_both_languages(view: HouseholdPage) -> tuple[str, str]:
    """The page as an archivist reads it in Chinese, then in English."""
    return in_both_languages(WANG, "/ui/households/A-1201", "household.html", view=view)


def test_the_security_badges_are_in_the_readers_language() -> None:
    household = Household(household="A-1201", building="A", floor=12, unit=1, label=None,
                          occupied=False, occupants=[], created_at=AT, updated_at=AT)
    chinese, english = _in_both_languages(household_page(WANG, household, [
        _record("1", "secret"), _record("2", "confidential"), _record("3", "ordinary")]))
    assert '<span class="badge">Secret</span>' in english
    assert '<span class="badge">Confidential</span>' in english
    assert "绝密" not in english
    assert "机密" not in english
    assert '<span class="badge">绝密</span>' in chinese
    assert '<span class="badge">机密</span>' in chinese


def _hold(hold_id: str, *, household: str | None = None, category: str | None = None,
          archive_nos: list[str] | None = None) -> Hold:
    return msgspec.convert({
        "hold_id": hold_id, "status": "active", "reason": f"纠纷{hold_id}",
        "documents": [f"d{n}" for n, _ in enumerate(archive_nos or [])],
        "archive_nos": archive_nos or [], "household": household, "category": category,
        "placed_by": "qian", "placed_at": AT}, Hold)


def test_the_legal_holds_on_the_file_are_said_at_its_head() -> None:
    """R7: who works on the file learns it is held (by the household, a category it
    holds, or documents of it) before a move-out, a handover or a correction: each hold
    the registry answers as bearing on it (``GET /registry/holds?household=``, whose
    choice tests/contract/registry/test_holds.py shows), said by what it holds."""
    household = Household(household="A-1201", building="A", floor=12, unit=1, label=None,
                          occupied=False, occupants=[], created_at=AT, updated_at=AT)
    holds = [_hold("h1", household="A-1201"), _hold("h2", category="repair"),
             _hold("h3", archive_nos=["2020-repair-A-1201-0001"])]
    view = household_page(WANG, household, [_record("1", "ordinary")], holds=holds)
    assert [(held.hold.hold_id, held.scope) for held in view.holds] == [
        ("h1", "household"), ("h2", "category"), ("h3", "documents")]
    chinese, english = _in_both_languages(view)
    assert "这一户的档案有文件处于法律保全中" in chinese
    assert "整户保全" in chinese
    assert "按类别保全：维修/报修记录" in chinese
    assert "保全 1 份指定文件" in chinese
    assert "纠纷h1" in chinese
    assert "Hold on a category: " in english
    assert "under a legal hold" in english
    unheld = household_page(WANG, household, [_record("1", "ordinary")])
    assert "处于法律保全中" not in _in_both_languages(unheld)[0]


ZHANG = Occupancy(occupancy_id=1, occupant="张伟", moved_in=date(2015, 3, 1),
                  moved_out=date(2021, 6, 30))
LI = Occupancy(occupancy_id=2, occupant="李娜", moved_in=date(2021, 7, 1), moved_out=None)
STAFF = Principal(username="li", roles=("staff",), clearance="ordinary",
                  department="customer_service")


def _household(*occupants: Occupancy) -> Household:
    current = next((o.occupant for o in occupants if o.moved_out is None), None)
    return Household(household="A-1201", building="A", floor=12, unit=1, label=current,
                     occupied=current is not None, occupants=list(occupants),
                     created_at=AT, updated_at=AT)


def _file(count: int, *, occupancy_id: int | None, category: str = "repair",
          start: int = 0) -> list[DocumentRecord]:
    """``count`` documents of one part and category, newest first."""
    return [document_record(document_id=f"d{start + n}", archive_no=f"2020-A-1201-{start + n}",
                            title=f"单据 {start + n}", category=category,
                            occupancy_id=occupancy_id,
                            filed_at=date(2021, 6, 30) - timedelta(days=start + n))
            for n in range(count)]


def _html(principal: Principal, view: HouseholdPage) -> str:
    values = page_layout(principal, "/ui/households/A-1201", "token") | {"view": view}
    return shared_pages().html("zh", "household.html", values)


def test_an_archivist_gets_the_forms_for_a_new_occupant_and_a_move_out() -> None:
    page = _html(WANG, household_page(WANG, _household(ZHANG, LI), []))
    assert 'action="/ui/households/A-1201/occupants"' in page
    assert 'action="/ui/households/A-1201/move-out"' in page
    assert '<label for="moved-out">退租日期</label>' in page
    assert "登记退租：李娜" in page


def test_a_vacant_unit_offers_a_new_occupant_but_no_move_out() -> None:
    page = _html(WANG, household_page(WANG, _household(ZHANG), []))
    assert 'action="/ui/households/A-1201/occupants"' in page
    assert "/move-out" not in page


def test_others_see_the_occupants_history_without_the_forms() -> None:
    page = _html(STAFF, household_page(STAFF, _household(ZHANG, LI), []))
    assert "张伟" in page
    assert "2021年6月30日" in page
    assert "/occupants" not in page
    assert "/move-out" not in page


def test_the_file_is_counted_per_category_and_per_part() -> None:
    records = [*_file(3, occupancy_id=2, category="payment"),
               *_file(2, occupancy_id=2, start=3),
               *_file(4, occupancy_id=1, start=5)]
    view = household_page(WANG, _household(ZHANG, LI), records)
    assert [(link.name, link.documents) for link in view.categories] == [
        ("", 9), ("缴费记录与押金", 3), ("维修/报修记录", 6)]
    assert [(part.kind, part.occupancy, part.documents) for part in view.parts] == [
        ("current", None, 5), ("closed", ZHANG, 4)]
    assert [(line.occupancy.occupant, line.documents) for line in view.occupants] == [
        ("李娜", 5), ("张伟", 4)]
    page = _html(WANG, view)
    assert '已退租：张伟（2015年3月1日 至 2021年6月30日） <span class="count">4 份</span>' in page
    assert '缴费记录与押金 <span class="count">3</span>' in page


def _left(records: list[DocumentRecord]) -> tuple[list[DocumentRecord], list[
        DestroyedFromFile | TransferredFromFile]]:
    """``records`` with the first two gone from the file: the first destroyed, the second
    transferred out (a day later)."""
    destroyed = msgspec.structs.replace(records[0], status="destroyed", location=None)
    transferred = msgspec.structs.replace(records[1], status="transferred")
    return [destroyed, transferred, *records[2:]], [
        TransferredFromFile(document_id=transferred.document_id, at=AT + timedelta(days=1),
                            transfer_id="t1", recipient="新物业公司档案室"),
        DestroyedFromFile(document_id=destroyed.document_id, at=AT, destruction_id="r1")]


def test_documents_that_left_the_file_are_neither_counted_nor_in_its_parts() -> None:
    records, departures = _left([*_file(3, occupancy_id=2), *_file(2, occupancy_id=1, start=3)])
    view = household_page(WANG, _household(ZHANG, LI), records, departures=departures)
    assert view.documents == 3
    assert [(part.kind, part.documents) for part in view.parts] == [
        ("current", 1), ("closed", 2)]
    assert [(line.occupancy.occupant, line.documents) for line in view.occupants] == [
        ("李娜", 1), ("张伟", 2)]
    assert [link.documents for link in view.categories] == [3, 3]
    assert [entry.title for part in view.parts for group in part.groups
            for entry in group.entries] == ["单据 2", "单据 3", "单据 4"]


def test_documents_that_left_are_listed_apart_with_when_and_links_to_their_records() -> None:
    records, departures = _left(_file(3, occupancy_id=2))
    view = household_page(WANG, _household(ZHANG, LI), records, departures=departures)
    page = _html(WANG, view)
    gone = page.partition('<section aria-labelledby="left">')[2]
    assert [(e.title, e.at, e.recipient, e.record_url) for e in view.left.destroyed] == [
        ("单据 0", AT, "", "/ui/destructions/r1")]
    assert [(e.title, e.record_url) for e in view.left.transferred] == [
        ("单据 1", "/ui/handovers#transfer-t1")]
    assert '<h2 id="left">已离开本户档案的文件</h2>' in gone
    assert '<caption class="visually-hidden">已移出的文件</caption>' in gone
    assert "2030年6月2日" in gone
    assert '<a href="/ui/destructions/r1">查看销毁清册' in gone
    assert "单据 0" not in page.partition('<section aria-labelledby="left">')[0]


def test_a_reader_who_may_not_open_registers_or_transfers_gets_no_links_to_them() -> None:
    records, departures = _left(_file(3, occupancy_id=2))
    view = household_page(STAFF, _household(ZHANG, LI), records, departures=departures)
    assert [e.record_url for e in [*view.left.destroyed, *view.left.transferred]] == ["", ""]
    assert "销毁清册" not in _html(STAFF, view)


def test_a_file_with_nothing_gone_shows_no_list_of_documents_that_left() -> None:
    view = household_page(WANG, _household(ZHANG, LI), _file(2, occupancy_id=2),
                          departures=[])
    assert not view.left
    assert "已离开本户档案的文件" not in _html(WANG, view)


def test_a_departure_the_registry_has_no_record_of_still_lists_the_document() -> None:
    records, _ = _left(_file(3, occupancy_id=2))
    view = household_page(WANG, _household(ZHANG, LI), records, departures=[])
    assert [(e.title, e.at, e.record_url) for e in view.left.destroyed] == [
        ("单据 0", None, "")]
    assert "未记录" in _html(WANG, view)


def test_documents_of_no_occupant_s_part_are_apart_as_printed_not_in_the_current_part(
        ) -> None:
    """D3: filed before the first occupant (or while the unit stood vacant), a document is
    in no occupant's part (the registry's ``occupancy_id`` None), as the printed item list
    has it under 无住户期间: the occupants table, the parts and the print agree."""
    zhao = Occupancy(occupancy_id=7, occupant="赵六", moved_in=date(2012, 1, 1),
                     moved_out=None)
    records = [*_file(1, occupancy_id=7), *_file(1, occupancy_id=None, start=1)]
    view = household_page(WANG, _household(zhao), records)
    assert [(part.kind, part.documents) for part in view.parts] == [
        ("current", 1), ("vacancy", 1)]
    assert [(line.occupancy.occupant, line.documents) for line in view.occupants] == [
        ("赵六", 1)]
    page = _html(WANG, view)
    assert '当前部分 <span class="count">1 份</span>' in page
    assert '无住户期间 <span class="count">1 份</span>' in page
    alone = household_page(WANG, _household(zhao), records,
                           file_view("A-1201", category="", part="vacancy", page=None))
    assert [(part.kind, part.documents) for part in alone.parts] == [("vacancy", 1)]
    assert "只显示无住户期间的文件。" in _html(WANG, alone)


def test_a_vacant_unit_s_empty_current_part_says_nobody_lives_there() -> None:
    page = _html(WANG, household_page(WANG, _household(ZHANG), _file(2, occupancy_id=1)))
    assert "这一户现在空置，没有现住户的文件。" in page
    assert "这里没有您可以查看的文件" not in page
    occupied = _html(WANG, household_page(WANG, _household(ZHANG, LI), []))
    assert "这一户现在空置" not in occupied


def test_an_empty_current_part_tells_an_archivist_to_file_and_others_whom_to_ask() -> None:
    """After a new occupant moves in, the current part is empty: an archivist is sent to
    the digitising page and told the earlier occupants' documents are in the closed parts
    below; anyone else, that documents filed will show here. Neither says whether
    documents above the reader's clearance exist (D1)."""
    moved_in = _html(WANG, household_page(WANG, _household(ZHANG, LI), _file(2, occupancy_id=1)))
    assert "这里没有您可以查看的文件。" in moved_in
    assert '（户号已填好）：<a href="/ui/ingest?household=A-1201">为这一户上传文件</a>' in moved_in
    assert "之前住户的文件在下面已结束的部分中。" in moved_in
    registered = _html(WANG, household_page(WANG, _household(LI), []))
    assert '（户号已填好）：<a href="/ui/ingest?household=A-1201">' in registered
    assert "之前住户的文件" not in registered
    for reader in (STAFF, WANG):
        english = in_both_languages(reader, "/ui/households/A-1201", "household.html",
                                    view=household_page(reader, _household(ZHANG, LI), []))[1]
        assert ("upload them on the Digitising page" in english) == (reader is WANG)
    staff = _html(STAFF, household_page(STAFF, _household(ZHANG, LI), _file(2, occupancy_id=1)))
    assert "这里没有您可以查看的文件。" in staff
    assert "为这一户归档的文件会显示在这里；如果您认为应当有文件，请联系档案管理员。" in staff
    assert "/ui/ingest" not in staff
    assert "之前住户的文件" not in staff


def test_an_archivist_is_offered_to_file_the_households_documents_with_its_code_filled() -> None:
    """Whatever the file holds, the household's facts link an archivist to the digitising
    page with the household filled in (``?household=``); others are not offered it."""
    full = _html(WANG, household_page(WANG, _household(ZHANG), _file(2, occupancy_id=1)))
    assert '<li><a href="/ui/ingest?household=A-1201">为这一户上传文件</a></li>' in full
    staff = _html(STAFF, household_page(STAFF, _household(ZHANG), _file(2, occupancy_id=1)))
    assert "/ui/ingest" not in staff
    english = in_both_languages(WANG, "/ui/households/A-1201", "household.html",
                                view=household_page(WANG, _household(ZHANG), []))[1]
    assert "File documents for this household" in english


def test_a_long_file_is_shown_a_page_at_a_time_and_the_pager_keeps_the_filters() -> None:
    records = [*_file(LIST_PAGE + 30, occupancy_id=2), *_file(20, occupancy_id=1, start=500)]
    first = household_page(WANG, _household(ZHANG, LI), records,
                           file_view("A-1201", category="repair", part="", page=None))
    second = household_page(WANG, _household(ZHANG, LI), records,
                            file_view("A-1201", category="repair", part="", page=2))
    assert sum(len(g.entries) for p in first.parts for g in p.groups) == LIST_PAGE
    assert [link.url for link in first.pager.pages] == [
        "/ui/households/A-1201?category=repair",
        "/ui/households/A-1201?category=repair&page=2"]
    assert [(p.occupancy, [len(g.entries) for g in p.groups], p.groups[0].continued)
            for p in second.parts] == [(None, [30], True), (ZHANG, [20], False)]
    assert second.pager.previous_page == "/ui/households/A-1201?category=repair"
    assert 'aria-current="page" aria-label="第 2 页"' in _html(WANG, second)


def test_a_part_asked_for_alone_is_paged_within_it_and_a_page_past_the_end_is_the_last() -> None:
    records = [*_file(5, occupancy_id=2), *_file(7, occupancy_id=1, start=5)]
    view = household_page(WANG, _household(ZHANG, LI), records,
                          file_view("A-1201", category="", part="1", page=9))
    assert [(p.occupancy, p.documents) for p in view.parts] == [(ZHANG, 7)]
    assert (view.view.page, view.shown, view.part_name) == (1, 7, "张伟")
    assert [(link.name, link.documents) for link in view.categories] == [
        ("", 7), ("维修/报修记录", 7)]
    assert view.categories[1].url == "/ui/households/A-1201?category=repair&part=1"


def test_a_move_out_is_confirmed_first_saying_it_closes_the_part_and_starts_retention() -> None:
    records = _file(3, occupancy_id=2)
    asked = confirmation(_household(ZHANG, LI), records, "move_out", date(2024, 4, 30))
    page = _html(WANG, household_page(WANG, _household(ZHANG, LI), records,
                                      confirmation=asked, values={"moved_out": "2024-04-30"}))
    assert "确认退租：李娜" in page
    assert ("李娜 的部分将于 2024年4月30日 结束并单独保管，登记后不能在本页撤销。"
            "这一部分现有 3 份文件") in page
    assert ("其中 3 份（2024年4月30日 及以前归档的）留在这一部分，保管期限将自 2024年4月30日 "
            "起算") in page
    assert "其余 0 份（之后归档的）不再归入其部分" in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert '<input type="hidden" name="closes" value="2">' in page
    assert '<input type="hidden" name="moved_out" value="2024-04-30">' in page
    assert 'id="confirm" tabindex="-1" autofocus' in page


def test_a_new_occupant_confirmed_says_the_changeover_day_s_documents_go_to_them() -> None:
    """On a change of occupant the day goes to the new one (``occupancy_on``): the part
    that closes keeps the documents filed until the day before."""
    asked = confirmation(_household(ZHANG, LI), _file(2, occupancy_id=2), "occupant",
                         date(2023, 9, 9), "王芳")
    assert asked is not None
    assert asked.kept_until == date(2023, 9, 8)
    chinese, english = _in_both_languages(household_page(
        WANG, _household(ZHANG, LI), [], confirmation=asked,
        values={"occupant": "王芳", "moved_in": "2023-09-09"}))
    assert "王芳 自 2023年9月9日 迁入，标牌改为 王芳；现住户 李娜 同日退租。" in chinese
    assert ("其中 2 份（2023年9月8日 及以前归档的）留在这一部分，保管期限将自 2023年9月9日 起算，"
            "到期日随之重新计算；其余 0 份（之后归档的）归入 王芳 的部分。") in chinese
    assert "2023年9月9日 及以前" not in chinese
    assert "filed on or before September 8, 2023" in english
    assert "the other 0 (filed later) go to 王芳's part" in english


def test_a_new_occupant_confirmed_counts_the_documents_that_stay_and_those_that_move(
        ) -> None:
    """Documents filed after the changeover (a backlog digitised late) go to the new
    occupant: the page says how many stay and how many move, not only how many there are."""
    records = [*_file(2, occupancy_id=2)]
    later = [msgspec.structs.replace(record, filed_at=date(2024, 6, 20)) for record in records]
    kept = msgspec.structs.replace(records[0], document_id="d9", filed_at=date(2024, 5, 1))
    asked = confirmation(_household(ZHANG, LI), [*later, kept], "occupant",
                         date(2024, 6, 1), "林美玲公司")
    assert asked is not None
    assert (asked.documents, asked.kept) == (3, 1)
    page = _html(WANG, household_page(WANG, _household(ZHANG, LI), [*later, kept],
                                      confirmation=asked,
                                      values={"occupant": "林美玲公司", "moved_in": "2024-06-01"}))
    assert ("这一部分现有 3 份文件：其中 1 份（2024年5月31日 及以前归档的）留在这一部分") in page
    assert "其余 2 份（之后归档的）归入 林美玲公司 的部分" in page


def test_a_new_occupant_of_a_vacant_unit_needs_no_confirmation() -> None:
    assert confirmation(_household(ZHANG), [], "occupant", date(2024, 5, 1), "王芳") is None


def test_a_refusal_is_said_above_the_forms_with_focus_and_a_link_to_the_field() -> None:
    page = _html(WANG, household_page(
        WANG, _household(ZHANG, LI), [], problem="date_before_occupancy",
        problem_field="moved-out", values={"moved_out": "2020-01-01"}))
    assert '<div class="refusal" role="alert" id="problem" tabindex="-1" autofocus>' in page
    assert "这个日期早于现住户 李娜 的迁入日（2021年7月1日）" in page
    assert '<a href="#moved-out">改正这一项</a>' in page
    assert ('aria-invalid="true" autofocus aria-describedby="moved-out-hint problem" '
            'value="2020-01-01"') in page


def test_the_move_out_says_whose_part_closed_and_how_many_documents_start_retention() -> None:
    records = _file(4, occupancy_id=1)
    done = outcome(_household(ZHANG), records, "moved_out", "1")
    page = _html(WANG, household_page(WANG, _household(ZHANG), records, outcome=done))
    assert "张伟 的部分已于 2021年6月30日 结束；4 份文件的保管期限自该日起算。" in page


def test_a_new_occupant_says_whose_part_closed_the_same_day() -> None:
    wang = Occupancy(occupancy_id=3, occupant="王芳", moved_in=date(2021, 6, 30),
                     moved_out=None)
    records = [*_file(2, occupancy_id=3), *_file(5, occupancy_id=1, start=2)]
    done = outcome(_household(ZHANG, wang), records, "occupant_added", "3")
    page = _html(WANG, household_page(WANG, _household(ZHANG, wang), records, outcome=done))
    assert "已登记 王芳 于 2021年6月30日 迁入，标牌现为 王芳；2 份文件归入其部分。" in page
    assert "张伟 的部分已于同日结束；5 份文件的保管期限自该日起算。" in page


def test_an_unknown_outcome_or_occupancy_says_nothing() -> None:
    assert outcome(_household(ZHANG), [], "forged", "1") is None
    assert outcome(_household(ZHANG), [], "moved_out", "99") is None


def _occupant_problem(day: date | None, *, current: Occupancy | None,
                      closes: int | None = None) -> tuple[str, str]:
    return occupant_problem("王芳", day, current=current, closes=closes, today=TODAY,
                            longest=200)


def _move_out_problem(day: date | None, *, closes: int | None = None) -> tuple[str, str]:
    return move_out_problem(day, current=LI, closes=closes, today=TODAY)


def test_a_day_is_read_as_people_write_it() -> None:
    assert typed_day("2021-06-30") == typed_day("2021年6月30日") == date(2021, 6, 30)
    assert typed_day("30/06/2021") is None
    assert occupant_problem("", date(2021, 6, 30), current=LI, closes=None, today=TODAY,
                            longest=200) == ("occupant_required", "occupant")
    assert _move_out_problem(None) == ("date_required", "moved-out")


def test_a_field_to_fill_is_refused_empty_or_too_long_and_named_when_empty() -> None:
    assert text_problem("", "reason", longest=3) == "reason_required"
    assert text_problem("王芳芳芳", "occupant", longest=3) == "too_long"
    assert text_problem("王芳", "occupant", longest=3) == ""
    assert occupant_problem("王" * 201, date(2021, 6, 30), current=LI, closes=None,
                            today=TODAY, longest=200) == ("too_long", "occupant")


def test_a_day_before_the_current_occupant_moved_in_is_refused_before_confirmation() -> None:
    before = date(2021, 6, 30)  # LI moved in on 2021-07-01
    assert _move_out_problem(before) == ("date_before_occupancy", "moved-out")
    assert _occupant_problem(before, current=LI) == ("date_before_occupancy", "moved-in")
    assert _move_out_problem(LI.moved_in) == ("", "")
    assert _occupant_problem(before, current=None) == ("", "")


@pytest.mark.parametrize("day", [date(1800, 1, 1), date(2200, 1, 1)])
def test_a_day_outside_the_registry_s_range_is_refused_before_confirmation(day: date) -> None:
    assert _move_out_problem(day) == ("date_out_of_range", "moved-out")
    assert _occupant_problem(day, current=LI) == ("date_out_of_range", "moved-in")
    assert _occupant_problem(day, current=None) == ("date_out_of_range", "moved-in")


def test_a_day_after_today_is_refused_before_confirmation() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert _move_out_problem(tomorrow) == ("date_in_future", "moved-out")
    assert _occupant_problem(tomorrow, current=LI) == ("date_in_future", "moved-in")
    assert _occupant_problem(tomorrow, current=None) == ("date_in_future", "moved-in")
    assert _move_out_problem(TODAY) == _occupant_problem(TODAY, current=LI) == ("", "")


def test_a_new_occupant_on_the_day_the_current_one_moved_in_is_refused() -> None:
    assert _occupant_problem(LI.moved_in, current=LI) == ("same_day_as_move_in", "moved-in")


def test_a_confirmation_of_an_occupant_no_longer_current_is_refused_with_no_field() -> None:
    """The confirmation showed 张伟 closing (``closes=1``); 李娜 is current now."""
    assert _occupant_problem(date(2024, 5, 1), current=LI, closes=1) == (
        "occupants_changed", "")
    assert _occupant_problem(date(2024, 5, 1), current=None, closes=2) == (
        "occupants_changed", "")
    assert _move_out_problem(date(2024, 5, 1), closes=1) == ("occupants_changed", "")
    assert _move_out_problem(date(2024, 5, 1), closes=2) == ("", "")


def test_only_a_confirmed_form_names_the_occupancy_it_closes() -> None:
    assert confirmed_closing("1", "7") == 7
    assert confirmed_closing("", "7") is None
    assert confirmed_closing("1", "") is None
    assert confirmed_closing("1", "-7") is None


def test_the_refusals_of_a_change_say_what_happened_and_what_to_do() -> None:
    sun = Occupancy(occupancy_id=3, occupant="孙丽", moved_in=date(2024, 5, 1), moved_out=None)
    said = {code: _in_both_languages(household_page(
        WANG, _household(ZHANG, sun), [], problem=code, values={"occupant": "孙莉"}))
        for code in ("occupants_changed", "same_day_as_move_in", "date_in_future")}
    chinese, english = said["occupants_changed"]
    assert "已有人登记了 孙丽 于 2024年5月1日 迁入，现住户是 孙丽" in chinese
    assert "这次登记没有做任何更改" in chinese
    assert "someone recorded 孙丽 moving in on May 1, 2024" in english
    assert "Nothing was changed" in english
    chinese, english = said["same_day_as_move_in"]
    assert "现住户 孙丽 也是 2024年5月1日 迁入的" in chinese
    assert "请先核对迁入日期" in chinese
    # D12: a registration made wrongly is put right by the 更正 link beside it
    assert "点 孙丽 那一行的“更正”，写明理由提出更正，由部门负责人审批" in chinese
    assert "系统中不能撤销" not in chinese
    assert "系统管理员" not in chinese
    assert "choose “Correct” on 孙丽's line" in english
    assert "your Department Head approves it" in english
    assert "System Administrator" not in english
    chinese, english = said["date_in_future"]
    assert "这个日期在今天之后" in chinese
    assert "This date is after today" in english
    vacant, _ = _in_both_languages(household_page(
        WANG, _household(ZHANG), [], problem="occupants_changed"))
    assert "已有人登记了退租，这一户现在空置" in vacant


def test_a_paper_location_reads_as_printed_in_each_language() -> None:
    """D7: 栋/柜/盒 once each, as the printed registers say it; a building named in its own
    words (档案楼) gets no 栋."""
    records = [document_record(document_id="d1", archive_no="2020-A-1201-1", occupancy_id=2,
                               location=PaperLocation(building="A栋", room="档案室",
                                                      cabinet="1柜", box="12")),
               document_record(document_id="d2", archive_no="2020-A-1201-2", occupancy_id=2,
                               location=PaperLocation(building="档案楼", room="二楼",
                                                      cabinet="3", box="7盒"))]
    chinese, english = _in_both_languages(household_page(WANG, _household(ZHANG, LI), records))
    assert "A栋 档案室 1柜 12盒" in chinese
    assert "档案楼 二楼 3柜 7盒" in chinese
    assert "栋栋" not in chinese
    assert "档案楼栋" not in chinese
    assert 'Building A, <span lang="zh">档案室</span>, cabinet 1, box 12' in english
    assert '<span lang="zh">档案楼</span>, <span lang="zh">二楼</span>, cabinet 3, box 7' \
        in english
    assert "<span" not in chinese[chinese.index("A栋 档案室"):chinese.index("1柜 12盒")]


def test_the_page_says_a_location_as_the_printed_registers_do() -> None:
    """One rule for 栋 (``says_it_is_a_building``): the page and the paper agree."""
    locations = [PaperLocation(building=building, room="档案室", cabinet="1", box="2")
                 for building in ("A", "3", "档案楼", "3号楼")]
    records = [document_record(document_id=f"d{n}", archive_no=f"2020-A-1201-{n}",
                               occupancy_id=2, location=location)
               for n, location in enumerate(locations)]
    chinese, _ = _in_both_languages(household_page(WANG, _household(ZHANG, LI), records))
    for location in locations:
        assert place(location) in chinese
