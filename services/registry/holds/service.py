"""Legal holds (法律保全, R7): placed and released by compliance, with a reason.

A hold names documents, or covers a household and/or a category (including documents
filed there later, so such a hold is placed even while it covers none; its answer's
``covers_now`` says how many it covers that the reader is cleared to see, never more: a
count of all would tell an uncleared compliance officer that secret documents exist). A
held document is never swept, and its destruction is refused (409 ``on_hold``) even when
the hold arrived after approval.
A hold naming a document already destroyed is refused whole (409 ``document_destroyed``,
with each destruction: the evidence is gone, and a hold on it would say otherwise). A
transferred document may be held: its digital original stays in the archive.
Releasing a hold lets its documents be swept again, so it is released only by someone
cleared for every document it covers (``common.clearance``).

Audited (O4): placing and releasing each hold, once with its scope, and once on each
document a hold names (at most ``rules.MAX_DOCUMENTS``); a release refused for clearance,
once, as ``hold_released`` refused. A household or category hold is
not audited on each document it covers: it may cover tens of thousands, in one
transaction holding the journal's head, and it covers documents filed later, which no
entry at placing could name. A document's audit entries are read with those of the
holds covering it instead (``JournalService``, by its household and category now).
"""

from __future__ import annotations

import uuid

import msgspec

from services.common.auth import Principal
from services.common.clearance import clearance_refusal
from services.common.clock import Clock
from services.common.contracts.retention import Hold, HoldCount
from services.common.errors import Conflict, NotFound
from services.registry.access import access_filter, hold_withheld, visible_to
from services.registry.holds.models import HoldFilters, HoldRequest
from services.registry.holds.rules import checked_scope
from services.registry.journal.models import AuditEntry, DetailValue
from services.registry.journal.service import JournalService
from services.registry.store import RegistryStore, Tx
from services.registry.transitions import in_state

HIDDEN = ""

SAID_AT_MOST = 5
"""Destroyed documents a refusal's ``detail`` names (``extra`` lists them all)."""


