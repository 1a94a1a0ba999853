"""``archive audit list`` as a compliance officer reads it: a change of the occupants
history tells its story, the occupants by name and the day, not only ids and counts."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from services.cli.audit import audit_table
from services.common.contracts.registry import AuditRecord


def test_a_change_of_occupant_is_listed_with_both_names_and_the_day() -> None:
    entry = AuditRecord(
        seq=7, at=datetime(2024, 5, 1, 2, tzinfo=UTC), username="wang",
        action="occupant_changed", document_id=None, outcome="allowed", code=None,
        detail={"household": "A-1202", "occupancy_id": 3, "occupant": "孙丽",
                "moved_in": "2024-05-01", "previous_occupancy_id": 1,
                "previous_occupant": "李娜", "documents_recomputed": 3,
                "documents_attached": 0},
        prev_hash="0" * 64, hash="1" * 64)
    console = Console(record=True, width=400)
    console.print(audit_table([entry], UTC, names={"wang": "王芳"}))
    listed = console.export_text()
    assert "occupant_changed (住户变更)" in listed  # the code, and the page's name
    assert "王芳（wang）" in listed  # who did it, by name
    assert ("household=A-1202; occupancy_id=3; occupant=孙丽; moved_in=2024-05-01; "
            "previous_occupancy_id=1; previous_occupant=李娜") in listed


def test_a_refused_entry_says_why_in_the_words_of_the_audit_log_page_beside_its_code(
        ) -> None:
    """As the audit log page says it: the first sentence of the action's page's words (of
    the person refused, where that page speaks to them), the service's English sentence
    left in the detail; a code no page words stays a code."""
    def refused(seq: int, action: str, code: str, reason: str) -> AuditRecord:
        return AuditRecord(
            seq=seq, at=datetime(2024, 5, 1, 2, tzinfo=UTC), username="wang", action=action,
            document_id=None, outcome="refused", code=code, detail={"reason": reason},
            prev_hash="0" * 64, hash="1" * 64)

    console = Console(record=True, width=400)
    console.print(audit_table([
        refused(1, "loan_approved", "own_loan", "you may not approve your own loan"),
        refused(2, "corrected", "own_correction", "you may not decide your own correction"),
        refused(3, "loan_renewed", "renewals_exhausted", "no renewals left"),
        refused(4, "read_text", "an_old_code", "refused long ago"),
        refused(5, "download", "original_altered", "the original does not match its digest"),
        refused(6, "destruction_withheld", "on_hold", "")], UTC, names={}))
    listed = console.export_text()
    assert "refused (own_loan: 此人不能审批或办理自己的借阅。)" in listed
    assert ("refused (own_correction: 自己提出的更正不能由自己审批，须由另一位审批人处理。)"
            in listed)
    assert "refused (renewals_exhausted: 这笔借阅已经续借到最多次数，不能再续借。)" in listed
    assert "请按期归还" not in listed  # what to do next is for the person refused
    assert "refused (an_old_code)" in listed
    assert "refused (original_altered: 原件被改动)" in listed  # what a fixity check found
    assert "refused (on_hold: 处于法律保全中，不能销毁)" in listed  # a register's item
    assert "reason=you may not approve your own loan" in listed
