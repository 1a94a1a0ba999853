"""Households (D1–D3): create a file, change its occupant, record a move-out.

Closing an occupancy (a move-out, or a new occupant moving in) restarts the retention
clock of that occupancy's documents at the move-out date (R1); they keep their link to
the occupancy, which stays in the history. Each restart moves a due date, so it is a new
version that says why (D6), with a feed event (search; ingest extends the original's
lock to the new due date) and an audit entry (O4), as a move is.

The occupants history is often entered after the documents (an old cabinet is digitised
first), so each change of it also places the household's documents by the rules filing
uses (``rules.occupancy_on``, ``rules.placed``): a document filed within an occupancy
but not in its part is moved into it, with its retention clock recomputed, as a new
version that says why (D6), a feed event and an audit entry (O4). Documents in a sweep
or on a destruction register are placed too: a sweep item whose document is no longer due
leaves its sweep (``sweeps.release``), a destruction withholds an item whose due date has
moved on (``destruction.protection``), and a legal hold (R7) stops destruction, not placing.

Releases before ``registry_0022`` placed a document only when it was filed; that
migration lists every household holding documents, and the registry places them at its
next start by the same rules (``place_after_upgrade``), once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import msgspec
from msgspec import UNSET, UnsetType

from services.common.auth import Principal
from services.common.contracts.catalogue import SystemReason
from services.common.contracts.corrections import Correction
from services.common.contracts.households import (
    Household,
    Occupancy,
    checked_change_day,
    occupancy_on,
)
from services.common.contracts.registry import (
    DocumentCorrected,
    DocumentRecord,
    HouseholdChanged,
    feed_document,
)
from services.common.errors import Conflict, ValidationFailed
from services.common.models import checked_past_day
from services.registry.access import access_filter
from services.registry.households.models import NewHousehold, NewOccupant
from services.registry.households.repository import EVERY_HOUSEHOLD, Seen
from services.registry.households.rules import (
    UPGRADE_REASON,
    attachment_reason,
    placed,
    restart_reason,
    version_changes,
)
from services.registry.journal.models import REGISTRY_ACTOR, AuditEntry
from services.registry.schedule.rules import RetentionRules
from services.registry.store import FeatureService, Tx


class HouseholdsService(FeatureService):
    async def create(self, principal: Principal, new: NewHousehold) -> Household:
        """Open a household's file (开户, D1), with its first occupant if given. One made
        by filing a document under its unit code and never registered is registered now
        and answered, announced and audited as a new one (``_opened``, in one transaction
        at one moment): nothing tells whether documents were filed there, which may be
        above the caller's clearance. 409 ``household_exists`` only for one registered
        already."""
        actor = principal.username
        now = self.clock.now()
        today = self.clock.day_of(now)
        if (new.occupant is None) != (new.moved_in is None):
            raise ValidationFailed("give both occupant and moved_in, or neither",
                                   code="occupant_incomplete")
        occupant = (None if new.occupant is None or new.moved_in is None
                    else NewOccupant(occupant=new.occupant, moved_in=new.moved_in))
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            if not (await tx.households.insert(new.household, label=None, registered=True,
                                               at=now)
                    or await tx.households.register(new.household, at=now)):
                raise Conflict(f"household {new.household} already exists",
                               code="household_exists")
            if occupant is None or await tx.households.open_occupancy(new.household) is None:
                return await _opened(tx, actor, new.household, occupant, rules, at=now,
                                     today=today)
            # given an occupant before it was registered (by someone cleared for its
            # documents, whose history it now shows): that occupant moves out (D2)
            await _opened(tx, actor, new.household, None, rules, at=now, today=today)
            return await _moved_in(tx, actor, new.household, occupant, rules, at=now,
                                   today=today)

    async def get(self, principal: Principal, household: str) -> Household:
        """The household, if ``principal`` may know of it (``seen_by``); else
        ``unknown_household``, as for a unit code never used."""
        async with self.store.transaction() as tx:
            return await tx.households.existing(household, seen=seen_by(tx, principal))

    async def list_households(self, principal: Principal, *, building: str | None,
                              floor: int | None, typed: str | None, limit: int, offset: int
                              ) -> list[Household]:
        """The households ``principal`` may know of (``seen_by``) in cabinet order, those
        of ``building`` and on ``floor`` where given, and found by ``typed``, a unit code or
        an occupant's name or part of either (``repository.found_by``)."""
        async with self.store.transaction() as tx:
            return await tx.households.in_cabinet_order(
                building=building, floor=floor, typed=typed, seen=seen_by(tx, principal),
                limit=limit, offset=offset)

    async def change_occupant(self, principal: Principal, household: str, new: NewOccupant
                              ) -> Household:
        """D2: the current occupant (if any) moves out on the day the new one moves in;
        the label becomes the new occupant's name. ``unknown_household`` also for one
        ``principal`` may not know of (``lock_household``)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            await lock_household(tx, household, seen=seen_by(tx, principal))
            return await _moved_in(tx, principal.username, household, new, rules, at=now,
                                   today=self.clock.day_of(now))

    async def move_out(self, principal: Principal, household: str, moved_out: date, *,
                       closes: int | UnsetType = UNSET) -> Household:
        """D3: the occupant's part of the file closes; the unit is vacant, without label.
        ``closes``: the occupancy the caller was shown as current (``MoveOut``).
        ``unknown_household`` also for one ``principal`` may not know of (``lock_household``)."""
        actor = principal.username
        now = self.clock.now()
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            await lock_household(tx, household, seen=seen_by(tx, principal))
            current = await tx.households.open_occupancy(household)
            if current is None:
                raise Conflict(f"{household} is vacant: nobody to move out", code="vacant")
            _as_shown(household, current, closes)
            checked_change_day(current, moved_out, "moved_out", today=self.clock.day_of(now))
            await tx.households.close_occupancy(current.occupancy_id, moved_out)
            await tx.households.set_label(household, None, at=now)
            placing = await _place_documents(tx, household, rules, closed=current.occupancy_id,
                                             actor=actor, at=now)
            await tx.journal.emit(HouseholdChanged(
                household=household, change="moved_out", label=None,
                occupancy_id=current.occupancy_id, documents_recomputed=placing.recomputed,
                documents_attached=placing.attached), at=now)
            await tx.journal.audit(AuditEntry(action="moved_out", username=actor, detail={
                "household": household, "occupancy_id": current.occupancy_id,
                "occupant": current.occupant, "moved_out": moved_out.isoformat(),
                "documents_recomputed": placing.recomputed,
                "documents_attached": placing.attached}), at=now)
            await _journal_placed(tx, placing, actor=actor, at=now)
            return await tx.households.existing(household, seen=seen_by(tx, principal))

    async def place_after_upgrade(self) -> Placed:
        """Place the documents of each household ``registry_0022`` listed (written by an
        earlier release) by the rules of today (D3, R1): each document not where they put
        it is a new version saying why (D6), with a feed event and an audit entry (O4),
        in one transaction per household, which strikes it off the list. Idempotent: a
        household struck off, by this process or another, is not placed again, and
        placing a household again would change nothing."""
        households = documents = 0
        async with self.store.transaction() as tx:
            listed = await tx.households.to_place()
        for household in listed:
            now = self.clock.now()
            async with self.store.transaction() as tx:
                rules = await tx.schedule.rules(lock="share")
                await lock_household(tx, household, seen=EVERY_HOUSEHOLD)
                if not await tx.households.placed(household):
                    continue
                placing = await _place_documents(tx, household, rules, closed=None,
                                                 actor=REGISTRY_ACTOR, at=now,
                                                 why=UPGRADE_REASON)
                await _journal_placed(tx, placing, actor=REGISTRY_ACTOR, at=now,
                                      action="placed_after_upgrade")
            households += 1
            documents += placing.recomputed
        return Placed(households=households, documents=documents)


@dataclass(frozen=True)
class Placed:
    """What ``place_after_upgrade`` did: the ``households`` it placed, and how many of
    their ``documents`` became a new version."""

    households: int
    documents: int


@dataclass(frozen=True)
class Placing:
    """What a change of the occupants history did to the household's documents."""

    changed: list[tuple[DocumentRecord, DocumentRecord]]
    """The documents placed anew, before and after: moved into another part, or their
    clock restarted in the part just closed; each is a new version."""

    @property
    def recomputed(self) -> int:
        """Documents whose retention clock was recomputed."""
        return len(self.changed)

    @property
    def attached(self) -> int:
        """Documents moved into another part."""
        return sum(before.occupancy_id != after.occupancy_id for before, after in self.changed)


