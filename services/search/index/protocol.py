"""The search index protocol; ``TantivyIndex`` (embedded) and ``ElasticsearchIndex`` (scale-out).

Both implementations pass one contract suite (tests/contract/search/test_index.py): the
same documents match the same queries, and the access filter is part of the query.

Contract shared by every method:

- All methods are coroutines; blocking work runs in a thread (Tantivy) or on the network
  (Elasticsearch). Client errors surface as ``DependencyUnavailable``; query input errors
  as ``ValidationFailed`` (raised when a ``SearchQuery`` is built).
- Writes are idempotent and keyed by ``document_id`` with an external version (the
  registry's change-feed sequence number): a write whose version is not greater than
  the one held (for a document or its deletion) is ignored, so replays and retries are
  harmless and an older event never overwrites a newer one.
- Once ``upsert``/``delete`` returns, searches reflect the change (Elasticsearch:
  ``refresh=wait_for``, i.e. within its one-second refresh interval).
- While a rebuild is open, ``upsert`` and ``delete`` on the index also apply to the
  rebuild, so changes consumed from the feed during a reindex are not lost at the swap.
- An index lost while the archive runs (its directory deleted; the Elasticsearch alias
  gone with a restarted in-memory server, a replaced cluster, a deleted index) makes
  ``search``, ``count``, ``upsert``, ``delete`` and ``check`` raise
  ``DependencyUnavailable`` with code ``INDEX_MISSING``, saying so and what to do; they
  never answer from, or write into, something else. ``ensure`` makes it again (the feed
  consumer then fills it from the start of the feed), and ``start_rebuild`` and its
  ``commit`` work without it (``archive reindex``). What the lost index leaves behind
  (an Elasticsearch index whose alias was removed) is deleted by ``drop_replaced`` once
  the new one is complete, never before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.search.index.models import AccessFilter, IndexedDocument, SearchResult
from services.search.query import SearchQuery

INDEX_MISSING = "index_missing"
"""The ``code`` of the ``DependencyUnavailable`` an index lost while running raises."""

UNREACHABLE = "index_unreachable"
"""Elasticsearch did not answer (down, restarting, not up yet after a reboot): waited for
at start as the database is; one that answers and refuses is not."""


class Rebuild(Protocol):
    """A new, empty index filled beside the live one (``archive reindex``).

    Searches keep using the live index until ``commit`` swaps the new one in atomically;
    afterwards the index holds exactly what was written to the rebuild.
    """

    async def upsert(self, docs: Sequence[IndexedDocument]) -> None:
        """Write documents into the new index (same versioning as ``SearchIndex.upsert``)."""
        ...

    async def delete(self, document_ids: Sequence[str], *, version: int) -> None:
        """Delete from the new index (a replayed destruction)."""
        ...

    async def commit(self) -> None:
        """Make the new index the live one and drop the old one (``drop_replaced``)."""
        ...

    async def abort(self) -> None:
        """Drop the new index; the live one is untouched."""
        ...


class SearchIndex(Protocol):
    """Full-text search over the catalogue, filtered by what the caller may see."""

    async def ensure(self) -> None:
        """Create or open the index (template, versioned index, alias); call at start, and
        again to make an index found missing (``INDEX_MISSING``).

        Idempotent; creates nothing that exists already.
        """
        ...

    async def upsert(self, docs: Sequence[IndexedDocument]) -> None:
        """Add or replace documents in one batch (module docstring: versioning)."""
        ...

    async def delete(self, document_ids: Sequence[str], *, version: int) -> None:
        """Remove documents as of ``version``; an older upsert arriving later is ignored."""
        ...

    async def search(self, query: SearchQuery, access: AccessFilter) -> SearchResult:
        """One page of hits, the total and the facets, all within ``access``."""
        ...

    async def start_rebuild(self) -> Rebuild:
        """Begin filling a new index beside the live one; ``Conflict`` if one is open."""
        ...

    async def drop_replaced(self) -> None:
        """Delete what the live index replaced and nothing uses any more, each logged.

        Called once the live index is complete: by a rebuild's ``commit``, and by the
        feed consumer when it first catches up after starting or after making a lost index
        again. Elasticsearch: every ``<alias>-v<N>`` numbered below the index the alias is
        on that no alias points at (never another name); nothing while the alias is
        missing. Tantivy: nothing (a swap deletes the old generation, ``ensure`` any left
        over). Idempotent.
        """
        ...

    async def outdated(self) -> bool:
        """Whether the live index was made by another ``ANALYSIS`` than this version's:
        it still answers, but finds what that version indexed; a rebuild makes it current."""
        ...

    async def count(self) -> int:
        """How many documents the index holds (deleted ones not counted)."""
        ...

    async def held(self) -> int:
        """How many documents an index already there holds (as ``count``), 0 when there
        is none yet; creates nothing. A restore fills only an index that holds none."""
        ...

    async def check(self) -> str:
        """A short readiness state; raises ``DependencyUnavailable`` when not usable."""
        ...

    async def close(self) -> None:
        """Release files, writers and connections."""
        ...
