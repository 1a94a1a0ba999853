"""The document page (services.web.document_page): its history says versions, loans and
audit entries as staff say them; a page with no text says so and what to do."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, get_args

import msgspec
import pytest

from services.common.auth import Principal
from services.common.contracts.catalogue import DocumentVersion, ReasonCode
from services.common.contracts.ingest import (
    DEFAULT_REASON,
    ExtractedText,
    TextPage,
    TextVersionEntry,
)
from services.common.contracts.lending import Loan
from services.common.contracts.registry import (
    AuditTrailEntry,
    Decision,
    DocumentPermissions,
    FixityFindingKind,
)
from services.common.contracts.retention import DisposalStanding, WithheldReason
from services.web.document_page import (
    FINDING_NAMES,
    FINDING_NEXT_STEPS,
    chosen_page,
    document_history,
    document_page,
    older_text,
    page_out_of_range,
)
from services.web.navigation import layout as page_layout
from services.web.version_reasons import REASON_TEXTS
from tests.support.registry import document_record
from tests.unit.web.conftest import LI, WANG, in_both_languages, shared_pages

AT = datetime(2024, 5, 18, 9, 0, tzinfo=UTC)
ALLOWED = Decision(allowed=True, code="allowed", reason="")
RECORD = document_record(pages=2)
TEXT = ExtractedText(document_id="d1", pages=[TextPage(number=1, text="卫生间漏水"),
                                              TextPage(number=2, text=" \n")])


def _entry(seq: int, action: str, outcome: str = "allowed", *, username: str = "wang",
           code: str | None = None, detail: dict[str, Any] | None = None) -> AuditTrailEntry:
    return AuditTrailEntry(seq=seq, at=AT, username=username, action=action,
                           outcome=outcome, code=code,  # type: ignore[arg-type]
                           detail=detail or {})


def _version(number: int, reason: str, changes: dict[str, list[object]], *,
             correction_id: str | None = None, reason_code: ReasonCode | None = None,
             reason_values: dict[str, str] | None = None) -> DocumentVersion:
    return DocumentVersion(version=number, metadata={}, changes=changes, changed_by="wang",
                           changed_at=AT, reason=reason, approved_by=None,
                           correction_id=correction_id, reason_code=reason_code,
                           reason_values=reason_values or {})


def _history(language: str, versions: list[DocumentVersion] | None = None,
             loans: list[Loan] | None = None) -> str:
    return shared_pages().html(language, "_history.html",  # type: ignore[arg-type]
                               {"view": document_history(versions or [], loans or [], [])})


def _loan(status: str) -> Loan:
    return Loan(loan_id=f"loan-{status}", status=status,  # type: ignore[arg-type]
                kind="paper", purpose="核对", reason="来电", borrower="li",
                borrower_department="customer_service", requested_by="li",
                requested_at=AT, external=None, documents=[], approvals_needed=[],
                approvals=[], next_approval=None, rejection=None, issued_by=None,
                issued_at=None, acknowledged_at=None, due_at=None, renewals=0,
                renewed_at=None, returned=None, overdue=False, escalated_at=None,
                copies=[], incidents=[])


def test_audit_actions_show_by_their_chinese_names_and_unknown_ones_as_coded() -> None:
    audit = [_entry(3, "loan_approved"), _entry(2, "download", "refused"),
             _entry(1, "filed"), _entry(0, "something_new")]
    history = document_history([], [], audit)
    assert [line.action for line in history.audit] == ["批准借阅", "下载原件", "归档",
                                                       "something_new"]
    assert [line.entry.seq for line in history.audit] == [3, 2, 1, 0]


def test_an_approved_correction_reads_as_the_approvers_approval_naming_the_proposer() -> None:
    approved = _entry(2, "corrected", username="zhou",
                      detail={"requested_by": "liwen", "approved_by": "zhou"})
    at_once = _entry(1, "corrected", username="liwen",
                     detail={"requested_by": "liwen", "approved_by": None})
    history = document_history([], [], [approved, at_once])
    shown = shared_pages().html("zh", "_history.html", {"view": history})
    english = shared_pages().html("en", "_history.html", {"view": history})
    assert [(line.action, line.proposer) for line in history.audit] == [
        ("批准更正", "liwen"), ("更正", "")]
    assert "批准更正（liwen 提出）" in shown
    assert "Correction approved (proposed by liwen)" in english


def test_the_audit_trail_tells_what_happened_in_english_where_buttons_ask() -> None:
    audit = [_entry(2, "loan_issued"), _entry(1, "download"), _entry(0, "something_new")]
    shown = shared_pages().html("en", "_history.html", {"view": document_history([], [], audit)})
    actions = re.findall(r'data-label="Action">([^<]*)<', shown)
    assert actions == ["Lent out", "Original downloaded", "something_new"]


def test_a_persons_correction_says_so_with_its_reason() -> None:
    by_hand = _entry(2, "text_revised", username="wu",
                     detail={"engine": "person", "reason": "扫描模糊，按原件录入"})
    by_ocr = _entry(1, "text_revised", username="wu",
                    detail={"engine": "ppocr", "reason": "reocr"})
    history = document_history([], [], [by_hand, by_ocr])
    assert [(line.action, line.note) for line in history.audit] == [
        ("人工校对文字", "扫描模糊，按原件录入"), ("重新识别文字", "")]


def test_a_fixity_finding_says_what_was_found_in_words() -> None:
    found = _entry(1, "fixity_finding", detail={
        "run_id": "r1", "kind": "original_altered", "archive_no": RECORD.archive_no,
        "detail": "sha256 differs"})
    history = document_history([], [], [found])
    assert [(line.action, line.finding) for line in history.audit] == [
        ("四性检测发现问题", "原件被改动")]
    shown = {language: shared_pages().html(language, "_history.html", {"view": history})
             for language in ("zh", "en")}
    assert "四性检测发现问题：原件被改动" in shown["zh"]
    assert "original altered" in shown["en"]


def test_a_download_refused_for_an_altered_original_says_why() -> None:
    refused = _entry(1, "download", "refused", username="li", code="original_altered",
                     detail={"reason": "sha256 differs"})
    history = document_history([], [], [refused])
    assert [(line.action, line.finding) for line in history.audit] == [("下载原件", "原件被改动")]
    shown = shared_pages().html("zh", "_history.html", {"view": history})
    assert re.search(r"下载原件：原件被改动</td><td[^>]*>拒绝<", shown)


def test_every_kind_of_fixity_finding_has_a_name_and_what_to_do() -> None:
    assert set(FINDING_NAMES) == set(get_args(FixityFindingKind))
    assert set(FINDING_NEXT_STEPS) == set(get_args(FixityFindingKind))


def test_versions_come_newest_first_with_the_changed_fields_by_their_labels() -> None:
    versions = [_version(1, "filed", {}),
                _version(2, "业主来电更正题名", {"title": ["旧", "新"], "odd_field": [1, 2]},
                         correction_id="c1")]
    history = document_history(versions, [], [])
    assert [(line.version.version, line.reason.says or line.reason.stored, line.changes)
            for line in history.versions] \
        == [(2, "业主来电更正题名", ["题名", "odd_field"]), (1, "归档", [])]


MOVED_OUT = "moved out (退租): 张伟's part closed on 2021-06-30, retention clock starts at " \
            "move-out (R1)"
ATTACHED = "occupants history changed (住户变更): attached to 张伟's part, 2018-06-01 to now (D3)"


def test_the_registrys_own_reasons_read_in_the_readers_language() -> None:
    versions = [_version(2, MOVED_OUT, {"disposal_due": ["a", "b"]},
                         reason_code="retention_restarted",
                         reason_values={"occupant": "张伟", "moved_out": "2021-06-30"})]
    zh, en = _history("zh", versions), _history("en", versions)
    assert "退租：张伟 的部分于 2021年6月30日 结束，保管期限自迁出之日起算" in zh
    assert "moved out: 张伟's part closed on June 30, 2021; retention counts from the " \
           "move-out" in en
    assert "2021-06-30" not in zh + en
    assert [MOVED_OUT in zh, "(R1)" in en] == [False, False]


def test_a_reason_stored_before_the_codes_reads_as_a_new_one() -> None:
    versions = [_version(3, MOVED_OUT, {}), _version(2, ATTACHED, {})]
    assert [(line.reason.says, line.reason.values)
            for line in document_history(versions, [], []).versions] == [
        (REASON_TEXTS["attached_to_current_part"],
         {"occupant": "张伟", "moved_in": date(2018, 6, 1)}),
        (REASON_TEXTS["retention_restarted"], {"occupant": "张伟", "moved_out": date(2021, 6, 30)})]
    assert "住户变更：归入 张伟 的部分（2018年6月1日 起至今）" in _history("zh", versions)
    assert "moved into 张伟's part (June 1, 2018 to now)" in _history("en", versions)


def test_a_persons_reason_shows_as_typed_even_when_it_looks_like_a_stored_one() -> None:
    typed = [_version(2, "filed", {}, correction_id="c1"),
             _version(3, "押金扣 50% (见 %(附件)s)", {}, correction_id="c2")]
    shown = _history("en", typed)
    assert "押金扣 50% (见 %(附件)s)" in shown
    assert ">filed<" in shown


def test_every_code_of_the_registrys_reasons_has_a_wording() -> None:
    assert set(REASON_TEXTS) == set(get_args(ReasonCode))


def test_the_document_page_names_loan_kinds_and_the_due_date_as_the_loan_pages_do() -> None:
    shown = _history("zh", loans=[_loan("out"), msgspec.structs.replace(
        _loan("returned"), kind="digital")])
    assert ["纸质借出" in shown, "电子查阅（只读）" in shown, "应还日期" in shown] == [True] * 3
    assert ["系统内查看" in shown, ">到期<" in shown] == [False, False]


def test_loan_statuses_show_by_their_chinese_names() -> None:
    history = document_history([], [_loan("out"), _loan("returned"), _loan("lost")], [])
    assert [line.status for line in history.loans] == ["借出中", "已归还", "lost"]


def test_a_page_past_the_last_leads_to_the_last_and_one_below_1_to_the_first() -> None:
    readable = DocumentPermissions(document=RECORD, read_text=ALLOWED, download=ALLOWED)
    assert page_out_of_range(readable, "漏水", 99) == "/ui/documents/d1?q=%E6%BC%8F%E6%B0%B4&page=2"
    assert page_out_of_range(readable, "", -1) == "/ui/documents/d1?page=1"
    assert page_out_of_range(readable, "", 0) == "/ui/documents/d1?page=1"
    assert [page_out_of_range(readable, "", asked) for asked in (None, 1, 2)] == [None] * 3
    refused = Decision(allowed=False, code="needs_grant", reason="")
    assert page_out_of_range(DocumentPermissions(document=RECORD, read_text=refused,
                                                 download=refused), "", 99) is None


def _shown(reader: Principal, number: int, language: str = "zh") -> str:
    view = document_page(RECORD, DocumentPermissions(document=RECORD, read_text=ALLOWED,
                                                     download=ALLOWED),
                         q="", text=TEXT, number=number, boxes=None, has_preview=True,
                         may_correct=reader is WANG)
    return shared_pages().html(language, "document.html",  # type: ignore[arg-type]
                               page_layout(reader, "/ui/documents/d1", "token") | {"view": view})


def test_a_page_with_no_text_says_so_and_where_to_correct_it() -> None:
    archivist = _shown(WANG, 2)
    assert "这一页没有识别出文字" in archivist
    assert "请在校对页录入这一页的文字" in archivist
    assert 'href="/ui/review?document=d1&amp;page=2"' in archivist
    assert "No text was found on this page" in _shown(WANG, 2, "en")
    assert "这一页没有识别出文字" not in _shown(WANG, 1)


def test_a_reader_who_does_not_correct_is_told_to_read_the_scan_or_ask_an_archivist() -> None:
    staff = _shown(LI, 2)
    assert "这一页没有识别出文字" in staff
    assert "请联系档案管理员录入这一页的文字" in staff
    assert "/ui/review" not in staff


def test_an_english_page_marks_a_documents_chinese_title_and_text_in_its_script() -> None:
    traditional = msgspec.structs.replace(RECORD, title="衛生間漏水維修申請", language="chi_tra")
    view = document_page(traditional, DocumentPermissions(document=traditional,
                                                          read_text=ALLOWED, download=ALLOWED),
                         q="", text=TEXT, number=1, boxes=None, has_preview=True,
                         may_correct=False)
    chinese, english = in_both_languages(LI, "/ui/documents/d1", "document.html", view=view)
    assert '<h1><span lang="zh-Hant">衛生間漏水維修申請</span></h1>' in english
    assert '<p class="text"><span lang="zh-Hant">卫生间漏水</span></p>' in english
    assert 'lang="zh-Hant"' not in chinese


def test_what_the_registry_did_by_itself_names_the_archive_system_not_its_service_name(
        ) -> None:
    """A version or an audit entry the registry made on its own (placing documents after
    an upgrade) is recorded by ``service:registry``: staff read who, in words."""
    placed = msgspec.structs.replace(
        _version(2, "placed", {"disposal_due": ["a", "b"]},
                 reason_code="placed_after_upgrade"), changed_by="service:registry")
    audited = _entry(1, "placed_after_upgrade", username="service:registry")
    history = document_history([placed, _version(1, "filed", {})], [], [audited])
    zh, en = (shared_pages().html(language, "_history.html", {"view": history})
              for language in ("zh", "en"))
    assert "service:" not in zh + en
    assert zh.count(">档案系统</td>") == 2
    assert en.count(">The archive system</td>") == 2
    assert ">wang</td>" in zh  # a person is named by their username as before


TEXT_VERSIONS = [
    TextVersionEntry(version=1, made_by="filing", engine="tesseract", recorded_by="wang",
                     recorded_at=AT, reason="read when filed", current=False),
    TextVersionEntry(version=2, made_by="reocr", engine="ppocr", recorded_by="admin",
                     recorded_at=AT, reason=DEFAULT_REASON, current=False),
    TextVersionEntry(version=3, made_by="correction", engine=None, recorded_by="zhao",
                     recorded_at=AT, reason="窗帘二字识别错误", current=True),
]


def _text_history(language: str, text_versions: list[TextVersionEntry] | None) -> str:
    history = document_history([], [], [], document_id="d1", text_versions=text_versions)
    return shared_pages().html(language, "_history.html",  # type: ignore[arg-type]
                               {"view": history})


def _rows(shown: str, heading: str) -> list[str]:
    """The rows of the table under ``heading``, each as its cells' text joined by |."""
    table = re.search(rf">{heading}</h3>.*?<tbody[^>]*>(.*?)</tbody>", shown, re.S)
    assert table is not None, shown
    return ["|".join(re.sub(r"<[^>]+>", "", cell).strip()
                     for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)]


