"""Journal routes: the change feed (services, admin) and the audit log (compliance, admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_200_OK

from services.common.auth import SERVICE_ROLE, Principal
from services.common.contracts.registry import (
    AuditOutcome,
    AuditRecord,
    AuditTrailEntry,
    ChainReport,
    FeedPage,
)
from services.common.operations import AUDIT_READERS
from services.common.web import PageLimit
from services.registry.guards import MAX_SEQ, allow
from services.registry.journal.models import Anchored, AuditQuery
from services.registry.journal.service import MAX_FEED_PAGE, JournalService


class ChangesController(Controller):
    path = "/changes"
    tags = ("journal",)

    @get("/", operation_id="listChanges", guards=[allow(SERVICE_ROLE, "admin")])
    async def changes(
        self, principal: NamedDependency[Principal], journal: NamedDependency[JournalService],
        after: Annotated[int, QueryParameter(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_FEED_PAGE)] = 500,
    ) -> FeedPage:
        """Events with ``seq > after`` in order; continue from ``last_seq``. A person
        (``admin``) does not get the events of documents above their clearance."""
        return await journal.changes(principal, after=after, limit=limit)


class AuditController(Controller):
    path = "/audit"
    tags = ("journal",)
    guards = [allow(*AUDIT_READERS)]  # noqa: RUF012 - Litestar's declared layer type

    @get("/", operation_id="listAuditEntries")
    async def entries(
        self, principal: NamedDependency[Principal], journal: NamedDependency[JournalService],
        document_id: Annotated[str | None, QueryParameter()] = None,
        username: Annotated[str | None, QueryParameter()] = None,
        action: Annotated[str | None, QueryParameter(max_length=40)] = None,
        outcome: Annotated[AuditOutcome | None, QueryParameter(
            description="only the allowed, or only the refused")] = None,
        since: Annotated[datetime | None, QueryParameter()] = None,
        until: Annotated[datetime | None, QueryParameter()] = None,
        after_seq: Annotated[int, QueryParameter(ge=0, le=MAX_SEQ)] = 0,
        before_seq: Annotated[int | None, QueryParameter(ge=1, le=MAX_SEQ)] = None,
        order: Annotated[Literal["oldest", "newest"], QueryParameter(
            description="oldest first (page on with after_seq), or newest first (page on "
                        "with before_seq)")] = "oldest",
        limit: PageLimit = 200,
    ) -> list[AuditRecord]:
        """Audit entries oldest first, by document, user, action and time (``since`` ≤ at
        < ``until``; a time without zone is UTC); page on with ``after_seq``, or newest
        first (``order=newest``) paging back with ``before_seq``. Entries about documents
        above the caller's clearance, and about households they may not know of (D1), are
        redacted (counted, not named); the others carry their document's archive number."""
        return await journal.entries(principal, AuditQuery(
            document_id=document_id, username=username, action=action, outcome=outcome,
            since=since,
            until=until, after_seq=after_seq, before_seq=before_seq, limit=limit,
            newest_first=order == "newest"))

    @get("/verify", operation_id="verifyAuditChain")
    async def verify(self, journal: NamedDependency[JournalService]) -> ChainReport:
        """Recompute the keyed chain and check it against its newest anchor in the object
        store; names the first broken link (as ``archive audit verify`` does)."""
        return await journal.verify()

    @post("/anchor", operation_id="anchorAuditChain", status_code=HTTP_200_OK)
    async def anchor(self, journal: NamedDependency[JournalService]) -> Anchored:
        """Anchor the chain's head in the object store now (as the registry does on its
        own every ``ARCHIVE_AUDIT_ANCHOR_INTERVAL_S``), locked where the store can lock."""
        return await journal.anchor()


class DocumentTrailController(Controller):
    path = "/documents/{document_id:str}/audit"
    tags = ("journal",)

    @get("/", operation_id="listDocumentAuditEntries")
    async def trail(self, document_id: FromPath[str], principal: NamedDependency[Principal],
                    journal: NamedDependency[JournalService]) -> list[AuditTrailEntry]:
        """The document's audit entries, newest first (the latest 200): all of them for
        compliance and admin, the caller's own (their reads, downloads, refusals) for
        anyone else who may see the document; 404 ``unknown_document`` otherwise."""
        return await journal.document_trail(principal, document_id)
