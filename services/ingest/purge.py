"""Retention in the object store: ingest follows the registry's change feed and SHALL

1. lock each filed original until its ``disposal_due``, a permanent one a century ahead
   (``set_retention``: S3 Object Lock in COMPLIANCE mode where the bucket has it; see
   ``services.ingest.locks``), and extend the lock when its due date moves (an appraisal
   keeps it, a correction or a change of its household's occupants history places it
   anew: a ``document_corrected`` event naming ``disposal_due``, or a ``security_changed``
   one when the same correction changed the protection too);
2. delete the original and every derived file of each destroyed document
   (``document_destroyed``, R6), idempotently: a missing object is already deleted;
3. only then move its cursor past the page, so a process that dies mid-page applies the
   page again after restart (architecture principle 3: nothing is forgotten).

Locks never shorten: a document whose due date later moved earlier (a schedule change)
keeps its longer lock, and its destruction waits for the lock to pass, as the store
demands. Such an original is kept in the follower's state as *deferred* and deleted once
its lock has passed; nothing is ever deleted early.

The cursor and the deferred list live in the object store itself
(``state/retention-follower.json``), beside what they describe. Several ingest processes
may follow at once: every step is idempotent.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

import msgspec

from services.common.clock import Clock
from services.common.contracts.registry import (
    RETAINED_STATUSES,
    Change,
    DocumentCorrected,
    DocumentDestroyed,
    DocumentFiled,
    DocumentRecord,
    FeedPage,
    SecurityChanged,
)
from services.common.errors import Conflict, NotFound
from services.common.objectstore import ObjectStore, original_key
from services.common.tasks import BackgroundTask, Backoff, follow
from services.ingest.derived import DerivedText
from services.ingest.locks import locked_until

log = logging.getLogger("archive.ingest.purge")

STATE_KEY = "state/retention-follower.json"
PAGE_SIZE = 200
RETENTION_FIELDS = frozenset({"disposal_due", "retention_class"})


class FollowerState(msgspec.Struct, kw_only=True):
    after: int = 0
    """The last ``seq`` applied."""
    deferred: dict[str, datetime] = msgspec.field(default_factory=dict)
    """SHA-256 of destroyed originals still locked → when their lock passes."""


class RetentionFeed(Protocol):
    """What the follower reads from the registry, with a service token."""

    async def changes(self, after: int, *, limit: int) -> FeedPage: ...

    async def get_document(self, document_id: str) -> DocumentRecord: ...


class RetentionFollower:
    """Applies the feed's retention decisions to ``store`` (module docstring)."""

    def __init__(self, feed: RetentionFeed, store: ObjectStore, clock: Clock, *,
                 poll_s: float = 1.0, page_size: int = PAGE_SIZE, max_pause_s: float = 30.0
                 ) -> None:
        self.feed = feed
        self.store = store
        self.clock = clock
        self.poll_s = poll_s
        self.page_size = page_size
        self.max_pause_s = max_pause_s
        self._task = BackgroundTask("ingest-retention-follower", self.run)
        self._state: FollowerState | None = None
        self._saved = b""

    def start(self) -> None:
        self._task.start()

    async def stop(self) -> None:
        await self._task.stop()

    async def run(self) -> None:
        """Follow the feed until cancelled; failures pause and retry the same page."""
        await follow(self.step, name="retention follower", poll_s=self.poll_s,
                     backoff=Backoff(initial_s=self.poll_s, max_s=self.max_pause_s))

    async def step(self) -> bool:
        """Apply the next page (and due deferred deletions); True when the feed is drained."""
        state = await self._load()
        await self._retry_deferred(state)
        page = await self.feed.changes(state.after, limit=self.page_size)
        for change in page.changes:
            await self.apply(change, state)
        if page.changes:
            state.after = page.last_seq
        await self._save(state)
        return len(page.changes) < self.page_size

    async def position(self) -> int:
        """The ``seq`` of the last event applied."""
        return (await self._load()).after

    async def apply(self, change: Change, state: FollowerState) -> None:
        match change.event:
            case DocumentFiled(document=document):
                await self.lock(document.document_id, document.sha256)
            case (DocumentCorrected(document=document, fields=fields)
                  | SecurityChanged(document=document, fields=fields)) \
                    if RETENTION_FIELDS.intersection(fields):
                await self.lock(document.document_id, document.sha256)
            case DocumentDestroyed(document=document):
                await self.purge(document.sha256, state)
            case _:
                pass

    async def lock(self, document_id: str, sha256: str) -> None:
        """Keep the original at least until its ``disposal_due`` (midnight UTC), or a
        century ahead if it is permanent."""
        try:
            record = await self.feed.get_document(document_id)
        except NotFound:
            return
        if record.status not in RETAINED_STATUSES:
            return
        now = self.clock.now()
        until = locked_until(record.disposal_due, now)
        key = original_key(sha256)
        if until <= now or await self.store.head(key) is None:
            return  # already due, or filed without an original in this store
        await self.store.set_retention(key, until)

    async def purge(self, sha256: str, state: FollowerState) -> None:
        """Delete the original and its derived files; a locked original is deferred."""
        await DerivedText(self.store).delete(sha256)
        key = original_key(sha256)
        try:
            await self.store.delete(key)
        except Conflict as exc:
            if exc.code != "object_locked":
                raise
            info = await self.store.head(key)
            until = info.retain_until if info and info.retain_until else self.clock.now()
            state.deferred[sha256] = until
            log.warning("destroyed original %s is locked until %s; it will be deleted then",
                        sha256, until.isoformat())
            return
        state.deferred.pop(sha256, None)
        log.info("deleted the original and derived files of %s", sha256)

    async def _retry_deferred(self, state: FollowerState) -> None:
        now = self.clock.now()
        for sha256, until in sorted(state.deferred.items()):
            if until <= now:
                await self.purge(sha256, state)

    async def _load(self) -> FollowerState:
        """The state, read from the store once per process, then kept in memory."""
        if self._state is None:
            try:
                self._saved = await self.store.read(STATE_KEY)
                self._state = msgspec.json.decode(self._saved, type=FollowerState)
            except NotFound:
                self._state = FollowerState()
        return self._state

    async def _save(self, state: FollowerState) -> None:
        encoded = msgspec.json.encode(state)
        if encoded != self._saved:
            await self.store.put_bytes(STATE_KEY, encoded, content_type="application/json")
            self._saved = encoded