def test_the_texts_versions_say_what_made_each_who_when_and_why_newest_first() -> None:
    rows = _rows(_text_history("zh", TEXT_VERSIONS), "文字版本")
    assert [row.split("|")[:2] + row.split("|")[3:] for row in rows] == [
        ["3", "人工校对", "zhao", "窗帘二字识别错误", "当前文字"],
        ["2", "重新识别（PP-OCR）", "admin", "用 archive reocr 重新识别", "查看第 2 版文字"],
        ["1", "归档时识别（Tesseract）", "wang", "归档时自动识别", "查看第 1 版文字"]]
    assert all(row.split("|")[2] for row in rows)  # when


def test_the_texts_versions_read_in_english_a_persons_reason_as_typed() -> None:
    rows = _rows(_text_history("en", TEXT_VERSIONS), "Text versions")
    assert [row.split("|")[:2] + row.split("|")[3:] for row in rows] == [
        ["3", "Corrected by a person", "zhao", "窗帘二字识别错误", "Current text"],
        ["2", "Re-read by OCR (PP-OCR)", "admin", "Re-read with archive reocr",
         "Read version 2"],
        ["1", "Read when filed (Tesseract)", "wang",
         "Read by OCR when the document was filed", "Read version 1"]]


def test_each_older_version_is_linked_by_its_number_the_current_one_not() -> None:
    """The link says which version it opens (a screen reader lists links out of their
    rows); the current text is the document page itself."""
    shown = _text_history("zh", TEXT_VERSIONS)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', shown) == [
        ("/ui/documents/d1/text/versions/2", "查看第 2 版文字"),
        ("/ui/documents/d1/text/versions/1", "查看第 1 版文字")]


