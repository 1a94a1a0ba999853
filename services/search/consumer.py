"""The feed consumer: keeps the search index following the registry's change feed.

It runs as a task of the search service (started and stopped by ``bootstrap``) and
SHALL, forever:
1. read the next page of changes after its stored cursor (``CursorStore``);
2. apply the page to the index (``feed.apply``: text from ingest, one bulk write);
3. only then move the cursor to the page's last ``seq``;
4. when the feed is drained, wait ``poll_s`` and ask again.

Failures: a registry, ingest, index or database that cannot be reached (any
``ArchiveError``) stalls the consumer, which retries the same page after a growing
pause (``Backoff``) and goes on where it stopped; a process that dies mid-page applies
that page again after restart, which changes nothing (versions). Its state, with the
lag behind the feed's head, is the ``search.consumer`` readiness check.

An index that holds nothing while the cursor says otherwise (the index directory or
Elasticsearch indices were dropped) is filled again from the start of the feed, as
architecture principle 1 promises. An index lost while the service runs (``INDEX_MISSING``:
found by a step, or by the watch that asks the index every ``watch_s``) is made again
with ``ensure`` at the next step, which then fills it so: the start-up path, once more.
The first time the consumer catches up with the feed after starting or after making the
index again, the index is complete, and it deletes what it replaced
(``SearchIndex.drop_replaced``: on Elasticsearch, the index whose alias was removed).

Several search processes over one Elasticsearch index each run a consumer: each applies
the whole feed (redundant but harmless, by versions) and they share the stored cursor,
which only moves forward; a restarted one resumes from the furthest any has reached.
"""

from __future__ import annotations

import logging

from services.common.errors import DependencyUnavailable
from services.common.tasks import BackgroundTask, Backoff, PeriodicTask, follow
from services.search.feed import ChangeSource, TextSource, apply
from services.search.index.protocol import INDEX_MISSING, SearchIndex
from services.search.store import CursorStore

log = logging.getLogger("archive.search.consumer")

PAGE_SIZE = 500
WATCH_S = 5.0
"""How often an idle consumer asks whether its index is still there."""


class FeedConsumer:
    """Follows the feed into ``index`` (module docstring); one per search process."""

    def __init__(self, feed: ChangeSource, texts: TextSource, index: SearchIndex,
                 cursors: CursorStore, *, page_size: int = PAGE_SIZE, poll_s: float = 0.5,
                 watch_s: float = WATCH_S, backoff: Backoff | None = None) -> None:
        self.feed = feed
        self.texts = texts
        self.index = index
        self.cursors = cursors
        self.page_size = page_size
        self.poll_s = poll_s
        self.backoff = backoff or Backoff()
        self.cursor: int | None = None
        """The last ``seq`` applied; None until read from the store."""
        self.head = 0
        self.stalled: str | None = None
        """Why the last attempt failed, while the consumer waits to retry."""
        self.index_missing = False
        """The index was found missing; the next step makes it again."""
        self.replaced_dropped = False
        """Whether ``drop_replaced`` ran since the index was last made complete (module
        docstring); ``_make_index_again`` sets it back."""
        self._task = BackgroundTask("search-feed-consumer", self.run)
        self._watch = PeriodicTask("search-index-watch", watch_s, self.watch)

    # -- running ------------------------------------------------------------------------

    def start(self) -> None:
        self._task.start()
        self._watch.start()

    async def stop(self) -> None:
        await self._watch.stop()
        await self._task.stop()

    async def run(self) -> None:
        """Apply the feed until cancelled (module docstring)."""
        await follow(self.step, name="the feed consumer", poll_s=self.poll_s,
                     backoff=self.backoff, stalled=self._stalled)

    async def step(self) -> bool:
        """Apply the next page; True when the feed had nothing more after it."""
        try:
            if self.index_missing:
                await self._make_index_again()
            cursor = await self._cursor()
            page = await self.feed.changes(cursor, limit=self.page_size)
            self.head = max(self.head, page.head)
            if page.changes:
                await apply(page.changes, self.index, self.texts)
                await self.cursors.advance(page.last_seq)
                self.cursor = page.last_seq
            drained = len(page.changes) < self.page_size
            if drained and not self.replaced_dropped:
                await self.index.drop_replaced()
                self.replaced_dropped = True
        except DependencyUnavailable as exc:
            self.index_missing = self.index_missing or exc.code == INDEX_MISSING
            raise
        return drained

    async def watch(self) -> None:
        """Ask the index whether it is there (every ``watch_s``): while the feed is
        quiet, no step touches it."""
        try:
            await self.index.count()
        except DependencyUnavailable as exc:
            if exc.code != INDEX_MISSING:
                raise
            self.index_missing = True

    async def _make_index_again(self) -> None:
        """Make the lost index as at start; ``_cursor`` then finds it empty and starts
        the feed again. Run by the step itself, so no page in flight moves the cursor
        past what the new index holds."""
        log.warning("the search index is missing; making it again and filling it from the "
                    "start of the feed")
        await self.index.ensure()
        self.index_missing = False
        self.replaced_dropped = False
        self.cursor = None

    async def _cursor(self) -> int:
        if self.cursor is None:
            cursor = await self.cursors.position()
            if cursor > 0 and await self.index.count() == 0:
                # Info, not a warning: every index made afresh (a restore, a new
                # ARCHIVE_ELASTICSEARCH_INDEX, a deleted index directory) fills itself so.
                log.info("the search index is empty but the feed cursor is at %d; "
                         "filling it again from the start of the feed", cursor)
                await self.cursors.reset()
                cursor = 0
            self.cursor = cursor
        return self.cursor

    def _stalled(self, reason: str | None) -> None:
        self.stalled = reason

    # -- state --------------------------------------------------------------------------

    @property
    def lag(self) -> int:
        """Events in the feed not yet in the index, as of the last page read."""
        return max(0, self.head - (self.cursor or 0))

    async def state(self) -> str:
        """The readiness state: ``lag N events``, or, stalled, ``degraded:`` the lag the
        feed last answered (it may have grown since) and why."""
        if not self._task.running:
            return "down: the feed consumer is not running; see the log and restart"
        if self.cursor is None and self.stalled is None:
            return "starting"
        if self.stalled:
            return (f"degraded: lag {self.lag} events when the feed last answered; stalled: "
                    f"{self.stalled}; retrying")
        return f"lag {self.lag} events"

