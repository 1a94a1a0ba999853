"""Corrections on both engines (D6): new versions with who, when, why; manager approval."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import date, timedelta

import pytest

from services.common.auth import Principal
from services.common.contracts.corrections import (
    Correction,
    CorrectionCount,
    OccupancyCorrectionRequest,
)
from services.common.contracts.households import OccupancyChanges
from services.common.contracts.operations import TransferRequest
from services.common.contracts.registry import DocumentCorrected, SecurityChanged
from services.common.errors import Conflict, Forbidden, ValidationFailed
from services.registry.corrections.models import (
    CorrectionFilters,
    CorrectionRequest,
    MetadataChanges,
)
from services.registry.holds.models import HoldRequest
from services.registry.households.models import NewHousehold, NewOccupant
from services.registry.journal.models import AuditQuery
from tests.contract.registry.conftest import ARCHIVIST, MANAGER, Registry
from tests.support.registry import INGEST


def _fix(reason: str = "扫描时标题录错", base_version: int | None = None,
         **changes: object) -> CorrectionRequest:
    return CorrectionRequest(changes=MetadataChanges(**changes),  # type: ignore[arg-type]
                             reason=reason, base_version=base_version)


async def test_a_correction_adds_a_version_and_keeps_the_previous_one(
        registry: Registry) -> None:
    filed = await registry.file(title="关于空调维修的函")
    registry.clock.advance(timedelta(hours=2))
    applied = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="关于空调漏水维修的函"))
    versions = await registry.services.catalogue.history(ARCHIVIST, filed.document_id)
    assert applied.status == "applied"
    assert [(v.version, v.metadata["title"]) for v in versions] == [
        (1, "关于空调维修的函"), (2, "关于空调漏水维修的函")]
    second = versions[1]
    assert (second.changed_by, second.changed_at, second.reason) == (
        "wang", registry.clock.now(), "扫描时标题录错")
    assert second.changes == {"title": ["关于空调维修的函", "关于空调漏水维修的函"]}


async def test_a_correction_of_the_category_recomputes_retention(registry: Registry) -> None:
    filed = await registry.file(category="repair", filed_at=date(2020, 5, 1))
    await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                _fix(category="contract"))
    record = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    assert (record.category, record.retention_class, record.disposal_due) == (
        "contract", "permanent", None)


async def test_correcting_a_working_document_waits_for_a_managers_approval(
        registry: Registry) -> None:
    filed = await registry.file(working=True, title="二装审批表")
    pending = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="二次装修审批表"))
    unchanged = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    approved = await registry.services.corrections.approve(MANAGER, pending.correction_id,
                                                           note="同意")
    versions = await registry.services.catalogue.history(ARCHIVIST, filed.document_id)
    assert (pending.status, unchanged.title) == ("pending", "二装审批表")
    assert (approved.status, approved.decided_by) == ("applied", "zhou")
    assert (versions[-1].changed_by, versions[-1].approved_by) == ("wang", "zhou")


async def test_a_pending_correction_is_answered_as_the_queue_lists_it(
        registry: Registry) -> None:
    """The answer to the request names who approves it, as GET /registry/corrections
    does, and the document as it stands (not yet changed)."""
    filed = await registry.file(household="A-1201", category="repair",
                                filed_at=date(2024, 3, 1))
    asked = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(reason="归错了户", household="A-1202"))
    [listed] = await registry.services.corrections.corrections(
        ARCHIVIST, CorrectionFilters(status="pending", document_id=filed.document_id),
        limit=10)
    assert (asked.status, asked.approvers) == ("pending", ["manager"])
    assert asked.approvers == listed.approvers
    assert asked.document == listed.document
    assert asked.document is not None
    assert asked.document.current == {"household": "A-1201"}


async def test_nobody_approves_their_own_correction(registry: Registry) -> None:
    both = Principal(username="sun", roles=("archivist", "manager"), clearance="secret")
    filed = await registry.file(working=True)
    pending = await registry.services.corrections.request(both, filed.document_id,
                                                          _fix(title="新标题"))
    with pytest.raises(Forbidden) as refused:
        await registry.services.corrections.approve(both, pending.correction_id, note=None)
    assert refused.value.code == "own_correction"


async def test_a_correction_approved_after_the_document_changed_is_stale(
        registry: Registry) -> None:
    filed = await registry.file(working=True)
    first = await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                        _fix(title="第一次更正"))
    second = await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                         _fix(title="第二次更正"))
    await registry.services.corrections.approve(MANAGER, first.correction_id, note=None)
    with pytest.raises(Conflict) as refused:
        await registry.services.corrections.approve(MANAGER, second.correction_id, note=None)
    assert refused.value.code == "stale_correction"


async def test_a_correction_of_security_is_announced_as_security_changed(
        registry: Registry) -> None:
    filed = await registry.file()
    before = (await registry.services.journal.changes(INGEST, after=0, limit=100)).last_seq
    await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                _fix(security="confidential"))
    await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                _fix(title="另一个标题"))
    events = [c.event for c in (await registry.services.journal.changes(
        INGEST, after=before, limit=100)).changes]
    assert [type(e) for e in events] == [SecurityChanged, DocumentCorrected]
    assert isinstance(events[0], SecurityChanged)
    assert (events[0].previous_security, events[0].document.security) == (
        "ordinary", "confidential")


DIRECTOR = Principal(username="zhao", roles=("director",), clearance="secret")
CENTER_HEAD = Principal(username="chen", roles=("center_head",), clearance="secret")


@pytest.mark.parametrize("lowering", [{"security": "ordinary"}, {"personal_info": False}],
                         ids=["security", "personal_info"])
async def test_lowering_protection_waits_for_a_director_or_centre_head(
        registry: Registry, lowering: dict[str, object]) -> None:
    filed = await registry.file(security="confidential", personal_info=True)
    asked = await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                        _fix(reason="定密有误", **lowering))
    unchanged = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    with pytest.raises(Forbidden) as by_manager:
        await registry.services.corrections.approve(MANAGER, asked.correction_id, note=None)
    approved = await registry.services.corrections.approve(CENTER_HEAD, asked.correction_id,
                                                           note=None)
    lowered = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    assert (asked.status, unchanged.version, by_manager.value.code) == (
        "pending", 1, "role_required")
    assert (approved.status, approved.decided_by, lowered.version) == ("applied", "chen", 2)
    assert {name: getattr(lowered, name) for name in lowering} == lowering


async def test_raising_protection_applies_at_once_even_on_a_working_document(
        registry: Registry) -> None:
    filed = await registry.file(working=True)
    applied = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(security="secret", personal_info=True))
    assert applied.status == "applied"


async def test_a_director_cannot_approve_their_own_lowering(registry: Registry) -> None:
    requester = Principal(username="zhao", roles=("archivist", "director"),
                          clearance="secret")
    filed = await registry.file(security="secret")
    asked = await registry.services.corrections.request(requester, filed.document_id,
                                                        _fix(security="ordinary"))
    with pytest.raises(Forbidden) as refused:
        await registry.services.corrections.approve(DIRECTOR, asked.correction_id, note=None)
    assert refused.value.code == "own_correction"


async def test_a_correction_written_against_an_older_version_is_refused_and_undoes_nothing(
        registry: Registry) -> None:
    filed = await registry.file(title="关于空调维修的函")
    registry.clock.advance(timedelta(minutes=5))
    await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="关于空调漏水维修的函", base_version=1))
    other = Principal(username="liwen", roles=("archivist",), clearance="secret")
    with pytest.raises(Conflict) as refused:
        await registry.services.corrections.request(
            other, filed.document_id,
            _fix(title="关于空调维修的函", filed_at=date(2024, 5, 2), base_version=1))
    record = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    assert refused.value.code == "stale_correction"
    assert refused.value.extra == {"version": 2, "changed_by": "wang",
                                   "changed_at": registry.clock.now().isoformat()}
    assert (record.version, record.title) == (2, "关于空调漏水维修的函")
    queued = await registry.services.corrections.corrections(
        ARCHIVIST, CorrectionFilters(document_id=filed.document_id), limit=10)
    assert len(queued) == 1


async def test_a_stale_form_cannot_ask_to_lower_a_level_raised_meanwhile(
        registry: Registry) -> None:
    filed = await registry.file()
    await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(security="confidential", base_version=1))
    with pytest.raises(Conflict) as refused:
        await registry.services.corrections.request(
            ARCHIVIST, filed.document_id,
            _fix(title="新标题", security="ordinary", base_version=1))
    pending = await registry.services.corrections.corrections(
        ARCHIVIST, CorrectionFilters(status="pending", document_id=filed.document_id),
        limit=10)
    assert (refused.value.code, pending) == ("stale_correction", [])


async def test_a_correction_written_against_the_current_version_applies(
        registry: Registry) -> None:
    filed = await registry.file()
    applied = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="新标题", base_version=1))
    assert (applied.status, applied.version) == ("applied", 2)


async def test_an_approval_is_audited_under_the_approver_naming_the_proposer(
        registry: Registry) -> None:
    filed = await registry.file(working=True, title="二装审批表")
    pending = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="二次装修审批表"))
    await registry.services.corrections.approve(MANAGER, pending.correction_id, note="同意")
    by_approver = await registry.services.journal.entries(
        INGEST, AuditQuery(username="zhou", action="corrected"))
    by_proposer = await registry.services.journal.entries(
        INGEST, AuditQuery(username="wang", action="corrected"))
    assert [entry.document_id for entry in by_approver] == [filed.document_id]
    assert (by_approver[0].detail["requested_by"], by_approver[0].detail["approved_by"]) == (
        "wang", "zhou")
    assert by_proposer == []


async def test_a_correction_keeps_the_values_it_replaced(registry: Registry) -> None:
    filed = await registry.file(working=True, title="二装审批表")
    pending = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="二次装修审批表", personal_info=True))
    await registry.services.corrections.approve(MANAGER, pending.correction_id, note=None)
    [listed] = await registry.services.corrections.corrections(
        ARCHIVIST, CorrectionFilters(status="applied", document_id=filed.document_id),
        limit=10)
    assert pending.before == {"title": "二装审批表", "personal_info": False}
    assert listed.before == pending.before
    assert listed.document is not None
    assert listed.document.current == {"title": "二次装修审批表", "personal_info": True}


async def test_a_corrected_year_and_category_renumber_the_document_keeping_its_former_number(
        registry: Registry) -> None:
    """D11: the tester's 2002 complaint that was a 2020 decoration file."""
    filed = await registry.file(household="B-0502", category="complaint",
                                filed_at=date(2002, 3, 4))
    before = (await registry.services.journal.changes(INGEST, after=0, limit=100)).last_seq
    await registry.services.corrections.request(
        ARCHIVIST, filed.document_id,
        _fix(reason="按原件核对", category="decoration", filed_at=date(2020, 3, 4)))
    record = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    versions = await registry.services.catalogue.history(ARCHIVIST, filed.document_id)
    [event] = [c.event for c in (await registry.services.journal.changes(
        INGEST, after=before, limit=100)).changes]
    [corrected] = [entry for entry in await registry.services.journal.document_trail(
        ARCHIVIST, filed.document_id) if entry.action == "corrected"]
    assert filed.archive_no == "2002-complaint-B-0502-0001"
    assert (record.archive_no, record.former_archive_nos) == (
        "2020-decoration-B-0502-0001", ["2002-complaint-B-0502-0001"])
    assert versions[-1].changes["archive_no"] == [filed.archive_no, record.archive_no]
    assert isinstance(event, DocumentCorrected)
    assert event.document.former_archive_nos == [filed.archive_no]
    assert (corrected.detail["archive_no"], corrected.detail["former_archive_no"]) == (
        record.archive_no, filed.archive_no)
    # The former number stays in its series for good: no gap, and never given again.
    assert (await registry.services.fixity.numbering()).clean
    again = await registry.file(household="B-0502", category="complaint",
                                filed_at=date(2002, 5, 6))
    assert again.archive_no == "2002-complaint-B-0502-0002"