def test_a_reader_who_may_not_read_the_text_is_told_nothing_of_its_versions() -> None:
    shown = _text_history("zh", None)
    assert "文字版本" not in shown
    assert "著录版本" in shown


def test_an_older_version_reads_as_such_with_the_way_back_in_both_languages() -> None:
    older = ExtractedText(document_id="d1", pages=[TextPage(number=1, text="卫生间漏永"),
                                                   TextPage(number=2, text="")])
    view = older_text(RECORD, older, TEXT_VERSIONS, 1)
    chinese, english = in_both_languages(WANG, "/ui/documents/d1/text/versions/1",
                                         "text_version.html", view=view)
    assert "这是识别文字的第 1 版，是旧版本，只供查看；现在的文字是第 3 版。" in chinese
    assert "This is version 1 of the recognised text, an older version" in english
    assert "卫生间漏永" in chinese
    assert "这一版在这一页没有文字。" in chinese
    assert "归档时识别（Tesseract）" in chinese
    assert "Read when filed (Tesseract)" in english
    assert '<a href="/ui/documents/d1">返回当前文字</a>' in chinese
    assert '<a href="/ui/documents/d1">Back to the current text</a>' in english
    assert "<textarea" not in chinese  # read-only: nothing to edit or send
    assert "<form" not in chinese.split("<main")[-1]


