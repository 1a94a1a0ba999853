"""The occupants history on both engines (D2, D3): a change confirmed for an occupant who
is no longer current is refused, as is a day the registry's clock has not reached or a
new occupant on the day the current one moved in; the audit trail names the occupants."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common.auth import Principal
from services.common.contracts.households import Household
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.registry.corrections.models import CorrectionRequest, MetadataChanges
from services.registry.households.models import NewHousehold, NewOccupant
from services.registry.journal.models import AuditQuery
from tests.contract.registry.conftest import ARCHIVIST, Registry
from tests.support.registry import INGEST

OTHER_ARCHIVIST = Principal(username="zhao", roles=("archivist",), clearance="secret")
"""A second archivist recording a change of the same household."""

TODAY = date(2024, 6, 1)
"""The fixture's clock, 2024-06-01 09:00 UTC, is that day in Shanghai too."""


async def _opened(registry: Registry, household: str = "A-1202", occupant: str = "李娜",
                  moved_in: date = date(2020, 3, 1)) -> int:
    """The household with ``occupant`` living there; their occupancy's id."""
    created = await registry.services.households.create(ARCHIVIST, NewHousehold(
        household=household, occupant=occupant, moved_in=moved_in))
    return created.occupants[0].occupancy_id


def _history(household: Household) -> list[tuple[str, date, date | None]]:
    return [(o.occupant, o.moved_in, o.moved_out) for o in household.occupants]


async def test_a_second_new_occupant_confirmed_against_the_same_current_one_is_refused(
        registry: Registry) -> None:
    """Two archivists were both shown 李娜 as the occupant their new one replaces."""
    households = registry.services.households
    li_na = await _opened(registry)
    await households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(
        occupant="孙丽", moved_in=date(2024, 5, 1), closes=li_na))
    with pytest.raises(Conflict) as refused:
        await households.change_occupant(OTHER_ARCHIVIST, "A-1202", NewOccupant(
            occupant="孙莉", moved_in=date(2024, 5, 1), closes=li_na))
    household = await households.get(ARCHIVIST, "A-1202")
    sun_li = household.occupants[1]
    assert (refused.value.code, refused.value.status) == ("occupants_changed", 409)
    assert refused.value.extra == {"current_occupancy_id": sun_li.occupancy_id}
    assert "孙丽" in refused.value.detail
    assert _history(household) == [("李娜", date(2020, 3, 1), date(2024, 5, 1)),
                                   ("孙丽", date(2024, 5, 1), None)]
    assert household.label == "孙丽"


async def test_a_new_occupant_of_a_unit_shown_vacant_is_refused_once_someone_moved_in(
        registry: Registry) -> None:
    households = registry.services.households
    await households.create(ARCHIVIST, NewHousehold(household="A-1203"))
    await households.change_occupant(ARCHIVIST, "A-1203", NewOccupant(
        occupant="孙丽", moved_in=date(2024, 5, 1), closes=None))
    with pytest.raises(Conflict) as refused:
        await households.change_occupant(OTHER_ARCHIVIST, "A-1203", NewOccupant(
            occupant="孙莉", moved_in=date(2024, 5, 20), closes=None))
    assert refused.value.code == "occupants_changed"
    assert _history(await households.get(ARCHIVIST, "A-1203")) == [
        ("孙丽", date(2024, 5, 1), None)]


async def test_a_move_out_confirmed_for_an_occupant_no_longer_current_is_refused(
        registry: Registry) -> None:
    households = registry.services.households
    li_na = await _opened(registry)
    changed = await households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(
        occupant="孙丽", moved_in=date(2024, 5, 1)))
    with pytest.raises(Conflict) as refused:
        await households.move_out(OTHER_ARCHIVIST, "A-1202", date(2024, 5, 31), closes=li_na)
    moved = await households.move_out(OTHER_ARCHIVIST, "A-1202", date(2024, 5, 31),
                                      closes=changed.occupants[1].occupancy_id)
    assert refused.value.code == "occupants_changed"
    assert _history(moved) == [("李娜", date(2020, 3, 1), date(2024, 5, 1)),
                               ("孙丽", date(2024, 5, 1), date(2024, 5, 31))]


