"""The rules of appraisal and destruction (R2–R6), pure."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest

from services.common.config import Settings
from services.common.contracts.retention import Appraisal
from services.common.errors import ValidationFailed
from services.registry.destruction.rules import register_label, witnesses_missing
from services.registry.schedule.rules import DEFAULT_RULES
from services.registry.sweeps.models import AppraisalRequest
from services.registry.sweeps.rules import (
    Agreement,
    agreement,
    checked_request,
    destroy_after,
    new_disposal_due,
)

AT = datetime(2024, 6, 3, tzinfo=UTC)
PEOPLE = {
    "zhou": (["manager"], "customer_service"),
    "gao": (["manager"], "engineering"),
    "qian": (["compliance"], "archive"),
    "he": (["compliance"], "customer_service"),
}


def opinion(appraiser: str, decision: str = "destroy", **fields: object) -> Appraisal:
    roles, department = PEOPLE[appraiser]
    return Appraisal(appraiser=appraiser, roles=roles, department=department,
                     decision=decision, opinion="意见", at=AT, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("category", "appraisers", "decided"), [
    ("repair", ["zhou"], False),
    ("repair", ["zhou", "qian"], True),
    ("repair", ["qian", "he"], False),             # R2: no manager among them
    ("engineering", ["zhou", "qian"], False),      # R4: nobody from engineering
    ("engineering", ["gao", "qian"], True),
    ("engineering", ["zhou", "gao"], True),
])
def test_an_item_is_decided_when_two_qualified_appraisers_agree(
        category: str, appraisers: list[str], decided: bool) -> None:
    found = agreement(category, [opinion(a) for a in appraisers])  # type: ignore[arg-type]
    assert (found is not None) == decided


def test_two_qualified_groups_that_disagree_leave_the_item_undecided() -> None:
    opinions = [opinion("zhou"), opinion("qian"), opinion("gao", "keep"), opinion("he", "keep")]
    assert agreement("repair", opinions) is None


def test_keep_details_are_part_of_what_is_agreed() -> None:
    opinions = [opinion("zhou", "keep", keep_until=date(2030, 1, 1)),
                opinion("qian", "keep", keep_until=date(2030, 1, 1))]
    assert agreement("repair", opinions) == Agreement(
        decision="keep", keep_until=date(2030, 1, 1), keep_class=None,
        appraisers=("qian", "zhou"))


@pytest.mark.parametrize(("agreed", "due"), [
    (Agreement("reappraise", None, None, ()), date(2025, 6, 3)),           # R3
    (Agreement("keep", None, None, ()), date(2034, 6, 3)),                 # a new short period
    (Agreement("keep", None, "long", ()), date(2054, 6, 3)),
    (Agreement("keep", date(2027, 1, 1), None, ()), date(2027, 1, 1)),
    (Agreement("keep", None, "permanent", ()), None),
])
def test_a_kept_document_is_due_again(agreed: Agreement, due: date | None) -> None:
    assert new_disposal_due(agreed, "short", DEFAULT_RULES, approved_on=date(2024, 6, 3)) == due


def test_approved_items_wait_the_configured_days() -> None:
    assert destroy_after(date(2024, 6, 3), wait_days=183) == date(2024, 12, 3)


def test_by_default_approved_items_wait_six_calendar_months_at_least() -> None:
    """R5 says six months: approved on 1 March, not destroyed before 1 September (183 days
    end on 31 August; six months run up to 184 days, March to August, July to
    December)."""
    wait_days = Settings().destruction_wait_days
    approvals = [date(2030, 1, 1) + timedelta(days=n) for n in range(366 * 4)]
    early = [day for day in approvals
             if destroy_after(day, wait_days=wait_days) < _six_months_after(day)]
    assert early == []
    assert destroy_after(date(2030, 3, 1), wait_days=wait_days) == date(2030, 9, 1)


def _six_months_after(day: date) -> date:
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@pytest.mark.parametrize(("witnesses", "missing"), [
    ([], 2), (["wang"], 1), (["wang", "wang"], 1), (["wang", "sun"], 0),
    (["wang", "sun", "qian"], 0),
])
def test_two_different_witnesses_are_needed(witnesses: list[str], missing: int) -> None:
    assert witnesses_missing(witnesses) == missing


@pytest.mark.parametrize(("fields", "code"), [
    ({"decision": "destroy", "keep_until": date(2030, 1, 1)}, "keep_details_without_keep"),
    ({"decision": "keep", "keep_until": date(2024, 6, 3)}, "keep_until_not_in_future"),
    ({"decision": "keep", "keep_until": date(2030, 1, 1), "keep_class": "permanent"},
     "permanent_with_date"),
])
def test_inconsistent_keep_details_are_refused(fields: dict[str, object], code: str) -> None:
    request = AppraisalRequest(document_id="d", opinion="意见", **fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed) as refused:
        checked_request(request, today=date(2024, 6, 3))
    assert refused.value.code == code


@pytest.mark.parametrize(("state", "reason", "label"), [
    ("destroyed", None, "已销毁"), ("pending", None, "待销毁"),
    ("withheld", "on_hold", "未销毁（法律保全）"), ("withheld", "on_loan", "未销毁（借出中）"),
])
def test_register_lines_read_in_chinese(state: str, reason: str | None, label: str) -> None:
    assert register_label(state, reason) == label  # type: ignore[arg-type]
