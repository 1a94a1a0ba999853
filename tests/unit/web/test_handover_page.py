"""The handover pages (services.web.handover_page): the form becomes the registry's
request (a household whose every document is ticked goes as the household's file, a
partial choice as documents), what it lacks is a code; what a handover still awaits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.common.auth import Principal
from services.common.contracts.operations import (
    CatalogueFile,
    Handover,
    HandoverItem,
    HandoverSummary,
    Signature,
    TransferSummary,
)
from services.common.contracts.registry import PaperLocation
from services.web.handover_page import (
    CATEGORIES,
    HANDOVER_FIELDS,
    SIDE_NAMES,
    abilities,
    floors_of,
    handover_lines,
    handover_page,
    handover_request,
    item_list_of,
)
from services.web.navigation import layout as page_layout
from services.web.render import Pages

AT = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
OFFERED = ["d1", "d2", "d3"]


def _values(**given: str) -> dict[str, str]:
    return {name: "" for name in HANDOVER_FIELDS} | {
        "service_centre": "第一客户服务中心", "handed_over_by": "chen", "received_by": "sun",
    } | given


def test_every_document_of_the_household_ticked_hands_over_the_household() -> None:
    request, problem = handover_request(_values(), "A-1301", OFFERED, OFFERED)
    assert problem == ""
    assert request is not None
    assert request.households == ["A-1301"]
    assert request.documents is None
    assert request.location is None


def test_a_partial_choice_hands_over_the_documents_ticked_and_the_households_typed() -> None:
    request, problem = handover_request(_values(households="b-0502，C1101 Ｂ－０５０２"),
                                        "A-1301", ["d3", "d1"], OFFERED)
    assert problem == ""
    assert request is not None
    assert request.households == ["B-0502", "C-1101"]
    assert request.documents == ["d3", "d1"]


def test_what_the_form_lacks_is_a_code() -> None:
    assert handover_request(_values(received_by=""), "", [], [])[1] == "received_by_required"
    assert handover_request(_values(), "A-1301", [], OFFERED)[1] == "nothing_to_hand_over"
    assert handover_request(_values(households="12楼"), "", [], [])[1] == "invalid_household"
    assert handover_request(_values(building="A"), "A-1301", OFFERED, OFFERED)[1] == (
        "location_incomplete")


def test_a_location_given_whole_goes_with_the_request() -> None:
    request, _ = handover_request(_values(building="A", room="档案室", cabinet="C-03",
                                          box="2030-01", note="半年移交"),
                                  "", ["d1"], [])
    assert request is not None
    assert request.location == PaperLocation(building="A", room="档案室", cabinet="C-03",
                                            box="2030-01")
    assert request.note == "半年移交"


def _handover(**fields: Any) -> Handover:
    return Handover(**{
        "handover_id": "h1", "status": "awaiting_signatures", "service_centre": "中心",
        "handed_over_by": "chen", "received_by": "sun", "created_by": "lin",
        "created_at": AT, "signatures": [], "items": []} | fields)


def test_a_handover_awaits_the_sides_not_signed_and_offers_the_form_to_them_only() -> None:
    handover = _handover(signatures=[Signature(username="chen", side="handing",
                                                   signed_at=AT)])
    chen = handover_page(Principal(username="chen", roles=("staff",)), handover)
    assert chen.side == "handing"
    assert chen.signed
    assert chen.awaited == [("接收人", "sun")]
    sun = handover_page(Principal(username="sun", roles=("archivist",)), handover)
    assert sun.side == "receiving"
    assert not sun.signed
    lin = handover_page(Principal(username="lin", roles=("center_head",)), handover)
    assert lin.side is None
    done = handover_page(Principal(username="sun", roles=("archivist",)),
                         _handover(status="completed"))
    assert done.awaited == []


def test_the_list_says_who_is_awaited_from_the_sides_signed() -> None:
    summary = HandoverSummary(handover_id="h1", status="awaiting_signatures",
                                  service_centre="中心", handed_over_by="chen",
                                  received_by="sun", created_at=AT, items=3,
                                  signed=["receiving"])
    (line,) = handover_lines([summary])
    assert line.status == "等待双方签字"
    assert line.awaited == [("移交人", "chen")]


def test_floors_are_listed_in_cabinet_order_with_their_counts() -> None:
    files = [CatalogueFile(household=unit, building=unit[0], floor=floor, unit=1,
                           label=None, closed=False, documents=n, pages=n, closed_parts=0,
                           closed_documents=0, first_filed=None, last_filed=None)
             for unit, floor, n in (("B-0502", 5, 1), ("A-1301", 13, 3), ("A-1302", 13, 2),
                                    ("A-0201", 2, 0))]
    floors = floors_of(files)
    assert [(f.building, f.floor, f.files, f.documents) for f in floors] == [
        ("A", 2, 1, 0), ("A", 13, 2, 5), ("B", 5, 1, 1)]


def test_an_item_list_of_a_household_that_does_not_exist_is_refused_at_once() -> None:
    """No PDF or CSV link that would lead to the not-found page: the page says so."""
    files = [CatalogueFile(household="A-1301", building="A", floor=13, unit=1, label=None,
                           closed=False, documents=0, pages=0, closed_parts=0,
                           closed_documents=0, first_filed=None, last_filed=None)]
    assert item_list_of("A-1301", files) == ("A-1301", "")
    assert item_list_of("", files) == ("", "")
    household, unknown = item_list_of("C-0101", files)
    assert (household, unknown) == ("", "C-0101")
    sun = Principal(username="sun", roles=("archivist",))
    page = Pages().html("zh", "catalogues.html", page_layout(sun, "/ui/catalogues", "token") | {
        "floors": [], "closed": [], "year": 2030, "household": household, "unknown": unknown,
        "problem": ""})
    assert "没有 C-0101 这一户的档案，也就没有它的卷内目录。" in page
    assert ('aria-invalid="true" autofocus aria-describedby="household-problem" '
            'value="C-0101"') in page
    assert '<p class="refusal" role="alert" id="household-problem">' in page
    assert "items.pdf" not in page
    assert "items.csv" not in page


def test_the_handover_pages_render_in_chinese_and_english() -> None:
    pages = Pages()
    sun = Principal(username="sun", roles=("archivist",))
    layout = page_layout(sun, "/ui/handovers/h1", "token")
    handover = _handover(signatures=[Signature(username="chen", side="handing",
                                                   signed_at=AT)],
                         items=[HandoverItem(position=1, document_id="d1",
                                                 archive_no="2019-repair-A-1301-0001",
                                                 title="厨房漏水维修记录", category="repair",
                                                 household="A-1301", filed_at=AT.date(),
                                                 pages=2),
                                HandoverItem(position=2, document_id="", archive_no="",
                                                 title="", category="complaint",
                                                 household=None, filed_at=AT.date(),
                                                 pages=1, redacted=True)])
    values = layout | {"view": handover_page(sun, handover), "can": abilities(sun),
                       "side_names": SIDE_NAMES, "category_names": CATEGORIES,
                       "done": "", "refused": "wrong_password", "at": "sign"}
    chinese = pages.html("zh", "handover.html", values)
    english = pages.html("en", "handover.html", values)
    assert "还需要接收人 sun 签字。" in chinese
    assert "密码不正确，签字没有记录" in chinese[chinese.index('id="sign"'):]
    assert "Still needs the signature of sun (Receiving)." in english
    assert "Sign as the person receiving" in english
    assert "1 of them is above your clearance" in english
    assert 'action="/ui/handovers/h1/sign"' in english
    listing = layout | {"lines": [], "transfers": [], "refused": "", "can": abilities(sun)}
    assert "No handover yet." in pages.html("en", "handovers.html", listing)
    transfer = TransferSummary(transfer_id="t1", recipient="新物业公司", transferred_by="sun",
                               transferred_at=AT, items=2)
    listing |= {"transfers": [transfer], "refused": "above_clearance"}
    chinese, english = (pages.html(lang, "handovers.html", listing) for lang in ("zh", "en"))
    assert 'href="/ui/handovers/transfers/t1/bag.tar"' in chinese
    assert "下载移出包" in chinese
    assert "您不能下载它的移出包" in chinese
    assert "Download the package" in english
    assert " (transferred to 新物业公司, " in english
    assert "so you cannot download its package" in english
    catalogue = layout | {"floors": [], "closed": [], "year": 2030, "household": "A-1301",
                          "unknown": "", "problem": ""}
    assert "A-1301 item list (PDF)" in pages.html("en", "catalogues.html", catalogue)