async def test_a_correction_of_the_date_within_its_year_keeps_the_number(
        registry: Registry) -> None:
    filed = await registry.file(filed_at=date(2024, 5, 18))
    await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                _fix(filed_at=date(2024, 6, 1)))
    record = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    assert (record.archive_no, record.former_archive_nos) == (filed.archive_no, [])


async def test_a_document_moved_to_another_household_waits_for_a_manager_then_is_numbered_there(
        registry: Registry) -> None:
    """D11: the misfiled document leaves the wrong household's file on approval."""
    misfiled = await registry.file(household="A-1201", category="repair",
                                   filed_at=date(2024, 3, 1))
    await registry.file(household="A-1202", category="repair", filed_at=date(2024, 1, 5))
    asked = await registry.services.corrections.request(
        ARCHIVIST, misfiled.document_id, _fix(reason="归错了户", household="A-1202"))
    unchanged = await registry.services.catalogue.read(ARCHIVIST, misfiled.document_id)
    approved = await registry.services.corrections.approve(MANAGER, asked.correction_id,
                                                           note="核对无误")
    moved = await registry.services.catalogue.read(ARCHIVIST, misfiled.document_id)
    files = {household: [record.document_id for record in
                         await registry.services.catalogue.list_file(
                             ARCHIVIST, household=household, limit=10, offset=0)]
             for household in ("A-1201", "A-1202")}
    assert (asked.status, unchanged.household, unchanged.archive_no) == (
        "pending", "A-1201", "2024-repair-A-1201-0001")
    assert approved.status == "applied"
    assert (moved.household, moved.archive_no, moved.former_archive_nos) == (
        "A-1202", "2024-repair-A-1202-0002", ["2024-repair-A-1201-0001"])
    assert misfiled.document_id not in files["A-1201"]
    assert misfiled.document_id in files["A-1202"]
    versions = await registry.services.catalogue.history(ARCHIVIST, misfiled.document_id)
    assert (versions[-1].changes["household"], versions[-1].approved_by) == (
        ["A-1201", "A-1202"], "zhou")


