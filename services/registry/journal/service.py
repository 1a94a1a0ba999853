"""Reading the journal (feed pages, audit entries, chain verification), recording
refusals, which happen outside the refused change's transaction so they are kept, and
anchoring the audit chain's head outside the database."""

from __future__ import annotations

import asyncio
import logging
from typing import NoReturn

from services.common.auth import Principal
from services.common.clients.registry import AuditTrailEntry, FeedPage
from services.common.clock import Clock
from services.common.errors import ArchiveError, DependencyUnavailable, NotFound
from services.common.tasks import BackgroundTask
from services.registry.access import visible_to
from services.registry.journal import audit, feed, redaction
from services.registry.journal.anchors import AuditAnchors, ForgedAnchor
from services.registry.journal.refusals import RefusalBudget
from services.registry.store import RegistryStore

log = logging.getLogger("archive.registry.journal")

MAX_FEED_PAGE = 5000
AUDIT_READERS = ("compliance", "admin")
"""Who reads the whole audit log; anyone else sees their own entries about a document."""
TRAIL_LIMIT = 200


class JournalService:
    def __init__(self, store: RegistryStore, clock: Clock, *,
                 anchors: AuditAnchors | None = None) -> None:
        self.store = store
        self.clock = clock
        self.anchors = anchors
        """Where the chain's head is anchored; ``None`` where there is no object store
        (tests and tools of the database alone)."""
        self.refusals = RefusalBudget()

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

    async def document_trail(self, principal: Principal, document_id: str
                             ) -> list[AuditTrailEntry]:
        """A document's audit entries, newest first, as its reader may see them: every
        entry for those who read the whole log, a reader's own otherwise; 404 as for a
        document that does not exist when the reader may not know it exists."""
        async with self.store.transaction() as tx:
            if not await visible_to(tx.documents, principal, [document_id]):
                raise NotFound("no such document", code="unknown_document")
            whose = None if principal.has_role(*AUDIT_READERS) else principal.username
            found = await audit.query(tx.conn, audit.AuditQuery(
                document_id=document_id, username=whose, limit=TRAIL_LIMIT,
                newest_first=True))
        return [AuditTrailEntry(seq=entry.seq, at=entry.at, username=entry.username,
                                action=entry.action, outcome=entry.outcome, code=entry.code,
                                detail=entry.detail) for entry in found]

    async def verify(self) -> audit.ChainReport:
        """The chain recomputed with the key, and checked against its newest anchor."""
        try:
            anchor = await self.anchors.latest() if self.anchors is not None else None
        except ForgedAnchor as exc:
            return audit.ChainReport(intact=False, entries=0, problem=exc.detail)
        return await audit.verify(self.store.engine, key=self.store.audit_key, anchor=anchor)

    async def anchor(self) -> audit.Anchored:
        """Anchor the chain's head now (idempotent per head)."""
        if self.anchors is None:
            raise DependencyUnavailable("this registry has no object store to anchor its "
                                        "audit chain in", code="no_anchor_store")
        head = await audit.head(self.store.engine, at=self.clock.now())
        await self.anchors.write(head)
        return head

    async def refused(self, principal: Principal, action: str, error: ArchiveError, *,
                      document_id: str | None = None, code: str | None = None) -> None:
        """O4: every authorisation refusal is in the audit log, in its own transaction;
        ``code`` (default: the error's) says why, e.g. a decision's ``not_visible``.
        Past a user's cap a minute, refusals are counted into one entry (``refusals``)."""
        now = self.clock.now()
        entries = self.refusals.summaries(now)
        if self.refusals.itemise(principal.username, action, now):
            entries.append(audit.AuditEntry(
                action=action, username=principal.username, document_id=document_id,
                outcome="refused", code=code or error.code, detail={"reason": error.detail}))
        await self._write(entries)

    async def record(self, entry: audit.AuditEntry) -> None:
        """Append ``entry`` in a transaction of its own (an event with no change of its
        own, such as a login)."""
        await self._write([entry])

    async def flush_refusals(self) -> None:
        """Write the counts of refusals not itemised in minutes now over."""
        await self._write(self.refusals.summaries(self.clock.now()))

    async def _write(self, entries: list[audit.AuditEntry]) -> None:
        if not entries:
            return
        async with self.store.transaction() as tx:
            for entry in entries:
                await tx.audit(entry, at=self.clock.now())

    async def refuse(self, principal: Principal, action: str, error: ArchiveError, *,
                     document_id: str | None = None, code: str | None = None) -> NoReturn:
        """Record the refusal, then raise ``error``."""
        await self.refused(principal, action, error, document_id=document_id, code=code)
        raise error


class JournalUpkeep:
    """At start, every ``interval_s`` and at stop: the counts of refusals not itemised
    are written, then the chain's head anchored (if it moved)."""

    def __init__(self, journal: JournalService, *, interval_s: float) -> None:
        self.journal = journal
        self.interval_s = interval_s
        self._task = BackgroundTask("audit-upkeep", self._loop)

    async def start(self) -> None:
        await self.run_once()
        self._task.start()

    async def stop(self) -> None:
        await self._task.stop()
        await self.run_once()

    async def run_once(self) -> None:
        try:
            await self.journal.flush_refusals()
            if self.journal.anchors is not None:
                await self.journal.anchor()
        except ArchiveError as exc:
            # Anchoring waits for the store or database to come back; the chain itself is
            # whole in the meantime.
            log.warning("audit upkeep failed: %s (%s); retrying in %.0f s",
                        exc.detail, exc.code, self.interval_s)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.run_once()
