"""The Tantivy schema, how a document becomes a Tantivy document, and how queries are built.

Text is folded and tokenised in the application (``services.common.text``) and indexed
with Tantivy's ``whitespace`` tokenizer, which keeps the token positions, so phrase
queries work. (Tantivy's own ``ngram`` tokenizer gives every n-gram of the text the same
position, which breaks phrases: 中国人 matched 2 003 of 100 000 documents, truly 289.)

Fields: ``text`` holds the bigrams of everything a document may be found by without a
loan: its title, its archive numbers (former ones too, D11) and household code, and its
body unless the document is restricted; ``restricted_body`` holds a restricted
document's body, found only by callers it is lent to. Each is a separate value of the
field, and Tantivy leaves a position gap between values, so a phrase never runs from the
title into the body.
``words`` holds the words of the title and the readable body (``services.common.words``),
each once, ``restricted_words`` those of a restricted body: a term written in CJK
characters scores ``WORD_SCORE`` more where its words stand as words (a Should clause,
never a condition). They are the schema's last fields, so every other field keeps its
number and a query built with this schema runs on an index made before them
(``LEGACY_SCHEMA``, still searched while it is rebuilt), without the word clauses.
A text's keys (``services.common.text_keys.key_spans``: numbers written in groups as their
joined digits, days, amounts, licence plates, flats) are one more value of its field and
of its twin. The ``_chars`` twins hold unigrams (for single CJK characters).
``title``/``title_chars`` only add the title boost to the score;
matching needs nothing but ``text``, so a term is one phrase query, not a union of one
per field (a union is evaluated 4 096 documents at a time, which made a selective filter
no cheaper than none: 5.5 ms for 210 hits).

Filters and facets use raw (untokenised) fast fields; ``newest``
(``filed_at|archive_no|document_id``) is the sort key, descending, the same order as
Elasticsearch's ``filed_at``, ``archive_no``, ``document_id``. A deleted document is kept
as a tombstone (``deleted``, ``version``, no text) so an older write arriving later cannot
revive it. Tombstones and the security levels above the caller's clearance are excluded
(``MustNot``): the excluded sets are small, where requiring the visible ones intersected
every match with a posting list of nearly the whole index (half the query time for a
common word).

Queries are built from ``QueryTerm`` tokens with ``Query`` constructors only; no user
text is ever given to ``Index.parse_query``. Partial matches (``services.search.partial``)
are a boolean of one constant-score should-clause per piece with a minimum number that
must match, and every quoted phrase required; their proximity is a sloppy phrase query
per neighbouring pair over the first partial matches (``proximity_queries``).
"""

from __future__ import annotations

from datetime import date

import msgspec
import tantivy

from services.common.models import SECURITY_LEVELS, Category, Struct
from services.common.text import FoldedText, fold, fold_mapped, folded_tokens
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
    PIECE_SCORE,
    PROXIMITY_SLOP,
    TIE_SCORE,
    Pair,
    PartialMatch,
)
from services.search.query import QueryTerm, SearchQuery
from services.search.synonyms import SYNONYM_SCORE


class Display(Struct):
    """What a hit shows, stored once per document as JSON.

    The body's folded form is stored beside it so highlighting does no folding at query
    time (OpenCC and the width/case table cost about 30 µs a hit).
    """

    archive_no: str
    title: str
    body: str
    household: str | None
    category: Category
    filed_at: date
    restricted: bool
    language: str | None = None
    folded_body: str | None = None
    """``fold(body)`` when that differs from ``body``."""
    folded_starts: tuple[int, ...] | None = None
    """``FoldedText.source_starts``: only when folding changed the body's length (rare)."""

    def folded(self) -> FoldedText:
        """The folded body with its way back to the original (``fold_mapped(body)``)."""
        text = self.body if self.folded_body is None else self.folded_body
        return FoldedText(text, self.folded_starts)


