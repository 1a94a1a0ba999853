"""The document page's correction of the record (更正著录, services.web.record_correction):
the form only for archivists, prefilled with the record; only the fields typed differently
asked for; refusals said in Chinese (and English) with the field to put right focused."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from services.common.auth import Principal
from services.common.contracts.catalogue import DocumentVersion
from services.common.contracts.corrections import FILING_FIELDS
from services.common.contracts.registry import (
    CorrectionLimit,
    Decision,
    DocumentPermissions,
    DocumentRecord,
    PaperLocation,
)
from services.web.document_page import correction_after_change, document_page
from services.web.navigation import layout as page_layout
from services.web.record_correction import (
    RecordCorrection,
    asked_correction,
    correction_url,
    may_correct_record,
    record_values,
    waits_for,
)
from tests.support.registry import document_record
from tests.unit.web.conftest import LI, WANG, shared_pages

ZHOU = Principal(username="zhou", roles=("director",), department="management")
ALLOWED = Decision(allowed=True, code="allowed", reason="")
RECORD = document_record(location=PaperLocation("A", "档案室", "12", "3"), personal_info=True)


def _shown(reader: Principal, *, problem: str = "", wrong: str = "",
           values: dict[str, str] | None = None, done: str = "", waits: str = "",
           language: str = "zh", form: RecordCorrection | None = None,
           record: DocumentRecord = RECORD, limit: CorrectionLimit | None = None) -> str:
    if form is None and may_correct_record(reader):
        form = RecordCorrection(correction_url("d1"), values or record_values(RECORD), problem,
                                wrong, limit=limit)
    view = document_page(record, DocumentPermissions(document=record, read_text=ALLOWED,
                                                     download=ALLOWED),
                         q="", text=None, number=None, boxes=None, has_preview=False,
                         record_correction=form, done=done, waits=waits)
    return shared_pages().html(language, "document.html",  # type: ignore[arg-type]
                               page_layout(reader, "/ui/documents/d1", "token") | {"view": view})


def _typed(**changed: str) -> dict[str, str]:
    return record_values(RECORD) | {"reason": "按原件核对"} | changed


def test_only_an_archivist_is_offered_the_form() -> None:
    assert "更正著录" in _shown(WANG)
    assert 'action="/ui/documents/d1/corrections"' in _shown(WANG)
    assert "更正著录" not in _shown(LI)
    assert "更正著录" not in _shown(ZHOU)


def _limit(code: str, **fields: object) -> CorrectionLimit:
    return msgspec.convert({"code": code, "reason": "", "fields": list(FILING_FIELDS),
                            **fields}, CorrectionLimit)


def test_a_destroyed_documents_record_offers_no_form_and_says_why() -> None:
    """The registry closes the whole record (``closed``); the page says why, in place of
    a form it would refuse."""
    shown = _shown(WANG, record=document_record(status="destroyed"), limit=_limit(
        "document_destroyed", closed=True, fields=["title", *FILING_FIELDS]))
    assert "更正著录" in shown
    assert "这份文件已经销毁，它的记录是销毁清册所销毁文件的凭证，不再更正。" in shown
    assert 'action="/ui/documents/d1/corrections"' not in shown
    assert 'name="title"' not in shown


def test_the_filing_of_a_document_in_a_register_is_shown_as_it_is_saying_why() -> None:
    """The fields the registry's answer closes are read-only, sent as they are, with one
    line why and the register's page; the others stay editable."""
    shown = _shown(WANG, limit=_limit("in_destruction_register", register="r1"))
    assert "这份文件已列入一份尚未执行的销毁清册" in shown
    assert "请先撤回这份清册" in shown
    assert '<a href="/ui/destructions/r1">查看销毁清册</a>' in shown
    assert '<select id="correct-category"' not in shown
    assert ('<input id="correct-category" readonly aria-describedby="correction-limit" '
            'value="维修/报修记录">') in shown
    assert '<input type="hidden" name="category" value="repair">' in shown
    assert ('<input id="filed_at" name="filed_at" readonly '
            'aria-describedby="correction-limit" value="2020-05-01">') in shown
    assert ('<input id="household" name="household" readonly '
            'aria-describedby="correction-limit" value="A-1201">') in shown
    assert 'name="title" required maxlength="500" autocomplete="off" value="报修单"' in shown
    assert '<select id="correct-security" name="security">' in shown
    asked = asked_correction(RECORD, _typed(title="报修单（卫生间）"))
    assert asked.request is not None
    assert msgspec.to_builtins(asked.request.changes) == {"title": "报修单（卫生间）"}


