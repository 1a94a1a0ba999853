"""Role guards of the registry's routes that audit their refusals (O4).

The journal that records a refusal reaches the guard through the router's ``opt``
(Litestar hands a route's merged ``opt`` to its guards); ``bootstrap`` puts a
``RefusalRecorder`` there.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn, Protocol

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from services.common.auth import Principal
from services.common.callers import principal_of, role_required
from services.common.contracts.registry import AuditDetail
from services.common.errors import ArchiveError
from services.common.models import Role

JOURNAL_OPT = "registry_journal"

# Bound of feed positions: what the databases' 64-bit integers can hold.
MAX_SEQ = 2**62


class Journal(Protocol):
    """Where refusals are audited (``JournalService``)."""

    async def refuse(self, principal: Principal, action: str, error: ArchiveError, *,
                     document_id: str | None = None,
                     detail: dict[str, AuditDetail] | None = None) -> NoReturn: ...


class RefusalRecorder:
    """The journal, as the guards reach it."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def __deepcopy__(self, memo: dict[int, Any]) -> RefusalRecorder:
        # Litestar deep-copies route handlers (and their opt) when it registers routes;
        # the journal holds an engine, which is shared, never copied.
        return self


ROUTE_ACTIONS: dict[str, str] = {
    # retention
    "placeHold": "hold_placed", "releaseHold": "hold_released",
    "startSweep": "sweep_started", "appraiseSweepItem": "appraised",
    "approveSweep": "sweep_approved", "rejectSweep": "sweep_rejected",
    "registerDestruction": "destruction_registered",
    "witnessDestruction": "destruction_witnessed",
    "executeDestruction": "destruction_started", "cancelDestruction": "destruction_cancelled",
    "putRetentionSchedule": "schedule_changed",
    # documents and households
    "registerDocument": "filed", "recordTextRevision": "text_revised",
    "approveCorrection": "corrected", "rejectCorrection": "correction_rejected",
    "withdrawCorrection": "correction_withdrawn",
    "recordFixityResult": "fixity_check", "recordDownload": "download",
    "createHousehold": "household_created",
    "changeOccupant": "occupant_changed", "moveOut": "moved_out",
    "correctOccupancy": "correction_requested",
    # lending
    "approveLoan": "loan_approved", "rejectLoan": "loan_rejected",
    "issueLoan": "loan_issued", "recordLoanCopy": "loan_copy_recorded",
    "returnLoan": "loan_returned",
    # operations
    "createHandover": "handover_created", "cancelHandover": "handover_cancelled",
    "createTransfer": "transferred",
    "startInventory": "inventory_started", "markInventoryItem": "inventory_item_checked",
    "completeInventory": "inventory_completed", "resolveDiscrepancy": "discrepancy_resolved",
    "recordConditionCheck": "condition_checked",
    # accounts
    "createUser": "user_created", "changeUser": "user_changed",
    "deactivateUser": "user_deactivated", "activateUser": "user_reactivated",
    "resetPassword": "password_reset",
}
"""O4: the audit action of each route that changes something, as its success is recorded;
a refusal of the route is recorded under the same action (``outcome: refused``)."""


def refused_target(path_params: dict[str, Any]) -> dict[str, AuditDetail]:
    """What a refused route names in its path, as its success's entry names it (an
    account as ``user``); a document goes in the entry's ``document_id`` instead, so the
    audit log redacts it as it redacts the document's other entries."""
    return {("user" if name == "username" else name): value
            for name, value in path_params.items() if isinstance(value, (str, int))}


def route_action(operation_id: str) -> str:
    """The action a route's refusal is recorded under: what its success is recorded as
    (``ROUTE_ACTIONS``); a read, recorded only when refused, by its operation in the
    actions' spelling (``listHolds``: ``list_holds``)."""
    return ROUTE_ACTIONS.get(operation_id) or re.sub(r"(?<!^)(?=[A-Z])", "_",
                                                      operation_id).lower()


def allow(*roles: Role | str) -> Any:
    """A guard: the caller holds one of ``roles``; otherwise the refusal is audited, 403."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any],
                    handler: BaseRouteHandler) -> None:
        principal = principal_of(connection)
        if principal.has_role(*roles):
            return
        recorder: RefusalRecorder = handler.opt[JOURNAL_OPT]
        operation = getattr(handler, "operation_id", None)
        action = route_action(operation) if isinstance(operation, str) else connection.url.path
        target = dict(connection.path_params)
        document_id = target.pop("document_id", None)
        await recorder.journal.refuse(principal, action, role_required(principal, roles),
                                      document_id=document_id, detail=refused_target(target))

    return guard
