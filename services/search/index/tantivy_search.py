"""Searching one Tantivy index: a page of hits, full matches then partial ones, and facets.

The engine's part (``find_matches``, ``facet_counts``) is kept apart from the hits it
becomes, so the benchmark can time it alone. Partial matches (``services.search.partial``)
are asked for only when fewer than ``FEW_FULL_MATCHES`` documents hold every term; their
proximity is scored on the first ``RESCORE_WINDOW`` of them. Every function here blocks:
``TantivyIndex`` runs them in a thread.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

import msgspec
import tantivy

from services.common.errors import DependencyUnavailable
from services.search.index.highlight import Highlighter
from services.search.index.models import (
    FACET_SIZES,
    AccessFilter,
    Facets,
    Match,
    SearchHit,
    SearchResult,
)
from services.search.index.tantivy_schema import (
    FACET_AGGREGATIONS,
    Display,
    build_partial_query,
    build_query,
    proximity_queries,
    without_full_matches,
)
from services.search.partial import (
    NEAR_SCORE,
    RESCORE_WINDOW,
    PartialMatch,
    partial_match,
    partial_page,
)
from services.search.query import QueryTerm, SearchQuery
from services.search.synonyms import Synonyms


def _stored_bytes(document: tantivy.Document, field: str) -> bytes:
    value = document.get_first(field)
    if not isinstance(value, bytes):
        raise DependencyUnavailable(f"the search index holds a document without {field!r}; "
                                    "rebuild it with 'archive reindex'")
    return value


TIE_WINDOW = 1_000
"""How many hits past a page Tantivy is asked for when the page's edge cuts a run of hits
scored alike, to list the run newest first as Elasticsearch does (``_top``); a longer run
is ordered within that window."""


def hit_count(found: tantivy.SearchResult) -> int:
    return int(found.count or 0)  # type: ignore[attr-defined]  # the 0.27 stub omits .count


def _hit(document: tantivy.Document, score: float | None, match: Match,
         highlighter: Highlighter, access: AccessFilter) -> SearchHit:
    document_id = str(document.get_first("document_id"))
    display = msgspec.json.decode(_stored_bytes(document, "display"), type=Display)
    readable = access.may_read_body(document_id, restricted=display.restricted)
    return SearchHit(
        document_id=document_id, archive_no=display.archive_no, title=display.title,
        household=display.household, category=display.category, filed_at=display.filed_at,
        score=score, match=match,
        highlights=highlighter.snippets(display.body, folded=display.folded()) if readable
        else [], language=display.language,
    )


def _facets_of_page(hits: list[SearchHit]) -> Facets:
    """Facet counts when the page holds every match, so no aggregation has to run.

    Tantivy's aggregation costs about 0.3 ms however few documents match; most searches
    for a ticket or phone number find none or one. Ordered as Elasticsearch's terms
    buckets: most documents first, then by value.
    """
    def counted(values: list[str | None], size: int) -> dict[str, int]:
        counts = Counter(value for value in values if value is not None)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size])

    return Facets(
        category=counted([hit.category for hit in hits], FACET_SIZES["category"]),
        household=counted([hit.household for hit in hits], FACET_SIZES["household"]),
        year=counted([str(hit.filed_at.year) for hit in hits], FACET_SIZES["year"]),
    )


def _top(searcher: tantivy.Searcher, tantivy_query: tantivy.Query, *, offset: int, limit: int,
         by_newest: bool) -> tuple[list[tuple[Any, tantivy.DocAddress]], int]:
    """Hits ``offset``… (score or sort key, address) and the count; at least one hit is
    asked for, because Tantivy refuses (panics on) a limit of 0. By score, hits scored
    alike come newest first (``_ties_newest_first``)."""
    if by_newest:
        found = searcher.search(tantivy_query, limit=max(limit, 1), offset=offset,
                                order_by_field="newest", order=tantivy.Order.Desc)
        return found.hits, hit_count(found)
    # Tantivy orders hits scored alike by where they sit in the index: the tie that a
    # page's edge cuts is fetched whole (up to TIE_WINDOW more), so the page holds the
    # tie's newest, as Elasticsearch's sort (_score, then filed_at, archive_no,
    # document_id, descending) gives them.
    wanted = offset + limit
    fetch = max(wanted, 1)
    while True:
        found = searcher.search(tantivy_query, limit=fetch)
        hits = found.hits
        cut_in_a_tie = (len(hits) == fetch and wanted > 0
                        and hits[-1][0] == hits[wanted - 1][0])
        if not cut_in_a_tie or fetch >= wanted + TIE_WINDOW:
            break
        fetch = min(2 * fetch, wanted + TIE_WINDOW)
    return _ties_newest_first(searcher, hits, offset, wanted)[offset:wanted], hit_count(found)


class _Filed(msgspec.Struct):
    """What orders hits scored alike, read from a hit's ``Display`` (its other fields
    skipped)."""

    filed_at: str
    archive_no: str


def _newest_key(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> tuple[str, str, str]:
    document = searcher.doc(address)
    filed = msgspec.json.decode(_stored_bytes(document, "display"), type=_Filed)
    return filed.filed_at, filed.archive_no, str(document.get_first("document_id"))


def _ties_newest_first(searcher: tantivy.Searcher, hits: list[tuple[Any, tantivy.DocAddress]],
                       start: int, end: int) -> list[tuple[Any, tantivy.DocAddress]]:
    """``hits`` (by score) with each run scored alike that reaches ``[start, end)`` ordered
    newest first: filed_at, archive_no, document_id, descending. Only those runs' stored
    records are read (most searches have none)."""
    ordered = list(hits)
    at = 0
    while at < min(end, len(ordered)):
        run_end = at + 1
        while run_end < len(ordered) and ordered[run_end][0] == ordered[at][0]:
            run_end += 1
        if run_end - at > 1 and run_end > start:
            ordered[at:run_end] = sorted(ordered[at:run_end], reverse=True,
                                         key=lambda hit: _newest_key(searcher, hit[1]))
        at = run_end
    return ordered


class EngineMatches(NamedTuple):
    """What the engine found for one page of a search.

    ``page``: (score or sort key, address, match class), full matches first; ``total``:
    every match of both classes; ``counted``: the query whose matches the facets count;
    ``partial``: how partial matches were found, when the page's search added them.
    """

    page: list[tuple[Any, tantivy.DocAddress, Match]]
    total: int
    counted: tantivy.Query
    partial: PartialMatch | None


def find_matches(searcher: tantivy.Searcher, query: SearchQuery, terms: tuple[QueryTerm, ...],
                 access: AccessFilter, synonyms: Synonyms, *, words: bool = True
                 ) -> EngineMatches:
    """The engine's part of a search: the full matches, then, when fewer than
    ``FEW_FULL_MATCHES`` hold every term, the partial ones (``services.search.partial``),
    their pieces matched with ``synonyms`` too, as ``terms`` are. ``words``: the index
    has the words fields (``tantivy_schema``), which rank a term standing as a word first."""
    by_newest = query.sort == "newest" or not terms
    full = build_query(query, terms, access, words=words)
    found, total = _top(searcher, full, offset=query.offset, limit=query.size,
                        by_newest=by_newest)
    page: list[tuple[Any, tantivy.DocAddress, Match]] = [
        (key, address, "all") for key, address in found[: query.size]]
    partial = partial_match(terms, synonyms)
    window = None if partial is None else partial_page(query, total)
    if partial is None or window is None:
        return EngineMatches(page, total, full, None)
    offset, limit = window
    partial_query = build_partial_query(query, partial, access)
    only_partial = without_full_matches(partial_query, terms, access)
    if by_newest:
        ranked, more = _top(searcher, only_partial, offset=offset, limit=limit, by_newest=True)
    else:  # the rescore window is counted from the first partial match, whatever the page
        scored, more = _top(searcher, only_partial, offset=0,
                            limit=max(RESCORE_WINDOW, offset + limit), by_newest=False)
        ranked = _ties_newest_first(searcher, _with_proximity(searcher, scored, partial),
                                    offset, offset + limit)[offset:]
    page.extend((key, address, "partial") for key, address in ranked[:limit])
    return EngineMatches(page, total + more, partial_query, partial)


def _with_proximity(searcher: tantivy.Searcher, hits: list[tuple[float, tantivy.DocAddress]],
                    partial: PartialMatch) -> list[tuple[float, tantivy.DocAddress]]:
    """The first ``RESCORE_WINDOW`` hits ranked again with their proximity scores."""
    window = hits[:RESCORE_WINDOW]
    if not partial.pairs or not window:
        return hits
    # No numeric key identifies a document, and a window's stored documents read in ~1 ms.
    ids = [str(searcher.doc(address).get_first("document_id")) for _, address in window]
    bonus: Counter[tuple[int, int]] = Counter()
    for near in proximity_queries(partial, ids):
        bonus.update((address.segment_ord, address.doc)
                     for _, address in searcher.search(near, limit=len(window)).hits)
    rescored = [(score + NEAR_SCORE * bonus[address.segment_ord, address.doc], address)
                for score, address in window]
    rescored.sort(key=lambda hit: -hit[0])  # stable: ties keep their coverage order
    return rescored + hits[RESCORE_WINDOW:]


def facet_counts(searcher: tantivy.Searcher, tantivy_query: tantivy.Query) -> Facets:
    """The engine's facet aggregation over every match."""
    return _facets(searcher.aggregate(tantivy_query, FACET_AGGREGATIONS))