def test_the_filing_of_a_transferred_document_is_shown_as_it_is_saying_why() -> None:
    shown = _shown(WANG, limit=_limit("already_transferred"))
    english = _shown(WANG, limit=_limit("already_transferred"), language="en")
    assert "纸质原件已按移出清单上的档号交出，类别、归档日期和户号不能再更正" in shown
    assert '<select id="correct-category"' not in shown
    assert "查看销毁清册" not in shown
    assert "its category, filing date and household can no longer be corrected" in english


def test_the_household_and_category_of_a_held_document_are_shown_as_they_are() -> None:
    """R7: a hold covers a document by its household and category, so the registry
    closes those two (``on_hold``); the filing date stays editable."""
    shown = _shown(WANG, limit=_limit("on_hold", fields=["category", "household"]))
    english = _shown(WANG, limit=_limit("on_hold", fields=["category", "household"]),
                     language="en")
    assert "这份文件处于法律保全中，保全期间类别和户号不能更正" in shown
    assert "请合规专员解除保全" in shown
    assert ('<input id="correct-category" readonly aria-describedby="correction-limit" '
            'value="维修/报修记录">') in shown
    assert ('<input id="household" name="household" readonly '
            'aria-describedby="correction-limit" value="A-1201">') in shown
    assert '<input id="filed_at" name="filed_at" readonly' not in shown
    assert "its category and household cannot be corrected while the hold stands" in english


def test_a_document_the_registry_limits_nothing_of_is_offered_every_field() -> None:
    shown = _shown(WANG)
    assert 'id="correction-limit"' not in shown
    assert '<select id="correct-category" name="category">' in shown
    assert 'readonly' not in shown


def test_the_form_is_prefilled_with_the_record_as_it_is() -> None:
    shown = _shown(WANG)
    assert 'name="title" required maxlength="500" autocomplete="off" value="报修单"' in shown
    assert '<option value="repair" selected>' in shown
    assert 'value="2020-05-01"' in shown
    assert '<option value="ordinary" selected>' in shown
    assert 'name="personal_info" value="1" checked' in shown
    assert 'name="working" value="1">' in shown
    assert 'name="location_room" maxlength="64" autocomplete="off" value="档案室"' in shown
    assert 'name="reason" rows="2" maxlength="2000" required></textarea>' in shown


def test_only_the_fields_typed_differently_are_asked_for() -> None:
    asked = asked_correction(RECORD, _typed(title="报修单（卫生间）", filed_at="2020年5月2日"))
    assert asked.request is not None
    assert msgspec.to_builtins(asked.request) == {
        "changes": {"title": "报修单（卫生间）", "filed_at": "2020-05-02"}, "reason": "按原件核对",
        "base_version": 1}


def test_an_emptied_location_clears_it_and_a_cleared_box_is_a_change() -> None:
    emptied = _typed(location_building="", location_room="", location_cabinet="",
                     location_box="", personal_info="")
    asked = asked_correction(RECORD, emptied)
    assert asked.request is not None
    assert asked.request.changes.location is None
    assert asked.request.changes.personal_info is False
    assert waits_for(RECORD, asked.request.changes) == "protection"


def test_a_form_with_a_problem_says_which_and_the_field_to_put_right() -> None:
    cases = {
        "no_changes": ({}, "title"),
        "reason_required": ({"title": "新题名", "reason": ""}, "reason"),
        "title_required": ({"title": " "}, "title"),
        "date_required": ({"filed_at": "去年"}, "filed_at"),
        "location_incomplete": ({"location_box": ""}, "location_building"),
        "invalid_value": ({"security": "top", "reason": "x"}, "title"),
    }
    for problem, (changed, wrong) in cases.items():
        asked = asked_correction(RECORD, _typed(**changed))
        assert (asked.request, asked.problem, asked.wrong) == (None, problem, wrong), problem


def test_a_refusal_is_said_in_chinese_with_the_field_focused_and_the_typed_values_kept() -> None:
    typed = _typed(title="新题名", security="secret")
    shown = _shown(WANG, problem="above_clearance", wrong="security", values=typed)
    assert 'role="alert" id="correction-problem"' in shown
    assert "您不能把文件的密级定得高于您自己的密级权限" in shown
    assert ('<select id="correct-security" name="security" aria-invalid="true" '
            'aria-describedby="correction-problem" autofocus>') in shown
    assert '<option value="secret" selected>' in shown
    assert 'value="新题名"' in shown
    assert "按原件核对</textarea>" in shown
    no_change = _shown(WANG, problem="no_changes", wrong="title")
    assert "这次更正没有改变任何一项" in no_change
    assert 'aria-invalid="true" autofocus aria-describedby="correction-problem"' in no_change
    assert "The correction changes nothing" in _shown(WANG, problem="no_changes", wrong="title",
                                                      language="en")


