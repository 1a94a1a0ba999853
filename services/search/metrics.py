"""The search service's series for ``/metrics``: the feed consumer's lag behind the head
of the registry's change feed (asked of the registry at each scrape: a stalled consumer
learns of no new head itself), and how many documents the index holds."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from services.common.metrics import gauge
from services.search.feed import ChangeSource
from services.search.index.protocol import SearchIndex
from services.search.store import CursorStore


class SearchSampler:
    def __init__(self, cursors: CursorStore, feed: ChangeSource, index: SearchIndex) -> None:
        self.cursors = cursors
        self.feed = feed
        self.index = index

    async def __call__(self) -> list[Metric]:
        position = await self.cursors.position()
        head = (await self.feed.changes(position, limit=1)).head
        return [gauge("archive_feed_lag_events",
                      "Change feed events not yet applied, by consumer.", labels=["consumer"],
                      values=[(["search"], max(0, head - position))]),
                gauge("archive_index_documents", "Documents in the search index.",
                      float(await self.index.count()))]
