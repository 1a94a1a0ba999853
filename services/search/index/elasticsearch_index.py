"""The scale-out search index: Elasticsearch 8/9 through the official async client.

Layout: an index template ``<alias>`` for ``<alias>-v*`` (settings and mappings from
``elasticsearch_query``), versioned indices ``<alias>-v1``, ``<alias>-v2``, … and the alias
``<alias>`` (``ARCHIVE_ELASTICSEARCH_INDEX``, by default ``archive-documents``) on exactly
one of them, which every search and
write uses. A rebuild fills ``<alias>-v<N+1>``, then one ``_aliases`` call moves the alias
(atomic: searches never see no index), and the old index is deleted. Each index records
in its mapping's ``_meta`` the ``ANALYSIS`` version that made it. An index made before
the words fields (``WORD_MAPPINGS``) gets them in ``ensure``, so that the documents written
to it until its rebuild (which carry words) are accepted by its strict mapping.

``drop_replaced`` deletes every ``<alias>-v<M>`` below the index the alias is on that no
alias points at, logging each: the old index after a swap, and the one a lost alias left
behind (``ensure`` makes a new index beside it, which the feed consumer fills). Indices
above the live one (another process's rebuild) and every other name are left alone.

An index lost under the running archive (a restarted in-memory server, a replaced
cluster, a deleted index or alias) is reported as ``index_missing`` by every call that
needs it (``protocol``); live writes name the alias with ``require_alias``, because a
plain bulk write to a missing alias makes an ordinary index of that name, which no alias
can then take. ``ensure`` makes it again; ``start_rebuild`` and its swap work without it.

Writes go through the bulk API with ``version_type=external`` and the change-feed
sequence number as version; Elasticsearch answers 409 to a version not above the held
one, which is the expected outcome of a replay and is ignored. Live writes use
``refresh=wait_for``: the call returns once the change is searchable (within the default
1 s refresh interval). Rebuild writes do not wait; ``commit`` refreshes once.

The constructor takes a ready ``AsyncElasticsearch`` client (``from_url`` builds the
production one) and owns it: ``close`` closes it. Client errors become
``DependencyUnavailable`` at this module's edge.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from elasticsearch import (
    ApiError,
    AsyncElasticsearch,
    BadRequestError,
    NotFoundError,
    TransportError,
)

from services.common.config import ELASTICSEARCH_INDEX
from services.common.errors import Conflict, DependencyUnavailable
from services.search.index.elasticsearch_query import (
    INDEX_SETTINGS,
    MAPPINGS,
    WORD_MAPPINGS,
    document_source,
    partial_search_body,
    search_body,
    tombstone_source,
)
from services.search.index.highlight import Highlighter
from services.search.index.models import (
    ANALYSIS,
    FACET_SIZES,
    AccessFilter,
    Facets,
    IndexedDocument,
    Match,
    SearchHit,
    SearchResult,
)
from services.search.index.protocol import INDEX_MISSING, UNREACHABLE, Rebuild
from services.search.partial import partial_match, partial_page
from services.search.query import SearchQuery
from services.search.synonyms import DEFAULT_SYNONYMS, Synonyms

log = logging.getLogger("archive.search.index")

ALIAS = ELASTICSEARCH_INDEX
BULK_DOCUMENTS = 500
"""Documents per bulk request; keeps a request in the low megabytes for letter-sized text."""


MISSING_INDEX_ERROR = "index_not_found_exception"



def _refused(action: str, exc: ApiError) -> DependencyUnavailable:
    if not isinstance(exc.body, dict):  # an error page: another server answers there
        return DependencyUnavailable(
            f"what answers at ARCHIVE_ELASTICSEARCH_URL is not Elasticsearch: asked to "
            f"{action}, it answered {exc.meta.status} without an error of Elasticsearch's; "
            "set ARCHIVE_ELASTICSEARCH_URL to Elasticsearch's address")
    return DependencyUnavailable(
        f"Elasticsearch refused to {action}: {exc.message} ({exc.meta.status})")


@contextmanager
def _elasticsearch_errors(action: str, *, missing: DependencyUnavailable | None = None
                          ) -> Iterator[None]:
    """Client errors as ``DependencyUnavailable``; a missing index as ``missing``, if given."""
    try:
        yield
    except NotFoundError as exc:
        if missing is not None and exc.message == MISSING_INDEX_ERROR:
            raise missing from exc
        raise _refused(action, exc) from exc
    except ApiError as exc:
        raise _refused(action, exc) from exc
    except TransportError as exc:
        raise DependencyUnavailable(
            f"cannot reach Elasticsearch to {action}: {exc}; check ARCHIVE_ELASTICSEARCH_URL",
            code=UNREACHABLE) from exc


def _failed(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Bulk items that failed for another cause than a stale version (409)."""
    results = [result for item in response.get("items", []) for result in item.values()]
    return [result for result in results
            if result.get("status", 200) >= 300 and result["status"] != 409]