def build_schema(*, words: bool = True) -> tantivy.Schema:
    """The index's schema; without ``words``, that of ``ANALYSIS`` 9 and before."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("document_id", stored=True, fast=True, tokenizer_name="raw")
    builder.add_integer_field("version", stored=True, fast=True)
    builder.add_boolean_field("deleted", indexed=True, fast=True)
    for name in ("security", "category", "household", "newest"):
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("filed_day", indexed=True, fast=True)
    for name in ("text", "restricted_body", "title"):
        builder.add_text_field(name, tokenizer_name="whitespace")
        builder.add_text_field(f"{name}_chars", tokenizer_name="whitespace")
    builder.add_bytes_field("display", stored=True)
    if words:
        for name in WORD_FIELDS:
            builder.add_text_field(name, tokenizer_name="whitespace")
    return builder.build()


WORD_FIELDS = ("words", "restricted_words")
SCHEMA = build_schema()
LEGACY_SCHEMA = build_schema(words=False)
"""The schema of an index made before the words fields (``ANALYSIS`` 9 and before)."""


def _add_tokens(doc: tantivy.Document, field: str, folded: str) -> None:
    doc.add_text(field, " ".join(folded_tokens(folded)))
    doc.add_text(f"{field}_chars", " ".join(folded_tokens(folded, unigrams=True)))


def _display(doc: IndexedDocument, body: FoldedText) -> bytes:
    return msgspec.json.encode(Display(
        archive_no=doc.archive_no, title=doc.title, body=doc.body, household=doc.household,
        category=doc.category, filed_at=doc.filed_at, restricted=doc.restricted,
        language=doc.language, folded_body=None if body.text == doc.body else body.text,
        folded_starts=body.source_starts,
    ))


def to_document(doc: IndexedDocument, *, words: bool = True) -> tantivy.Document:
    """The Tantivy document for ``doc``: folded tokens to match, originals to show; its
    ``words`` too, unless it is for an index without them (``LEGACY_SCHEMA``)."""
    out = tantivy.Document()
    out.add_text("document_id", doc.document_id)
    out.add_integer("version", doc.version)
    out.add_boolean("deleted", False)
    out.add_text("security", doc.security)
    out.add_text("category", doc.category)
    if doc.household is not None:
        out.add_text("household", doc.household)
    out.add_text("newest", f"{doc.filed_at.isoformat()}|{doc.archive_no}|{doc.document_id}")
    out.add_integer("year", doc.filed_at.year)
    out.add_integer("filed_day", doc.filed_at.toordinal())
    title = fold(doc.title)
    body = fold_mapped(doc.body)
    _add_tokens(out, "title", title)
    _add_tokens(out, "text", title)
    for identifier in (doc.archive_no, *doc.former_archive_nos, doc.household):
        if identifier:
            _add_tokens(out, "text", fold(identifier))
    body_field = "restricted_body" if doc.restricted else "text"
    _add_tokens(out, body_field, body.text)
    if words:  # an index made before the words fields (LEGACY_SCHEMA) ignores them
        out.add_text("words", index_words(title))
        out.add_text("restricted_words" if doc.restricted else "words", index_words(body.text))
    # The keys (``index_keys``) as values of their own: the position gap between values
    # keeps phrases from reaching them. Tokenised, as Elasticsearch analyses them.
    title_keys, body_keys = index_keys(title), index_keys(body.text)
    for field, keys in (("title", title_keys), ("text", title_keys), (body_field, body_keys)):
        if keys:
            _add_tokens(out, field, " ".join(keys))
    out.add_bytes("display", _display(doc, body))
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


def _term_in(field: str, term: QueryTerm) -> tantivy.Query:
    """The term in ``field`` (``_spelled_in``), or one of its synonyms
    (``QueryTerm.synonyms``), which scores ``SYNONYM_SCORE`` whatever its BM25."""
    found = _spelled_in(field, term)
    if not term.synonyms:
        return found
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, found), *(
        (tantivy.Occur.Should, tantivy.Query.const_score_query(_synonym_in(field, synonym),
                                                               SYNONYM_SCORE))
        for synonym in term.synonyms)])


def _synonym_in(field: str, synonym: QueryTerm) -> tantivy.Query:
    """The synonym in ``field`` where ``field`` holds none of the longer words in which it
    means something else (``QueryTerm.unless``)."""
    found = _spelled_in(field, synonym)
    if not synonym.unless:
        return found
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, found), *(
        (tantivy.Occur.MustNot, _spelled_in(field, longer)) for longer in synonym.unless)])


def _spelled_in(field: str, term: QueryTerm) -> tantivy.Query:
    """The term's tokens at consecutive positions in ``field`` (or its ``_chars`` twin),
    or those of its other spelling (``QueryTerm.also``) in ``field``, where the keys stand
    too (a plate's province character is alone in its key, so a unigram there)."""
    found = _matching(f"{field}_chars" if term.lone_cjk else field, term.tokens)
    if term.also is None:
        return found
    return tantivy.Query.boolean_query([
        (tantivy.Occur.Should, found),
        (tantivy.Occur.Should, _matching(field, term.also_tokens))])


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A filter restricts the matches without changing their scores."""
    return tantivy.Query.const_score_query(query, 0.0)


def _found(term: QueryTerm, access: AccessFilter) -> tantivy.Query:
    """The term in ``text`` (title, identifiers, readable body) or in a lent restricted body,
    or a document of the household it names (``QueryTerm.household``)."""
    found = _term_in("text", term)
    if term.household is not None:
        found = tantivy.Query.boolean_query([
            (tantivy.Occur.Should, found),
            (tantivy.Occur.Should, tantivy.Query.const_score_query(tantivy.Query.term_query(
                SCHEMA, "household", term.household), SYNONYM_SCORE))])
    if not access.full_text_ids:
        return found
    lent = tantivy.Query.boolean_query([
        (tantivy.Occur.Must, _term_in("restricted_body", term)),
        (tantivy.Occur.Must, _filter(tantivy.Query.term_set_query(
            SCHEMA, "document_id", sorted(access.full_text_ids)))),
    ])
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, found), (tantivy.Occur.Should, lent)])


def _term_clauses(term: QueryTerm, access: AccessFilter, *, words: bool = False
                  ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The term must be found (``_found``); a title match scores more, and with ``words``
    (the index has the words fields) a document where it stands as words scores
    ``WORD_SCORE`` more (``_as_words``)."""
    # A Should beside Musts only scores: Tantivy seeks it for the documents the Musts
    # match, and skips it where nothing is scored (counts, facets).
    title = tantivy.Query.boost_query(_spelled_in("title", term), TITLE_BOOST)
    clauses = [(tantivy.Occur.Must, _found(term, access)), (tantivy.Occur.Should, title)]
    as_words = _as_words(term, access) if words else None
    if as_words is not None:
        clauses.append((tantivy.Occur.Should, as_words))
    return clauses


def _words_in(field: str, words: tuple[str, ...]) -> tantivy.Query:
    return tantivy.Query.boolean_query([
        (tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, field, word)) for word in words])