async def _place_documents(tx: Tx, household: str, rules: RetentionRules, *,
                           closed: int | None, actor: str, at: datetime,
                           correction: Correction | None = None,
                           why: SystemReason | None = None) -> Placing:
    """Place each document of ``household`` the archive keeps (transferred out too: its
    original's retention runs on) in the part its ``filed_at`` falls in
    (D3): a document in another part than its own moves; the occupancy ``closed`` just
    now restarts its documents' clocks at the move-out (R1). Either is a new version that
    says why (D6), since it moves the document's due date. After an approved
    ``correction`` of an occupancy (D12), each version gives its reason, its requester and
    approver, as a corrected document's does. ``why``, if given, is the reason of every
    document whose part or clock is not as the rules say (after an upgrade:
    ``UPGRADE_REASON``)."""
    occupants = await tx.households.occupants(household)
    changed = []
    for record in await tx.documents.retained_of(household):
        occupancy = occupancy_on(occupants, record.filed_at)
        in_place = placed(record, occupancy, rules)
        changes = version_changes(record, in_place)
        if not changes:
            continue
        reason: str | SystemReason
        if correction is not None:
            reason = correction.reason
        elif why is not None:
            reason = why
        elif in_place.occupancy_id != record.occupancy_id:
            reason = attachment_reason(occupancy)
        elif occupancy is not None and occupancy.occupancy_id == closed:
            reason = restart_reason(occupancy)
        else:
            continue
        after = msgspec.structs.replace(in_place, version=record.version + 1, updated_at=at)
        await tx.documents.update(after)
        await tx.documents.add_version(
            after, changes=changes, changed_by=correction.requested_by if correction else actor,
            changed_at=at, reason=reason,
            approved_by=correction.decided_by if correction else None,
            correction_id=correction.correction_id if correction else None)
        changed.append((record, after))
    return Placing(changed=changed)


