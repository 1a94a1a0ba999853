"""The search index contract's fixture: every implementation, each in a fresh index.

``index`` runs each test on: Tantivy in a fresh directory; Elasticsearch API served by
osmem-server (one per session, a fresh alias per test); real Elasticsearch 8 in a
container (skipped, saying why, without Docker). The same documents must match the same
queries everywhere, so assertions are on exact sets of document ids.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import AsyncElasticsearch

from services.search.index.elasticsearch_index import ElasticsearchIndex
from services.search.index.models import ANALYSIS, AccessFilter, IndexedDocument
from services.search.index.protocol import SearchIndex
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery
from services.search.synonyms import DEFAULT_SYNONYMS, Synonyms
from tests.fixtures.elasticsearch import osmem_client, unique_alias

BACKENDS = ["tantivy", "elasticsearch-osmem", "elasticsearch-container"]
SECRET = AccessFilter(clearance="secret")
ORDINARY = AccessFilter(clearance="ordinary")


IndexOpener = Callable[..., SearchIndex]
"""Opens (does not ensure) an index of the test's backend on the test's storage, made by
the given ``analysis`` version (default: this version's), matching ``synonyms`` (default:
the default groups); ``words=False`` makes new indexes without the words fields, as
releases before them did."""


@dataclass
class Storage:
    """Where a test's indexes live: a directory (Tantivy) or an alias on a server."""

    request: pytest.FixtureRequest
    directory: Path
    alias: str = field(default_factory=unique_alias)
    servers: set[str] = field(default_factory=set)

    @property
    def backend(self) -> str:
        return str(self.request.param)

    def client(self) -> AsyncElasticsearch:
        if self.backend == "elasticsearch-osmem":
            url = self.request.getfixturevalue("osmem_elasticsearch_url")
            self.servers.add(url)
            return osmem_client(url)
        url = self.request.getfixturevalue("elasticsearch_container_url")
        self.servers.add(url)
        return AsyncElasticsearch(url)

    def _client_at(self, url: str) -> AsyncElasticsearch:
        return osmem_client(url) if self.backend == "elasticsearch-osmem" else (
            AsyncElasticsearch(url))

    async def drop_indices(self) -> None:
        for url in self.servers:
            await _drop_indices(self._client_at(url), self.alias)

    async def remove_alias(self) -> None:
        """Remove the Elasticsearch alias and keep the index it was on, as an operator or
        a failed migration does."""
        for url in self.servers:
            async with self._client_at(url) as client:
                held = (await client.indices.get_alias(name=self.alias)).body
                await client.indices.update_aliases(actions=[
                    {"remove": {"index": name, "alias": self.alias}} for name in held])

    async def indices(self) -> dict[str, set[str]]:
        """The indices named ``<alias>-v*`` on the server: name → the aliases on it."""
        (url,) = self.servers
        async with self._client_at(url) as client:
            found = (await client.indices.get(index=f"{self.alias}-v*",
                                              allow_no_indices=True)).body
        return {name: set(body.get("aliases") or {}) for name, body in found.items()}

    async def lose(self) -> None:
        """Lose the index under a running archive, as an operator or a restarted server
        does: Tantivy's directory deleted; the Elasticsearch indices (and so the alias)
        deleted through the API."""
        if self.backend == "tantivy":
            shutil.rmtree(self.directory)
        await self.drop_indices()


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """The parametrised backend's storage for one test."""
    return Storage(request, tmp_path / "index")


@pytest.fixture
async def open_index(storage: Storage) -> AsyncIterator[IndexOpener]:
    """Indexes of the parametrised backend, all on one storage (a directory, an alias) as
    the archive opens it again after an upgrade; each is closed afterwards."""
    opened: list[SearchIndex] = []

    def opener(analysis: int = ANALYSIS, synonyms: Synonyms = DEFAULT_SYNONYMS,
               words: bool = True) -> SearchIndex:
        made = (TantivyIndex(storage.directory, analysis=analysis, synonyms=synonyms,
                             words=words)
                if storage.backend == "tantivy"
                else ElasticsearchIndex(storage.client(), alias=storage.alias,
                                        analysis=analysis, synonyms=synonyms, words=words))
        opened.append(made)
        return made

    yield opener
    for made in opened:
        await made.close()
    await storage.drop_indices()


@pytest.fixture
async def index(open_index: IndexOpener) -> SearchIndex:
    """A fresh, ensured index of the parametrised backend, closed afterwards."""
    opened = open_index()
    await opened.ensure()
    return opened


async def _drop_indices(client: AsyncElasticsearch, alias: str) -> None:
    """Delete a test's indices by name (Elasticsearch 8 refuses wildcard deletes)."""
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