def _as_words(term: QueryTerm, access: AccessFilter) -> tantivy.Query | None:
    """Every word of the term (``term_words``) in ``words``, or in a lent restricted
    body's, scoring ``WORD_SCORE``; None for a term not written in CJK characters."""
    words = term_words(term.text)
    if not words:
        return None
    found = _words_in("words", words)
    if access.full_text_ids:
        lent = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, _words_in("restricted_words", words)),
            (tantivy.Occur.Must, _filter(tantivy.Query.term_set_query(
                SCHEMA, "document_id", sorted(access.full_text_ids)))),
        ])
        found = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, found), (tantivy.Occur.Should, lent)])
    return tantivy.Query.const_score_query(found, WORD_SCORE)


def _near(pair: Pair) -> tantivy.Query:
    """Two pieces within ``PROXIMITY_SLOP`` positions of each other, in either order.

    Only ``text`` is looked at: a restricted body must not raise a document it does
    not let the caller find.
    """
    first, second = pair
    suffix = "_chars" if first.lone_cjk else ""
    return tantivy.Query.phrase_query(SCHEMA, f"text{suffix}", [*first.tokens, *second.tokens],
                                      slop=PROXIMITY_SLOP)


def _filters(query: SearchQuery, access: AccessFilter
             ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    visible = access.visible_levels()
    hidden = [level for level in SECURITY_LEVELS if level not in visible]
    filters = [(tantivy.Occur.MustNot, tantivy.Query.term_query(SCHEMA, "deleted", True))]
    required = []
    if query.security is None:
        # One term query per level: a term set query cost 0.2 ms before matching anything.
        filters.extend((tantivy.Occur.MustNot, tantivy.Query.term_query(SCHEMA, "security", level))
                       for level in hidden)
    else:
        required.append(tantivy.Query.term_query(SCHEMA, "security", query.security)
                        if query.security in visible else tantivy.Query.empty_query())
    for field in ("household", "category"):
        value = getattr(query, field)
        if value is not None:
            required.append(tantivy.Query.term_query(SCHEMA, field, value))
    if query.building is not None:  # letters and digits only (BUILDING_RE): no escaping
        required.append(tantivy.Query.regex_query(SCHEMA, "household", f"{query.building}-.*"))
    if query.year is not None:
        required.append(tantivy.Query.term_query(SCHEMA, "year", query.year))
    if query.filed_from or query.filed_to:
        required.append(tantivy.Query.range_query(
            SCHEMA, "filed_day", tantivy.FieldType.Integer,
            query.filed_from.toordinal() if query.filed_from else None,
            query.filed_to.toordinal() if query.filed_to else None,
        ))
    return filters + [(tantivy.Occur.Must, _filter(f)) for f in required]


def build_query(query: SearchQuery, terms: tuple[QueryTerm, ...], access: AccessFilter,
                *, words: bool = True) -> tantivy.Query:
    """Every term must match (title, identifiers, or readable body), within the filters;
    ``words``: the index has the words fields (not one made before them)."""
    clauses = [clause for term in terms
               for clause in _term_clauses(term, access, words=words)]
    if not clauses:
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    clauses.extend(_filters(query, access))
    return tantivy.Query.boolean_query(clauses)


def build_partial_query(query: SearchQuery, partial: PartialMatch, access: AccessFilter
                        ) -> tantivy.Query:
    """Documents holding ``partial.minimum`` of its pieces and every quoted phrase, within
    the filters, scored by coverage (``services.search.partial``; proximity comes from
    ``proximity_queries``); this includes the full matches, which ``without_full_matches``
    removes."""
    found = [_found(piece, access) for piece in partial.pieces]
    pieces = tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.const_score_query(piece, PIECE_SCORE))
         for piece in found], partial.minimum)
    clauses = [(tantivy.Occur.Must, pieces)]
    clauses.extend(clause for term in partial.required for clause in _term_clauses(term, access))
    clauses.extend((tantivy.Occur.Should, tantivy.Query.boost_query(piece, TIE_SCORE))
                   for piece in found)
    clauses.extend(_filters(query, access))
    return tantivy.Query.boolean_query(clauses)


def proximity_queries(partial: PartialMatch, document_ids: list[str]) -> list[tantivy.Query]:
    """One query per neighbouring pair: which of these documents hold it near.

    A query per pair, because Tantivy evaluates several should-clauses as a union, 4 096
    documents at a time, which checked the phrases of most of the index (8 ms at 100 000
    letters against 2.4 ms).
    """
    window = tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "document_id", document_id))
         for document_id in document_ids])
    return [tantivy.Query.boolean_query([(tantivy.Occur.Must, window),
                                         (tantivy.Occur.Must, _near(pair))])
            for pair in partial.pairs]


def without_full_matches(partial_query: tantivy.Query, terms: tuple[QueryTerm, ...],
                         access: AccessFilter) -> tantivy.Query:
    """The partial matches that do not hold every term."""
    full = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, _found(term, access)) for term in terms])
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, partial_query), (tantivy.Occur.MustNot, full)])


def live_documents() -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, "deleted", False)


FACET_AGGREGATIONS = {
    name: {"terms": {"field": name, "size": size}} for name, size in FACET_SIZES.items()
}
