"""The search service's wire contract: what ``GET /search/documents`` and
``GET /search/households/{household}/documents`` answer, one definition for the service
that answers and the staff pages that decode it. The call is
``services.common.clients.search.SearchClient``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from services.common.models import Category, SecurityLevel, Struct

Match = Literal["all", "partial"]
"""A hit holds every term of the query (``all``) or most of it (``partial``)."""

Sort = Literal["relevance", "newest"]

MAX_QUERY_CHARS = 200
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
"""Elasticsearch's default ``index.max_result_window``; deeper pages are refused in both
backends."""


class SearchHit(Struct):
    """One hit; ``highlights`` are HTML: escaped original text with ``<mark>`` around matches.

    ``match`` says whether the document holds every term of the query or most of it;
    every ``all`` hit comes before every ``partial`` one. ``score`` is the relevance
    score, or None when the search was sorted by ``newest``; it orders hits within their
    ``match`` class, and is comparable within one result only (each backend scores its
    own way).
    """

    document_id: str
    archive_no: str
    title: str
    household: str | None
    category: Category
    filed_at: date
    score: float | None
    match: Match
    highlights: list[str]
    language: str | None = None
    """The document's language as its catalogue record says it (``chi_sim``, ``chi_tra``,
    ``eng``, several joined by ``+``), None when not known: what its title and snippets
    are written in."""


class Facets(Struct):
    """Document counts per value over all matches the caller may see."""

    category: dict[str, int]
    household: dict[str, int]
    year: dict[str, int]


class SearchResult(Struct):
    total: int
    hits: list[SearchHit]
    facets: Facets


class SearchRequest(Struct):
    """What a reader may ask ``GET /search/documents``; None leaves a filter out. The
    search service checks it as ``services.search.query.SearchQuery``."""

    q: str = ""
    household: str | None = None
    building: str | None = None
    """Only the documents of this building's households (``B`` keeps B-0402 and B-1204),
    as unit codes spell a building (D1)."""
    category: str | None = None
    filed_from: date | None = None
    filed_to: date | None = None
    year: int | None = None
    security: SecurityLevel | None = None
    sort: Sort = "relevance"
    page: int = 1
    size: int = 20


ReindexState = Literal["idle", "running", "done", "failed"]


class ReindexStatus(Struct):
    """Where ``archive reindex`` stands (``GET /search/reindex``).

    ``replayed`` is the feed position the new index has reached and ``head`` the newest
    event seen; ``documents`` is what the index holds once the new one is live. A failed
    reindex leaves the live index as it was; ``error`` says why.
    """

    state: ReindexState
    replayed: int = 0
    head: int = 0
    documents: int | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
