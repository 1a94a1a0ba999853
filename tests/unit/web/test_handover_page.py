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
from services.common.errors import ValidationFailed
from services.web.handover_page import (
    HANDOVER_FIELDS,
    SIDE_NAMES,
    Awaited,
    abilities,
    floors_of,
    handover_lines,
    handover_page,
    handover_request,
    item_list_of,
    uncleared_signer,
)
from services.web.names import CATEGORY_BY_CODE
from services.web.navigation import layout as page_layout
from tests.unit.web.conftest import shared_pages

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
    assert chen.awaited == [Awaited(side="接收人", username="sun", left=False)]
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
    page = shared_pages().html("zh", "catalogues.html", page_layout(
        sun, "/ui/catalogues", "token") | {
        "floors": [], "closed": [], "year": 2030, "household": household, "unknown": unknown,
        "problem": ""})
    assert "没有 C-0101 这一户的档案，也就没有它的卷内目录。" in page
    assert ('aria-invalid="true" autofocus aria-describedby="household-problem" '
            'value="C-0101"') in page
    assert '<p class="refusal" role="alert" id="household-problem">' in page
    assert "items.pdf" not in page
    assert "items.csv" not in page


def test_the_handover_pages_render_in_chinese_and_english() -> None:
    pages = shared_pages()
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
                       "side_names": SIDE_NAMES, "category_names": CATEGORY_BY_CODE,
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
    assert ' (transferred to <span lang="zh">新物业公司</span>, ' in english
    assert "so you cannot download its package" in english
    # A director reads the transfers, and downloads no package: no column for it.
    zhao = Principal(username="zhao", roles=("director",), clearance="secret")
    directors = pages.html("zh", "handovers.html", listing | page_layout(
        zhao, "/ui/handovers", "token") | {"can": abilities(zhao)})
    assert "新物业公司" in directors
    assert "移出包（BagIt）" not in directors
    catalogue = layout | {"floors": [], "closed": [], "year": 2030, "household": "A-1301",
                          "unknown": "", "problem": ""}
    assert "A-1301 item list (PDF)" in pages.html("en", "catalogues.html", catalogue)


def _rendered(reader: Principal, handover: Handover, **outcome: str) -> tuple[str, str]:
    layout = page_layout(reader, "/ui/handovers/h1", "token")
    values = layout | {"view": handover_page(reader, handover), "can": abilities(reader),
                       "side_names": SIDE_NAMES, "category_names": CATEGORY_BY_CODE,
                       "done": "", "refused": "", "at": ""} | outcome
    pages = shared_pages()
    return pages.html("zh", "handover.html", values), pages.html("en", "handover.html", values)


def test_an_archivist_is_offered_to_cancel_an_unsigned_handover_with_a_reason() -> None:
    sun = Principal(username="sun", roles=("archivist",))
    chinese, english = _rendered(sun, _handover())
    assert 'action="/ui/handovers/h1/cancel"' in chinese
    form = chinese[chinese.index('<details id="cancel"'):]
    assert "<summary>取消移交</summary>" in form
    assert "取消后可以重新编制移交清单，改由其他人移交或接收。" in form
    assert '<textarea id="cancel-reason" name="reason" rows="2" required' in form
    assert "确认取消这次移交" in form
    assert "Cancel the handover" in english
    lin = Principal(username="lin", roles=("center_head",))
    assert "/cancel" not in _rendered(lin, _handover())[0]
    assert "/cancel" not in _rendered(sun, _handover(status="completed"))[0]


def test_a_cancel_refused_is_said_at_its_form_opened() -> None:
    sun = Principal(username="sun", roles=("archivist",))
    chinese, _ = _rendered(sun, _handover(), refused="reason_required", at="cancel")
    form = chinese[chinese.index('<details id="cancel" open>'):]
    assert "请写明取消这次移交的原因" in form
    assert 'aria-invalid="true" aria-describedby="cancel-refusal" autofocus' in form


def test_a_cancelled_handover_says_who_when_and_why_and_offers_no_signing() -> None:
    chen = Principal(username="chen", roles=("staff",))
    cancelled = _handover(status="cancelled", cancelled_by="wang", cancelled_at=AT,
                          cancel_reason="移交人已离职")
    chinese, english = _rendered(chen, cancelled, done="cancelled")
    assert '<span class="label">已取消</span>' in chinese
    assert "<dt>取消</dt><dd>2030年1月10日 17:00:00 · wang</dd>" in chinese
    assert "<dt>取消原因</dt><dd>移交人已离职</dd>" in chinese
    assert "移交已取消。如仍要移交这些文件，请重新编制移交清单" in chinese
    assert "这次移交已取消，不再签字" in chinese
    assert "/sign" not in chinese
    assert "还需要" not in chinese
    assert "/cancel" not in chinese
    assert "Cancelled" in english
    assert "Why cancelled" in english


def test_a_signer_who_left_is_shown_beside_the_signature_awaited_with_what_to_do() -> None:
    left = _handover(signers_left=["chen"])
    sun = Principal(username="sun", roles=("archivist",))
    view = handover_page(sun, left)
    assert view.awaited == [Awaited(side="移交人", username="chen", left=True),
                            Awaited(side="接收人", username="sun", left=False)]
    chinese, english = _rendered(sun, left)
    assert '还需要移交人 chen 签字。 <span class="label">已离职</span>还需要接收人 sun 签字。' in (
        chinese)
    assert "请在下面取消这次移交（写明原因），再重新编制移交清单，改由其他人移交或接收。" in chinese
    assert "Cancel it below (saying why)" in english
    lin = Principal(username="lin", roles=("center_head",))
    assert "请档案管理员取消这次移交，再重新编制移交清单" in _rendered(lin, left)[0]
    assert '<span class="label">已离职</span>' not in _rendered(sun, _handover())[0]