def _facets(aggregations: dict[str, Any]) -> Facets:
    """Tantivy's terms buckets → ``{value: count}`` (years come back as numbers)."""
    counts = {
        name: {str(int(b["key"]) if name == "year" else b["key"]): int(b["doc_count"])
               for b in aggregations.get(name, {}).get("buckets", [])}
        for name in FACET_AGGREGATIONS
    }
    return Facets(category=counts["category"], household=counts["household"], year=counts["year"])


def search_page(searcher: tantivy.Searcher, query: SearchQuery, access: AccessFilter,
                synonyms: Synonyms, *, words: bool = True) -> SearchResult:
    """One page of hits with their snippets, the total and the facets, within ``access``;
    the query's words are matched with their ``synonyms`` too (``words``: as
    ``find_matches``)."""
    terms = query.terms(synonyms)
    by_newest = query.sort == "newest" or not terms
    found = find_matches(searcher, query, terms, access, synonyms, words=words)
    highlighters = {"all": Highlighter(terms), "partial": Highlighter(
        found.partial.marked if found.partial is not None else ())}
    hits = [
        _hit(searcher.doc(address), None if by_newest else float(key), match,
             highlighters[match], access)
        for key, address, match in found.page
    ]
    everything_on_page = query.offset == 0 and found.total == len(hits)
    facets = (_facets_of_page(hits) if everything_on_page
              else facet_counts(searcher, found.counted))
    return SearchResult(total=found.total, hits=hits, facets=facets)
