"""``archive reindex``: rebuild the search index from the registry, with no downtime.

The index is a derived view (architecture principle 1), so a new one is built from the
feed replayed from zero, beside the live one, and swapped in. A reindex SHALL:
1. open a rebuild (``SearchIndex.start_rebuild``): searches keep using the live index;
2. replay the feed from ``seq`` 1 into the rebuild (``feed.apply``, text from ingest)
   until a page comes back empty: the rebuild then holds every event up to the head;
3. commit: the rebuild becomes the live index (Tantivy: ``CURRENT``; Elasticsearch: the
   alias moves in one call).

Events that arrive while it runs are applied by the feed consumer, and while a rebuild is
open the index writes them to the rebuild too; this bookkeeping lives in the index
object, so reindexing runs in the process that consumes the feed (hence an HTTP route,
``POST /search/reindex``, rather than a command that opens the index itself). Replay and
consumer may write the same document in any order: versions keep the newest.

A failure (a peer unreachable past ``attempts`` tries, the index refusing) aborts the
rebuild and leaves the live index as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from services.common.clock import Clock
from services.common.contracts.search import ReindexStatus
from services.common.errors import ArchiveError, Conflict
from services.common.tasks import BackgroundTask, Backoff
from services.search.consumer import PAGE_SIZE
from services.search.feed import ChangeSource, TextSource, apply
from services.search.index.protocol import Rebuild, SearchIndex

log = logging.getLogger("archive.search.reindex")


class Reindexer:
    """Runs one reindex at a time as a task and reports how far it got."""

    def __init__(self, index: SearchIndex, feed: ChangeSource, texts: TextSource, *,
                 clock: Clock, page_size: int = PAGE_SIZE, attempts: int = 8,
                 backoff: Backoff | None = None) -> None:
        self.index = index
        self.feed = feed
        self.texts = texts
        self.clock = clock
        self.page_size = page_size
        self.attempts = attempts
        self.backoff = backoff or Backoff()
        self._status = ReindexStatus(state="idle")
        self._task = BackgroundTask("search-reindex", self._run)

    def status(self) -> ReindexStatus:
        return self._status

    def start(self) -> ReindexStatus:
        """Begin a reindex; ``Conflict`` (``reindex_running``) while one runs."""
        if self._task.running:
            raise Conflict("a reindex is already running; follow it with "
                           "'GET /search/reindex' (or run 'archive reindex' again)",
                           code="reindex_running")
        self._status = ReindexStatus(state="running", started_at=self.clock.now())
        self._task.start()
        return self._status

    async def stop(self) -> None:
        """Cancel a running reindex (shut-down); its rebuild is dropped."""
        await self._task.stop()

    async def _run(self) -> None:
        try:
            rebuild = await self.index.start_rebuild()
        except ArchiveError as exc:
            self._finish(error=exc.explained)
            return
        try:
            await self._replay(rebuild)
            await rebuild.commit()
        except BaseException as exc:
            await _abort(rebuild)
            if not isinstance(exc, ArchiveError):
                raise
            self._finish(error=exc.explained)
            return
        documents: int | None = None
        with contextlib.suppress(ArchiveError):  # the swap is done; the count is a courtesy
            documents = await self.index.count()
        self._finish(documents=documents)

    async def _replay(self, rebuild: Rebuild) -> None:
        cursor = 0
        self.backoff.reset()
        while True:
            try:
                page = await self.feed.changes(cursor, limit=self.page_size)
                if page.changes:
                    await apply(page.changes, rebuild, self.texts)
            except ArchiveError as exc:
                if self.backoff.failures + 1 >= self.attempts:
                    raise
                pause = self.backoff.next_pause_s()
                log.warning("reindex stalled at seq %d: %s; retrying in %.1f s",
                            cursor, exc.detail, pause)
                await asyncio.sleep(pause)
                continue
            self.backoff.reset()
            cursor = page.last_seq
            self._status = _progress(self._status, replayed=cursor, head=page.head)
            if not page.changes:
                return

    def _finish(self, *, error: str | None = None, documents: int | None = None) -> None:
        status = self._status
        finished_at = self.clock.now()
        took_s = (finished_at - status.started_at).total_seconds() if status.started_at else 0
        if error:
            log.error("reindex failed after %.1f s, the live index is unchanged: %s",
                      took_s, error)
        else:
            indexed = "uncounted" if documents is None else documents
            log.info("reindex done: %s documents indexed in %.1f s (feed replayed to seq %d)",
                     indexed, took_s, status.replayed)
        self._status = ReindexStatus(
            state="failed" if error else "done", replayed=status.replayed, head=status.head,
            documents=documents, started_at=status.started_at, finished_at=finished_at,
            error=error)


def _progress(status: ReindexStatus, *, replayed: int, head: int) -> ReindexStatus:
    return ReindexStatus(state="running", replayed=replayed, head=max(head, replayed),
                         started_at=status.started_at)


async def _abort(rebuild: Rebuild) -> None:
    try:
        await rebuild.abort()
    except ArchiveError as exc:
        log.error("could not drop the abandoned rebuild: %s", exc.detail)
