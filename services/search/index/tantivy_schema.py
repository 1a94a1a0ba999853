"""The Tantivy schema, how a document becomes a Tantivy document, and how queries are built.

Text is folded and tokenised in the application (``services.common.text``) and indexed
with Tantivy's ``whitespace`` tokenizer, which keeps the token positions, so phrase
queries work. (Tantivy's own ``ngram`` tokenizer gives every n-gram of the text the same
position, which breaks phrases: 中国人 matched 2 003 of 100 000 documents, truly 289.)

Fields: ``title``/``body`` hold bigrams, ``title_chars``/``body_chars`` unigrams (for
single CJK characters), ``identifiers`` the archive number and household code. Filters
and facets use raw (untokenised) fast fields; ``newest`` (``filed_at|document_id``) is
the sort key, descending, the same order as Elasticsearch's ``filed_at``, ``document_id``.
A deleted document is kept as a tombstone (``deleted``, ``version``, no text) so an older
write arriving later cannot revive it.

Queries are built from ``QueryTerm`` tokens with ``Query`` constructors only; no user
text is ever given to ``Index.parse_query``.
"""

from __future__ import annotations

from datetime import date

import msgspec
import tantivy

from services.common.models import Category, Struct
from services.common.text import fold, folded_tokens
from services.search.index.models import FACET_SIZES, AccessFilter, IndexedDocument
from services.search.query import QueryTerm, SearchQuery

TITLE_BOOST = 2.0


class Display(Struct):
    """What a hit shows, stored once per document as JSON."""

    archive_no: str
    title: str
    body: str
    household: str | None
    category: Category
    filed_at: date
    restricted: bool


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("document_id", stored=True, fast=True, tokenizer_name="raw")
    builder.add_integer_field("version", stored=True, fast=True)
    builder.add_boolean_field("deleted", indexed=True, fast=True)
    builder.add_boolean_field("restricted", indexed=True)
    for name in ("security", "category", "household", "newest"):
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("filed_day", indexed=True, fast=True)
    for name in ("title", "title_chars", "body", "body_chars", "identifiers"):
        builder.add_text_field(name, tokenizer_name="whitespace")
    builder.add_bytes_field("display", stored=True)
    return builder.build()


SCHEMA = build_schema()


def _add_tokens(doc: tantivy.Document, field: str, folded: str) -> None:
    doc.add_text(field, " ".join(folded_tokens(folded)))
    doc.add_text(f"{field}_chars", " ".join(folded_tokens(folded, unigrams=True)))


def to_document(doc: IndexedDocument) -> tantivy.Document:
    """The Tantivy document for ``doc``: folded tokens to match, originals to show."""
    out = tantivy.Document()
    out.add_text("document_id", doc.document_id)
    out.add_integer("version", doc.version)
    out.add_boolean("deleted", False)
    out.add_boolean("restricted", doc.restricted)
    out.add_text("security", doc.security)
    out.add_text("category", doc.category)
    if doc.household is not None:
        out.add_text("household", doc.household)
    out.add_text("newest", f"{doc.filed_at.isoformat()}|{doc.document_id}")
    out.add_integer("year", doc.filed_at.year)
    out.add_integer("filed_day", doc.filed_at.toordinal())
    _add_tokens(out, "title", fold(doc.title))
    _add_tokens(out, "body", fold(doc.body))
    for identifier in (doc.archive_no, doc.household):
        if identifier:
            out.add_text("identifiers", " ".join(folded_tokens(fold(identifier), unigrams=True)))
    out.add_bytes("display", msgspec.json.encode(Display(
        archive_no=doc.archive_no, title=doc.title, body=doc.body, household=doc.household,
        category=doc.category, filed_at=doc.filed_at, restricted=doc.restricted,
    )))
    return out


def tombstone(document_id: str, version: int) -> tantivy.Document:
    out = tantivy.Document()
    out.add_text("document_id", document_id)
    out.add_integer("version", version)
    out.add_boolean("deleted", True)
    return out


def _matching(field: str, tokens: tuple[str, ...]) -> tantivy.Query:
    """The tokens at consecutive positions (a single token is a term query)."""
    if len(tokens) == 1:
        return tantivy.Query.term_query(SCHEMA, field, tokens[0])
    return tantivy.Query.phrase_query(SCHEMA, field, list(tokens))


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A filter restricts the matches without changing their scores."""
    return tantivy.Query.const_score_query(query, 0.0)


def _body_readable(access: AccessFilter) -> tantivy.Query:
    readable = [tantivy.Query.term_query(SCHEMA, "restricted", False)]
    if access.full_text_ids:
        readable.append(tantivy.Query.term_set_query(
            SCHEMA, "document_id", sorted(access.full_text_ids)))
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in readable])


def _term_query(term: QueryTerm, body_readable: tantivy.Query) -> tantivy.Query:
    suffix = "_chars" if term.lone_cjk else ""
    in_body = tantivy.Query.boolean_query([
        (tantivy.Occur.Must, _matching(f"body{suffix}", term.tokens)),
        (tantivy.Occur.Must, _filter(body_readable)),
    ])
    return tantivy.Query.boolean_query([
        (tantivy.Occur.Should, tantivy.Query.boost_query(
            _matching(f"title{suffix}", term.tokens), TITLE_BOOST)),
        (tantivy.Occur.Should, _matching("identifiers", term.unigrams)),
        (tantivy.Occur.Should, in_body),
    ])


def _filters(query: SearchQuery, access: AccessFilter) -> list[tantivy.Query]:
    levels = [level for level in access.visible_levels() if query.security in (None, level)]
    filters = [
        tantivy.Query.term_query(SCHEMA, "deleted", False),
        tantivy.Query.term_set_query(SCHEMA, "security", levels)
        if levels else tantivy.Query.empty_query(),
    ]
    for field in ("household", "category"):
        value = getattr(query, field)
        if value is not None:
            filters.append(tantivy.Query.term_query(SCHEMA, field, value))
    if query.year is not None:
        filters.append(tantivy.Query.term_query(SCHEMA, "year", query.year))
    if query.filed_from or query.filed_to:
        filters.append(tantivy.Query.range_query(
            SCHEMA, "filed_day", tantivy.FieldType.Integer,
            query.filed_from.toordinal() if query.filed_from else None,
            query.filed_to.toordinal() if query.filed_to else None,
        ))
    return filters


def build_query(query: SearchQuery, terms: tuple[QueryTerm, ...], access: AccessFilter
                ) -> tantivy.Query:
    """Every term must match (title, identifiers, or readable body), within the filters."""
    readable = _body_readable(access)
    clauses = [(tantivy.Occur.Must, _term_query(term, readable)) for term in terms]
    if not clauses:
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    clauses.extend((tantivy.Occur.Must, _filter(f)) for f in _filters(query, access))
    return tantivy.Query.boolean_query(clauses)


def live_documents() -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, "deleted", False)


FACET_AGGREGATIONS = {
    name: {"terms": {"field": name, "size": size}} for name, size in FACET_SIZES.items()
}
