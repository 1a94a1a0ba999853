"""Corrections of a registered occupancy (更正住户记录, D12), in the one corrections queue.

A name typed wrong, a move-in or move-out on the wrong day, a move-out registered by
mistake: the archivist asks for a correction saying why; it waits, ``pending``, for a
``manager`` (部门负责人) other than the requester, as a move of a document between
households does (D11): it changes which occupant's part documents belong to and the
label (D2). It is asked for, approved, rejected and withdrawn as a document's correction
is (``CorrectionsService``); this module holds what differs: which household it is in
and who may know of it, the occupancy as it read when asked (``before``), the refusal of a stale one
and its effect on the occupants history (``apply_occupancy_correction``). Nothing is
deleted: the correction keeps the values before and after, and the audit log names both.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from services.common.auth import Principal
from services.common.contracts.corrections import (
    WORKING_APPROVERS,
    Correction,
    CorrectionOccupancy,
    OccupancyCorrectionRequest,
)
from services.common.contracts.households import (
    Occupancy,
    OccupancyChanges,
    corrected_occupancy,
)
from services.common.errors import Conflict, Forbidden, NotFound
from services.registry.corrections.rules import DeciderRefusal
from services.registry.households.repository import EVERY_HOUSEHOLD
from services.registry.households.service import (
    apply_occupancy_correction,
    lock_household,
    seen_by,
)
from services.registry.journal.models import AuditEntry
from services.registry.store import Tx

OCCUPANCY_APPROVERS = WORKING_APPROVERS
"""D12: who approves a correction of an occupancy, as a move between households (D11)."""


async def ask(tx: Tx, principal: Principal, household: str, occupancy_id: int,
              request: OccupancyCorrectionRequest, *, at: datetime, today: date
              ) -> Correction:
    """A pending correction of the occupancy ``occupancy_id`` of ``household``, checked
    now against the history as it stands (``corrected_occupancy``); 404
    ``unknown_household`` for one the caller may not know of, ``unknown_occupancy`` for
    an occupancy not in its history; 409 ``stale_correction`` if it no longer reads as
    ``shown``."""
    await tx.households.existing(household, seen=seen_by(tx, principal))
    occupants = await tx.households.occupants(household)
    occupancy = _in_history(occupants, household, occupancy_id)
    if request.shown is not None:
        _refuse_stale(occupancy, _values(request.shown))
    corrected_occupancy(occupants, occupancy_id, request.changes, today=today)
    changes = _values(request.changes)
    correction = Correction(
        correction_id=str(uuid.uuid4()), document_id=None, base_version=None,
        occupancy_id=occupancy_id, changes=changes,
        # the whole occupancy as it read: approving it once it reads otherwise is stale
        before=_values(OccupancyChanges(occupant=occupancy.occupant,
                                        moved_in=occupancy.moved_in,
                                        moved_out=occupancy.moved_out)),
        reason=request.reason, requested_by=principal.username, requested_at=at,
        status="pending")
    await tx.corrections.refuse_same_pending(correction)
    await tx.corrections.save(correction)
    await tx.journal.audit(AuditEntry(
        action="correction_requested", username=principal.username,
        detail={"correction_id": correction.correction_id, "household": household,
                "occupancy_id": occupancy_id, "occupant": occupancy.occupant,
                "fields": sorted(changes), "approvers": list(OCCUPANCY_APPROVERS)}), at=at)
    return correction


async def shown_household(tx: Tx, principal: Principal, correction: Correction) -> str | None:
    """The household the occupancy ``correction`` is about, if ``principal`` may know of
    it (``seen_by``); else None: the correction is not theirs to see nor decide."""
    assert correction.occupancy_id is not None
    found = await tx.households.occupancy(correction.occupancy_id)
    if found is None:
        return None
    household = await tx.households.get(found[0], seen=seen_by(tx, principal))
    return None if household is None else household.household


def decider_refusal(principal: Principal, correction: Correction, household: str | None
                    ) -> DeciderRefusal | None:
    """Why ``principal`` may not approve or reject the occupancy ``correction`` (D12),
    of ``household`` (None: one they may not know of, ``shown_household``)."""
    if household is None:
        return DeciderRefusal(NotFound(f"no correction {correction.correction_id}",
                                       code="unknown_correction"), "not_visible")
    if correction.requested_by == principal.username:
        return DeciderRefusal(Forbidden("nobody approves their own correction",
                                        code="own_correction"), "own_correction")
    if not principal.has_role(*OCCUPANCY_APPROVERS):
        return DeciderRefusal(Forbidden(
            f"{' or '.join(OCCUPANCY_APPROVERS)} approves this correction: it changes an "
            "occupants history, the label and which part documents are in (D12)",
            code="role_required"), "role_required")
    return None


async def approved(tx: Tx, household: str, correction: Correction, *, approver: str,
                   note: str | None, at: datetime, today: date) -> Correction:
    """Apply the pending ``correction`` approved by ``approver``: 409 ``stale_correction``
    if the occupancy changed since it was asked for; the history checked again (422, as
    when asked: a neighbour may have changed meanwhile); audited ``occupancy_corrected``
    under the approver, naming the occupant and the values before and after."""
    assert correction.occupancy_id is not None
    # shown to the approver already in this transaction (``shown_household``)
    await lock_household(tx, household, seen=EVERY_HOUSEHOLD)
    occupants = await tx.households.occupants(household)
    occupancy = _in_history(occupants, household, correction.occupancy_id)
    _refuse_stale(occupancy, correction.before or {}, on_approval=True)
    corrected = corrected_occupancy(
        occupants, occupancy.occupancy_id,
        msgspec.convert(correction.changes, OccupancyChanges), today=today)
    applied = msgspec.structs.replace(correction, status="applied", decided_by=approver,
                                      decided_at=at, note=note)
    placing = await apply_occupancy_correction(tx, household, corrected, applied, at=at)
    await tx.corrections.save(applied)
    changed = sorted(correction.changes)
    await tx.journal.audit(AuditEntry(
        action="occupancy_corrected", username=approver,
        detail={"household": household, "occupancy_id": occupancy.occupancy_id,
                "occupant": occupancy.occupant, "fields": changed,
                **{f"{name}_before": _text(getattr(occupancy, name)) for name in changed},
                **{f"{name}_after": _text(getattr(corrected, name)) for name in changed},
                "requested_by": correction.requested_by, "approved_by": approver,
                "correction_id": correction.correction_id,
                "documents_recomputed": placing.recomputed,
                "documents_attached": placing.attached}), at=at)
    return applied


async def listed(tx: Tx, correction: Correction) -> Correction:
    """``correction`` with its occupancy and household now and, while pending, who
    approves it."""
    assert correction.occupancy_id is not None
    found = await tx.households.occupancy(correction.occupancy_id)
    assert found is not None, "an occupancy is never deleted"
    household, occupancy = found
    return msgspec.structs.replace(
        correction,
        occupancy=CorrectionOccupancy(
            household=household, occupancy_id=correction.occupancy_id,
            current=msgspec.to_builtins({name: getattr(occupancy, name)
                                         for name in correction.changes})),
        approvers=list(OCCUPANCY_APPROVERS) if correction.status == "pending" else [])


def _values(changes: OccupancyChanges) -> dict[str, object]:
    """The fields ``changes`` gives, as JSON values."""
    given: dict[str, object] = msgspec.to_builtins(changes)
    return given


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _in_history(occupants: list[Occupancy], household: str, occupancy_id: int) -> Occupancy:
    found = next((o for o in occupants if o.occupancy_id == occupancy_id), None)
    if found is None:
        raise NotFound(f"no occupancy {occupancy_id} in the history of {household}",
                       code="unknown_occupancy")
    return found


def _refuse_stale(occupancy: Occupancy, shown: dict[str, object], *,
                  on_approval: bool = False) -> None:
    """``Conflict(stale_correction)`` if ``occupancy`` no longer reads as ``shown`` (the
    values a form showed, or a correction replaces): someone changed it meanwhile, and
    the correction would put back what they changed."""
    now = msgspec.to_builtins(occupancy)
    if all(now[name] == value for name, value in shown.items()):
        return
    then = ("reject this correction and ask the requester to ask again"
            if on_approval else "look at the household again and ask again if it still holds")
    raise Conflict(
        f"the occupancy of {occupancy.occupant} changed since it was shown (now "
        f"{occupancy.moved_in} to {occupancy.moved_out or 'now'}); nothing was changed: "
        f"{then}", code="stale_correction",
        extra={"occupant": occupancy.occupant, "moved_in": occupancy.moved_in.isoformat(),
               "moved_out": occupancy.moved_out.isoformat() if occupancy.moved_out
               else None})
