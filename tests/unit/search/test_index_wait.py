"""The search service waits at start for an Elasticsearch that does not answer yet (after
a reboot, a restart), as it waits for its database: it starts once Elasticsearch is up,
instead of exiting and leaving the operator to start it again."""

from __future__ import annotations

import asyncio
import logging

import pytest
from osmem_server import OsmemServer

from services.search.bootstrap import ensured_index
from services.search.index.elasticsearch_index import ElasticsearchIndex
from tests.fixtures.elasticsearch import osmem_client, unique_alias
from tests.fixtures.postgres import free_port


async def test_an_elasticsearch_not_up_yet_is_waited_for_then_the_index_made(
        caplog: pytest.LogCaptureFixture) -> None:
    address = f"127.0.0.1:{free_port()}"
    index = ElasticsearchIndex(osmem_client(f"http://{address}"), alias=unique_alias())
    with caplog.at_level(logging.INFO, logger="archive.search"):
        waiting = asyncio.create_task(ensured_index(index))
        await asyncio.sleep(1.5)
        assert not waiting.done()
        assert "cannot reach Elasticsearch" in caplog.text
        assert "waiting for it" in caplog.text
        server = OsmemServer.start(addr=address)
        try:
            await asyncio.wait_for(waiting, timeout=30)
            assert await index.held() == 0
        finally:
            await index.close()
            server.close()
    assert "Elasticsearch answers; starting" in caplog.text