def _reasons(failed: list[dict[str, Any]]) -> list[str]:
    reasons = []
    for result in failed:
        error = result.get("error") or {}
        reasons.append(f"{result.get('_id')}: {error.get('type')}: {error.get('reason')}")
    return reasons


class ElasticsearchRebuild:
    """A new versioned index being filled; see ``Rebuild``."""

    def __init__(self, owner: ElasticsearchIndex, index: str) -> None:
        self._owner = owner
        self.index = index

    async def upsert(self, docs: Sequence[IndexedDocument]) -> None:
        self._owner._still_rebuilding(self.index)
        operations = await asyncio.to_thread(  # folding is CPU work
            _index_operations, docs, words=self._owner.words)
        await self._owner._bulk(operations, [self.index], refresh=False)

    async def delete(self, document_ids: Sequence[str], *, version: int) -> None:
        self._owner._still_rebuilding(self.index)
        await self._owner._bulk(_tombstone_operations(document_ids, version), [self.index],
                                refresh=False)

    async def commit(self) -> None:
        await self._owner._swap_in(self.index)

    async def abort(self) -> None:
        await self._owner._discard(self.index)


Operation = tuple[str, int, dict[str, Any]]
"""(document_id, version, _source) of one bulk write."""


def _index_operations(docs: Sequence[IndexedDocument], *, words: bool) -> list[Operation]:
    return [(doc.document_id, doc.version, document_source(doc, words=words)) for doc in docs]


def _tombstone_operations(document_ids: Sequence[str], version: int) -> list[Operation]:
    return [(key, version, tombstone_source(key)) for key in dict.fromkeys(document_ids)]


