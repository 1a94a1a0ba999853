"""Legal holds (法律保全, R7): placed and released by compliance, with a reason.

A hold names documents, or covers a household and/or a category (including documents
filed there later). A held document is never swept, and its destruction is refused
(409 ``on_hold``) even when the hold arrived after approval.
"""

from __future__ import annotations

import uuid

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.models import HOUSEHOLD_RE
from services.registry.access import visible_to
from services.registry.journal.audit import AuditEntry, DetailValue
from services.registry.retention.models import Hold, HoldRequest, HoldStatus
from services.registry.retention.redaction import hold_for
from services.registry.retention.store import transaction
from services.registry.store import RegistryStore

MAX_PAGE = 500
MAX_DOCUMENTS = 10_000


def checked_scope(request: HoldRequest) -> HoldRequest:
    """Named documents, or a household and/or category; never both kinds, never neither."""
    named = request.documents is not None
    filtered = request.household is not None or request.category is not None
    if named == filtered:
        raise ValidationFailed("a hold names documents, or gives a household and/or a "
                               "category (not both kinds, not neither)", code="hold_scope")
    if named and not request.documents:
        raise ValidationFailed("the hold names no documents", code="hold_scope")
    if request.documents and len(request.documents) > MAX_DOCUMENTS:
        raise ValidationFailed(f"a hold names at most {MAX_DOCUMENTS} documents; use a "
                               "household or category hold", code="hold_scope")
    if request.household is not None and not HOUSEHOLD_RE.match(request.household):
        raise ValidationFailed(f"{request.household!r} is not a unit code like A-1201",
                               code="invalid_household")
    return request


class HoldsService:
    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def place(self, principal: Principal, request: HoldRequest) -> Hold:
        checked_scope(request)
        now = self.clock.now()
        named = sorted(set(request.documents or ()))
        hold = Hold(hold_id=str(uuid.uuid4()), status="active", reason=request.reason,
                    documents=named, household=request.household,
                    category=request.category, placed_by=principal.username, placed_at=now)
        async with transaction(self.store) as rt:
            known = await visible_to(rt.tx.documents, principal, await rt.holds.existing(named))
            unknown = sorted(set(named) - known)
            if unknown:
                raise NotFound(f"{len(unknown)} of the named documents do not exist",
                               code="unknown_document", extra={"documents": unknown})
            await rt.holds.insert(hold)
            detail: dict[str, DetailValue] = {"hold_id": hold.hold_id, "reason": hold.reason,
                      "household": hold.household, "category": hold.category}
            await rt.tx.audit(AuditEntry(action="hold_placed", username=principal.username,
                                         detail={**detail, "documents": len(named)}), at=now)
            for document_id in named:
                await rt.tx.audit(AuditEntry(action="hold_placed",
                                             username=principal.username,
                                             document_id=document_id, detail=detail), at=now)
            return await hold_for(rt.tx, principal, hold)

    async def release(self, principal: Principal, hold_id: str, *, note: str | None) -> Hold:
        now = self.clock.now()
        async with transaction(self.store) as rt:
            hold = await rt.holds.get(hold_id, lock=True)
            if hold is None:
                raise NotFound(f"no hold {hold_id}", code="unknown_hold")
            if hold.status != "active":
                raise Conflict("the hold is already released", code="invalid_transition")
            await rt.holds.release(hold_id, by=principal.username, at=now, note=note)
            await rt.tx.audit(AuditEntry(action="hold_released", username=principal.username,
                                         detail={"hold_id": hold_id, "note": note}), at=now)
            released = await rt.holds.get(hold_id)
            assert released is not None
            return await hold_for(rt.tx, principal, released)

    async def holds(self, principal: Principal, *, status: HoldStatus | None,
                    document_id: str | None, limit: int, offset: int) -> list[Hold]:
        """Holds, newest first, each listing only the documents the reader may know of;
        asked about a document they may not, none."""
        async with transaction(self.store) as rt:
            if document_id is not None and not await visible_to(rt.tx.documents, principal,
                                                                [document_id]):
                return []
            found = await rt.holds.holds(status=status, document_id=document_id,
                                         limit=min(limit, MAX_PAGE), offset=offset)
            return [await hold_for(rt.tx, principal, hold) for hold in found]