async def apply_occupancy_correction(tx: Tx, household: str, corrected: Occupancy,
                                     correction: Correction, *, at: datetime) -> Placing:
    """D12: write the approved ``correction`` of an occupancy of ``household`` (its
    ``decided_by`` the approver), whose row the caller holds (``lock``), as ``corrected``
    (``corrected_occupancy``); the label follows the occupancy current after it (D2), and
    the household's documents are placed by the corrected dates (``occupancy_on``): a
    document moves between parts, and a closed part's clocks start at its corrected
    move-out, or at filing again once its move-out is undone (R1). Each placing is a new
    version giving the correction's reason, with a feed event and audit entry, and the
    household's change is announced."""
    rules = await tx.schedule.rules(lock="share")
    await tx.households.correct_occupancy(corrected)
    current = await tx.households.open_occupancy(household)
    label = current.occupant if current else None
    await tx.households.set_label(household, label, at=at)
    placing = await _place_documents(tx, household, rules, closed=None,
                                     actor=correction.requested_by, at=at,
                                     correction=correction)
    await tx.journal.emit(HouseholdChanged(
        household=household, change="occupancy_corrected", label=label,
        occupancy_id=corrected.occupancy_id, documents_recomputed=placing.recomputed,
        documents_attached=placing.attached), at=at)
    await _journal_placed(tx, placing, actor=correction.decided_by or correction.requested_by,
                          at=at)
    return placing


async def _journal_placed(tx: Tx, placing: Placing, *, actor: str, at: datetime,
                          action: str | None = None) -> None:
    """A feed event (search's version, the original's lock until its new due date) and
    an audit entry (O4) for each document placed anew, under ``action`` if given, else
    by what placing did to it."""
    for before, after in placing.changed:
        await tx.journal.emit(DocumentCorrected(document=feed_document(after),
                                                fields=list(version_changes(before, after))),
                              at=at)
        moved = before.occupancy_id != after.occupancy_id
        await tx.journal.audit(AuditEntry(
            action=action or ("attached_to_part" if moved else "retention_restarted"),
            username=actor,
            document_id=after.document_id,
            detail={"household": after.household, "version": after.version,
                    "occupancy_id": after.occupancy_id,
                    "previous_occupancy_id": before.occupancy_id,
                    "retention_start": after.retention_start.isoformat(),
                    "disposal_due": after.disposal_due.isoformat()
                    if after.disposal_due else None}), at=at)


