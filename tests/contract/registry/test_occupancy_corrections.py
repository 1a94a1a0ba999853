"""Corrections of a registered occupancy on both engines (D12): asked by an archivist,
in the one corrections queue, approved by a manager other than the requester; the
history, label, finder and documents' parts follow; the values before and after kept."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from services.common.auth import Principal
from services.common.contracts.corrections import OccupancyCorrectionRequest
from services.common.contracts.households import OccupancyChanges
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.registry.corrections.models import CorrectionFilters
from services.registry.households.models import NewHousehold, NewOccupant
from services.registry.journal.models import AuditQuery
from tests.contract.registry.conftest import ARCHIVIST, MANAGER, STAFF, Registry
from tests.support.registry import INGEST

OTHER_ARCHIVIST = Principal(username="zhao", roles=("archivist",), clearance="secret")
MANAGER_WHO_RECORDS = Principal(username="qian", roles=("manager", "archivist"),
                                clearance="secret")


async def _two_occupants(registry: Registry) -> tuple[int, int]:
    """A-1202: 张伟 2020-03-01 to 2023-05-01, then 李娜 to now; their occupancy ids."""
    households = registry.services.households
    created = await households.create(ARCHIVIST, NewHousehold(
        household="A-1202", occupant="张伟", moved_in=date(2020, 3, 1)))
    changed = await households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(
        occupant="李娜", moved_in=date(2023, 5, 1)))
    return created.occupants[0].occupancy_id, changed.occupants[1].occupancy_id


async def _ask(registry: Registry, occupancy_id: int, reason: str = "录入有误",
               principal: Principal = ARCHIVIST, **changes: object) -> str:
    correction = await registry.services.corrections.request_occupancy(
        principal, "A-1202", occupancy_id, OccupancyCorrectionRequest(
            changes=OccupancyChanges(**changes), reason=reason))  # type: ignore[arg-type]
    return correction.correction_id


async def test_a_misspelt_name_waits_in_the_queue_then_relabels_and_is_found(
        registry: Registry) -> None:
    _, li_na = await _two_occupants(registry)
    corrections = registry.services.corrections
    asked = await _ask(registry, li_na, occupant="李娅")
    waiting = await corrections.corrections(MANAGER, CorrectionFilters(status="pending"),
                                            limit=10)
    count = await corrections.awaiting_count(MANAGER)
    before = await registry.services.households.get(ARCHIVIST, "A-1202")
    applied = await corrections.approve(MANAGER, asked, note=None)
    after = await registry.services.households.get(ARCHIVIST, "A-1202")
    found = await registry.services.households.list_households(
        ARCHIVIST, building=None, floor=None, typed="李娅", limit=10, offset=0)
    assert [(c.correction_id, c.approvers, c.changes, c.before) for c in waiting] == [
        (asked, ["manager"], {"occupant": "李娅"},
         {"occupant": "李娜", "moved_in": "2023-05-01", "moved_out": None})]
    assert waiting[0].occupancy is not None
    assert waiting[0].occupancy.household == "A-1202"
    assert count.awaiting == 1
    assert before.label == "李娜"
    assert (applied.status, applied.decided_by) == ("applied", "zhou")
    assert (after.label, after.occupants[1].occupant) == ("李娅", "李娅")
    assert [h.household for h in found] == ["A-1202"]


async def test_the_same_correction_asked_twice_at_once_waits_once(registry: Registry
                                                                   ) -> None:
    """A double click on the confirmation (or two archivists asking the same at once):
    one correction waits, the other answer names it."""
    _, li_na = await _two_occupants(registry)
    results = await asyncio.gather(
        *(_ask(registry, li_na, principal=who, occupant="李娅")
          for who in (ARCHIVIST, ARCHIVIST, OTHER_ARCHIVIST)), return_exceptions=True)
    (asked,) = [result for result in results if isinstance(result, str)]
    refused = [result for result in results if isinstance(result, Conflict)]
    assert [(r.code, r.extra["correction_id"]) for r in refused] == [
        ("correction_pending", asked)] * 2
    assert (await registry.services.corrections.awaiting_count(MANAGER)).awaiting == 1


async def test_nobody_approves_their_own_and_only_a_manager_approves(
        registry: Registry) -> None:
    _, li_na = await _two_occupants(registry)
    corrections = registry.services.corrections
    asked = await _ask(registry, li_na, principal=MANAGER_WHO_RECORDS, occupant="李娅")
    refusals = []
    for principal in (MANAGER_WHO_RECORDS, OTHER_ARCHIVIST):
        with pytest.raises(Forbidden) as refused:
            await corrections.approve(principal, asked, note=None)
        refusals.append(refused.value.code)
    assert refusals == ["own_correction", "role_required"]
    assert (await corrections.approve(MANAGER, asked, note=None)).status == "applied"


async def test_a_corrected_move_in_moves_documents_between_parts_and_their_clocks(
        registry: Registry) -> None:
    """李娜 really moved in on 2023-03-01: a document of 2023-04 is hers, not 张伟's, and
    张伟's part, closing two months earlier, starts its documents' clocks then (R1)."""
    zhang_wei, li_na = await _two_occupants(registry)
    april = await registry.file(household="A-1202", filed_at=date(2023, 4, 1))
    older = await registry.file(household="A-1202", filed_at=date(2021, 1, 1))
    first = await _ask(registry, zhang_wei, moved_out=date(2023, 3, 1),
                       reason="退租日期录错")
    await registry.services.corrections.approve(MANAGER, first, note=None)
    second = await _ask(registry, li_na, moved_in=date(2023, 3, 1), reason="迁入日期录错")
    await registry.services.corrections.approve(MANAGER, second, note=None)
    catalogue = registry.services.catalogue
    moved, kept = (await catalogue.read(ARCHIVIST, april.document_id),
                   await catalogue.read(ARCHIVIST, older.document_id))
    versions = await catalogue.history(ARCHIVIST, older.document_id)
    assert (moved.occupancy_id, moved.retention_start) == (li_na, date(2023, 4, 1))
    assert (kept.occupancy_id, kept.retention_start) == (zhang_wei, date(2023, 3, 1))
    assert versions[-1].changes["retention_start"] == ["2023-05-01", "2023-03-01"]
    assert (versions[-1].reason, versions[-1].changed_by, versions[-1].approved_by) == (
        "退租日期录错", "wang", "zhou")


async def test_undoing_a_mistaken_move_out_makes_the_part_current_again(
        registry: Registry) -> None:
    households = registry.services.households
    created = await households.create(ARCHIVIST, NewHousehold(
        household="A-1202", occupant="张伟", moved_in=date(2020, 3, 1)))
    await households.move_out(ARCHIVIST, "A-1202", date(2024, 5, 1))
    filed = await registry.file(household="A-1202", filed_at=date(2021, 1, 1))
    asked = await _ask(registry, created.occupants[0].occupancy_id, moved_out=None,
                       reason="退租登记错了户")
    await registry.services.corrections.approve(MANAGER, asked, note=None)
    household = await households.get(ARCHIVIST, "A-1202")
    record = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    assert (household.label, household.occupied, household.occupants[0].moved_out) == (
        "张伟", True, None)
    assert record.retention_start == date(2021, 1, 1)


async def test_dates_that_break_the_history_are_refused_when_asked(registry: Registry) -> None:
    zhang_wei, li_na = await _two_occupants(registry)
    refusals = []
    for occupancy_id, changes in (
            (li_na, {"moved_in": date(2024, 6, 2)}),
            (zhang_wei, {"moved_in": date(2023, 6, 1)}),
            (li_na, {"moved_in": date(2023, 4, 1)}),
            (zhang_wei, {"moved_out": date(2023, 6, 1)}),
            (zhang_wei, {"moved_out": None}),
            (li_na, {"occupant": "李娜"})):
        with pytest.raises(ValidationFailed) as refused:
            await _ask(registry, occupancy_id, **changes)
        refusals.append(refused.value.code)
    assert refusals == ["date_in_future", "moved_in_after_moved_out", "overlaps_previous",
                        "overlaps_next", "overlaps_next", "no_changes"]
    assert await registry.services.corrections.corrections(
        MANAGER, CorrectionFilters(status="pending"), limit=10) == []


async def test_a_correction_of_an_occupancy_changed_since_is_stale(registry: Registry) -> None:
    """Asked against 李娜's open occupancy; before approval she is recorded as moved out."""
    _, li_na = await _two_occupants(registry)
    corrections = registry.services.corrections
    shown = OccupancyChanges(occupant="李娜", moved_in=date(2023, 5, 1), moved_out=None)
    asked = await corrections.request_occupancy(ARCHIVIST, "A-1202", li_na,
                                                OccupancyCorrectionRequest(
        changes=OccupancyChanges(moved_in=date(2023, 6, 1)), reason="迁入日期录错",
        shown=shown))
    await registry.services.households.move_out(ARCHIVIST, "A-1202", date(2024, 5, 1))
    with pytest.raises(Conflict) as stale_form:
        await corrections.request_occupancy(ARCHIVIST, "A-1202", li_na,
                                            OccupancyCorrectionRequest(
            changes=OccupancyChanges(occupant="李娅"), reason="名字录错", shown=shown))
    await registry.services.households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(
        occupant="孙丽", moved_in=date(2024, 5, 2)))
    asked_name = await _ask(registry, li_na, occupant="李娅")
    await registry.services.corrections.approve(MANAGER, asked_name, note=None)
    with pytest.raises(Conflict) as stale_approval:
        await corrections.approve(MANAGER, asked.correction_id, note=None)
    assert (stale_form.value.code, stale_form.value.status) == ("stale_correction", 409)
    assert stale_approval.value.code == "stale_correction"