@pytest.mark.parametrize(("stopped_by", "said"), [
    (None, "经鉴定批准销毁；2027年8月31日 起可列入销毁清册，销毁前仍可查阅"),
    ("on_hold", "经鉴定批准销毁，但在法律保全中：保全解除前不会列入销毁清册"),
    ("on_loan", "经鉴定批准销毁；现在借出中，归还后（2027年8月31日 起）才能列入销毁清册"),
])
def test_a_document_waiting_for_destruction_says_what_stops_it(
        stopped_by: WithheldReason | None, said: str) -> None:
    """R5, R7: a held or lent document approved for destruction is not promised a register
    its hold or loan would have refused (409 ``on_hold``, ``on_loan``)."""
    standing = DisposalStanding(sweep_id="s1", as_of=date(2027, 3, 1), state="waiting",
                                outcome="destroy", destroy_after=date(2027, 8, 31),
                                stopped_by=stopped_by)
    view = document_page(RECORD, DocumentPermissions(document=RECORD, read_text=ALLOWED,
                                                     download=ALLOWED),
                         q="", text=TEXT, number=1, boxes=None, has_preview=True,
                         disposal=standing)
    shown = shared_pages().html("zh", "document.html",  # type: ignore[arg-type]
                                page_layout(WANG, "/ui/documents/d1", "token") | {"view": view})
    assert said in shown


