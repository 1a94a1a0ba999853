"""The registry as a person reads it through the staff pages (``services.web``) and the
command line (``services.cli``).

``RegistryReader`` adds to ``RegistryClient`` what a page asks with the signed-in user's
own token: signing in and out, a household's file and how documents left it, a
document's permissions and history, the audit log, and (``LoansReader``) loans and the
yearly statistics, (``RetentionReader``) retention and destruction, (``AccountsReader``)
the accounts, (``OperationsReader``) handovers, transfers out and catalogues,
(``InventoryReader``) the periodic checks. What it decodes are the registry's own
answers, defined once in ``services.common.contracts``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from services.common.clients import segment
from services.common.clients.accounts import AccountsReader
from services.common.clients.inventory import InventoryReader
from services.common.clients.loans import LoansReader
from services.common.clients.operations import OperationsReader
from services.common.clients.retention import RetentionReader
from services.common.contracts.accounts import TokenResponse
from services.common.contracts.catalogue import DocumentVersion
from services.common.contracts.corrections import (
    Correction,
    CorrectionCount,
    CorrectionRequest,
    CorrectionStatus,
    OccupancyCorrectionRequest,
)
from services.common.contracts.households import Household
from services.common.contracts.lending import AwaitingCount, Loan
from services.common.contracts.registry import (
    AuditOutcome,
    AuditRecord,
    AuditTrailEntry,
    ChainReport,
    Departure,
    DocumentRecord,
)
from services.common.paging import MAX_PAGE, MAX_SUMMARY_PAGE


class RegistryReader(LoansReader, RetentionReader, AccountsReader, OperationsReader,
                     InventoryReader):
    async def issue_token(self, username: str, password: str, *, client_address: str | None
                          ) -> TokenResponse:
        """Sign in; ``client_address`` is the person's, so the registry throttles failed
        sign-ins per person's address, not per staff-pages server (it trusts this
        server's ``X-Forwarded-For`` as a proxy's: ``ARCHIVE_TRUSTED_PROXIES``)."""
        headers = {"X-Forwarded-For": client_address} if client_address else None
        return await self.call("POST", "/registry/auth/token", TokenResponse, token="",
                               json={"username": username, "password": password},
                               headers=headers)

    async def end_token(self, token: str) -> None:
        """Sign out: ``token`` stops working (``POST /registry/auth/logout``)."""
        await self.request("POST", "/registry/auth/logout", token=token)

    async def household(self, token: str, household: str) -> Household:
        return await self.call("GET", f"/registry/households/{segment(household)}",
                               Household, token=token)

    async def households(self, token: str, typed: str, *, limit: int, offset: int
                         ) -> list[Household]:
        """The households the user may know of, in cabinet order, found by ``typed`` (a
        unit code or an occupant's name, or part of either; empty: all of them)."""
        return await self.call("GET", "/registry/households", list[Household], token=token,
                               params={"q": typed, "limit": limit, "offset": offset}
                               if typed else {"limit": limit, "offset": offset})

    async def household_file(self, token: str, household: str) -> list[DocumentRecord]:
        """The household's documents the user may know exist, newest first (D4), read
        page by page."""
        return await self.every("/registry/documents", list[DocumentRecord],
                                page_size=MAX_PAGE, token=token,
                                params={"household": household})

    async def departures(self, token: str, household: str) -> list[Departure]:
        """How the household's documents that left its file (destroyed, transferred out)
        left it, the latest first, as far as the user may know they exist."""
        return await self.call("GET", f"/registry/households/{segment(household)}/departures",
                               list[Departure], token=token)

    async def register_household(self, token: str, household: str, *,
                                 occupant: str | None, moved_in: date | None) -> Household:
        """Register a household (开户, D1), with its first occupant moving in ``moved_in``
        when given (D2); 409 ``household_exists`` when it is registered already."""
        return await self.call("POST", "/registry/households", Household, token=token,
                               json={"household": household, "occupant": occupant,
                                     "moved_in": moved_in.isoformat() if moved_in else None})

    async def change_occupant(self, token: str, household: str, occupant: str,
                              moved_in: date, *, closes: int | None) -> Household:
        """A new occupant moves in (D2); the current one's part, ``closes`` (the occupancy
        the person was shown as current; None: shown vacant), closes that day (D3); 409
        ``occupants_changed`` if another is current now."""
        return await self.call("POST", f"/registry/households/{segment(household)}/occupants",
                               Household, token=token,
                               json={"occupant": occupant, "moved_in": moved_in.isoformat(),
                                     "closes": closes})

    async def move_out(self, token: str, household: str, moved_out: date, *, closes: int
                       ) -> Household:
        """The current occupant, ``closes`` (the occupancy the person was shown), moves
        out (退租, D3): their part closes; 409 ``occupants_changed`` if another is current
        now."""
        return await self.call("POST", f"/registry/households/{segment(household)}/move-out",
                               Household, token=token,
                               json={"moved_out": moved_out.isoformat(), "closes": closes})

    async def catalogue(self, token: str, *, readable: bool = False) -> list[DocumentRecord]:
        """Every catalogue record the user may know exists (``readable``: whose text they
        may read), read page by page."""
        return await self.every("/registry/documents", list[DocumentRecord],
                                page_size=MAX_PAGE, token=token,
                                params={"readable": "true"} if readable else None)

    async def review_queue(self, token: str, *, limit: int) -> list[DocumentRecord]:
        """The documents with pages whose reading needs a person, oldest first, those whose
        text the user may read."""
        return await self.call("GET", "/registry/documents", list[DocumentRecord],
                               token=token, params={"needs_review": "true", "limit": limit})

    async def correct(self, token: str, document_id: str, request: CorrectionRequest
                      ) -> Correction:
        """A correction of the record (更正, D6): ``applied`` as a new version, or
        ``pending`` until the roles ``approvers_for`` names approve it."""
        return await self.call("POST",
                               f"/registry/documents/{segment(document_id)}/corrections",
                               Correction, token=token, json=request)

    async def correct_occupancy(self, token: str, household: str, occupancy_id: int,
                                request: OccupancyCorrectionRequest) -> Correction:
        """A correction of a registered occupancy (D12), ``pending`` until a manager
        approves it; 409 ``stale_correction`` if it no longer reads as ``request.shown``."""
        return await self.call(
            "POST", f"/registry/households/{segment(household)}/occupants/{occupancy_id}"
            "/corrections", Correction, token=token, json=request)

    async def corrections(self, token: str, *, status: CorrectionStatus | None = None,
                          document_id: str | None = None, household: str | None = None
                          ) -> list[Correction]:
        """Corrections of the documents (and occupancies, D12) the user may see, each
        with what it corrects as it stands now, oldest first (``status``: a queue;
        ``document_id``: one document's; ``household``: one household's documents' and
        occupancies'); all of them, read page by page."""
        params = _correction_filters(status=status, document_id=document_id,
                                     household=household)
        return await self.every("/registry/corrections", list[Correction],
                                page_size=MAX_SUMMARY_PAGE, token=token, params=params)

    async def correction_page(self, token: str, *, status: CorrectionStatus | None = None,
                              mine: bool = False, limit: int, offset: int
                              ) -> list[Correction]:
        """One page of the corrections the user may see: oldest first (``status``: a
        queue), or (``mine``) the user's own, newest first; ``offset`` counts those the
        user sees (``correction_count`` says how many there are)."""
        params = _correction_filters(status=status, mine=mine)
        if mine:
            params["sort"] = "newest"
        return await self.call("GET", "/registry/corrections", list[Correction], token=token,
                               params=params | {"limit": str(limit), "offset": str(offset)})

    async def correction_count(self, token: str, *, status: CorrectionStatus | None = None,
                               mine: bool = False) -> int:
        """How many corrections ``correction_page`` finds on every page."""
        return (await self.call("GET", "/registry/corrections/count", CorrectionCount,
                                token=token, params=_correction_filters(status=status,
                                                                        mine=mine))).count

    async def awaiting_decision_count(self, token: str) -> int:
        """How many pending corrections wait for the user's decision (without reading
        them)."""
        return (await self.call("GET", "/registry/corrections/awaiting-count",
                                AwaitingCount, token=token)).awaiting

    async def decide_correction(self, token: str, correction_id: str,
                                decision: Literal["approve", "reject"], note: str | None
                                ) -> Correction:
        """Approve (applied as a new version) or reject a pending correction (D6, D10)."""
        return await self.call(
            "POST", f"/registry/corrections/{segment(correction_id)}/{decision}", Correction,
            token=token, json={"note": note})

    async def withdraw_correction(self, token: str, correction_id: str) -> Correction:
        """Take back the user's own pending correction (撤回): ``withdrawn``."""
        return await self.call(
            "POST", f"/registry/corrections/{segment(correction_id)}/withdraw", Correction,
            token=token)

    async def versions(self, token: str, document_id: str) -> list[DocumentVersion]:
        return await self.call("GET", f"/registry/documents/{segment(document_id)}/history",
                               list[DocumentVersion], token=token)

    async def audit_trail(self, token: str, document_id: str) -> list[AuditTrailEntry]:
        return await self.call("GET", f"/registry/documents/{segment(document_id)}/audit",
                               list[AuditTrailEntry], token=token)

    async def audit_log(self, token: str, *, after_seq: int = 0, limit: int,
                        username: str | None = None, action: str | None = None,
                        outcome: AuditOutcome | None = None,
                        document_id: str | None = None, since: datetime | None = None,
                        until: datetime | None = None, newest_first: bool = False,
                        before_seq: int | None = None) -> list[AuditRecord]:
        """A page of the audit log (compliance, admin), the entries at ``since`` ≤ at <
        ``until`` matching every filter given: oldest first after ``after_seq``, or
        ``newest_first``, before ``before_seq`` when given."""
        filters = {"username": username, "action": action, "outcome": outcome,
                   "document_id": document_id,
                   "since": since.isoformat() if since else None,
                   "until": until.isoformat() if until else None,
                   "before_seq": before_seq, "order": "newest" if newest_first else None}
        return await self.call("GET", "/registry/audit", list[AuditRecord], token=token,
                               params={"after_seq": after_seq, "limit": limit} | {
                                   name: value for name, value in filters.items()
                                   if value is not None})

    async def audit_chain(self, token: str) -> ChainReport:
        """The audit log's keyed chain checked against its newest anchor (compliance,
        admin): it reads every entry, seconds for a large log."""
        return await self.call("GET", "/registry/audit/verify", ChainReport, token=token)

    async def loans_of(self, token: str, document_id: str) -> list[Loan]:
        return await self.call("GET", "/registry/loans", list[Loan], token=token,
                               params={"document_id": document_id})


def _correction_filters(*, status: CorrectionStatus | None, document_id: str | None = None,
                        household: str | None = None, mine: bool = False) -> dict[str, str]:
    """The query a list of corrections and its count share."""
    given = {"status": status, "document_id": document_id, "household": household,
             "requested_by": "me" if mine else None}
    return {name: value for name, value in given.items() if value is not None}
