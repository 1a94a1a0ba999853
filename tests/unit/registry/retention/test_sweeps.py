"""Sweeps (登记造册, R2) on both engines: what is due, what is left out, dry runs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.common.contracts.lending import LoanRequest
from services.common.contracts.retention import SweepRequest
from services.common.errors import Conflict, ValidationFailed
from services.registry.holds.models import HoldRequest
from services.registry.households.models import NewHousehold
from tests.unit.registry.retention.conftest import START, Retention, person

TODAY = START.date()


def _ids(sweep: object) -> set[str]:
    return {item.document_id for item in sweep.items}  # type: ignore[attr-defined]


async def test_a_sweep_lists_exactly_the_documents_past_retention_for_each_class(
        retention: Retention) -> None:
    due = [  # oldest due first
        await retention.file(category="repair", filed_at=date(2012, 3, 1)),    # short: 2022-03-01
        await retention.file(category="payment", filed_at=date(1994, 5, 1)),   # long: 2024-05-01
        await retention.file(category="visit", filed_at=date(2014, 6, 3)),     # short: today
    ]
    await retention.file(category="contract", filed_at=date(1980, 1, 1))       # permanent
    await retention.file(category="payment", filed_at=date(2000, 1, 1))        # long: 2030
    await retention.file(category="repair", filed_at=date(2014, 6, 4))         # short: tomorrow
    sweep = await retention.sweep()
    assert (sweep.status, sweep.as_of) == ("appraisal", TODAY)
    assert [item.document_id for item in sweep.items] == [d.document_id for d in due]
    assert [(i.archive_no, i.category, i.disposal_due) for i in sweep.items] == [
        (d.archive_no, d.category, d.disposal_due) for d in due]


async def test_a_closed_occupancys_documents_are_due_from_the_move_out(
        retention: Retention) -> None:
    await retention.services.households.create(person("wang"), NewHousehold(
        household="B-0301", occupant="恒通物流有限公司", moved_in=date(2000, 1, 1)))
    await retention.services.households.create(person("wang"), NewHousehold(
        household="B-0302", occupant="李娜", moved_in=date(2000, 1, 1)))
    recent_move = await retention.file(household="B-0301", filed_at=date(2005, 5, 1))
    old_move = await retention.file(household="B-0302", filed_at=date(2005, 5, 1))
    still_open = await retention.file(household="C-0101", filed_at=date(2005, 5, 1))
    await retention.services.households.move_out(person("wang"), "B-0301", date(2020, 1, 31))
    await retention.services.households.move_out(person("wang"), "B-0302", date(2012, 8, 31))
    sweep = await retention.sweep()
    assert _ids(sweep) == {old_move.document_id, still_open.document_id}
    assert recent_move.document_id not in _ids(sweep)


async def test_a_dry_run_lists_what_a_sweep_would_and_records_nothing(
        retention: Retention) -> None:
    document = await retention.file()
    dry = await retention.sweep(dry_run=True)
    assert (dry.sweep_id, dry.status, _ids(dry)) == (None, "dry_run", {document.document_id})
    assert await retention.services.sweeps.summaries(status=None, limit=10, offset=0) == []
    assert await retention.audit(username="qian") == []
    assert _ids(await retention.sweep()) == {document.document_id}


async def test_a_dry_run_may_look_ahead_but_a_sweep_may_not(retention: Retention) -> None:
    next_year = await retention.file(filed_at=date(2015, 1, 1))
    ahead = await retention.sweep(as_of=date(2025, 6, 3), dry_run=True)
    assert _ids(ahead) == {next_year.document_id}
    with pytest.raises(ValidationFailed) as refused:
        await retention.sweep(as_of=date(2025, 6, 3))
    assert refused.value.code == "as_of_in_future"
    assert "a dry run (archive sweep --dry-run, or dry_run=true) looks ahead" in (
        refused.value.detail)


async def test_a_document_already_in_a_sweep_is_not_swept_again(retention: Retention) -> None:
    first = await retention.file()
    await retention.sweep()
    second = await retention.file()
    assert _ids(await retention.sweep()) == {second.document_id}
    assert first.document_id not in _ids(await retention.sweep(dry_run=True))


async def test_a_rejected_sweep_releases_its_documents_to_the_next(
        retention: Retention) -> None:
    document = await retention.file()
    sweep = await retention.sweep()
    assert sweep.sweep_id is not None
    rejected = await retention.services.sweeps.reject(person("zhao"), sweep.sweep_id,
                                                       note="清单不全，重新登记")
    assert (rejected.status, [i.state for i in rejected.items]) == ("rejected", ["released"])
    assert _ids(await retention.sweep()) == {document.document_id}


async def test_categories_limit_what_a_sweep_lists(retention: Retention) -> None:
    repair = await retention.file(category="repair")
    await retention.file(category="visit")
    sweep = await retention.sweep(categories=["repair", "complaint"])
    assert _ids(sweep) == {repair.document_id}


@pytest.mark.parametrize("scope", ["documents", "household", "category", "both"])
async def test_a_held_document_is_not_swept(retention: Retention, scope: str) -> None:
    held = await retention.file(household="A-1201", category="repair")
    free = await retention.file(household="A-1202", category="visit")
    request = {
        "documents": HoldRequest(reason="诉讼保全", documents=[held.document_id]),
        "household": HoldRequest(reason="诉讼保全", household="A-1201"),
        "category": HoldRequest(reason="诉讼保全", category="repair"),
        "both": HoldRequest(reason="诉讼保全", household="A-1201", category="repair"),
    }[scope]
    await retention.services.holds.place(person("qian"), request)
    assert _ids(await retention.sweep()) == {free.document_id}


async def test_a_hold_covers_documents_filed_after_it(retention: Retention) -> None:
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="审计调阅", household="A-1201"))
    later = await retention.file(household="A-1201")
    assert later.document_id not in _ids(await retention.sweep(dry_run=True))


async def test_a_released_hold_lets_the_document_be_swept(retention: Retention) -> None:
    document = await retention.file()
    hold = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[document.document_id]))
    released = await retention.services.holds.release(person("qian"), hold.hold_id,
                                                       note="案件已结")
    assert (released.status, released.released_by) == ("released", "qian")
    assert _ids(await retention.sweep()) == {document.document_id}


async def test_a_document_out_on_loan_is_not_swept_and_the_sweep_names_it_to_chase(
        retention: Retention) -> None:
    """R2, B4: a document due that a loan has out is left out, and said so by its archive
    number (counted, unnamed, to a reader not cleared for it), or it would be forgotten
    until someone happens to sweep after its return."""
    lent = await retention.file(household="A-1201")
    secret = await retention.file(household="A-1203", security="secret")
    kept = await retention.file(household="A-1202")
    await retention.out_on_loan([lent])
    loan = await retention.services.lending.request(person("he"), LoanRequest(
        documents=[secret.document_id], kind="paper", purpose="核对", reason="诉讼"))
    for step in loan.approvals_needed:
        loan = await retention.services.lending.approve(
            person({"manager": "zhou", "director": "zhao", "archivist": "wang"}[step]),
            loan.loan_id, note=None)
    await retention.services.circulation.issue(person("sun"), loan.loan_id)
    preview = await retention.services.sweeps.start(person("ma"), SweepRequest(dry_run=True))
    sweep = await retention.sweep()
    assert _ids(sweep) == {kept.document_id}
    assert sorted(sweep.left_on_loan) == sorted([lent.archive_no, secret.archive_no])
    assert sorted(preview.left_on_loan) == ["", lent.archive_no]


async def test_starting_a_sweep_is_audited(retention: Retention) -> None:
    await retention.file()
    sweep = await retention.sweep()
    [entry] = await retention.audit(username="qian")
    assert (entry.action, entry.detail) == ("sweep_started", {
        "sweep_id": sweep.sweep_id, "as_of": TODAY.isoformat(), "items": 1})


async def test_a_sweep_with_nothing_due_is_refused_and_nothing_is_recorded(
        retention: Retention) -> None:
    await retention.file(category="contract")  # permanent
    lent = await retention.file()
    await retention.out_on_loan([lent])
    with pytest.raises(Conflict) as refused:
        await retention.sweep()
    assert (refused.value.code, refused.value.extra) == (
        "nothing_due", {"as_of": TODAY.isoformat(), "left_on_loan": [lent.archive_no]})
    assert await retention.services.sweeps.summaries(status=None, limit=10, offset=0) == []
    assert await retention.audit(username="qian") == []
    dry = await retention.sweep(dry_run=True)
    assert (dry.status, dry.items, dry.left_on_loan) == ("dry_run", [], [lent.archive_no])


async def _moved_out(retention: Retention, household: str, on: date) -> None:
    await retention.services.households.move_out(person("wang"), household, on)


async def test_a_document_released_as_no_longer_due_is_swept_again_when_due(
        retention: Retention) -> None:
    """R1/R2: its item left the old sweep, so the sweep that finds it due takes it."""
    await retention.occupied("B-0301")
    document = await retention.file(household="B-0301")
    first = await retention.approved([document])
    await _moved_out(retention, "B-0301", date(2024, 6, 1))  # due again 2034-06-01
    later = await retention.sweep(as_of=date(2034, 6, 1), dry_run=True)
    assert _ids(later) == {document.document_id}
    assert first.sweep_id is not None
    shown = await retention.services.sweeps.get(person("qian"), first.sweep_id)
    assert [i.state for i in shown.items] == ["no_longer_due"]


async def test_a_schedule_change_releases_an_item_under_appraisal_and_approval_goes_on(
        retention: Retention) -> None:
    from services.common.contracts.retention import RetentionYears
    from services.registry.schedule.models import ScheduleUpdate
    from services.registry.schedule.rules import DEFAULT_CLASSES

    repair = await retention.file(category="repair")
    visit = await retention.file(category="visit")
    sweep = await retention.sweep()
    await retention.appraise(sweep, visit, "destroy", "zhou", "qian")
    await retention.services.schedule.replace("qian", ScheduleUpdate(
        classes={**DEFAULT_CLASSES, "repair": "permanent"},
        years=RetentionYears(long=30, short=10)))
    assert sweep.sweep_id is not None
    approved = await retention.services.sweeps.approve(person("zhao"), sweep.sweep_id,
                                                       note=None)
    assert {i.document_id: (i.state, i.new_disposal_due) for i in approved.items} == {
        repair.document_id: ("no_longer_due", None), visit.document_id: ("waiting", None)}


async def test_a_due_date_moved_by_a_path_that_does_not_release_is_released_by_the_next_sweep(
        retention: Retention) -> None:
    """The release compares each open item with its document's due date as it stands, so
    a due date moved elsewhere (here in SQL) still frees the document for a new sweep."""
    document = await retention.file()
    first = await retention.sweep()
    await retention.sql("UPDATE documents SET disposal_due = :due WHERE document_id = :d",
                        due=date(2024, 6, 10), d=document.document_id)
    assert _ids(await retention.sweep(as_of=date(2024, 6, 10), dry_run=True)) == {
        document.document_id}
    retention.clock.advance(timedelta(days=7))
    second = await retention.sweep()
    assert first.sweep_id is not None
    old = await retention.services.sweeps.get(person("qian"), first.sweep_id)
    assert ([i.state for i in old.items], _ids(second)) == (
        ["no_longer_due"], {document.document_id})
    assert [e.username for e in await retention.audit(document_id=document.document_id)
            if e.action == "sweep_item_no_longer_due"] == ["qian"]


async def test_a_filing_date_correction_releases_the_item_it_makes_no_longer_due(
        retention: Retention) -> None:
    from services.registry.corrections.models import CorrectionRequest, MetadataChanges

    document = await retention.file()
    sweep = await retention.sweep()
    await retention.services.corrections.request(person("wang"), document.document_id,
                                                 CorrectionRequest(changes=MetadataChanges(
                                                     filed_at=date(2020, 3, 1)),
                                                     reason="归档日期录错"))
    assert sweep.sweep_id is not None
    shown = await retention.services.sweeps.get(person("qian"), sweep.sweep_id)
    assert [(i.state, i.new_disposal_due) for i in shown.items] == [
        ("no_longer_due", date(2030, 3, 1))]
