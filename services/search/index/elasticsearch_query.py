"""The Elasticsearch index template, document bodies and search bodies.

Mappings are explicit (``dynamic: strict``): keyword fields for identifiers and filters
(``household``, ``category``, ``security``, ``year``), text fields for ``title`` and
``body``. Text is folded in the application (OpenCC t2s, width, case) and then analysed:

- ``title``/``body``: the built-in ``cjk`` analyzer (CJK bigrams), with its English stop
  words switched off: otherwise the ``a`` of ``A-1201`` is dropped and Tantivy, which
  keeps it, would match different documents;
- ``title.chars``/``body.chars``: the ``standard`` analyzer (one token per CJK character),
  for queries with a lone CJK character;
- ``identifiers`` (archive number, household code): ``standard``.

Every text and query text is given to Elasticsearch as ``services.common.text.analysable``
rewrites it, so that its analyzers make the tokens Tantivy is given (a colon separates,
``mr.wong`` is also ``mr`` and ``wong``, no line break ends a run of bigrams).

``title`` and ``body`` have a second value when the text holds keys
(``services.common.text_keys.key_spans``): a number written in groups as its joined digits, so
``13812345678`` finds ``138 1234 5678``; days, amounts, licence plates, flats.

``title_words``/``body_words`` hold the words of the title and the body
(``services.common.words``), each once, analysed by ``whitespace``: a term written in CJK
characters scores ``WORD_SCORE`` more where its words stand as words in the title or a
readable body (a ``should`` clause of the full matches, never a condition). An index made
before them gets them added to its mapping by ``ensure`` (``WORD_MAPPINGS``), so that
documents written to it meanwhile are accepted; those it holds have no words until the
rebuild its ``ANALYSIS`` starts.

The folded copies are excluded from ``_source``; the original title and body, and the
document's language, are kept in ``original`` (stored, not indexed) for display and
highlighting. A deleted document is
kept as a tombstone (``deleted: true``, no text) carrying its external version, because
Elasticsearch forgets the version of a real delete after ``index.gc_deletes`` (60 s) and
an older write arriving later would revive the document.

Query text goes in as the folded text of one ``QueryTerm`` inside ``match_phrase`` (which
analyses it the same way as the field): never ``query_string`` or ``simple_query_string``.
Partial matches (``services.search.partial``) are a ``bool`` of one constant-score
should-clause per piece with ``minimum_should_match`` and every quoted phrase in
``must``; a ``rescore`` of the first ``RESCORE_WINDOW`` adds ``match_phrase`` with
``slop`` over neighbouring pieces. The full matches are taken out of their hits by a
``post_filter``, so the facets count both classes in the same request.
"""

from __future__ import annotations

from typing import Any

from services.common.text import analysable, fold
from services.common.text_keys import index_keys
from services.common.words import index_words, term_words
from services.search.index.models import (
    FACET_SIZES,
    TITLE_BOOST,
    WORD_SCORE,
    AccessFilter,
    IndexedDocument,
)
from services.search.partial import (
    NEAR_SCORE,
    PIECE_SCORE,
    PROXIMITY_SLOP,
    RESCORE_WINDOW,
    TIE_SCORE,
    Pair,
    PartialMatch,
)
from services.search.query import QueryTerm, SearchQuery
from services.search.synonyms import SYNONYM_SCORE

SOURCE_FIELDS = [
    "document_id", "archive_no", "household", "category", "filed_at", "restricted", "original",
]

_TEXT = {
    "type": "text",
    "analyzer": "archive_bigram",
    "fields": {"chars": {"type": "text", "analyzer": "standard"}},
}
_KEYWORD = {"type": "keyword"}
WORD_MAPPINGS: dict[str, Any] = {
    "title_words": {"type": "text", "analyzer": "whitespace"},
    "body_words": {"type": "text", "analyzer": "whitespace"},
}
"""The fields of the words (``services.common.words``), added since ``ANALYSIS`` 10."""

INDEX_SETTINGS: dict[str, Any] = {
    "analysis": {"analyzer": {"archive_bigram": {"type": "cjk", "stopwords": "_none_"}}},
}
MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_source": {"excludes": ["title", "body", "identifiers", *WORD_MAPPINGS]},
    "properties": {
        "document_id": _KEYWORD,
        "archive_no": _KEYWORD,
        "household": _KEYWORD,
        "category": _KEYWORD,
        "security": _KEYWORD,
        "year": _KEYWORD,
        "filed_at": {"type": "date", "format": "strict_date"},
        "personal_info": {"type": "boolean"},
        "restricted": {"type": "boolean"},
        "deleted": {"type": "boolean"},
        "title": _TEXT,
        "body": _TEXT,
        "identifiers": {"type": "text", "analyzer": "standard"},
        "original": {"type": "object", "enabled": False},
        **WORD_MAPPINGS,
    },
}


