"""The feed consumer when the registry or ingest cannot be reached: it stalls, says so in
its state, retries with backoff, and resumes where it stopped once the peer is back.

The consumer is built as the search bootstrap builds it (real registry and ingest over
HTTP, a Tantivy index, the cursor in a migrated SQLite database); the outage is injected
at the HTTP clients' transport, the seam ``services.common.clients`` documents.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import pytest

from services.common.clients.ingest import IngestClient
from services.common.clients.registry import RegistryClient
from services.common.clock import SystemClock
from services.common.db import create_engine, migrate
from services.common.tasks import Backoff
from services.search.consumer import FeedConsumer
from services.search.index.models import AccessFilter
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery
from services.search.sources import IngestText
from services.search.store import CursorStore
from tests.e2e.search.support import notice, register_letters
from tests.fixtures.app import ArchiveServer
from tests.support.waiting import eventually_async


class Outage(httpx.AsyncBaseTransport):
    """A transport that cannot connect while ``down`` is set, and passes through otherwise."""

    def __init__(self) -> None:
        self.down = False
        self.refused = 0
        self.refused_at: list[float] = []
        self._real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            self.refused += 1
            self.refused_at.append(time.monotonic())
            raise httpx.ConnectError("connection refused (test outage)", request=request)
        return await self._real.handle_async_request(request)

    async def aclose(self) -> None:
        await self._real.aclose()


@dataclass
class Running:
    consumer: FeedConsumer
    index: TantivyIndex
    registry_outage: Outage
    ingest_outage: Outage

    async def found(self, q: str) -> int:
        result = await self.index.search(SearchQuery(q=q), AccessFilter(clearance="secret"))
        return result.total


@pytest.fixture
async def running(registry_and_ingest: ArchiveServer, tmp_path: Path) -> AsyncIterator[Running]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'search.db'}"
    await migrate(url, "search")
    engine = create_engine(url)
    codec = registry_and_ingest.ctx.codec
    outages = Outage(), Outage()
    token = partial(codec.service_token, "search")
    registry = RegistryClient(registry_and_ingest.url, service_token=token, name="registry",
                              transport=outages[0])
    ingest = IngestClient(registry_and_ingest.url, service_token=token, name="ingest",
                          transport=outages[1])
    index = TantivyIndex(tmp_path / "index")
    await index.ensure()
    consumer = FeedConsumer(registry, IngestText(ingest), index,
                            CursorStore(engine, SystemClock()), poll_s=0.05,
                            backoff=Backoff(initial_s=0.05, max_s=0.2))
    consumer.start()
    yield Running(consumer, index, *outages)
    await consumer.stop()
    await index.close()
    for client in (registry, ingest):
        await client.close()
    await engine.dispose()


async def file(server: ArchiveServer, word: str) -> None:
    """File a letter on the server (in a thread: the client is blocking)."""
    await asyncio.to_thread(register_letters, server, [notice(word)])


async def test_unreachable_registry_stalls_the_consumer_with_the_reason(
        running: Running) -> None:
    running.registry_outage.down = True
    await eventually_async(lambda: _stalled(running, "registry"))
    state = await running.consumer.state()
    assert "cannot be reached" in state
    # The lag is what the feed said last: not a figure of now, and said so.
    assert state.startswith("degraded: lag ")
    assert "events when the feed last answered" in state


async def test_consumer_resumes_when_the_registry_is_back(
        running: Running, registry_and_ingest: ArchiveServer) -> None:
    running.registry_outage.down = True
    await file(registry_and_ingest, "停水")
    await eventually_async(lambda: _refused_again(running.registry_outage))
    running.registry_outage.down = False
    await eventually_async(lambda: _found(running, "停水", 1))
    await eventually_async(lambda: _state_is(running, "lag 0 events"))  # the cursor is stored


async def test_unreachable_ingest_holds_the_cursor_until_it_is_back(
        running: Running, registry_and_ingest: ArchiveServer) -> None:
    running.ingest_outage.down = True
    await file(registry_and_ingest, "停电")
    await eventually_async(lambda: _stalled(running, "ingest"))
    stalled_at = running.consumer.cursor
    running.ingest_outage.down = False
    await eventually_async(lambda: _found(running, "停电", 1))
    # The page is searchable a moment before the consumer stores its cursor past it.
    await eventually_async(lambda: _cursor_past(running, stalled_at or 0))


async def _cursor_past(running: Running, position: int) -> bool:
    return (running.consumer.cursor or 0) > position


async def test_retries_back_off(running: Running) -> None:
    outage = running.registry_outage
    outage.down = True
    await eventually_async(lambda: _refused_times(outage, 5))
    # Pauses of 0.05, 0.1, then 0.2 s, less up to a quarter of jitter: a busy machine can
    # only stretch them, so each gap is at least its pause, and soon longer than a poll.
    gaps = [later - earlier for earlier, later in itertools.pairwise(outage.refused_at)]
    for gap, pause in zip(gaps, (0.05, 0.1, 0.2, 0.2), strict=False):
        assert gap >= 0.75 * pause - 0.005


async def _stalled(running: Running, peer: str) -> bool:
    return f"the {peer} service" in (running.consumer.stalled or "")


async def _refused_again(outage: Outage) -> bool:
    return outage.refused >= 2


async def _refused_times(outage: Outage, times: int) -> bool:
    return outage.refused >= times


async def _found(running: Running, q: str, total: int) -> bool:
    return await running.found(q) == total


async def _state_is(running: Running, state: str) -> bool:
    return await running.consumer.state() == state