async def test_a_move_to_a_household_not_yet_there_makes_it_as_filing_does(
        registry: Registry) -> None:
    misfiled = await registry.file(household="A-1201", working=False)
    asked = await registry.services.corrections.request(
        ARCHIVIST, misfiled.document_id, _fix(reason="归错了户", household="C-0808"))
    await registry.services.corrections.approve(MANAGER, asked.correction_id, note=None)
    moved = await registry.services.catalogue.read(ARCHIVIST, misfiled.document_id)
    assert (moved.household, moved.archive_no) == (
        "C-0808", "2024-correspondence-C-0808-0001")


@pytest.mark.parametrize(("household", "code"), [("a1202", "invalid_household"),
                                                  (None, "household_required")])
async def test_a_move_to_no_or_an_ill_written_household_is_refused_when_asked(
        registry: Registry, household: str | None, code: str) -> None:
    filed = await registry.file(household="A-1201")
    with pytest.raises(ValidationFailed) as refused:
        await registry.services.corrections.request(
            ARCHIVIST, filed.document_id, _fix(household=household))
    assert refused.value.code == code


async def test_only_a_manager_approves_a_move_to_another_household(registry: Registry) -> None:
    filed = await registry.file(household="A-1201")
    asked = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(household="A-1202"))
    with pytest.raises(Forbidden) as by_director:
        await registry.services.corrections.approve(DIRECTOR, asked.correction_id, note=None)
    assert by_director.value.code == "role_required"
    assert "another household" in str(by_director.value)