def document_source(doc: IndexedDocument, *, words: bool = True) -> dict[str, Any]:
    """The document as indexed; without its ``words`` only as an index made before them
    holds it (in tests of an upgrade)."""
    source = {
        "document_id": doc.document_id,
        "archive_no": doc.archive_no,
        "household": doc.household,
        "category": doc.category,
        "security": doc.security,
        "year": str(doc.filed_at.year),
        "filed_at": doc.filed_at.isoformat(),
        "personal_info": doc.personal_info,
        "restricted": doc.restricted,
        "deleted": False,
        "title": _with_keys(fold(doc.title)),
        "body": _with_keys(fold(doc.body)),
        "identifiers": [analysable(fold(value)) for value in
                        (doc.archive_no, *doc.former_archive_nos, doc.household) if value],
        "original": {"title": doc.title, "body": doc.body, "language": doc.language},
    }
    if words:
        source["title_words"] = index_words(fold(doc.title))
        source["body_words"] = index_words(fold(doc.body))
    return source


def _with_keys(folded: str) -> list[str]:
    """The text to analyse, and its keys as a value of their own (``index_keys``; the
    position gap between values keeps phrases from reaching them)."""
    keys = index_keys(folded)
    text = analysable(folded)
    return [text, analysable(" ".join(keys))] if keys else [text]


def tombstone_source(document_id: str) -> dict[str, Any]:
    return {"document_id": document_id, "deleted": True}


def _phrase(field: str, text: str, *, boost: float = 1.0) -> dict[str, Any]:
    return {"match_phrase": {field: {"query": analysable(text), "boost": boost}}}


def _body_readable(access: AccessFilter) -> dict[str, Any]:
    readable: list[dict[str, Any]] = [{"term": {"restricted": False}}]
    if access.full_text_ids:
        readable.append({"terms": {"document_id": sorted(access.full_text_ids)}})
    return {"bool": {"should": readable, "minimum_should_match": 1}}


def _term_clause(term: QueryTerm, body_readable: dict[str, Any]) -> dict[str, Any]:
    """The term in the title, an identifier or a readable body, or one of its synonyms
    there (``QueryTerm.synonyms``), or a document of the household it names
    (``QueryTerm.household``), which score ``SYNONYM_SCORE`` whatever their BM25."""
    synonyms = [{"constant_score": {"filter": _synonym(synonym, body_readable),
                                    "boost": SYNONYM_SCORE}} for synonym in term.synonyms]
    if term.household is not None:
        synonyms.append({"constant_score": {"filter": {"term": {"household": term.household}},
                                            "boost": SYNONYM_SCORE}})
    exact = _spelled(term, body_readable)
    return {"bool": {"minimum_should_match": 1, "should": [exact, *synonyms]}} if synonyms \
        else exact


def _synonym(synonym: QueryTerm, body_readable: dict[str, Any]) -> dict[str, Any]:
    """The synonym where the document holds none of the longer words in which it means
    something else (``QueryTerm.unless``)."""
    found = _spelled(synonym, body_readable)
    if not synonym.unless:
        return found
    return {"bool": {"must": [found], "must_not": [
        _spelled(longer, body_readable) for longer in synonym.unless]}}


def _spelled(term: QueryTerm, body_readable: dict[str, Any]) -> dict[str, Any]:
    # Another spelling (``QueryTerm.also``): a number's or a day's digits, a unit code's
    # hyphen, a key (a plate joined, a flat as said), matched where the keys stand (no
    # ``.chars``: a plate's province character is alone in its key, so a unigram there).
    spellings = [(term.text, ".chars" if term.lone_cjk else "")]
    if term.also is not None:
        spellings.append((term.also, ""))
    return {"bool": {"minimum_should_match": 1, "should": [
        *(_phrase(f"title{suffix}", text, boost=TITLE_BOOST) for text, suffix in spellings),
        *(_phrase("identifiers", text) for text, _ in spellings),
        *({"bool": {"must": [_phrase(f"body{suffix}", text)], "filter": [body_readable]}}
          for text, suffix in spellings),
    ]}}


def _as_words(term: QueryTerm, body_readable: dict[str, Any]) -> dict[str, Any] | None:
    """Every word of the term (``term_words``) in the title's words or a readable body's,
    scoring ``WORD_SCORE``; None for a term not written in CJK characters."""
    words = term_words(term.text)
    if not words:
        return None

    def every_word(field: str) -> dict[str, Any]:
        return {"bool": {"filter": [{"term": {field: word}} for word in words]}}

    return {"constant_score": {"boost": WORD_SCORE, "filter": {"bool": {
        "minimum_should_match": 1, "should": [
            every_word("title_words"),
            {"bool": {"filter": [every_word("body_words"), body_readable]}},
        ]}}}}


