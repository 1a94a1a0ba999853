"""The document page's history says versions, loans and audit entries as staff say them
(services.web.document_page)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.contracts.catalogue import DocumentVersion
from services.common.contracts.lending import Loan
from services.common.contracts.registry import AuditTrailEntry
from services.web.document_page import document_history

AT = datetime(2024, 5, 18, 9, 0, tzinfo=UTC)


def _entry(seq: int, action: str, outcome: str = "allowed") -> AuditTrailEntry:
    return AuditTrailEntry(seq=seq, at=AT, username="wang", action=action,
                           outcome=outcome, code=None, detail={})  # type: ignore[arg-type]


def _version(number: int, reason: str, changes: dict[str, list[object]]) -> DocumentVersion:
    return DocumentVersion(version=number, metadata={}, changes=changes, changed_by="wang",
                           changed_at=AT, reason=reason, approved_by=None, correction_id=None)


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


def test_a_persons_correction_says_so_with_its_reason() -> None:
    by_hand = AuditTrailEntry(seq=2, at=AT, username="wu", action="text_revised",
                              outcome="allowed", code=None,
                              detail={"engine": "person", "reason": "扫描模糊，按原件录入"})
    by_ocr = AuditTrailEntry(seq=1, at=AT, username="wu", action="text_revised",
                             outcome="allowed", code=None,
                             detail={"engine": "ppocr", "reason": "reocr"})
    history = document_history([], [], [by_hand, by_ocr])
    assert [(line.action, line.note) for line in history.audit] == [
        ("人工校对文字", "扫描模糊，按原件录入"), ("重新识别文字", "")]


def test_versions_come_newest_first_with_the_changed_fields_by_their_labels() -> None:
    versions = [_version(1, "filed", {}),
                _version(2, "业主来电更正题名", {"title": ["旧", "新"], "odd_field": [1, 2]})]
    history = document_history(versions, [], [])
    assert [(line.version.version, line.reason, line.changes) for line in history.versions] \
        == [(2, "业主来电更正题名", ["题名", "odd_field"]), (1, "归档", [])]


def test_loan_statuses_show_by_their_chinese_names() -> None:
    history = document_history([], [_loan("out"), _loan("returned"), _loan("lost")], [])
    assert [line.status for line in history.loans] == ["借出中", "已归还", "lost"]
