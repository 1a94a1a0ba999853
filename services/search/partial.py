"""Partial matches: documents that hold most of a query, when few hold all of it.

A clerk describes a letter in words of their own: ``广告水牌更换`` for a letter asking to
更换大堂水牌 (one word the letter does not use), ``中央空调改造`` for a clause on
中央空調末端改造 (one word in between). No document holds such a query whole, and zero
results is the worst answer for a person who knows the letter exists. So both index
backends answer in two classes:

- **Full matches first, always.** Documents that hold every term of the query
  (``services.search.query``) are ``match: all`` and come first; partial matches
  (``match: partial``) follow every one of them, whatever the sort. Each backend asks for
  the full matches, then, when they are few, for the partial matches with the full ones
  excluded, so the order of the classes never rests on scores.
- **When.** Partial matches are added when fewer than ``FEW_FULL_MATCHES`` documents hold
  every term, i.e. when the full matches do not fill a first page of the default size;
  otherwise the full matches are the whole answer, as before. Total and facets count
  exactly the hits the pages list (both classes, or the full ones alone), and the caller's
  clearance is part of both queries.
- **What a partial match holds.** The query's unquoted terms become *pieces*. A term of
  ``SPLIT_FROM`` pieces or more is split: each bigram of its CJK runs and each run of
  letters and digits (``A-1201``, ``WX2019-0456``: never split further) is a piece. A
  number or code keeps the one or two CJK characters right after it, its counter or unit,
  in its piece (``3栋2单元1201`` is ``3栋``, ``2单元``, ``1201``; ``A座``, ``1201室``),
  and a date written in words is one piece (``2024年5月18日``, ``2019年3月``,
  ``12月24日``), matched as a full match matches it. What is left of one character (a
  lone 年, 的 or digit) is no piece: it is in too many documents to say anything, and
  年, 月 and 日 together made every dated letter a partial match of any date. A shorter
  term (``停车位``, ``A-1201``, ``修``) stays one piece, matched whole as in a full
  match, so ``中国人`` never finds 中国的外国人 and ``A-1201`` never finds A座 1201室. A
  piece is matched with its synonyms (``services.search.synonyms``), and a piece of a
  group's word with the word's synonyms (产权 and 权人 of ``入住产权人`` are found where a
  letter writes 业主, so the letter 业主办理入住 holds three of its four pieces, as one
  writing 产权人办理入住 does). Of the first ``MAX_PIECES`` distinct pieces of the query, a
  partial match holds at least ``minimum_pieces(n)``, and every quoted phrase exactly:
  quotes keep a phrase exact in either class. A query whose pieces must all be there
  has no partial matches.
- **Order within the partial class** (by score, unless sorted by ``newest``): how much of
  the query a document covers, then how close the covered words stand. Each piece found
  adds ``PIECE_SCORE``: constant scores, because BM25's length normalisation let a short
  notice holding two pieces outrank the long contract holding four; the pieces' BM25,
  scaled by ``TIE_SCORE``, only breaks ties (a rarer piece, a title). Then the first
  ``RESCORE_WINDOW`` partial matches are scored again for proximity, as Elasticsearch's
  ``rescore`` does: each pair of pieces next to each other in the query that stand within
  ``PROXIMITY_SLOP`` positions of each other in the document, in either order, adds
  ``NEAR_SCORE``. Only a window, because checking positions in every partial match
  cost more than the rest of the engine's work (at 100 000 letters, 30 of a descriptive
  search's 47 ms); and only for a query of at most
  ``MAX_PAIRS`` pairs, a description rather than a pasted sentence.

``minimum_pieces`` was chosen by measuring descriptive queries (``bench/partial_match.py``,
results in bench/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from services.common.text import TokenSpan, is_cjk, token_spans
from services.common.text_keys import dates_in_words
from services.search.query import QueryTerm, SearchQuery, make_term, synonym_term
from services.search.synonyms import NO_SYNONYMS, Synonyms

FEW_FULL_MATCHES = 20
"""Partial matches are added when fewer documents than this hold every term."""
SPLIT_FROM = 3
"""A term of at least this many distinct pieces is split into them for partial matching."""
MAX_COUNTER_CHARS = 2
"""The CJK characters right after a number or code that are read with it as one piece,
its counter or unit (2024年, 3栋, 2单元, 1201室, A座): a longer run is words of their own."""
PARTIAL_SHARE_PERCENT = 40
"""The share of a query's pieces a partial match holds (rounded up; at least two)."""
PIECE_SCORE = 1.0
"""What each piece found adds to a partial match's score (coverage)."""
NEAR_SCORE = 1.0
"""What each neighbouring pair found near each other adds (proximity)."""
TIE_SCORE = 0.001
"""The weight of the pieces' BM25 score: small enough to break ties only."""
RESCORE_WINDOW = 50
"""How many of the best partial matches (by coverage) are ranked again with proximity."""
MAX_PIECES = 24
"""A partial match is looked for among the query's first 24 distinct pieces: a description
of up to 25 characters whole, a pasted passage by its beginning. Tantivy's cost grows
faster than the pieces (at 100 000 letters: 16 pieces 39 ms, 32 pieces 84 ms, 90 pieces
over a second)."""
MAX_PAIRS = 12
"""A query with more neighbouring pairs than this (a pasted sentence, not a description) is
ranked by coverage alone: each pair costs Tantivy a query over the window (0.4 ms), and
among so many pieces coverage says enough."""
PROXIMITY_SLOP = 6
"""How far apart (in token positions, either order) two neighbouring pieces still count as
near: 5 characters between them, or the pair swapped with 3 between."""

Pair = tuple[QueryTerm, QueryTerm]


