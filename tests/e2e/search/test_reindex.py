"""``archive reindex``: a new index replayed from the registry's feed, swapped in with no
document missing, including those filed or destroyed while it ran (on each backend).

The swap tests build the consumer and the reindexer as the search bootstrap does, over
the real registry and ingest of a running server, so a reindex can be held open (its
text source waits at a gate) while documents are filed and destroyed.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from elasticsearch import AsyncElasticsearch

from services.common.clients.ingest import IngestClient
from services.common.clients.registry import RegistryClient
from services.common.clock import SystemClock
from services.common.contracts.registry import FeedDocument
from services.common.db import create_engine, migrate
from services.common.errors import Conflict, DependencyUnavailable
from services.common.tasks import Backoff
from services.search.consumer import FeedConsumer
from services.search.feed import TextSource
from services.search.index.elasticsearch_index import ALIAS, ElasticsearchIndex
from services.search.index.models import ANALYSIS, AccessFilter
from services.search.index.protocol import INDEX_MISSING, SearchIndex
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery
from services.search.reindex import Reindexer
from services.search.sources import IngestText
from services.search.store import CursorStore
from tests.e2e.search.support import (
    Letter,
    destroy,
    found_ids,
    launch_services,
    lose_index,
    notice,
    readiness,
    register_letters,
    wait_until_found,
)
from tests.e2e.search.support import search as search_api
from tests.fixtures.app import ArchiveServer
from tests.fixtures.elasticsearch import osmem_client, unique_alias
from tests.support.waiting import eventually, eventually_async

# -- through HTTP --------------------------------------------------------------------------


def test_reindex_builds_a_new_index_with_every_live_document(
        backend_server: ArchiveServer) -> None:
    staff = backend_server.client(backend_server.add_user("li", "staff"))
    admin = backend_server.client(backend_server.add_user("root", "admin"))
    kept, destroyed, also_kept = register_letters(
        backend_server, [notice("停水"), notice("停电"), notice("消防演习")])
    destroy(backend_server, destroyed)
    wait_until_found(staff, {kept, also_kept}, q="通知")
    index_before = readiness(admin)["search.index"]

    started = admin.post("/search/reindex")
    finished = eventually(lambda: _finished(admin.get("/search/reindex").json()))

    assert (started.status_code, started.json()["state"]) == (202, "running")
    assert (finished["state"], finished["documents"]) == ("done", 2)
    assert found_ids(staff, q="通知") == {kept, also_kept}
    assert readiness(admin)["search.index"] != index_before


def test_an_index_made_by_an_earlier_version_is_rebuilt_when_the_archive_starts(
        backend: str, backend_settings: Callable[[str], dict[str, str]], tmp_path: Path) -> None:
    settings = backend_settings(backend)
    server = launch_services(tmp_path / "data", ("registry", "ingest", "search"), **settings)
    staff_token = server.add_user("li", "staff")
    staff = server.client(staff_token)
    admin_token = server.add_user("root", "admin")
    filed = register_letters(server, [notice("停水"), notice("停电")])
    wait_until_found(staff, set(filed), q="通知")
    asyncio.run(_as_if_made_by_analysis_1(backend, settings, tmp_path / "data"))
    server.server.stop()

    upgraded = launch_services(tmp_path / "data", ("registry", "ingest", "search"), **settings)
    try:
        admin = upgraded.client(admin_token)
        rebuilt = eventually(lambda: _finished(admin.get("/search/reindex").json()))
        assert (rebuilt["state"], rebuilt["documents"]) == ("done", 2)
        assert found_ids(upgraded.client(staff_token), q="通知") == set(filed)
    finally:
        upgraded.server.stop()


async def _as_if_made_by_analysis_1(backend: str, settings: dict[str, str], data: Path
                                    ) -> None:
    """Record on the live index that an earlier version's analysis made it."""
    if backend == "tantivy":
        for record in (data / "index").glob("gen-*/ANALYSIS"):
            record.write_text("1\n")
        return
    async with AsyncElasticsearch(settings["elasticsearch_url"]) as client:
        await client.indices.put_mapping(index=ALIAS, meta={"analysis": 1})


