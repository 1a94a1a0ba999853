"""Reading the journal (feed pages, audit entries, chain verification) and recording
refusals, which happen outside the refused change's transaction so they are kept."""

from __future__ import annotations

from typing import NoReturn

from services.common.auth import Principal
from services.common.clients.registry import FeedPage
from services.common.clock import Clock
from services.common.errors import ArchiveError
from services.registry.access import visible_to
from services.registry.journal import audit, feed, redaction
from services.registry.store import RegistryStore

MAX_FEED_PAGE = 5000


class JournalService:
    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def changes(self, principal: Principal, *, after: int, limit: int) -> FeedPage:
        """A feed page; a person reads it without what they may not know of."""
        async with self.store.transaction() as tx:
            page = await feed.read(tx.conn, after=after, limit=min(limit, MAX_FEED_PAGE))
            return await redaction.feed_for(tx.documents, principal, page)

    async def entries(self, principal: Principal, query: audit.AuditQuery
                      ) -> list[audit.AuditRecord]:
        """Audit entries, those about documents the reader may not know of redacted."""
        async with self.store.transaction() as tx:
            if query.document_id is not None and not await visible_to(
                    tx.documents, principal, [query.document_id]):
                return []
            found = await audit.query(tx.conn, query)
            return await redaction.entries_for(tx.documents, principal, found)

    async def verify(self) -> audit.ChainReport:
        return await audit.verify(self.store.engine)

    async def refused(self, principal: Principal, action: str, error: ArchiveError, *,
                      document_id: str | None = None, code: str | None = None) -> None:
        """O4: every authorisation refusal is in the audit log, in its own transaction;
        ``code`` (default: the error's) says why, e.g. a decision's ``not_visible``."""
        entry = audit.AuditEntry(action=action, username=principal.username,
                                 document_id=document_id, outcome="refused",
                                 code=code or error.code, detail={"reason": error.detail})
        async with self.store.transaction() as tx:
            await tx.audit(entry, at=self.clock.now())

    async def refuse(self, principal: Principal, action: str, error: ArchiveError, *,
                     document_id: str | None = None, code: str | None = None) -> NoReturn:
        """Record the refusal, then raise ``error``."""
        await self.refused(principal, action, error, document_id=document_id, code=code)
        raise error