def test_after_a_correction_the_page_says_it_applied_or_whom_it_waits_for() -> None:
    assert "著录已更正，成为第 1 版" in _shown(WANG, done="corrected")
    waiting = _shown(WANG, done="correction_pending", waits="protection")
    assert 'role="status"' in waiting
    assert "等待总经理或客户服务中心负责人批准" in waiting
    assert "等待部门负责人批准" in _shown(WANG, done="correction_pending", waits="working")


def test_a_pending_correction_points_to_the_corrections_page_not_the_api() -> None:
    for waits in ("protection", "working"):
        waiting = _shown(WANG, done="correction_pending", waits=waits)
        assert "“更正审批”页上批准或驳回" in waiting
        assert 'href="/ui/corrections#mine"' in waiting
        assert "/registry/corrections" not in waiting


def test_a_correction_lowering_protection_waits_for_a_director_one_raising_it_for_nobody(
        ) -> None:
    working = document_record(working=True, security="confidential")
    lowered = asked_correction(working, record_values(working) | {"security": "ordinary",
                                                                  "reason": "x"})
    raised = asked_correction(working, record_values(working) | {"security": "secret",
                                                                 "reason": "x"})
    assert lowered.request is not None
    assert raised.request is not None
    assert waits_for(working, lowered.request.changes) == "protection"
    assert msgspec.to_builtins(raised.request.changes) == {"security": "secret"}


def test_the_language_is_chosen_by_its_name_and_a_value_stored_otherwise_is_kept() -> None:
    shown = _shown(WANG, values=record_values(RECORD) | {"language": "chi_tra"})
    assert '<option value="chi_tra" selected>繁体中文</option>' in shown
    assert '<option value="">未登记（按设置识别）</option>' in shown
    assert "zh、en" not in shown
    english = _shown(WANG, values=record_values(RECORD) | {"language": "chi_tra"},
                     language="en")
    assert '<option value="chi_tra" selected>Traditional Chinese</option>' in english
    legacy = _shown(WANG, values=record_values(RECORD) | {"language": "zh"})
    assert '<option value="zh" selected>zh</option>' in legacy


AT = datetime(2024, 6, 3, 1, 30, tzinfo=UTC)


def _versions(*changes: tuple[str, dict[str, list[object]]]) -> list[DocumentVersion]:
    """Version 1 as ``RECORD`` was filed, then one version per (who, changes)."""
    metadata = {"title": RECORD.title, "category": RECORD.category,
                "filed_at": RECORD.filed_at.isoformat(), "security": RECORD.security,
                "personal_info": RECORD.personal_info, "working": RECORD.working,
                "location": msgspec.to_builtins(RECORD.location), "is_copy": RECORD.is_copy,
                "language": RECORD.language}
    versions = [DocumentVersion(version=1, metadata=dict(metadata), changes={},
                                changed_by="wang", changed_at=AT, reason="归档",
                                approved_by=None, correction_id=None)]
    for number, (who, changed) in enumerate(changes, start=2):
        metadata |= {name: after for name, (_, after) in changed.items()}
        versions.append(DocumentVersion(version=number, metadata=dict(metadata),
                                        changes=changed, changed_by=who, changed_at=AT,
                                        reason="按原件核对", approved_by=None,
                                        correction_id=None))
    return versions


def test_a_form_shown_for_an_older_version_of_the_record_is_not_sent() -> None:
    changed = document_record(title="报修单（卫生间漏水）", version=2,
                              location=RECORD.location, personal_info=True)
    stale = asked_correction(changed, _typed(filed_at="2020-05-02"))
    unsaid = asked_correction(RECORD, {name: value for name, value in _typed(title="新").items()
                                       if name != "base_version"})
    assert (stale.request, stale.problem) == (None, "stale_correction")
    assert (unsaid.request, unsaid.problem) == (None, "stale_correction")