def test_an_index_made_before_the_words_answers_and_is_rebuilt_when_the_archive_starts(
        backend: str, backend_settings: Callable[[str], dict[str, str]], tmp_path: Path) -> None:
    settings = backend_settings(backend)
    server = launch_services(tmp_path / "data", ("registry", "ingest", "search"), **settings)
    staff_token, admin_token = server.add_user("li", "staff"), server.add_user("root", "admin")
    signed, owners = register_letters(server, [
        Letter(title="物业主任通知", lines=["本通知由物业主任签发，物业主管负责落实。"] * 3),
        Letter(title="缴费通知", lines=["请各位业主于本周五前缴清物业费。"])])
    wait_until_found(server.client(staff_token), {signed, owners}, q="业主")
    server.server.stop()
    asyncio.run(_as_if_made_before_the_words(backend, settings, tmp_path / "data"))

    upgraded = launch_services(tmp_path / "data", ("registry", "ingest", "search"), **settings)
    try:
        staff, admin = upgraded.client(staff_token), upgraded.client(admin_token)
        wait_until_found(staff, {signed, owners}, q="业主")  # the old index answers too
        rebuilt = eventually(lambda: _finished(admin.get("/search/reindex").json()))
        assert (rebuilt["state"], rebuilt["documents"]) == ("done", 2)
        assert [hit["document_id"] for hit in search_api(staff, q="业主")["hits"]] == [
            owners, signed]
    finally:
        upgraded.server.stop()


async def _as_if_made_before_the_words(backend: str, settings: dict[str, str], data: Path
                                       ) -> None:
    """Replace the index with an empty one as the release before the words fields made
    it (its schema or mapping, its ``ANALYSIS``): the archive fills it from the feed."""
    index: SearchIndex
    if backend == "tantivy":
        await lose_index(data / "index", None, ALIAS)
        index = TantivyIndex(data / "index", analysis=ANALYSIS - 1, words=False)
    else:
        await lose_index(data / "index", AsyncElasticsearch(settings["elasticsearch_url"]),
                         ALIAS)
        index = ElasticsearchIndex(AsyncElasticsearch(settings["elasticsearch_url"]),
                                   analysis=ANALYSIS - 1, words=False)
    await index.ensure()
    await index.close()


def test_reindex_is_for_admins_only(backend_server: ArchiveServer) -> None:
    staff = backend_server.client(backend_server.add_user("li", "staff"))
    response = staff.post("/search/reindex")
    assert (response.status_code, response.json()["code"]) == (403, "role_required")


def _finished(status: dict[str, object]) -> dict[str, object] | None:
    return status if status["state"] in ("done", "failed") else None


# -- held open while documents are filed and destroyed -------------------------------------


class Gate:
    """A text source that waits until opened: holds a reindex in the middle of its replay."""

    def __init__(self, inner: TextSource) -> None:
        self.inner = inner
        self.opened = asyncio.Event()

    async def texts(self, documents: Sequence[FeedDocument]) -> dict[str, str]:
        await self.opened.wait()
        return await self.inner.texts(documents)


class IngestAway:
    """A text source whose ingest never answers."""

    async def texts(self, documents: Sequence[FeedDocument]) -> dict[str, str]:
        raise DependencyUnavailable("the ingest service cannot be reached (test)",
                                    code="ingest_unavailable")


@dataclass
class Search:
    """The search service's moving parts, over the server's registry and ingest."""

    server: ArchiveServer
    index: SearchIndex
    consumer: FeedConsumer
    feed: RegistryClient
    texts: IngestText
    directory: Path
    es_url: str | None

    async def lose(self) -> None:
        client = None if self.es_url is None else osmem_client(self.es_url)
        alias = self.index.alias if isinstance(self.index, ElasticsearchIndex) else ""
        await lose_index(self.directory / "index", client, alias)

    def reindexer(self, texts: TextSource) -> Reindexer:
        return Reindexer(self.index, self.feed, texts, clock=SystemClock(), attempts=2,
                         backoff=Backoff(initial_s=0.01, max_s=0.02))

    async def file(self, *words: str) -> list[str]:
        return await asyncio.to_thread(register_letters, self.server,
                                       [notice(w) for w in words])

    async def found(self) -> set[str]:
        result = await self.index.search(SearchQuery(q="通知", size=100),
                                         AccessFilter(clearance="secret"))
        return {hit.document_id for hit in result.hits}

    async def until_found(self, expected: set[str]) -> None:
        await eventually_async(lambda: _equal(self.found(), expected))


