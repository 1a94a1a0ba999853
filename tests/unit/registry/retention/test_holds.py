"""Legal holds (R7) on both engines: their scope, their listing, their release."""

from __future__ import annotations

import asyncio
from datetime import date

import msgspec
import pytest

from services.common.contracts.retention import Hold, Tombstone
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.registry.holds.models import HoldFilters, HoldRequest
from tests.unit.registry.retention.conftest import Retention, person


@pytest.mark.parametrize("fields", [
    {}, {"documents": []}, {"documents": ["x"], "household": "A-1201"},
])
async def test_a_hold_names_documents_or_gives_a_household_or_category(
        retention: Retention, fields: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await retention.services.holds.place(person("qian"),
                                              HoldRequest(reason="保全", **fields))  # type: ignore[arg-type]
    assert refused.value.code == "hold_scope"


async def test_a_hold_on_documents_that_do_not_exist_is_refused(retention: Retention) -> None:
    with pytest.raises(NotFound) as refused:
        await retention.services.holds.place(person("qian"), HoldRequest(
            reason="保全", documents=["no-such-document"]))
    assert refused.value.extra == {"documents": ["no-such-document"]}


async def test_a_hold_names_documents_by_id_or_by_archive_number_in_any_case(
        retention: Retention) -> None:
    by_id = await retention.file(household="A-1201", category="repair")
    by_number = await retention.file(household="A-1201", category="repair")
    hold = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼", documents=[by_id.document_id, by_number.archive_no.lower()]))
    assert hold.documents == sorted([by_id.document_id, by_number.document_id])
    with pytest.raises(NotFound) as refused:
        await retention.services.holds.place(person("qian"), HoldRequest(
            reason="诉讼", documents=[by_id.archive_no, "2015-repair-A-1201-9999"]))
    assert refused.value.extra == {"documents": ["2015-repair-A-1201-9999"]}


async def test_the_same_hold_sent_twice_at_once_is_placed_once(retention: Retention) -> None:
    document = await retention.file(household="A-1201", category="repair")
    same = HoldRequest(reason="诉讼", documents=[document.document_id])
    results = await asyncio.gather(retention.services.holds.place(person("qian"), same),
                                   retention.services.holds.place(person("qian"), same),
                                   return_exceptions=True)
    (placed,) = [result for result in results if isinstance(result, Hold)]
    (refused,) = [result for result in results if isinstance(result, Conflict)]
    covering = await retention.services.holds.holds(
        person("qian"), HoldFilters(status="active", document_id=document.document_id),
        limit=10, offset=0)
    assert (refused.code, refused.extra["hold_id"]) == ("hold_exists", placed.hold_id)
    assert [hold.hold_id for hold in covering] == [placed.hold_id]


async def test_two_officers_placing_the_same_hold_at_once_place_one(retention: Retention
                                                                     ) -> None:
    document = await retention.file(household="A-1201", category="repair")
    same = HoldRequest(reason="诉讼：业主起诉漏水", household="A-1201")
    results = await asyncio.gather(
        *(retention.services.holds.place(person(officer), same)
          for officer in ("qian", "he") * 3), return_exceptions=True)
    (placed,) = [result for result in results if isinstance(result, Hold)]
    refused = [result for result in results if isinstance(result, Conflict)]
    covering = await retention.services.holds.holds(
        person("qian"), HoldFilters(status="active", document_id=document.document_id),
        limit=10, offset=0)
    assert {(r.code, r.extra["hold_id"]) for r in refused} == {("hold_exists", placed.hold_id)}
    assert len(refused) == 5
    assert [hold.hold_id for hold in covering] == [placed.hold_id]


async def test_a_hold_for_another_reason_or_after_a_release_is_placed(retention: Retention
                                                                      ) -> None:
    document = await retention.file(household="A-1201", category="repair")
    holds = retention.services.holds
    first = await holds.place(person("qian"), HoldRequest(
        reason="诉讼", documents=[document.document_id]))
    other = await holds.place(person("qian"), HoldRequest(
        reason="审计", documents=[document.document_id]))
    await holds.release(person("qian"), first.hold_id, note="结案")
    again = await holds.place(person("qian"), HoldRequest(
        reason="诉讼", documents=[document.document_id]))
    assert len({first.hold_id, other.hold_id, again.hold_id}) == 3


async def test_the_holds_covering_a_document_are_listed(retention: Retention) -> None:
    document = await retention.file(household="A-1201", category="repair")
    named = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼", documents=[document.document_id]))
    by_household = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="审计", household="A-1201"))
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="其他楼层", household="B-0301"))
    covering = await retention.services.holds.holds(
        person("qian"), HoldFilters(status="active", document_id=document.document_id),
        limit=10, offset=0)
    assert {h.hold_id for h in covering} == {named.hold_id, by_household.hold_id}


async def test_a_released_hold_cannot_be_released_again(retention: Retention) -> None:
    hold = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="保全", category="complaint"))
    await retention.services.holds.release(person("qian"), hold.hold_id, note=None)
    with pytest.raises(Conflict) as refused:
        await retention.services.holds.release(person("qian"), hold.hold_id, note=None)
    assert refused.value.code == "invalid_transition"


