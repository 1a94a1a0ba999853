"""Builds the search service from its context: the one place it picks implementations.

The index is Elasticsearch when ``ARCHIVE_ELASTICSEARCH_URL`` is set (its alias
``ARCHIVE_ELASTICSEARCH_INDEX``), else Tantivy under ``<data_dir>/index``. The feed
consumer and the reindexer run in this process, beside the index object whose rebuild
bookkeeping they share (``services.search.reindex``); an index made by an earlier
version's analysis is rebuilt at start (``ANALYSIS``). The words' dictionary
(``services.common.words``) is loaded at start, in a thread, so that the first search after
a start does not wait for it (0.6 s on an idle machine, 2.4 s on a busy one).
"""

from __future__ import annotations

import logging
from functools import partial

from services.common.clients.ingest import IngestClient
from services.common.clients.registry import RegistryClient
from services.common.config import Settings
from services.common.context import Context
from services.common.db import create_engine, database_check
from services.common.migrations import prepare_database
from services.common.tasks import waited_at_start
from services.common.web import PartRouter, ServicePart, provided
from services.common.words import DictionaryAtStart
from services.search.access import RegistryAccess
from services.search.api import ReindexController, SearchController
from services.search.consumer import FeedConsumer
from services.search.index.protocol import UNREACHABLE, SearchIndex
from services.search.index.tantivy_index import TantivyIndex, embedded_directory
from services.search.metrics import SearchSampler
from services.search.reindex import Reindexer
from services.search.service import SearchService
from services.search.sources import SERVICE, IngestText
from services.search.store import CursorStore
from services.search.synonyms import configured_synonyms

log = logging.getLogger("archive.search")


def open_index(settings: Settings) -> SearchIndex:
    """The configured index, its searches' words matched with the configured synonyms
    (``ARCHIVE_SYNONYMS_FILE``); opens nothing until ``ensure``."""
    synonyms = configured_synonyms(settings.synonyms_file)
    if settings.elasticsearch_url:
        # Imported only here: the Elasticsearch client and aiohttp are 0.6 s of every
        # start's CPU, which a start on the embedded index does not need.
        from services.search.index.elasticsearch_index import ElasticsearchIndex

        return ElasticsearchIndex.from_url(settings.elasticsearch_url,
                                           alias=settings.elasticsearch_index,
                                           synonyms=synonyms)
    return TantivyIndex(embedded_directory(settings), synonyms=synonyms)


async def ensured_index(index: SearchIndex) -> None:
    """``index.ensure()``; an Elasticsearch that does not answer (not up yet after a
    reboot, restarting) is waited for as the database is (``waited_at_start``); one that
    answers and refuses stops the start."""
    await waited_at_start(index.ensure, away=UNREACHABLE, waiting="waiting for it",
                          answered="Elasticsearch answers; starting", logger=log)


def build(ctx: Context) -> ServicePart:
    url = ctx.settings.database_url_for("search")
    engine = create_engine(url)
    index = open_index(ctx.settings)
    token = partial(ctx.codec.service_token, SERVICE)
    registry = RegistryClient(ctx.peer_url("registry"), service_token=token, name="registry")
    ingest = IngestClient(ctx.peer_url("ingest"), service_token=token, name="ingest")
    texts = IngestText(ingest)
    cursors = CursorStore(engine, ctx.clock)
    consumer = FeedConsumer(registry, texts, index, cursors)
    reindexer = Reindexer(index, registry, texts, clock=ctx.clock)
    search = SearchService(index, RegistryAccess(registry))
    dictionary = DictionaryAtStart()

    async def start() -> None:
        await dictionary.start()
        await prepare_database(engine, url, "search", embedded=ctx.settings.embedded,
                               wait=True)
        await ensured_index(index)
        consumer.start()
        if await index.outdated():
            log.info("the search index was made by an earlier version of the archive; "
                     "rebuilding it in the background (searches use it until the new one "
                     "is ready; follow with 'GET /search/reindex')")
            reindexer.start()

    async def stop() -> None:
        await dictionary.stop()
        await reindexer.stop()
        await consumer.stop()
        await index.close()
        await registry.close()
        await ingest.close()
        await engine.dispose()

    router = PartRouter(
        path="/search",
        route_handlers=[SearchController, ReindexController],
        dependencies=provided(search=search, reindexer=reindexer),
    )
    return ServicePart(
        name="search", router=router, on_startup=[start], on_shutdown=[stop],
        readiness={"search.database": database_check(engine), "search.index": index.check,
                   "search.consumer": consumer.state},
        samplers={"search": SearchSampler(cursors, registry, index)},
    )