async def _opened(tx: Tx, actor: str, household: str, occupant: NewOccupant | None,
                  rules: RetentionRules, *, at: datetime, today: date) -> Household:
    """``household``, just inserted or registered at ``at`` and with no current occupant,
    with its first ``occupant`` if given: announced and audited as created, the same for
    one made by a filing before (D1), whose documents are then placed in the occupant's
    part (D2, D3), each with its own version, event and audit entry (withheld from those
    who may not know of it)."""
    occupancy_id = None
    if occupant is not None:
        checked_past_day(occupant.moved_in, "moved_in", today=today)
        occupancy_id = await tx.households.add_occupancy(household, occupant.occupant,
                                                         occupant.moved_in)
        await tx.households.set_label(household, occupant.occupant, at=at)
    await tx.journal.emit(HouseholdChanged(
        household=household, change="created",
        label=occupant.occupant if occupant else None, occupancy_id=occupancy_id), at=at)
    await tx.journal.audit(AuditEntry(action="household_created", username=actor,
                                      detail={"household": household}), at=at)
    placing = await _place_documents(tx, household, rules, closed=None, actor=actor, at=at)
    await _journal_placed(tx, placing, actor=actor, at=at)
    # registered on purpose just now: shown to everyone (``shown_to``)
    return await tx.households.existing(household, seen=EVERY_HOUSEHOLD)


async def _moved_in(tx: Tx, actor: str, household: str, new: NewOccupant,
                    rules: RetentionRules, *, at: datetime, today: date) -> Household:
    """D2 on ``household``, whose row the caller holds: the current occupant (if any)
    moves out on the day the new one moves in; the label becomes the new occupant's name;
    the documents are placed by the new history."""
    current = await tx.households.open_occupancy(household)
    _as_shown(household, current, new.closes)
    checked_change_day(current, new.moved_in, "moved_in", today=today)
    if current is not None:
        await tx.households.close_occupancy(current.occupancy_id, new.moved_in)
    occupancy_id = await tx.households.add_occupancy(household, new.occupant, new.moved_in)
    await tx.households.set_label(household, new.occupant, at=at)
    placing = await _place_documents(
        tx, household, rules, closed=current.occupancy_id if current else None,
        actor=actor, at=at)
    await tx.journal.emit(HouseholdChanged(
        household=household, change="occupant_changed", label=new.occupant,
        occupancy_id=occupancy_id, documents_recomputed=placing.recomputed,
        documents_attached=placing.attached), at=at)
    await tx.journal.audit(AuditEntry(action="occupant_changed", username=actor, detail={
        "household": household, "occupancy_id": occupancy_id,
        "occupant": new.occupant, "moved_in": new.moved_in.isoformat(),
        "previous_occupancy_id": current.occupancy_id if current else None,
        "previous_occupant": current.occupant if current else None,
        "documents_recomputed": placing.recomputed,
        "documents_attached": placing.attached}), at=at)
    await _journal_placed(tx, placing, actor=actor, at=at)
    # shown to the caller already (``lock_household``), or registered by them just now
    return await tx.households.existing(household, seen=EVERY_HOUSEHOLD)


def seen_by(tx: Tx, principal: Principal) -> Seen | None:
    """Where ``principal`` sees documents: a household made only by filings above their
    clearance, never registered on purpose, is not theirs to know of (it would tell them
    such a document exists); it answers as a unit code never used."""
    return tx.documents.households_seen(access_filter(principal))


def _as_shown(household: str, current: Occupancy | None,
              closes: int | UnsetType | None) -> None:
    """Nothing, if ``current`` is the occupancy the caller was shown as current and
    confirmed closing (``closes``; ``None``: shown vacant; left out: not said); else 409
    ``occupants_changed``: someone recorded a change meanwhile, and closing whoever is
    current now would close a part nobody confirmed."""
    if closes is UNSET or closes == (current.occupancy_id if current else None):
        return
    now = (f"{current.occupant} has been the occupant since {current.moved_in}"
           if current else "the unit is vacant")
    raise Conflict(f"the occupants of {household} changed since they were shown: {now}; "
                   "nothing was changed: look at the household again and record the "
                   "change anew if it still holds", code="occupants_changed",
                   extra={"current_occupancy_id": current.occupancy_id if current else None})


async def lock_household(tx: Tx, household: str, *, seen: Seen | None) -> None:
    """Hold ``household``'s row until the transaction ends (every change of its occupants
    history does first), if a caller who sees ``seen`` may know of it (a person's:
    ``seen_by``; the registry's own: ``EVERY_HOUSEHOLD``); else ``unknown_household``, as
    for a unit code never used (D1: asked once the row is held, so no filing in between
    decides otherwise)."""
    await tx.households.lock(household)  # none there: unknown_household just below
    await tx.households.existing(household, seen=seen)