async def test_placing_a_hold_is_audited_on_each_named_document(retention: Retention) -> None:
    document = await retention.file()
    hold = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[document.document_id]))
    [entry] = await retention.audit(document_id=document.document_id, username="qian")
    assert (entry.action, entry.detail["hold_id"], entry.detail["reason"]) == (
        "hold_placed", hold.hold_id, "诉讼保全")


async def test_a_household_hold_s_own_entry_counts_no_documents_it_does_not_name(
        retention: Retention) -> None:
    """A hold's own entry counts the documents it names; a household or category hold
    names none, and its scope says what it holds ("户号：A-1201；文件：0" read as a hold of
    nothing, the household's documents held all the same)."""
    document = await retention.file(household="A-1201", category="repair")
    scoped = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="审计", household="A-1201"))
    named = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[document.document_id]))
    own = [entry for entry in await retention.audit(action="hold_placed")
           if entry.document_id is None]
    assert {entry.detail["hold_id"]: entry.detail.get("documents") for entry in own} == {
        scoped.hold_id: None, named.hold_id: 1}


async def test_releasing_a_hold_is_audited_on_each_named_document(
        retention: Retention) -> None:
    document = await retention.file()
    hold = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[document.document_id]))
    await retention.services.holds.release(person("he"), hold.hold_id, note="案件已结")
    entries = await retention.audit(document_id=document.document_id)
    assert [(e.action, e.username, e.detail["hold_id"]) for e in entries
            if e.action.startswith("hold_")] == [
        ("hold_placed", "qian", hold.hold_id), ("hold_released", "he", hold.hold_id)]


@pytest.mark.parametrize("scope", [{"household": "A-1201"}, {"category": "repair"},
                                   {"household": "A-1201", "category": "repair"}])
async def test_a_household_or_category_hold_is_on_the_audit_trail_of_each_document_it_covers(
        retention: Retention, scope: dict[str, str]) -> None:
    """R7, O4: placed and released, on documents filed before it and after it, and not
    on a document it does not cover; read as the page, the audit list and the route do."""
    before = await retention.file(household="A-1201", category="repair")
    hold = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="审计", **scope))  # type: ignore[arg-type]
    after = await retention.file(household="A-1201", category="repair")
    other = await retention.file(household="B-0301", category="complaint")
    await retention.services.holds.release(person("he"), hold.hold_id, note=None)
    for document in (before, after):
        trail = await retention.services.journal.document_trail(person("qian"),
                                                                 document.document_id)
        listed = await retention.audit(document_id=document.document_id)
        assert [(e.action, e.username, e.detail["hold_id"]) for e in trail
                if e.action.startswith("hold_")] == [
            ("hold_released", "he", hold.hold_id), ("hold_placed", "qian", hold.hold_id)]
        assert [e.action for e in listed if e.action.startswith("hold_")] == [
            "hold_placed", "hold_released"]
    assert not [e for e in await retention.audit(document_id=other.document_id)
                if e.action.startswith("hold_")]


async def test_each_active_hold_counts_the_documents_it_covers_now(
        retention: Retention) -> None:
    repair = await retention.file(household="A-1201", category="repair")
    await retention.file(household="A-1201", category="complaint")
    await retention.file(household="B-0301", category="repair")
    asked = {
        "named": HoldRequest(reason="诉讼", documents=[repair.document_id]),
        "household": HoldRequest(reason="审计", household="A-1201"),
        "both": HoldRequest(reason="审计", household="A-1201", category="repair"),
        "category": HoldRequest(reason="审计", category="repair"),
        "none_yet": HoldRequest(reason="诉讼", household="C-0101"),
    }
    placed = {name: await retention.services.holds.place(person("qian"), request)
              for name, request in asked.items()}
    counts = {"named": 1, "household": 2, "both": 1, "category": 2, "none_yet": 0}
    assert {name: hold.covers_now for name, hold in placed.items()} == counts
    await retention.file(household="C-0101", category="repair")  # R7: filed later, held
    listed = await retention.services.holds.holds(person("qian"), HoldFilters(),
                                                  limit=10, offset=0)
    by_id = {hold.hold_id: hold.covers_now for hold in listed}
    assert {name: by_id[hold.hold_id] for name, hold in placed.items()} == counts | {
        "category": 3, "none_yet": 1}
    released = await retention.services.holds.release(person("qian"),
                                                      placed["household"].hold_id, note=None)
    assert released.covers_now == 0


async def test_a_hold_naming_a_destroyed_document_is_refused_saying_when_and_by_whom(
        retention: Retention) -> None:
    destroyed = await retention.file(household="A-1201", category="repair")
    kept = await retention.file(household="A-1201", category="repair",
                                filed_at=date(2024, 3, 1))
    register = await retention.executed([destroyed])
    with pytest.raises(Conflict) as refused:
        await retention.services.holds.place(person("qian"), HoldRequest(
            reason="诉讼：装修纠纷证据", documents=[kept.document_id, destroyed.archive_no]))
    assert refused.value.code == "document_destroyed"
    assert refused.value.extra["archive_numbers"] == [destroyed.archive_no]
    [gone] = msgspec.convert(refused.value.extra["destroyed"], list[Tombstone])
    assert (gone.destruction_id, sorted(gone.witnesses), gone.destroyed_at) == (
        register.destruction_id, ["sun", "wang"], register.executed_at)
    assert destroyed.archive_no in refused.value.detail
    assert await retention.services.holds.holds(person("qian"), HoldFilters(),
                                                limit=10, offset=0) == []