async def test_the_occupants_of_a_household_made_by_a_secret_filing_are_unknown_to_the_uncleared(
        registry: Registry) -> None:
    """D1, decided by the service in the change's own transaction, whoever calls it."""
    households = registry.services.households
    await registry.file(household="C-0101", security="secret")
    uncleared = Principal(username="low", roles=("archivist",), clearance="ordinary")
    refusals = []
    for attempt in (
            households.change_occupant(uncleared, "C-0101", NewOccupant(
                occupant="张伟", moved_in=date(2024, 5, 1))),
            households.move_out(uncleared, "C-0101", date(2024, 5, 1))):
        with pytest.raises(NotFound) as refused:
            await attempt
        refusals.append((refused.value.code, refused.value.detail))
    assert refusals == [("unknown_household", "no household C-0101")] * 2
    assert (await households.get(ARCHIVIST, "C-0101")).occupants == []
    moved_in = await households.change_occupant(ARCHIVIST, "C-0101", NewOccupant(
        occupant="张伟", moved_in=date(2024, 5, 1)))
    assert _history(moved_in) == [("张伟", date(2024, 5, 1), None)]


async def test_a_new_occupant_on_the_day_the_current_one_moved_in_is_refused(
        registry: Registry) -> None:
    """That day would go to the new occupant: the current one's part would hold none."""
    households = registry.services.households
    await _opened(registry, moved_in=date(2024, 5, 1))
    with pytest.raises(ValidationFailed) as refused:
        await households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(
            occupant="孙莉", moved_in=date(2024, 5, 1)))
    moved = await households.move_out(ARCHIVIST, "A-1202", date(2024, 5, 1))
    assert (refused.value.code, refused.value.status) == ("same_day_as_move_in", 422)
    assert "Check the date" in refused.value.detail
    assert "ask for a correction of it" in refused.value.detail
    assert "Department Head approves it (D12)" in refused.value.detail
    assert "System Administrator" not in refused.value.detail
    assert _history(moved) == [("李娜", date(2024, 5, 1), date(2024, 5, 1))]


async def test_a_change_dated_after_the_registry_s_today_is_refused(registry: Registry
                                                                    ) -> None:
    households = registry.services.households
    await _opened(registry)
    refusals = []
    for attempt in (
            households.move_out(ARCHIVIST, "A-1202", date(2052, 1, 31)),
            households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(
                occupant="孙丽", moved_in=date(2024, 6, 2))),
            households.create(ARCHIVIST, NewHousehold(household="A-1204", occupant="孙丽",
                                                   moved_in=date(2024, 6, 2)))):
        with pytest.raises(ValidationFailed) as refused:
            await attempt
        refusals.append(refused.value.code)
    household = await households.get(ARCHIVIST, "A-1202")
    assert refusals == ["date_in_future"] * 3
    assert (household.label, _history(household)) == ("李娜", [("李娜", date(2020, 3, 1), None)])


async def test_today_is_the_company_s_day_on_the_registry_s_clock(registry: Registry) -> None:
    """20:00 UTC on 1 June is 04:00 on 2 June in Shanghai: a move-out that day is today's."""
    await _opened(registry)
    registry.clock.set(datetime(2024, 6, 1, 20, 0, tzinfo=UTC))
    moved = await registry.services.households.move_out(ARCHIVIST, "A-1202", date(2024, 6, 2))
    assert _history(moved) == [("李娜", date(2020, 3, 1), date(2024, 6, 2))]


async def test_a_correction_dating_a_document_after_today_is_refused(registry: Registry
                                                                     ) -> None:
    filed = await registry.file(filed_at=date(2024, 5, 18))
    with pytest.raises(ValidationFailed) as refused:
        await registry.services.corrections.request(ARCHIVIST, filed.document_id, CorrectionRequest(
            changes=MetadataChanges(filed_at=date(2052, 5, 18)), reason="日期录错"))
    record = await registry.services.catalogue.read(ARCHIVIST, filed.document_id)
    assert refused.value.code == "date_in_future"
    assert (record.filed_at, record.version) == (date(2024, 5, 18), 1)


async def test_the_audit_entries_of_a_change_name_the_occupants_and_the_day(
        registry: Registry) -> None:
    households = registry.services.households
    li_na = await _opened(registry)
    changed = await households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(
        occupant="孙丽", moved_in=date(2024, 5, 1), closes=li_na))
    sun_li = changed.occupants[1].occupancy_id
    await households.move_out(ARCHIVIST, "A-1202", date(2024, 5, 31), closes=sun_li)
    journal = registry.services.journal
    changes = await journal.entries(INGEST, AuditQuery(action="occupant_changed"))
    moves = await journal.entries(INGEST, AuditQuery(action="moved_out"))
    assert [entry.detail for entry in changes] == [{
        "household": "A-1202", "occupancy_id": sun_li, "occupant": "孙丽",
        "moved_in": "2024-05-01", "previous_occupancy_id": li_na, "previous_occupant": "李娜",
        "documents_recomputed": 0, "documents_attached": 0}]
    assert [entry.detail for entry in moves] == [{
        "household": "A-1202", "occupancy_id": sun_li, "occupant": "孙丽",
        "moved_out": "2024-05-31", "documents_recomputed": 0, "documents_attached": 0}]