def test_a_long_document_links_its_ends_the_pages_around_and_the_next_pages_with_the_words(
        ) -> None:
    record = document_record(pages=300)
    text = ExtractedText(document_id="d1", pages=[
        TextPage(number=number, text="地下车库渗漏" if number in (40, 87, 200) else "物业服务")
        for number in range(1, 301)])
    view = document_page(record, DocumentPermissions(document=record, read_text=ALLOWED,
                                                     download=ALLOWED),
                         q="车库渗漏", text=text, number=87, boxes=None, has_preview=True)
    assert [(link.number, link.after_gap) for link in view.pages] == [
        (1, False), (85, True), (86, False), (87, False), (88, False), (89, False),
        (300, True)]
    assert view.page_count == 300
    assert (view.previous_marked_url or "").endswith("&page=40#page-heading")
    assert (view.next_marked_url or "").endswith("&page=200#page-heading")
    html = shared_pages().html("zh", "document.html",  # type: ignore[arg-type]
                               page_layout(LI, "/ui/documents/d1", "token") | {"view": view})
    assert "第 87 页，共 300 页" in html
    assert html.count('aria-label="第 ') == 7
    assert '<input id="goto-page" name="page" type="number"' in html
    assert '<input type="hidden" name="q" value="车库渗漏">' in html