class HoldsService:
    def __init__(self, store: RegistryStore, clock: Clock, journal: JournalService) -> None:
        self.store = store
        self.clock = clock
        self.journal = journal

    async def place(self, principal: Principal, request: HoldRequest) -> Hold:
        checked_scope(request)
        now = self.clock.now()
        typed = sorted(set(request.documents or ()))
        async with self.store.transaction() as tx:
            ids = await tx.documents.named(typed)
            known = await visible_to(tx.documents, principal, set(ids.values()))
            unknown = sorted(text for text in typed if ids.get(text) not in known)
            if unknown:
                raise NotFound(f"{len(unknown)} of the named documents do not exist (name "
                               "each by its id or its archive number)",
                               code="unknown_document", extra={"documents": unknown})
            named = sorted(set(ids.values()))
            await self._refuse_destroyed(tx, named)
            hold = Hold(hold_id=str(uuid.uuid4()), status="active", reason=request.reason,
                        documents=named, household=request.household,
                        category=request.category, placed_by=principal.username,
                        placed_at=now)
            if (twin := await tx.holds.same_active(hold)) is not None:
                # The same hold sent twice (a double click, a retry), or placed by two
                # compliance officers at once: placed once.
                raise Conflict(f"the same hold is in force already ({twin})",
                               code="hold_exists", extra={"hold_id": twin})
            await tx.holds.insert(hold)
            detail: dict[str, DetailValue] = {
                "hold_id": hold.hold_id, "reason": hold.reason, "household": hold.household,
                "category": hold.category}
            # The documents it names, counted: a household or category hold names none,
            # and its scope says what it holds (0 would read as holding nothing).
            named_count: dict[str, DetailValue] = {"documents": len(named)} if named else {}
            await tx.journal.audit(AuditEntry(action="hold_placed", username=principal.username,
                                              detail={**detail, **named_count}), at=now)
            for document_id in named:
                await tx.journal.audit(AuditEntry(action="hold_placed",
                                                  username=principal.username,
                                                  document_id=document_id, detail=detail), at=now)
            placed = await tx.holds.get(hold.hold_id)
            assert placed is not None
            return await hold_for(tx, principal, placed)

    async def _refuse_destroyed(self, tx: Tx, named: list[str]) -> None:
        """R7 holds evidence the archive still has: a hold naming a destroyed document is
        refused whole, saying when each was destroyed, under which register, before whom,
        so the compliance officer learns at once that the evidence is gone."""
        gone = await tx.registers.tombstones(named)
        if gone:
            said = "; ".join(f"{t.archive_no} on {self.clock.day_of(t.destroyed_at)} "
                             f"(register {t.destruction_id}, witnesses "
                             f"{', '.join(t.witnesses)})" for t in gone[:SAID_AT_MOST])
            more = f"; and {len(gone) - SAID_AT_MOST} more" if len(gone) > SAID_AT_MOST else ""
            raise Conflict(f"{len(gone)} of the named documents were already destroyed, so "
                           f"nothing was held: {said}{more}", code="document_destroyed",
                           extra={"archive_numbers": [t.archive_no for t in gone],
                                  "destroyed": msgspec.to_builtins(gone)})

    async def release(self, principal: Principal, hold_id: str, *, note: str | None) -> Hold:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            held = in_state(await tx.holds.get(hold_id, lock=True), "active",
                            missing=NotFound(f"no hold {hold_id}", code="unknown_hold"),
                            refusal="the hold is already released")
            refusal = clearance_refusal(principal.clearance, await tx.holds.levels(held),
                                        decision="this hold", decided_by="releases it")
            if refusal is None:
                await tx.holds.release(hold_id, by=principal.username, at=now, note=note)
                detail: dict[str, DetailValue] = {"hold_id": hold_id, "note": note}
                await tx.journal.audit(AuditEntry(action="hold_released",
                                                  username=principal.username,
                                                  detail=detail), at=now)
                for document_id in held.documents:
                    await tx.journal.audit(AuditEntry(action="hold_released",
                                                      username=principal.username,
                                                      document_id=document_id, detail=detail),
                                           at=now)
                released = await tx.holds.get(hold_id)
                assert released is not None
                return await hold_for(tx, principal, released)
        await self.journal.refuse(principal, "hold_released", refusal)

    async def holds(self, principal: Principal, wanted: HoldFilters, *, limit: int,
                    offset: int) -> list[Hold]:
        """Holds, newest first, each listing only the documents the reader may know of;
        asked about a document they may not, none. ``household``: the holds bearing on its
        file, as its page says them (R7): placed on the household, or covering now a
        document of it the reader may see, by naming it or by its category. A category
        hold covering none of its documents is left out: it bears on every household
        alike, and said on each page it would say of files holding nothing of the
        category that they are held. Counted up to the reader's clearance, as
        ``covers_now`` is, so that the list does not tell of documents above it."""
        async with self.store.transaction() as tx:
            if not await _may_list(tx, principal, wanted):
                return []
            found = await tx.holds.holds(wanted, access_filter(principal), limit=limit,
                                         offset=offset)
            return [await hold_for(tx, principal, hold) for hold in found]

    async def count(self, principal: Principal, wanted: HoldFilters, *,
                    hold_id: str | None = None) -> HoldCount:
        """How many holds ``holds`` lists with these filters, on every page, and with
        ``hold_id`` how many it lists before that hold: a paged list's total, and the page
        holding a hold asked for. Counted by the list's own filter, inside the query."""
        async with self.store.transaction() as tx:
            if not await _may_list(tx, principal, wanted):
                return HoldCount(count=0)
            access = access_filter(principal)
            before = (None if hold_id is None
                      else await tx.holds.listed_before(wanted, access, hold_id))
            return HoldCount(count=await tx.holds.count(wanted, access), before=before)


async def _may_list(tx: Tx, principal: Principal, wanted: HoldFilters) -> bool:
    """Whether ``wanted`` may list anything for ``principal``: not when it asks about a
    document they may not know of."""
    return wanted.document_id is None or bool(
        await visible_to(tx.documents, principal, [wanted.document_id]))


async def hold_for(tx: Tx, principal: Principal, hold: Hold) -> Hold:
    """``hold`` as ``principal`` may read it: only the documents they may know of, the rest
    counted; a hold of documents only, none of them theirs to know, redacted. What it
    covers now is counted up to their clearance: a household or category hold covering
    documents above it says so the same way whether it covers any (``Hold.covers_unseen``)."""
    visible = await visible_to(tx.documents, principal, hold.documents)
    shown = [document_id for document_id in hold.documents if document_id in visible]
    access = access_filter(principal)
    numbers = await tx.documents.archive_nos(shown)
    answered = msgspec.structs.replace(
        hold, documents=shown, documents_withheld=len(hold.documents) - len(shown),
        archive_nos=[numbers.get(document_id, "") for document_id in shown],
        covers_now=await tx.holds.covered_now(hold, access), counted_up_to=access.clearance)
    if hold_withheld(hold, visible):
        return msgspec.structs.replace(answered, reason=HIDDEN, release_note=None,
                                       redacted=True)
    return answered