def _near(pair: Pair, body_readable: dict[str, Any]) -> dict[str, Any]:
    """Two pieces within ``PROXIMITY_SLOP`` positions of each other, in either order, in
    the title or a readable body."""
    first, second = pair
    suffix = ".chars" if first.lone_cjk else ""
    text = analysable(f"{first.text} {second.text}")  # a space: no bigram joins the two
    return {"bool": {"minimum_should_match": 1, "should": [
        {"match_phrase": {f"title{suffix}": {"query": text, "slop": PROXIMITY_SLOP}}},
        {"bool": {"must": [{"match_phrase": {f"body{suffix}": {
            "query": text, "slop": PROXIMITY_SLOP}}}], "filter": [body_readable]}},
    ]}}


def _filters(query: SearchQuery, access: AccessFilter) -> list[dict[str, Any]]:
    levels = [level for level in access.visible_levels() if query.security in (None, level)]
    filters: list[dict[str, Any]] = [
        {"term": {"deleted": False}},
        {"terms": {"security": levels}},
    ]
    for field in ("household", "category"):
        value = getattr(query, field)
        if value is not None:
            filters.append({"term": {field: value}})
    if query.building is not None:
        filters.append({"prefix": {"household": f"{query.building}-"}})
    if query.year is not None:
        filters.append({"term": {"year": str(query.year)}})
    if query.filed_from or query.filed_to:
        bounds = {}
        if query.filed_from:
            bounds["gte"] = query.filed_from.isoformat()
        if query.filed_to:
            bounds["lte"] = query.filed_to.isoformat()
        filters.append({"range": {"filed_at": bounds}})
    return filters


def _request(query: SearchQuery, terms: tuple[QueryTerm, ...], bool_query: dict[str, Any],
             *, offset: int, size: int) -> dict[str, Any]:
    # Filed the same day: the later archive number first, as the household page lists them.
    newest = [{"filed_at": "desc"}, {"archive_no": "desc"}, {"document_id": "desc"}]
    return {
        "query": {"bool": bool_query},
        "sort": newest if query.sort == "newest" or not terms else ["_score", *newest],
        "from_": offset,
        "size": size,
        "track_total_hits": True,
        "source": SOURCE_FIELDS,
        "aggs": {
            name: {"terms": {"field": name, "size": buckets}}
            for name, buckets in FACET_SIZES.items()
        },
    }


def search_body(query: SearchQuery, terms: tuple[QueryTerm, ...], access: AccessFilter
                ) -> dict[str, Any]:
    """Keyword arguments for ``AsyncElasticsearch.search`` of the full matches: query,
    sort, page, facets."""
    readable = _body_readable(access)
    as_words = [clause for clause in (_as_words(term, readable) for term in terms)
                if clause is not None]
    return _request(query, terms, {
        "must": [_term_clause(term, readable) for term in terms] or [{"match_all": {}}],
        **({"should": as_words} if as_words else {}),
        "filter": _filters(query, access),
    }, offset=query.offset, size=query.size)


def partial_search_body(query: SearchQuery, terms: tuple[QueryTerm, ...],
                        partial: PartialMatch, access: AccessFilter, *, offset: int,
                        size: int) -> dict[str, Any]:
    """Keyword arguments for ``AsyncElasticsearch.search`` of the partial matches that
    are not full ones (hits ``offset``… and their total), with facets over both classes."""
    readable = _body_readable(access)
    found = [_term_clause(piece, readable) for piece in partial.pieces]
    pieces = {"bool": {"should": [{"constant_score": {"filter": clause, "boost": PIECE_SCORE}}
                                  for clause in found],
                       "minimum_should_match": partial.minimum}}
    body = _request(query, terms, {
        "must": [pieces, *(_term_clause(term, readable) for term in partial.required)],
        "should": [{"bool": {"should": found, "boost": TIE_SCORE}}],
        "filter": _filters(query, access),
    }, offset=offset, size=size)
    body["post_filter"] = {"bool": {"must_not": [
        {"bool": {"must": [_term_clause(term, readable) for term in terms]}}]}}
    if query.sort == "relevance" and partial.pairs:
        del body["sort"]  # Elasticsearch refuses a sort beside a rescore; _score it is
        body["rescore"] = {
            # The window counts from the first partial match, whatever the page.
            "window_size": max(RESCORE_WINDOW, offset + size),
            "query": {"rescore_query": {"bool": {"should": [
                {"constant_score": {"filter": _near(pair, readable), "boost": NEAR_SCORE}}
                for pair in partial.pairs]}}},
        }
    return body