COMPLIANCE = Principal(username="qian", roles=("compliance",), clearance="secret")


@pytest.mark.parametrize("changes", [{"household": "A-1202"}, {"category": "complaint"}])
async def test_a_held_document_keeps_its_household_and_category(
        registry: Registry, changes: dict[str, object]) -> None:
    """R7: moved out of the household (or category) a hold covers, it would be free to be
    swept and destroyed; other fields are corrected as usual."""
    held = await registry.file(household="A-1201", category="repair", working=False)
    await registry.services.holds.place(COMPLIANCE, HoldRequest(reason="诉讼保全",
                                                                household="A-1201"))
    with pytest.raises(Conflict) as refused:
        await registry.services.corrections.request(ARCHIVIST, held.document_id,
                                                    _fix(**changes))
    limit = (await registry.services.catalogue.permissions(
        ARCHIVIST, held.document_id)).correction_limit
    retitled = await registry.services.corrections.request(
        ARCHIVIST, held.document_id, _fix(title="关于漏水维修的函"))
    record = await registry.services.catalogue.read(ARCHIVIST, held.document_id)
    assert (refused.value.code, refused.value.extra) == ("on_hold", {"fields": list(changes)})
    assert "legal hold (R7)" in str(refused.value)
    assert limit is not None  # the form is told before the person asks
    assert (limit.code, limit.fields, limit.closed) == ("on_hold", ["category", "household"],
                                                        False)
    assert retitled.status == "applied"
    assert (record.household, record.category, record.title) == (
        "A-1201", "repair", "关于漏水维修的函")


async def test_a_move_asked_before_a_hold_is_not_approved_while_it_stands(
        registry: Registry) -> None:
    misfiled = await registry.file(household="A-1201", working=False)
    asked = await registry.services.corrections.request(
        ARCHIVIST, misfiled.document_id, _fix(reason="归错了户", household="A-1202"))
    await registry.services.holds.place(COMPLIANCE, HoldRequest(
        reason="诉讼保全", documents=[misfiled.document_id]))
    with pytest.raises(Conflict) as refused:
        await registry.services.corrections.approve(MANAGER, asked.correction_id, note=None)
    record = await registry.services.catalogue.read(ARCHIVIST, misfiled.document_id)
    assert refused.value.code == "on_hold"
    assert refused.value.extra == {"fields": ["household"]}
    assert (record.household, record.archive_no) == ("A-1201", misfiled.archive_no)