def test_a_document_without_text_yet_says_to_come_back_or_ask_an_archivist() -> None:
    record = document_record(pages=0)
    view = document_page(record, DocumentPermissions(document=record, read_text=ALLOWED,
                                                     download=ALLOWED),
                         q="", text=None, number=None, boxes=None, has_preview=False)
    chinese, english = in_both_languages(LI, "/ui/documents/d1", "document.html", view=view)
    assert "请过几分钟刷新本页；如果一直没有文字，请联系档案管理员" in chinese
    assert "Reload this page in a few minutes" in english


def test_the_page_opened_and_the_next_match_are_where_the_words_stand_whole_not_their_pieces(
        ) -> None:
    record = document_record(pages=12)
    lines = {2: "车库管理另行约定", 5: "地下室与车库", 9: "地下车库渗漏由开发商修复",
             11: "地下车库渗漏另见附件"}
    text = ExtractedText(document_id="d1", pages=[
        TextPage(number=number, text=lines.get(number, "业主按时交费"))
        for number in range(1, 13)])
    assert chosen_page(text, "地下车库渗漏", None) == 9
    assert chosen_page(text, "车库 渗漏", None) == 9  # both words, not one
    assert chosen_page(text, "车库", None) == 2
    assert chosen_page(text, "地下车库漏雨", None) == 2  # pieces only: the first holding one
    view = document_page(record, DocumentPermissions(document=record, read_text=ALLOWED,
                                                     download=ALLOWED),
                         q="地下车库渗漏", text=text, number=9, boxes=None, has_preview=True)
    assert view.previous_marked_url is None
    assert (view.next_marked_url or "").endswith("&page=11#page-heading")
    assert [link.number for link in view.pages if link.marked] == [9, 11]
    assert view.page is not None
    assert view.page.marks == 1


def test_a_record_never_uploaded_says_its_pages_are_not_known_and_no_text_is_coming() -> None:
    """A paper file catalogued before it is scanned has no page in the archive: its page
    count is not 0 (the paper has pages), and its text is not being read (it cannot be
    until the original is uploaded), so the page does not ask to refresh in a few
    minutes but says what brings the text."""
    catalogued = msgspec.structs.replace(RECORD, pages=0)
    permissions = DocumentPermissions(document=catalogued, read_text=ALLOWED, download=ALLOWED)
    for reader, next_step in ((WANG, "上传原件后系统识别出文字"),
                              (LI, "请联系档案管理员上传原件")):
        view = document_page(catalogued, permissions, q="", text=None, number=None,
                             boxes=None, has_preview=False, uploaded=False,
                             may_upload=reader is WANG)
        chinese, english = in_both_languages(reader, "/ui/documents/d1", "document.html",
                                             view=view)
        assert "<dt>页数</dt><dd>未扫描</dd>" in chinese
        assert "<dd>0</dd>" not in chinese
        assert "可能仍在识别中" not in chinese
        assert "请过几分钟刷新本页" not in chinese
        assert "原件还没有上传，没有可显示的文字" in chinese
        assert next_step in chinese
        assert "<dt>Pages</dt><dd>Not scanned</dd>" in english