@pytest.fixture
async def search(backend: str, registry_and_ingest: ArchiveServer, tmp_path: Path,
                 request: pytest.FixtureRequest) -> AsyncIterator[Search]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'search.db'}"
    await migrate(url, "search")
    engine = create_engine(url)
    index: SearchIndex
    es_url = None
    if backend == "tantivy":
        index = TantivyIndex(tmp_path / "index")
    else:
        es_url = request.getfixturevalue("osmem_elasticsearch_url")
        index = ElasticsearchIndex(osmem_client(es_url), alias=unique_alias())
    await index.ensure()
    codec = registry_and_ingest.ctx.codec
    token = partial(codec.service_token, "search")
    registry = RegistryClient(registry_and_ingest.url, service_token=token, name="registry")
    ingest = IngestClient(registry_and_ingest.url, service_token=token, name="ingest")
    feed, texts = registry, IngestText(ingest)
    # No watch: these tests see a lost index stay lost until a reindex (test_consumer
    # shows the watch making it again).
    consumer = FeedConsumer(feed, texts, index, CursorStore(engine, SystemClock()), poll_s=0.05,
                            watch_s=3600)
    consumer.start()
    yield Search(registry_and_ingest, index, consumer, feed, texts, tmp_path, es_url)
    await consumer.stop()
    await index.close()
    await registry.close()
    await ingest.close()
    await engine.dispose()


async def test_documents_filed_and_destroyed_during_a_reindex_are_right_after_the_swap(
        search: Search) -> None:
    kept, doomed = await search.file("停水", "停电")
    await search.until_found({kept, doomed})
    gate = Gate(search.texts)
    reindexer = search.reindexer(gate)
    reindexer.start()
    late = await search.file("消防演习")
    await asyncio.to_thread(destroy, search.server, doomed)
    await search.until_found({kept, *late})  # the consumer wrote to both indices
    gate.opened.set()
    await eventually_async(lambda: _state(reindexer, "done"))
    assert await search.found() == {kept, *late}
    assert reindexer.status().documents == 2


async def test_finished_reindex_reports_the_feed_replayed_to_its_head(search: Search) -> None:
    await search.file("停水")
    reindexer = search.reindexer(search.texts)
    reindexer.start()
    await eventually_async(lambda: _state(reindexer, "done"))
    status = reindexer.status()
    assert status.replayed == status.head > 0


async def test_a_reindex_logs_its_end_how_many_documents_and_how_long(
        search: Search, caplog: pytest.LogCaptureFixture) -> None:
    """After an upgrade the archive rebuilds its index by itself; the log says when it is
    done, as it says when it began."""
    await search.file("停水", "停电")
    reindexer = search.reindexer(search.texts)
    with caplog.at_level(logging.INFO, logger="archive.search.reindex"):
        reindexer.start()
        await eventually_async(lambda: _state(reindexer, "done"))
    [said] = [record.getMessage() for record in caplog.records]
    assert re.fullmatch(r"reindex done: 2 documents indexed in \d+\.\d s "
                        r"\(feed replayed to seq \d+\)", said), said


async def test_second_reindex_while_one_runs_is_refused(search: Search) -> None:
    reindexer = search.reindexer(Gate(search.texts))
    await search.file("停水")
    reindexer.start()
    with pytest.raises(Conflict):
        reindexer.start()
    await reindexer.stop()


async def test_failed_reindex_leaves_the_live_index_as_it_was(
        search: Search, caplog: pytest.LogCaptureFixture) -> None:
    filed = set(await search.file("停水", "停电"))
    await search.until_found(filed)
    reindexer = search.reindexer(IngestAway())
    with caplog.at_level(logging.INFO, logger="archive.search.reindex"):
        reindexer.start()
        await eventually_async(lambda: _state(reindexer, "failed"))
    assert "ingest service cannot be reached" in (reindexer.status().error or "")
    assert re.match(r"reindex failed after \d+\.\d s, the live index is unchanged: the "
                    "ingest service cannot be reached", caplog.records[-1].getMessage())
    assert await search.found() == filed


async def test_reindex_brings_back_every_document_of_a_lost_index(search: Search) -> None:
    filed = set(await search.file("停水", "停电"))
    await search.until_found(filed)
    await search.lose()
    with pytest.raises(DependencyUnavailable) as refused:
        await search.index.check()  # the readiness check: what is wrong and what to do
    assert refused.value.code == INDEX_MISSING
    assert "run 'archive reindex'" in refused.value.detail
    with pytest.raises(DependencyUnavailable) as refused:
        await search.found()
    assert refused.value.code == INDEX_MISSING
    reindexer = search.reindexer(search.texts)
    reindexer.start()
    await eventually_async(lambda: _state(reindexer, "done"))
    assert (await search.found(), reindexer.status().documents) == (filed, 2)


async def _equal(found: Awaitable[set[str]], expected: set[str]) -> bool:
    return await found == expected


async def _state(reindexer: Reindexer, state: str) -> bool:
    return reindexer.status().state == state