async def test_a_household_hidden_from_the_caller_is_unknown(registry: Registry) -> None:
    """Made only by filing a secret document: staff may not know it exists (D1)."""
    await registry.file(household="A-1209", security="secret")
    with pytest.raises(NotFound) as refused:
        await registry.services.corrections.request_occupancy(
            STAFF, "A-1209", 1, OccupancyCorrectionRequest(
                changes=OccupancyChanges(occupant="李娅"), reason="录错"))
    assert refused.value.code == "unknown_household"


async def test_the_approval_is_audited_with_the_values_before_and_after(
        registry: Registry) -> None:
    zhang_wei, _ = await _two_occupants(registry)
    asked = await _ask(registry, zhang_wei, occupant="张玮", moved_in=date(2020, 3, 2))
    await registry.services.corrections.approve(MANAGER, asked, note="核对租约无误")
    entries = await registry.services.journal.entries(
        INGEST, AuditQuery(action="occupancy_corrected"))
    assert [(e.username, e.detail) for e in entries] == [("zhou", {
        "household": "A-1202", "occupancy_id": zhang_wei, "occupant": "张伟",
        "fields": ["moved_in", "occupant"],
        "moved_in_before": "2020-03-01", "occupant_before": "张伟",
        "moved_in_after": "2020-03-02", "occupant_after": "张玮",
        "requested_by": "wang", "approved_by": "zhou", "correction_id": asked,
        "documents_recomputed": 0, "documents_attached": 0})]


async def test_a_rejected_or_withdrawn_correction_changes_nothing(registry: Registry) -> None:
    _, li_na = await _two_occupants(registry)
    corrections = registry.services.corrections
    rejected = await corrections.reject(MANAGER, await _ask(registry, li_na, occupant="李娅"),
                                        note="租约上就是李娜")
    withdrawn = await corrections.withdraw(ARCHIVIST, await _ask(registry, li_na,
                                                                 occupant="李雅"))
    household = await registry.services.households.get(ARCHIVIST, "A-1202")
    assert (rejected.status, withdrawn.status) == ("rejected", "withdrawn")
    assert household.occupants[1].occupant == "李娜"
    assert (await corrections.awaiting_count(MANAGER)).awaiting == 0