class ElasticsearchIndex:
    """``SearchIndex`` on Elasticsearch (module docstring)."""

    def __init__(self, client: AsyncElasticsearch, *, alias: str = ALIAS,
                 analysis: int = ANALYSIS, synonyms: Synonyms = DEFAULT_SYNONYMS,
                 words: bool = True) -> None:
        """``analysis``: the version its new indices record (another only in tests of an
        upgrade, as is ``words=False``: new indices without the words fields)."""
        self._client = client
        self.words = words
        self.synonyms = synonyms
        """The words a search's words are matched with too."""
        self.alias = alias
        self._url = ", ".join(node.base_url for node in client.transport.node_pool.all())
        self._analysis = analysis
        self._rebuild: str | None = None

    @classmethod
    def from_url(cls, url: str, *, alias: str, request_timeout_s: float = 10.0,
                 synonyms: Synonyms = DEFAULT_SYNONYMS) -> ElasticsearchIndex:
        """The production client: plain ``AsyncElasticsearch`` (opens nothing yet)."""
        return cls(AsyncElasticsearch(url, request_timeout=request_timeout_s), alias=alias,
                   synonyms=synonyms)

    # -- indices, template, alias -----------------------------------------------------

    def _missing(self) -> DependencyUnavailable:
        return DependencyUnavailable(
            f"the index {self.alias} does not exist on Elasticsearch at {self._url}; the "
            "search service makes it again and fills it from the registry's change feed "
            "within seconds (or run 'archive reindex')", code=INDEX_MISSING)

    async def _put_template(self) -> None:
        """The template every ``<alias>-v*`` index is made by; a replaced cluster lacks it."""
        with _elasticsearch_errors("create the index template"):
            await self._client.indices.put_index_template(
                name=self.alias, index_patterns=[f"{self.alias}-v*"],
                template={"settings": INDEX_SETTINGS,
                          "mappings": {**self._mappings(), "_meta": {"analysis": self._analysis}}},
            )

    def _mappings(self) -> dict[str, Any]:
        if self.words:
            return MAPPINGS
        return {**MAPPINGS, "_source": {"excludes": ["title", "body", "identifiers"]},
                "properties": {name: mapping for name, mapping in MAPPINGS["properties"].items()
                               if name not in WORD_MAPPINGS}}

    async def _add_word_fields(self) -> None:
        """The words fields in the live index's mapping, where it was made before them."""
        with _elasticsearch_errors("read the index mapping", missing=self._missing()):
            found = await self._client.indices.get_mapping(index=self.alias)
        lacking = [name for name, mapping in found.body.items()
                   if not set(WORD_MAPPINGS) <= set(mapping["mappings"].get("properties", {}))]
        for name in lacking:
            with _elasticsearch_errors(f"add the words fields to the index {name}"):
                await self._client.indices.put_mapping(index=name, properties=WORD_MAPPINGS)
            log.info("added the words fields to the search index %s, made by an earlier "
                     "version; its documents rank by their words once it is rebuilt", name)

    async def _alias_exists(self) -> bool:
        with _elasticsearch_errors("look up the index alias"):
            return bool(await self._client.indices.exists_alias(name=self.alias))

    async def ensure(self) -> None:
        await self._put_template()
        if await self._alias_exists():
            if self.words:
                await self._add_word_fields()
            return
        try:
            await self._create_index(await self._next_index_name(), with_alias=True)
        except DependencyUnavailable as exc:
            # Another process ensured the same index at the same moment: that is success.
            if not isinstance(exc.__cause__, BadRequestError) or \
                    exc.__cause__.message != "resource_already_exists_exception":
                raise

    async def held(self) -> int:
        if not await self._alias_exists():
            return 0
        return await self.count()

    async def outdated(self) -> bool:
        with _elasticsearch_errors("read the index mapping", missing=self._missing()):
            found = await self._client.indices.get_mapping(index=self.alias)
        # An index made before the analysis was recorded has no _meta: version 1.
        made_by = {mapping["mappings"].get("_meta", {}).get("analysis", 1)
                   for mapping in found.body.values()}
        return made_by != {self._analysis}

    async def _versioned_indices(self) -> dict[str, tuple[int, set[str]]]:
        """Our ``<alias>-v<N>`` indices (no other name): name → (N, the aliases on it)."""
        with _elasticsearch_errors("list the versioned indices"):
            existing = await self._client.indices.get(
                index=f"{self.alias}-v*", allow_no_indices=True, expand_wildcards="all")
        pattern = re.compile(rf"^{re.escape(self.alias)}-v(\d+)$")
        return {name: (int(match.group(1)), set(body.get("aliases") or {}))
                for name, body in existing.body.items() if (match := pattern.match(name))}

    async def _next_index_name(self) -> str:
        numbers = [number for number, _ in (await self._versioned_indices()).values()]
        return f"{self.alias}-v{max(numbers, default=0) + 1}"

    async def drop_replaced(self) -> None:
        indices = await self._versioned_indices()
        live = max((number for number, aliases in indices.values() if self.alias in aliases),
                   default=None)
        if live is None:
            return
        replaced = sorted(name for name, (number, aliases) in indices.items()
                          if number < live and not aliases)
        for name in replaced:
            with _elasticsearch_errors(f"delete the replaced index {name}"):
                await self._client.indices.delete(index=name, ignore_unavailable=True)
            log.info("deleted the search index %s: replaced by %s-v%d, and no alias points "
                     "at it", name, self.alias, live)

    async def _create_index(self, name: str, *, with_alias: bool) -> None:
        with _elasticsearch_errors(f"create the index {name}"):
            await self._client.indices.create(
                index=name, aliases={self.alias: {}} if with_alias else None)

    async def _indices_behind_alias(self) -> list[str]:
        """The index the alias is on; none when the alias is missing."""
        try:
            with _elasticsearch_errors("look up the index alias"):
                found = await self._client.indices.get_alias(name=self.alias)
        except DependencyUnavailable as exc:
            if isinstance(exc.__cause__, NotFoundError):
                return []
            raise
        return list(found.body)

    # -- writes -----------------------------------------------------------------------

    async def _bulk(self, operations: list[Operation], targets: list[str], *,
                    refresh: bool) -> None:
        for start in range(0, len(operations), BULK_DOCUMENTS):
            lines: list[dict[str, Any]] = []
            for document_id, version, source in operations[start : start + BULK_DOCUMENTS]:
                for target in targets:
                    lines.append({"index": {"_index": target, "_id": document_id,
                                            "version": version, "version_type": "external",
                                            "require_alias": target == self.alias}})
                    lines.append(source)
            with _elasticsearch_errors("index documents"):
                response = await self._client.bulk(
                    operations=lines, refresh="wait_for" if refresh else False)
            failed = _failed(response.body)
            if any(result.get("_index") == self.alias and
                   (result.get("error") or {}).get("type") == MISSING_INDEX_ERROR
                   for result in failed):
                raise self._missing()
            if failed:
                reasons = _reasons(failed)
                raise DependencyUnavailable(
                    f"Elasticsearch rejected {len(reasons)} documents: {'; '.join(reasons[:3])}")

    def _targets(self) -> list[str]:
        return [self.alias] if self._rebuild is None else [self.alias, self._rebuild]

    async def upsert(self, docs: Sequence[IndexedDocument]) -> None:
        if docs:
            operations = await asyncio.to_thread(  # folding is CPU work
                _index_operations, docs, words=self.words)
            await self._bulk(operations, self._targets(), refresh=True)

    async def delete(self, document_ids: Sequence[str], *, version: int) -> None:
        if document_ids:
            await self._bulk(_tombstone_operations(document_ids, version), self._targets(),
                             refresh=True)

    # -- rebuild ----------------------------------------------------------------------

    async def start_rebuild(self) -> Rebuild:
        if self._rebuild is not None:
            raise Conflict("a rebuild of the search index is already running",
                           code="rebuild_in_progress")
        await self._put_template()
        name = await self._next_index_name()
        if self._rebuild is not None:  # another start_rebuild won while we awaited
            raise Conflict("a rebuild of the search index is already running",
                           code="rebuild_in_progress")
        self._rebuild = name
        try:
            await self._create_index(name, with_alias=False)
        except DependencyUnavailable:
            self._rebuild = None
            raise
        return ElasticsearchRebuild(self, name)

    def _still_rebuilding(self, index: str) -> None:
        if self._rebuild != index:
            raise Conflict("this rebuild was already committed or aborted",
                           code="rebuild_finished")

    async def _swap_in(self, index: str) -> None:
        self._still_rebuilding(index)
        old = await self._indices_behind_alias()
        with _elasticsearch_errors(f"switch the alias to {index}"):
            await self._client.indices.refresh(index=index)
            await self._client.indices.update_aliases(actions=[
                *({"remove": {"index": name, "alias": self.alias}} for name in old),
                {"add": {"index": index, "alias": self.alias}},
            ])
        self._rebuild = None
        await self.drop_replaced()

    async def _discard(self, index: str) -> None:
        if self._rebuild == index:
            self._rebuild = None
        with _elasticsearch_errors(f"delete the abandoned index {index}"):
            await self._client.indices.delete(index=index, ignore_unavailable=True)

    # -- reads ------------------------------------------------------------------------

    async def search(self, query: SearchQuery, access: AccessFilter) -> SearchResult:
        """Full matches, then, when fewer than ``FEW_FULL_MATCHES`` hold every term, the
        partial ones (``services.search.partial``): a second request."""
        terms = query.terms(self.synonyms)
        body = await self._search(search_body(query, terms, access))
        full = Highlighter(terms)
        found: list[tuple[dict[str, Any], Highlighter, Match]] = [
            (raw, full, "all") for raw in body["hits"]["hits"]]
        total = int(body["hits"]["total"]["value"])
        partial = partial_match(terms, self.synonyms)
        window = None if partial is None else partial_page(query, total)
        if partial is not None and window is not None:
            offset, size = window
            body = await self._search(partial_search_body(
                query, terms, partial, access, offset=offset, size=size))
            marked = Highlighter(partial.marked)
            found.extend((raw, marked, "partial") for raw in body["hits"]["hits"])
            total += int(body["hits"]["total"]["value"])
        hits = await asyncio.to_thread(  # highlighting folds every body
            lambda: [_hit(raw, highlighter, match, access) for raw, highlighter, match in found])
        return SearchResult(total=total, hits=hits, facets=_facets(body.get("aggregations", {})))

    async def _search(self, request: dict[str, Any]) -> dict[str, Any]:
        with _elasticsearch_errors("search", missing=self._missing()):
            response = await self._client.search(index=self.alias, **request)
        body: dict[str, Any] = response.body
        return body

    async def count(self) -> int:
        with _elasticsearch_errors("count documents", missing=self._missing()):
            response = await self._client.count(
                index=self.alias, query={"term": {"deleted": False}})
        return int(response.body["count"])

    async def check(self) -> str:
        """``<cluster health>; documents: N; index: <alias>-vN``; red is not usable.

        The alias is looked up first: the health of a missing index is not an error but
        a wait for it to appear, which outlasts the readiness check."""
        if not await self._alias_exists():
            raise self._missing()
        with _elasticsearch_errors("report its health"):
            health = await self._client.cluster.health(index=self.alias)
        status = str(health.body.get("status"))
        if status == "red":
            raise DependencyUnavailable(f"Elasticsearch index {self.alias} is red")
        indices = ", ".join(await self._indices_behind_alias())
        return f"{status}; documents: {await self.count()}; index: {indices}"

    async def close(self) -> None:
        await self._client.close()


def _hit(raw: dict[str, Any], highlighter: Highlighter, match: Match, access: AccessFilter
         ) -> SearchHit:
    source = raw["_source"]
    document_id = str(source["document_id"])
    readable = access.may_read_body(document_id, restricted=bool(source["restricted"]))
    score = raw.get("_score")
    return SearchHit(
        document_id=document_id, archive_no=source["archive_no"],
        title=source["original"]["title"], household=source.get("household"),
        category=source["category"], filed_at=date.fromisoformat(source["filed_at"]),
        score=None if score is None else float(score), match=match,
        highlights=highlighter.snippets(source["original"]["body"]) if readable else [],
        language=source["original"].get("language"),
    )


def _facets(aggregations: dict[str, Any]) -> Facets:
    counts = {
        name: {str(bucket["key"]): int(bucket["doc_count"])
               for bucket in aggregations.get(name, {}).get("buckets", [])}
        for name in FACET_SIZES
    }
    return Facets(category=counts["category"], household=counts["household"], year=counts["year"])
