"""The registry as a person reads it through the staff pages (``services.web``).

``RegistryReader`` adds to ``RegistryClient`` what a page asks with the signed-in user's
own token: signing in, a household's file, a document's permissions and history, and
(``LoansReader``) loans and the yearly statistics, (``AccountsReader``) the accounts. The
views below are the parts of the registry's answers a page shows; like ``ExtractedText``
they do not forbid unknown fields, so the registry may add fields without breaking them.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

import msgspec

from services.common.clients.accounts import AccountsReader
from services.common.clients.loans import LoansReader
from services.common.contracts.registry import (
    AuditTrailEntry,
    DocumentPermissions,
    DocumentRecord,
)


class IssuedToken(msgspec.Struct, kw_only=True):
    access_token: str
    expires_in: int
    """Seconds the token is good for."""


class OccupancyView(msgspec.Struct, kw_only=True):
    """One occupant's part of the file (入住至退租); closed once ``moved_out`` (D3)."""

    occupancy_id: int
    occupant: str
    moved_in: date
    moved_out: date | None


class HouseholdView(msgspec.Struct, kw_only=True):
    """A household: ``label`` is the current occupant (D2), ``occupants`` oldest first."""

    household: str
    building: str
    floor: int
    label: str | None
    occupied: bool
    occupants: list[OccupancyView]


class VersionView(msgspec.Struct, kw_only=True):
    """One version of a document's metadata (D6): who, when, why, what changed."""

    version: int
    changes: dict[str, list[object]]
    changed_by: str
    changed_at: datetime
    reason: str
    approved_by: str | None


class LoanView(msgspec.Struct, kw_only=True):
    """A loan (借阅) as the register lists it."""

    loan_id: str
    status: str
    kind: str
    borrower: str
    requested_at: datetime
    issued_at: datetime | None
    due_at: datetime | None
    overdue: bool


HOUSEHOLD_FILE_LIMIT = 1000
"""Documents of one household a page lists (the registry's largest page)."""


class RegistryReader(LoansReader, AccountsReader):
    async def issue_token(self, username: str, password: str, *, client_address: str | None
                          ) -> IssuedToken:
        """Sign in; ``client_address`` is the person's, so the registry throttles failed
        sign-ins per person's address, not per staff-pages server (it trusts this
        server's ``X-Forwarded-For`` as a proxy's: ``ARCHIVE_TRUSTED_PROXIES``)."""
        headers = {"X-Forwarded-For": client_address} if client_address else None
        return await self.call("POST", "/registry/auth/token", IssuedToken, token="",
                               json={"username": username, "password": password},
                               headers=headers)

    async def household(self, token: str, household: str) -> HouseholdView:
        return await self.call("GET", f"/registry/households/{quote(household, safe='')}",
                               HouseholdView, token=token)

    async def household_file(self, token: str, household: str) -> list[DocumentRecord]:
        """The household's documents the user may know exist, newest first (D4)."""
        return await self.call("GET", "/registry/documents", list[DocumentRecord],
                               token=token, params={"household": household,
                                                    "limit": HOUSEHOLD_FILE_LIMIT})

    async def permissions(self, token: str, document_id: str) -> DocumentPermissions:
        return await self.call("GET", f"/registry/documents/{_id(document_id)}/permissions",
                               DocumentPermissions, token=token)

    async def versions(self, token: str, document_id: str) -> list[VersionView]:
        return await self.call("GET", f"/registry/documents/{_id(document_id)}/history",
                               list[VersionView], token=token)

    async def audit_trail(self, token: str, document_id: str) -> list[AuditTrailEntry]:
        return await self.call("GET", f"/registry/documents/{_id(document_id)}/audit",
                               list[AuditTrailEntry], token=token)

    async def loans_of(self, token: str, document_id: str) -> list[LoanView]:
        return await self.call("GET", "/registry/loans", list[LoanView], token=token,
                               params={"document_id": document_id})


def _id(document_id: str) -> str:
    return quote(document_id, safe="")