def test_the_list_says_a_handover_cancelled() -> None:
    summary = HandoverSummary(handover_id="h1", status="cancelled", service_centre="中心",
                              handed_over_by="chen", received_by="sun", created_at=AT,
                              items=3)
    (line,) = handover_lines([summary])
    assert (line.status, line.awaited) == ("已取消", [])
    sun = Principal(username="sun", roles=("archivist",))
    listing = page_layout(sun, "/ui/handovers", "token") | {
        "lines": [line], "transfers": [], "refused": "", "can": abilities(sun)}
    pages = shared_pages()
    assert '<td role="cell" data-label="状态">已取消</td>' in pages.html(
        "zh", "handovers.html", listing)
    assert '<td role="cell" data-label="Status">Cancelled</td>' in pages.html(
        "en", "handovers.html", listing)


def test_a_side_not_cleared_is_named_with_their_clearance_and_the_one_needed() -> None:
    refusal = ValidationFailed("ma is cleared to ordinary", code="signer_not_cleared", extra={
        "signer": "ma", "signer_clearance": "ordinary", "documents_above": 1,
        "clearance_needed": "confidential"})
    uncleared = uncleared_signer(refusal)
    assert uncleared is not None
    sun = Principal(username="sun", roles=("archivist",))
    values = page_layout(sun, "/ui/handovers/new", "token") | {
        "offered": [], "chosen": None, "household": "", "values": {},
        "problem": "signer_not_cleared", "uncleared": uncleared}
    pages = shared_pages()
    assert ("ma 的密级权限是“普通”，所选文件中有 1 份需要“机密”密级权限，ma 无法签字。"
            "请改由具有“机密”密级权限的人移交或接收，或不选这些文件。") in pages.html(
        "zh", "handover_new.html", values)
    assert ("ma is cleared to “Ordinary”, and 1 document chosen needs “Confidential”, so ma "
            "could not sign.") in pages.html("en", "handover_new.html", values)
    assert uncleared_signer(ValidationFailed("x", code="same_person")) is None


def test_the_form_names_the_uncleared_side_and_offers_people_by_their_full_names() -> None:
    refusal = ValidationFailed("ma is cleared to ordinary", code="signer_not_cleared", extra={
        "signer": "ma", "signer_clearance": "ordinary", "documents_above": 1,
        "clearance_needed": "confidential"})
    sun = Principal(username="sun", roles=("archivist",))
    html = shared_pages().html("zh", "handover_new.html", page_layout(
        sun, "/ui/handovers/new", "token") | {
        "offered": [], "chosen": None, "household": "", "values": {},
        "problem": "signer_not_cleared", "uncleared": uncleared_signer(refusal),
        "people": {"ma": "马强", "sun": "孙丽"}})
    assert "马强（ma） 的密级权限是“普通”" in html
    assert 'list="people-named"' in html
    assert '<option value="ma">马强（ma）</option><option value="sun">孙丽（sun）</option>' in html


def test_a_handover_item_catalogued_before_its_scan_shows_its_pages_not_scanned() -> None:
    """An item with no page in the archive (catalogued before its scan) reads 未扫描 in the
    pages column, not 0, as the printed transfer list has it."""
    sun = Principal(username="sun", roles=("archivist",))
    handover = _handover(items=[HandoverItem(
        position=1, document_id="d1", archive_no="2016-move_in-B-0301-0001",
        title="徐静怡入住资料", category="move_in", household="B-0301", filed_at=AT.date(),
        pages=0)])
    values = page_layout(sun, "/ui/handovers/h1", "token") | {
        "view": handover_page(sun, handover), "can": abilities(sun),
        "side_names": SIDE_NAMES, "category_names": CATEGORY_BY_CODE, "done": "",
        "refused": "", "at": ""}
    chinese = shared_pages().html("zh", "handover.html", values)
    english = shared_pages().html("en", "handover.html", values)
    assert 'data-label="页数">未扫描</td>' in chinese
    assert 'data-label="页数">0</td>' not in chinese
    assert ">Not scanned</td>" in english


def test_a_handover_is_named_by_its_sides_and_how_many_documents_it_hands_over() -> None:
    """In its title, breadcrumb and heading alike, not by the day it was drawn up."""
    sun = Principal(username="sun", roles=("archivist",))
    items = [HandoverItem(position=number, document_id=f"d{number}",
                          archive_no=f"2030-repair-A-1301-000{number}", title="维修记录",
                          category="repair", household="A-1301", filed_at=AT.date(), pages=1)
             for number in (1, 2)]
    chinese, english = _rendered(sun, _handover(items=items),
                                 people={"chen": "陈明", "sun": "孙丽"})  # type: ignore[arg-type]
    start = chinese.index('<nav class="crumbs"')
    crumbs = chinese[start:chinese.index("</nav>", start)]
    named = "陈明（chen） 向 孙丽（sun） 移交 2 份文件"
    assert named in crumbs
    assert "2030年1月10日" not in crumbs
    assert named in chinese[chinese.index("<h1>"):chinese.index("</h1>")]
    assert f"<title>{named} · " in chinese
    assert "Handover of 2 documents from 陈明 (chen) to 孙丽 (sun)" in english
