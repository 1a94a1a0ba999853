"""Authorisation decisions (权限): ``can(principal, action, document, grants)``, pure.

Every route with a document id asks this (reliability.md, lesson 1); the other services
ask it through ``POST /registry/access/decide``. The rules:

- Clearance is the ceiling of what a user may know exists: a document above it is
  ``not_visible`` (answered 404, never 403) whatever the loan (issue 7).
- Ordinary documents without personal information: anyone who sees them may read and
  download them (B1; the read is registered in the audit log).
- Confidential and secret documents (B2), and documents with owners' personal
  information (B8), are read only through a grant (an approved digital loan), view-only:
  never downloaded. A grant never lifts the clearance ceiling.
- Metadata corrections are the archivist's (D6); roles give no other right: ``admin``
  has no implicit right to read confidential files (domain.md, People).
- Our services act for the system (indexing, serving what was decided) and may read all.
- A destroyed document keeps its catalogue record; its content is gone. Whether its
  record is still corrected is the corrections' rule (``correction_limit``: it is not).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from services.common.auth import Principal
from services.common.contracts.registry import (
    AccessFilter,
    Action,
    Decision,
    DecisionCode,
    DocumentStatus,
)
from services.common.contracts.retention import Hold
from services.common.errors import NotFound
from services.common.filing import RECORD_CORRECTORS
from services.common.models import SECURITY_LEVELS, SecurityLevel, security_rank


class Guarded(Protocol):
    """The facts about a document a decision depends on (a ``DocumentRecord`` has them)."""

    @property
    def document_id(self) -> str: ...

    @property
    def security(self) -> SecurityLevel: ...

    @property
    def personal_info(self) -> bool: ...

    @property
    def status(self) -> DocumentStatus: ...


GuardedT = TypeVar("GuardedT", bound=Guarded)


@dataclass(frozen=True)
class AccessGrants:
    """Documents a user may read view-only by approval (active digital loans, B2/B8)."""

    view: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, document_ids: Iterable[str]) -> AccessGrants:
        return cls(view=frozenset(document_ids))


NO_GRANTS = AccessGrants()


class GrantSource(Protocol):
    """Supplies a user's grants; the lending feature implements it over its loans.

    Called outside any registry transaction (it may open its own); read-only.
    """

    async def grants_for(self, principal: Principal) -> AccessGrants: ...


class NoGrants:
    """Until loans exist nobody holds a grant."""

    async def grants_for(self, principal: Principal) -> AccessGrants:
        return NO_GRANTS


SERVICE_ACTIONS: frozenset[Action] = frozenset({"list", "read", "read_text", "download"})

ALLOWED = Decision(allowed=True, code="allowed", reason="allowed")
VIEW_ONLY = Decision(allowed=True, view_only=True, code="allowed",
                     reason="allowed to view in the system only (no download, B2)")
NOT_VISIBLE = Decision(allowed=False, code="not_visible", reason="no such document")


def is_restricted(document: Guarded) -> bool:
    """Content readable only through a grant: confidential or secret (B2), personal (B8)."""
    return document.security != "ordinary" or document.personal_info


def can(principal: Principal, action: Action, document: Guarded | None,
        grants: AccessGrants = NO_GRANTS) -> Decision:
    """May ``principal`` do ``action`` on ``document`` (``None``: there is no such document)?"""
    if document is None:
        return NOT_VISIBLE
    if principal.is_service:
        return ALLOWED if action in SERVICE_ACTIONS else _refuse(
            "role_required", "our services do not correct metadata")
    if not principal.cleared_for(document.security):
        return NOT_VISIBLE
    granted = document.document_id in grants.view
    if action in ("list", "read"):
        return ALLOWED
    if action == "correct":
        # Whether a record that left the archive (destroyed, transferred out) is still
        # corrected is the corrections' rule (``correction_limit``), not access.
        if principal.has_role(*RECORD_CORRECTORS):
            return ALLOWED
        return _refuse("role_required", "metadata is corrected by an archivist (D6)")
    if document.status == "destroyed":
        return _refuse("destroyed", "the document was destroyed; only its record remains")
    if not is_restricted(document):
        return ALLOWED
    if not granted:
        return _refuse("needs_grant", "reading this document needs an approved loan "
                       "(confidential: B2, personal information: B8)")
    if action == "read_text":
        return VIEW_ONLY
    return _refuse("view_only", "this document may be viewed in the system only, not "
                   "downloaded (B2)")


def known_to(principal: Principal, document: GuardedT | None, document_id: str) -> GuardedT:
    """``document`` if ``principal`` may know it exists (``can``'s ``list``); else the
    ``NotFound`` of a document that does not exist: one above the reader's clearance is
    no different."""
    if document is None or not can(principal, "list", document).allowed:
        raise NotFound(f"no document {document_id}", code="unknown_document")
    return document


def access_filter(principal: Principal, grants: AccessGrants = NO_GRANTS) -> AccessFilter:
    """The same rules as ``can`` for whole queries (search filters inside the query)."""
    if principal.is_service:
        return AccessFilter(unrestricted=True, clearance="secret",
                            visible_levels=list(SECURITY_LEVELS),
                            readable_levels=list(SECURITY_LEVELS), granted=[])
    visible = [level for level in SECURITY_LEVELS
               if security_rank(level) <= security_rank(principal.clearance)]
    return AccessFilter(unrestricted=False, clearance=principal.clearance,
                        visible_levels=visible,
                        readable_levels=["ordinary"], granted=sorted(grants.view))


def knows_every_document(principal: Principal) -> bool:
    """Whether ``principal`` may know of every document there is: our services, and people
    cleared for the highest level. Only they are told how many documents a change of a
    household placed anew: the count would tell anyone else of those above their
    clearance, and withholding it only where there are some would tell it too."""
    return principal.cleared_for(SECURITY_LEVELS[-1])


class Catalogue(Protocol):
    """The catalogue as listings ask it (``DocumentsRepository`` implements it)."""

    async def visible(self, document_ids: list[str], access: AccessFilter) -> set[str]: ...


async def visible_to(catalogue: Catalogue, principal: Principal, document_ids: Iterable[str]
                     ) -> set[str]:
    """Those of ``document_ids`` that ``principal`` may know exist (``can``'s ``list``:
    the clearance ceiling; our services see everything): for listings that keep, redact
    or count rows by it, in one query."""
    wanted = list(dict.fromkeys(document_ids))
    if principal.is_service or not wanted:
        return set(wanted)
    return await catalogue.visible(wanted, access_filter(principal))


def hold_withheld(hold: Hold, visible: Collection[str]) -> bool:
    """Whether ``hold`` is about nothing its reader may know exists, who may know of
    ``visible`` (``visible_to``): it names documents only, and none of them is visible.
    Its row, and its own audit entries, are then redacted: kept and counted, its reason
    and notes withheld. A household or category hold's scope is not a document."""
    return (hold.names_documents_only and bool(hold.documents)
            and not set(hold.documents) & set(visible))


def _refuse(code: DecisionCode, reason: str) -> Decision:
    return Decision(allowed=False, code=code, reason=reason)