class PartialMatch(msgspec.Struct, frozen=True, kw_only=True):
    """How one query finds its partial matches (module docstring).

    ``required``: the quoted phrases, exact in every match; ``pieces``: the distinct
    pieces of the unquoted terms, of which a partial match holds at least ``minimum``;
    ``pairs``: pieces next to each other in the query, boosted where they stand near
    each other. A piece matches the fields its term matches (``lone_cjk`` is the term's).
    """

    required: tuple[QueryTerm, ...]
    pieces: tuple[QueryTerm, ...]
    minimum: int
    pairs: tuple[Pair, ...]

    @property
    def marked(self) -> tuple[QueryTerm, ...]:
        """What a partial hit's snippets mark: the quoted phrases and every piece."""
        return self.required + self.pieces


def minimum_pieces(count: int) -> int:
    """How many of a query's ``count`` pieces a partial match holds: one piece or two,
    all of them; more, ``PARTIAL_SHARE_PERCENT`` of them rounded up, and at least two,
    so a query with no more than one piece in common with a document does not find it."""
    if count <= 2:
        return count
    return max(2, -(-count * PARTIAL_SHARE_PERCENT // 100))


def _split(term: QueryTerm, synonyms: Synonyms) -> list[tuple[QueryTerm, int, int]]:
    """The term's pieces in order, each with its ``[start, end)`` in ``term.text``
    (module docstring: what a piece is), each with its ``synonyms``."""
    text = term.text
    dates = dates_in_words(text)
    bounds: list[list[int]] = []
    word_before = False
    for span in token_spans(text):
        word = not is_cjk(span.text[0])
        date = next(((start, end) for start, end in dates
                     if start < span.end and span.start < end), None)
        if date is not None:  # 2024年5月18日: one piece, whatever its tokens
            if not bounds or tuple(bounds[-1]) != date:
                bounds.append(list(date))
            word = False
        elif word_before and (word or _counts(text, span, bounds[-1][1])):
            bounds[-1][1] = span.end  # A-1201 (joined by punctuation); 3栋, 2单元
        else:
            bounds.append([span.start, span.end])
        word_before = word
    words = synonyms.words_at(text)
    pieces = []
    for start, end in bounds:
        if end - start == 1:  # 年, 的, 3: in too many documents to say anything
            continue
        piece = make_term(text[start:end], lone_cjk=term.lone_cjk, synonyms=synonyms)
        if piece is not None:
            pieces.append((_with_word_synonyms(piece, start, end, words, synonyms),
                           start, end))
    return pieces


def _with_word_synonyms(piece: QueryTerm, start: int, end: int,
                        words: list[tuple[int, int, tuple[str, ...]]],
                        synonyms: Synonyms) -> QueryTerm:
    """The piece at ``[start, end)``, also found where a document writes a synonym of the
    group's word it stands in: 产权 and 权人 of 产权人 where it writes 业主, so that the
    pieces of a word count alike whichever word of its group a document writes."""
    around = [other for word_start, word_end, others in words
              if word_start <= start and end <= word_end for other in others]
    added = [made for made in (synonym_term(other, synonyms) for other in around)
             if made is not None and made not in piece.synonyms]
    return msgspec.structs.replace(piece, synonyms=piece.synonyms + tuple(added)) if added \
        else piece


def _counts(text: str, span: TokenSpan, word_end: int) -> bool:
    """True when ``span`` begins a CJK run of at most ``MAX_COUNTER_CHARS`` characters
    right after a number or code that ends at ``word_end``: what it counts (栋, 单元)."""
    end = span.start
    while end < len(text) and is_cjk(text[end]):
        end += 1
    return span.start == word_end and end - span.start <= MAX_COUNTER_CHARS


def _neighbours(pieces: list[tuple[QueryTerm, int, int]]) -> list[Pair]:
    """Each piece with the first piece after it that does not overlap it (中央 → 空调)."""
    pairs = []
    for index, (piece, _, end) in enumerate(pieces):
        following = next((later for later, start, _ in pieces[index + 1:] if start >= end),
                         None)
        if following is not None and following != piece:
            pairs.append((piece, following))
    return pairs


def partial_match(terms: Sequence[QueryTerm], synonyms: Synonyms = NO_SYNONYMS
                  ) -> PartialMatch | None:
    """How ``terms`` find partial matches, or None when they have none (module docstring);
    a piece is matched with its ``synonyms`` too, as a term is."""
    pieces: dict[QueryTerm, None] = {}
    pairs: dict[Pair, None] = {}
    for term in terms:
        if term.quoted:
            continue
        split = _split(term, synonyms)
        if len({piece for piece, _, _ in split}) < SPLIT_FROM:
            pieces[term] = None
            continue
        pieces.update((piece, None) for piece, _, _ in split)
        pairs.update((pair, None) for pair in _neighbours(split))
    kept = tuple(pieces)[:MAX_PIECES]
    minimum = minimum_pieces(len(kept))
    if minimum == len(kept):
        return None
    near = tuple(pair for pair in pairs if pair[0] in kept and pair[1] in kept)
    return PartialMatch(required=tuple(term for term in terms if term.quoted),
                        pieces=kept, minimum=minimum,
                        pairs=near if len(near) <= MAX_PAIRS else ())


def partial_page(query: SearchQuery, full_total: int) -> tuple[int, int] | None:
    """Which partial matches this page shows, ``(offset, count)`` among them, or None when
    the search adds none because ``full_total`` documents hold every term.

    The page lists full matches first; the partial ones fill what is left of it.
    """
    if full_total >= FEW_FULL_MATCHES:
        return None
    shown = max(0, min(query.size, full_total - query.offset))
    return max(0, query.offset - full_total), query.size - shown
