"""The search index contract's fixture: every implementation, each in a fresh index.

``index`` runs each test on: Tantivy in a fresh directory; Elasticsearch API served by
osmem-server (one per session, a fresh alias per test); real Elasticsearch 8 in a
container (skipped, saying why, without Docker). The same documents must match the same
queries everywhere, so assertions are on exact sets of document ids.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import AsyncElasticsearch

from services.search.index.elasticsearch_index import ElasticsearchIndex
from services.search.index.models import AccessFilter, IndexedDocument
from services.search.index.protocol import SearchIndex
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery
from tests.fixtures.elasticsearch import osmem_client, unique_alias

BACKENDS = ["tantivy", "elasticsearch-osmem", "elasticsearch-container"]
SECRET = AccessFilter(clearance="secret")
ORDINARY = AccessFilter(clearance="ordinary")


@pytest.fixture(params=BACKENDS)
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SearchIndex]:
    """A fresh, ensured index of the parametrised backend, closed afterwards."""
    opened: SearchIndex
    if request.param == "tantivy":
        opened = TantivyIndex(tmp_path / "index")
    elif request.param == "elasticsearch-osmem":
        url = request.getfixturevalue("osmem_elasticsearch_url")
        opened = ElasticsearchIndex(osmem_client(url), alias=unique_alias())
    else:
        url = request.getfixturevalue("elasticsearch_container_url")
        opened = ElasticsearchIndex.from_url(url, alias=unique_alias())
    await opened.ensure()
    yield opened
    await opened.close()
    if isinstance(opened, ElasticsearchIndex):
        await _drop_indices(request, opened.alias)


async def _drop_indices(request: pytest.FixtureRequest, alias: str) -> None:
    """Delete a test's indices by name (Elasticsearch 8 refuses wildcard deletes)."""
    if request.param == "elasticsearch-osmem":
        client = osmem_client(request.getfixturevalue("osmem_elasticsearch_url"))
    else:
        client = AsyncElasticsearch(request.getfixturevalue("elasticsearch_container_url"))
    async with client:
        names = (await client.indices.get(index=f"{alias}-v*", allow_no_indices=True)).body
        for name in names:
            await client.indices.delete(index=name)


def doc(**fields: Any) -> IndexedDocument:
    """A filed ordinary letter of household A-1201; keyword arguments override."""
    document_id = fields.pop("document_id", None) or uuid.uuid4().hex
    values: dict[str, Any] = {
        "document_id": document_id,
        "archive_no": f"2024-correspondence-A-1201-{document_id[:4]}",
        "title": "来函",
        "body": "",
        "household": "A-1201",
        "category": "correspondence",
        "filed_at": date(2024, 3, 1),
        "security": "ordinary",
        "personal_info": False,
        "version": 1,
    }
    values.update(fields)
    return IndexedDocument(**values)


async def found(index: SearchIndex, q: str = "", access: AccessFilter = SECRET,
                **filters: Any) -> set[str]:
    """The ids of every hit of ``q`` (one page of 100)."""
    result = await index.search(SearchQuery(q=q, size=100, **filters), access)
    return {hit.document_id for hit in result.hits}