async def test_the_proposer_withdraws_a_pending_correction_which_leaves_the_queue(
        registry: Registry) -> None:
    filed = await registry.file(working=True, title="二装审批表")
    pending = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="二次装修审批表"))
    waiting_before = await registry.services.corrections.awaiting_count(MANAGER)
    withdrawn = await registry.services.corrections.withdraw(ARCHIVIST, pending.correction_id)
    waiting_after = await registry.services.corrections.awaiting_count(MANAGER)
    record = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    audited = await registry.services.journal.entries(
        INGEST, AuditQuery(username="wang", action="correction_withdrawn"))
    with pytest.raises(Conflict) as again:
        await registry.services.corrections.approve(MANAGER, pending.correction_id, note=None)
    assert (withdrawn.status, withdrawn.decided_by) == ("withdrawn", "wang")
    assert (waiting_before.awaiting, waiting_after.awaiting) == (1, 0)
    assert (record.title, record.version) == ("二装审批表", filed.version)
    assert [entry.detail["correction_id"] for entry in audited] == [pending.correction_id]
    assert again.value.code == "invalid_transition"


async def test_the_same_correction_asked_twice_at_once_waits_once(registry: Registry) -> None:
    """A double click on 提交 (or two archivists asking the same at the same moment): one
    correction waits, the other answer names it; approvers decide it once."""
    filed = await registry.file(working=True, title="二装审批表")
    other = Principal(username="sun", roles=("archivist",), clearance="secret")
    asked = [registry.services.corrections.request(
        who, filed.document_id, _fix(title="二次装修审批表", base_version=filed.version))
        for who in (ARCHIVIST, ARCHIVIST, other)]
    results = await asyncio.gather(*asked, return_exceptions=True)
    (waiting,) = [result for result in results if isinstance(result, Correction)]
    refused = [result for result in results if isinstance(result, Conflict)]
    assert [(r.code, r.extra["correction_id"]) for r in refused] == [
        ("correction_pending", waiting.correction_id)] * 2
    assert (await registry.services.corrections.awaiting_count(MANAGER)).awaiting == 1


async def test_a_different_correction_of_a_document_waiting_for_one_waits_too(
        registry: Registry) -> None:
    filed = await registry.file(working=True, title="二装审批表")
    first = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="二次装修审批表"))
    second = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, _fix(title="二次装修审批表（B栋）"))
    assert (first.status, second.status) == ("pending", "pending")


async def test_only_the_proposer_withdraws_and_only_while_pending(registry: Registry) -> None:
    filed = await registry.file(working=True)
    pending = await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                          _fix(title="新标题"))
    with pytest.raises(Forbidden) as not_theirs:
        await registry.services.corrections.withdraw(MANAGER, pending.correction_id)
    await registry.services.corrections.approve(MANAGER, pending.correction_id, note=None)
    with pytest.raises(Conflict) as decided:
        await registry.services.corrections.withdraw(ARCHIVIST, pending.correction_id)
    assert not_theirs.value.code == "not_proposer"
    assert decided.value.code == "invalid_transition"


async def test_the_count_is_of_the_corrections_the_list_shows_the_caller_on_every_page(
        registry: Registry) -> None:
    """A correction of a document above the caller's clearance, or of an occupancy of a
    household only such documents made (D12, D1), is neither listed nor counted."""
    corrections, households = registry.services.corrections, registry.services.households
    for number in range(3):
        ordinary = await registry.file(working=True)
        await corrections.request(ARCHIVIST, ordinary.document_id, _fix(title=f"题名{number}"))
    secret = await registry.file(working=True, security="secret", household="A-1209")
    await corrections.request(ARCHIVIST, secret.document_id, _fix(title="机密的题名"))
    registered = await households.create(ARCHIVIST, NewHousehold(
        household="A-1202", occupant="张伟", moved_in=date(2020, 3, 1)))
    hidden = await households.change_occupant(ARCHIVIST, "A-1209", NewOccupant(
        occupant="李娜", moved_in=date(2021, 4, 1)))
    for household in (registered, hidden):
        await corrections.request_occupancy(
            ARCHIVIST, household.household, household.occupants[0].occupancy_id,
            OccupancyCorrectionRequest(changes=OccupancyChanges(occupant="李娅"),
                                       reason="录错"))
    low = Principal(username="wu", roles=("manager",), clearance="ordinary")

    def counted(who: Principal) -> Awaitable[CorrectionCount]:
        return corrections.count(who, CorrectionFilters(status="pending"))

    async def paged(who: Principal) -> list[str]:
        return [correction.correction_id for offset in range(0, 8, 2)
                for correction in await corrections.corrections(
                    who, CorrectionFilters(status="pending"), limit=2, offset=offset)]

    every = {who.username: await paged(who) for who in (MANAGER, low)}
    assert ((await counted(MANAGER)).count, len(set(every["zhou"]))) == (6, 6)
    assert ((await counted(low)).count, len(set(every["wu"]))) == (4, 4)
    assert set(every["wu"]) < set(every["zhou"])
    assert (await corrections.count(low, CorrectionFilters(requested_by="wang"))).count == 4
    assert (await corrections.count(
        low, CorrectionFilters(status="pending", document_id=secret.document_id))).count == 0


