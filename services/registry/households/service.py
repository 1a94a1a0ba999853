"""Households (D1–D3): create a file, change its occupant, record a move-out.

Closing an occupancy (a move-out, or a new occupant moving in) restarts the retention
clock of that occupancy's documents at the move-out date (R1); they keep their link to
the occupancy, which stays in the history.
"""

from __future__ import annotations

from datetime import date

from services.common.clock import Clock
from services.common.contracts.households import Household
from services.common.contracts.registry import HouseholdChanged
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.paging import MAX_PAGE
from services.registry.households.models import NewHousehold, NewOccupant
from services.registry.journal.models import AuditEntry
from services.registry.schedule.rules import checked_date
from services.registry.store import RegistryStore, Tx


class HouseholdsService:
    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def create(self, actor: str, new: NewHousehold) -> Household:
        if new.moved_in is not None:
            checked_date(new.moved_in, "moved_in")
        if (new.occupant is None) != (new.moved_in is None):
            raise ValidationFailed("give both occupant and moved_in, or neither",
                                   code="occupant_incomplete")
        now = self.clock.now()
        async with self.store.transaction() as tx:
            if not await tx.households.insert(new.household, label=new.occupant, at=now):
                raise Conflict(f"household {new.household} already exists",
                               code="household_exists")
            occupancy_id = None
            if new.occupant is not None and new.moved_in is not None:
                occupancy_id = await tx.households.add_occupancy(new.household, new.occupant,
                                                                 new.moved_in)
            await tx.journal.emit(HouseholdChanged(household=new.household, change="created",
                                                   label=new.occupant, occupancy_id=occupancy_id),
                                  at=now)
            await tx.journal.audit(AuditEntry(action="household_created", username=actor,
                                              detail={"household": new.household}), at=now)
            return await tx.households.existing(new.household)

    async def get(self, household: str) -> Household:
        async with self.store.transaction() as tx:
            return await tx.households.existing(household)

    async def list_households(self, *, building: str | None, floor: int | None, limit: int,
                              offset: int) -> list[Household]:
        async with self.store.transaction() as tx:
            return await tx.households.in_cabinet_order(building=building, floor=floor,
                                            limit=min(limit, MAX_PAGE), offset=offset)

    async def change_occupant(self, actor: str, household: str, new: NewOccupant
                              ) -> Household:
        """D2: the current occupant (if any) moves out on the day the new one moves in;
        the label becomes the new occupant's name."""
        checked_date(new.moved_in, "moved_in")
        now = self.clock.now()
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            await _lock(tx, household)
            current = await tx.households.open_occupancy(household)
            recomputed = 0
            if current is not None:
                _check_order(current.moved_in, new.moved_in, "moved_in")
                await tx.households.close_occupancy(current.occupancy_id, new.moved_in)
                recomputed = await tx.documents.restart_retention(
                    current.occupancy_id, new.moved_in, rules, at=now)
            occupancy_id = await tx.households.add_occupancy(household, new.occupant,
                                                             new.moved_in)
            await tx.households.set_label(household, new.occupant, at=now)
            await tx.journal.emit(HouseholdChanged(
                household=household, change="occupant_changed", label=new.occupant,
                occupancy_id=occupancy_id, documents_recomputed=recomputed), at=now)
            await tx.journal.audit(AuditEntry(action="occupant_changed", username=actor, detail={
                "household": household, "occupancy_id": occupancy_id,
                "documents_recomputed": recomputed}), at=now)
            return await tx.households.existing(household)

    async def move_out(self, actor: str, household: str, moved_out: date) -> Household:
        """D3: the occupant's part of the file closes; the unit is vacant, without label."""
        checked_date(moved_out, "moved_out")
        now = self.clock.now()
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            await _lock(tx, household)
            current = await tx.households.open_occupancy(household)
            if current is None:
                raise Conflict(f"{household} is vacant: nobody to move out", code="vacant")
            _check_order(current.moved_in, moved_out, "moved_out")
            await tx.households.close_occupancy(current.occupancy_id, moved_out)
            recomputed = await tx.documents.restart_retention(current.occupancy_id, moved_out,
                                                              rules, at=now)
            await tx.households.set_label(household, None, at=now)
            await tx.journal.emit(HouseholdChanged(
                household=household, change="moved_out", label=None,
                occupancy_id=current.occupancy_id, documents_recomputed=recomputed), at=now)
            await tx.journal.audit(AuditEntry(action="moved_out", username=actor, detail={
                "household": household, "occupancy_id": current.occupancy_id,
                "documents_recomputed": recomputed}), at=now)
            return await tx.households.existing(household)


async def _lock(tx: Tx, household: str) -> None:
    if not await tx.households.lock(household):
        raise NotFound(f"no household {household}", code="unknown_household")


def _check_order(moved_in: date, day: date, field: str) -> None:
    if day < moved_in:
        raise ValidationFailed(f"{field} {day} is before the current occupant moved in "
                               f"({moved_in})", code="date_before_occupancy")