def test_after_someone_else_corrected_the_title_the_date_typed_is_kept_not_their_title_undone(
        ) -> None:
    now = document_record(title="报修单（卫生间漏水）", version=2, location=RECORD.location,
                          personal_info=True)
    versions = _versions(("liwen", {"title": ["报修单", "报修单（卫生间漏水）"]}))
    form = correction_after_change(now, versions, _typed(filed_at="2020-05-02"))
    assert form.problem == "stale_correction"
    assert (form.values["title"], form.values["filed_at"], form.values["base_version"]) == (
        "报修单（卫生间漏水）", "2020-05-02", "2")
    assert form.values["reason"] == "按原件核对"
    asked = asked_correction(now, form.values)
    assert asked.request is not None
    assert msgspec.to_builtins(asked.request.changes) == {"filed_at": "2020-05-02"}
    shown = _shown(WANG, form=form, record=now)
    assert 'role="alert" id="correction-problem"' in shown
    assert "您填写期间，liwen 于 2024年6月3日 09:30:00 更正了这份文件的著录（改动了题名），" \
        "现在是第 2 版。您的更正没有保存，他人的更正也没有被改回。" in shown
    assert '<input type="hidden" name="base_version" value="2">' in shown
    assert 'value="报修单（卫生间漏水）"' in shown
    assert "While you were filling in the form, liwen corrected" in _shown(
        WANG, form=form, record=now, language="en")


def test_a_level_raised_meanwhile_is_kept_when_a_stale_form_only_edits_the_title() -> None:
    raised = document_record(security="confidential", version=2, location=RECORD.location,
                             personal_info=True)
    versions = _versions(("liwen", {"security": ["ordinary", "confidential"]}))
    typed = _typed(title="报修单（厨房）")
    refused = asked_correction(raised, typed)
    form = correction_after_change(raised, versions, typed)
    asked = asked_correction(raised, form.values)
    assert refused.problem == "stale_correction"
    assert (form.values["security"], form.values["title"]) == ("confidential", "报修单（厨房）")
    assert asked.request is not None
    assert msgspec.to_builtins(asked.request.changes) == {"title": "报修单（厨房）"}


def test_a_form_that_does_not_say_its_version_shows_the_record_now_and_keeps_only_the_reason(
        ) -> None:
    now = document_record(title="报修单（卫生间漏水）", version=2, location=RECORD.location,
                          personal_info=True)
    versions = _versions(("liwen", {"title": ["报修单", "报修单（卫生间漏水）"]}))
    typed = {name: value for name, value in _typed(filed_at="2020-05-02").items()
             if name != "base_version"}
    form = correction_after_change(now, versions, typed)
    assert form.values == record_values(now) | {"reason": "按原件核对"}
    assert "您打开页面之后，这份文件的著录已被更正（liwen 于" in _shown(WANG, form=form,
                                                                   record=now)


def test_a_household_typed_otherwise_moves_the_document_and_waits_for_a_manager() -> None:
    """D11: the misfiled document is put right on its own page, the unit code however
    typed (a lower-case letter, no hyphen)."""
    asked = asked_correction(RECORD, _typed(household="b0502"))
    assert asked.request is not None
    assert msgspec.to_builtins(asked.request.changes) == {"household": "B-0502"}
    assert waits_for(RECORD, asked.request.changes) == "household"
    shown = _shown(WANG)
    assert 'name="household" maxlength="10" autocomplete="off"' in shown
    assert 'value="A-1201"' in shown
    assert "户号是档号的一部分" not in shown
    waiting = _shown(WANG, done="correction_pending", waits="household")
    assert "等待部门负责人批准（把文件移到另一户须经批准）" in waiting
    assert "新档号" in waiting


def test_an_ill_written_household_is_refused_with_the_household_focused() -> None:
    shown = _shown(WANG, problem="invalid_household", wrong="household",
                   values=_typed(household="十二楼"))
    assert "请填写正确的户号，例如 A-1201" in shown
    assert 'name="household" maxlength="10" autocomplete="off" aria-invalid="true"' in shown


def test_a_renumbered_document_shows_its_former_number() -> None:
    renumbered = document_record(archive_no="2020-decoration-B-0502-0001",
                                 former_archive_nos=["2002-complaint-B-0502-0001"])
    view = document_page(renumbered, DocumentPermissions(document=renumbered,
                                                         read_text=ALLOWED, download=ALLOWED),
                         q="", text=None, number=None, boxes=None, has_preview=False)
    shown = shared_pages().html("zh", "document.html",
                                page_layout(WANG, "/ui/documents/d1", "token") | {"view": view})
    assert "<dt>原档号</dt><dd>2002-complaint-B-0502-0001</dd>" in shown