async def _transferred_out(registry: Registry, filed_document_id: str) -> None:
    await registry.services.transfers.create(ARCHIVIST, TransferRequest(
        recipient="某区档案馆", reason="移交区档案馆", documents=[filed_document_id]))


@pytest.mark.parametrize("changes", [{"category": "payment"}, {"household": "A-1202"},
                                     {"filed_at": date(2023, 5, 1)}])
async def test_a_transferred_document_keeps_its_filing_and_number(
        registry: Registry, changes: dict[str, object]) -> None:
    """Its paper left under its archive number, as the transfer list names it: a new
    category, household or year would renumber a file the archive no longer has, and
    move it between the statistics' columns (O2). Its title is still put right."""
    sent = await registry.file(household="A-1201", category="decoration", working=False)
    await _transferred_out(registry, sent.document_id)
    with pytest.raises(Conflict) as refused:
        await registry.services.corrections.request(ARCHIVIST, sent.document_id,
                                                    _fix(**changes))
    retitled = await registry.services.corrections.request(
        ARCHIVIST, sent.document_id, _fix(title="装修申请表（二）"))
    record = await registry.services.catalogue.read(ARCHIVIST, sent.document_id)
    assert (refused.value.code, refused.value.extra) == (
        "already_transferred", {"fields": list(changes)})
    assert sent.archive_no in str(refused.value)
    assert retitled.status == "applied"
    assert (record.category, record.household, record.filed_at, record.archive_no,
            record.title) == ("decoration", "A-1201", sent.filed_at, sent.archive_no,
                              "装修申请表（二）")


async def test_a_move_asked_before_the_transfer_is_not_approved_after_it(
        registry: Registry) -> None:
    misfiled = await registry.file(household="A-1201", working=False)
    asked = await registry.services.corrections.request(
        ARCHIVIST, misfiled.document_id, _fix(reason="归错了户", household="A-1202"))
    await _transferred_out(registry, misfiled.document_id)
    with pytest.raises(Conflict) as refused:
        await registry.services.corrections.approve(MANAGER, asked.correction_id, note=None)
    record = await registry.services.catalogue.read(ARCHIVIST, misfiled.document_id)
    assert refused.value.code == "already_transferred"
    assert (record.household, record.archive_no) == ("A-1201", misfiled.archive_no)


async def test_a_destroyed_documents_record_is_corrected_no_more(registry: Registry) -> None:
    """The same rule as a transfer's (``correction_limit``), answered as other refusals
    of a correction are: 409, and a correction asked before is not approved after."""
    doomed = await registry.file(household="A-1201", working=True)
    asked = await registry.services.corrections.request(ARCHIVIST, doomed.document_id,
                                                        _fix(title="二次装修审批表"))
    async with registry.services.store.transaction() as tx:
        await tx.documents.mark_destroyed(doomed.document_id, at=registry.clock.now())
    with pytest.raises(Conflict) as refused_now:
        await registry.services.corrections.request(ARCHIVIST, doomed.document_id,
                                                    _fix(title="新标题"))
    with pytest.raises(Conflict) as refused_later:
        await registry.services.corrections.approve(MANAGER, asked.correction_id, note=None)
    record = await registry.services.catalogue.read(ARCHIVIST, doomed.document_id)
    assert (refused_now.value.code, refused_later.value.code) == (
        "document_destroyed", "document_destroyed")
    assert (record.title, record.version) == (doomed.title, doomed.version)
