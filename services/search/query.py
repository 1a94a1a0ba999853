"""What a search may ask (``SearchQuery``), validated once, and how its text becomes terms.

Query syntax is deliberately tiny, and it never reaches an index as syntax:

- words separated by spaces are *terms*; each term matches where its tokens occur
  next to each other, so ``中国人`` finds "中国人" but not "中国的外国人" (ANDing its
  bigrams instead is the false positive the issue measured: 2 003 matches, truly 289);
- text in quotes (``"维修 申请"``, ``“维修申请”``, ``「维修申请」``) is one phrase term,
  spaces included;
- everything else (``AND``, ``-``, ``:``, brackets) is ordinary text; punctuation only
  separates tokens.

A document that holds every term is a *full* match (``match: all``). When few documents
do, documents that hold most of the query follow them as *partial* matches
(``services.search.partial``). Both index backends build their queries from the
``QueryTerm`` tokens programmatically.

Validation (``ValidationFailed``, HTTP 422) with stable codes:
``query_too_long`` (over ``MAX_QUERY_CHARS``), ``unbalanced_query`` (a quote not closed),
``query_without_terms`` (a non-empty query with nothing searchable in it),
``page_size_out_of_range`` (``size`` outside 1…``MAX_PAGE_SIZE``),
``page_out_of_range`` (``page`` < 1 or past ``MAX_RESULT_WINDOW`` hits),
``invalid_date_range``, ``invalid_household``, ``invalid_building``, ``invalid_year``.
"""

from __future__ import annotations

import re

import msgspec

from services.common.contracts.search import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    SearchRequest,
)
from services.common.errors import ValidationFailed
from services.common.models import BUILDING_RE, HOUSEHOLD_RE, Category
from services.common.names import numbers_rejoined, spelled_otherwise
from services.common.text import fold, folded_tokens, has_lone_cjk
from services.common.text_keys import typed_flat
from services.search.synonyms import NO_SYNONYMS, Synonyms

_PHRASE_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
_CLOSING_ONLY = frozenset("”」』")


class QueryTerm(msgspec.Struct, frozen=True, kw_only=True):
    """One term of a query: a word or a quoted phrase, folded and tokenised.

    ``bigrams`` are matched against the bigram fields; when the term holds a lone CJK
    character (``修``, ``A座``) it exists only as a unigram in the index, so
    ``lone_cjk`` is set and ``unigrams`` are matched against the unigram fields instead.
    Identifiers (archive number, household code) are always matched with ``unigrams``.
    ``quoted``: the term was a quoted phrase, which a partial match never loosens.
    ``also``: another way the term is written, matched too (``spelled_otherwise``): a day
    as its ISO digits (``2023/12/8`` is ``20231208``) and a number written in groups
    (``138-1234-5678``) as its digits, each one token, as the index keeps them
    (``services.common.text_keys.key_spans``); an amount typed with its currency, 元, cents or
    separators as its whole yuan (``¥3,500.00`` is ``3500``); a unit code typed without
    its hyphen (``a0301``) or in an address's words (``3栋1104室``, ``三栋1104``) as the
    code (``a-0301``, ``3-1104``); a licence plate or a flat in words as its key
    (``粤b·7k2q9`` is ``粤b7k2q9``, ``5栋1单元903`` is ``5-1-903``); a quoted phrase
    without the blanks typed between its Chinese words (``"水管 爆裂"`` is ``水管爆裂``).
    ``synonyms``: the term written with other words of the same meaning
    (``services.search.synonyms``: ``厨房漏水`` is also ``厨房渗水``), each matched as a term
    of its own and weighing less than the term as typed; none for a quoted phrase.
    ``household``: the unit code of a flat typed with its entrance (``3栋2单元1502``,
    ``3-2-1502室`` are ``3-1502``: the entrance is no part of a unit code, D1), whose
    documents the term finds too, scored as a synonym, after those that write the flat, as
    ``3栋1502`` finds them; matched in the household field only, exactly (as tokens, 3-1502
    stands inside another flat's key, 5-3-1502); none for a quoted phrase.
    ``unless``: a synonym's only: the longer words in which it means something else
    (``Synonyms.excepted``: 停车管理费 for 管理费); a document that writes one of them is
    not found by the synonym.
    """

    text: str
    bigrams: tuple[str, ...]
    unigrams: tuple[str, ...]
    lone_cjk: bool
    quoted: bool = False
    also: str | None = None
    synonyms: tuple[QueryTerm, ...] = ()
    household: str | None = None
    unless: tuple[QueryTerm, ...] = ()

    @property
    def also_tokens(self) -> tuple[str, ...]:
        """The tokens of ``also`` (empty without one)."""
        return tuple(folded_tokens(self.also)) if self.also else ()

    @property
    def tokens(self) -> tuple[str, ...]:
        """The tokens matched against title and body."""
        return self.unigrams if self.lone_cjk else self.bigrams


def make_term(folded: str, *, quoted: bool = False, lone_cjk: bool | None = None,
              synonyms: Synonyms = NO_SYNONYMS) -> QueryTerm | None:
    """The term of folded text, or None when it holds nothing to search for.

    ``lone_cjk`` overrides the detection: a piece of a term is matched in the same fields
    as the term it comes from (``services.search.partial``). ``synonyms``: the groups
    whose other words the term is matched with too (not a quoted one).
    """
    bigrams = tuple(folded_tokens(folded))
    if not bigrams:
        return None
    others = () if quoted else synonyms.others(folded)
    flat = None if quoted else typed_flat(folded)
    return QueryTerm(
        text=folded,
        bigrams=bigrams,
        unigrams=tuple(folded_tokens(folded, unigrams=True)),
        lone_cjk=has_lone_cjk(folded) if lone_cjk is None else lone_cjk,
        quoted=quoted,
        also=spelled_otherwise(folded) or (_blanks_between_cjk_dropped(folded) if quoted
                                           else None),
        synonyms=tuple(term for term in (synonym_term(other, synonyms) for other in others)
                       if term is not None),
        household=flat.unit_code.upper() if flat else None,
    )


_BLANKS_BETWEEN_CJK = re.compile(r"(?<=[\u3007\u4e00-\u9fff])[ \u3000]+(?=[\u3007\u4e00-\u9fff])")


def _blanks_between_cjk_dropped(phrase: str) -> str | None:
    """A quoted phrase's Chinese words without the blanks typed between them (``"水管 爆裂"``
    is also ``水管爆裂``): Chinese is written without them, so as typed the phrase found only
    a page that happens to hold the blank; None when there are none."""
    joined = _BLANKS_BETWEEN_CJK.sub("", phrase)
    return joined if joined != phrase else None


def synonym_term(spelled: str, synonyms: Synonyms) -> QueryTerm | None:
    """The term of ``spelled``, a search word written with a synonym, not finding the
    documents that write a longer word in which that synonym means something else."""
    term = make_term(spelled)
    unless = tuple(made for made in map(make_term, synonyms.excepted(spelled))
                   if made is not None)
    return msgspec.structs.replace(term, unless=unless) if term is not None and unless \
        else term


def _chunks(folded: str) -> list[tuple[str, bool]]:
    """Split into words and quoted phrases (``(text, quoted)``); raise
    ``unbalanced_query`` on a stray quote."""
    chunks: list[tuple[str, bool]] = []
    buffer: list[str] = []
    closer: str | None = None
    for char in folded:
        if closer is not None:
            if char == closer:
                chunks.append(("".join(buffer), True))
                buffer, closer = [], None
            else:
                buffer.append(char)
        elif char in _PHRASE_QUOTES:
            chunks.extend(_words("".join(buffer)))
            buffer, closer = [], _PHRASE_QUOTES[char]
        elif char in _CLOSING_ONLY:
            raise ValidationFailed(f"the query has a closing {char} without an opening one",
                                   code="unbalanced_query")
        else:
            buffer.append(char)
    if closer is not None:
        raise ValidationFailed(f"the query has a quote that is not closed with {closer}",
                               code="unbalanced_query")
    chunks.extend(_words("".join(buffer)))
    return chunks


def _words(unquoted: str) -> list[tuple[str, bool]]:
    """The words of unquoted text; a phone or ID number pasted in groups is one, and a unit
    code typed on into words (``b-0803漏水``) is apart from them."""
    return [(part, False) for word in numbers_rejoined(unquoted.split())
            for part in _code_apart(word)]


_UNIT_CODE_IN = re.compile(r"(?<![a-z0-9-])([a-z0-9]{1,4}-[0-9]{3,5})(?![0-9-])")
_CJK_WORDS = re.compile(r"[\u4e00-\u9fff]{2,}")


def _code_apart(word: str) -> list[str]:
    """A (folded) word that is a unit code and Chinese words run together, ``b-0803漏水`` or
    ``漏水b-0803``, as the code and the words: a clerk types the household's code on into
    what they look for, which its letters never write beside it (the code is the file's,
    not the letter's), so as one phrase it found nothing. A code with one character on
    (``a-1201室``) stays whole."""
    parts = [part for part in _UNIT_CODE_IN.split(word) if part]
    if len(parts) > 1 and all(_UNIT_CODE_IN.fullmatch(part) or _CJK_WORDS.fullmatch(part)
                              for part in parts):
        return parts
    return [word]


def parse_terms(q: str, synonyms: Synonyms = NO_SYNONYMS) -> tuple[QueryTerm, ...]:
    """The terms of a query string, each with its ``synonyms``; empty for a blank query
    (which matches everything)."""
    if len(q) > MAX_QUERY_CHARS:
        raise ValidationFailed(f"the query is longer than {MAX_QUERY_CHARS} characters",
                               code="query_too_long")
    terms = tuple(term for term in (make_term(text, quoted=quoted, synonyms=synonyms)
                                    for text, quoted in _chunks(fold(q))) if term is not None)
    if not terms and q.strip():
        raise ValidationFailed("the query has no letters, digits or characters to search for",
                               code="query_without_terms")
    return terms


class SearchQuery(SearchRequest):
    """A search (``GET /search/documents``) as the service takes it: the request, its
    category one of the company's, validated on construction and on decode
    (``ValidationFailed``, module docstring).

    ``q`` empty matches every document the caller may see. ``building`` keeps the
    documents of its households (a unit code's part before the hyphen). ``year`` and
    ``filed_from``/``filed_to`` (inclusive) both narrow by the filing date. ``page`` is
    1-based. Facets are counted over all matches (filters included), not only the page.
    """

    category: Category | None = None

    def __post_init__(self) -> None:
        parse_terms(self.q)
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise ValidationFailed(f"size must be between 1 and {MAX_PAGE_SIZE}",
                                   code="page_size_out_of_range")
        if self.page < 1 or self.page * self.size > MAX_RESULT_WINDOW:
            raise ValidationFailed(
                f"page must be at least 1 and reach no further than hit {MAX_RESULT_WINDOW}; "
                "narrow the search with filters instead", code="page_out_of_range")
        if self.filed_from and self.filed_to and self.filed_from > self.filed_to:
            raise ValidationFailed("filed_from is after filed_to", code="invalid_date_range")
        if self.household is not None and not HOUSEHOLD_RE.match(self.household):
            raise ValidationFailed(f"{self.household!r} is not a unit code like A-1201",
                                   code="invalid_household")
        if self.building is not None and not BUILDING_RE.match(self.building):
            raise ValidationFailed(f"{self.building!r} is not a building as unit codes spell "
                                   "it, like A or 3 (of A-1201, 3-0501)",
                                   code="invalid_building")
        if self.year is not None and not 1000 <= self.year <= 9999:
            raise ValidationFailed("year must have four digits", code="invalid_year")

    def terms(self, synonyms: Synonyms = NO_SYNONYMS) -> tuple[QueryTerm, ...]:
        """The parsed terms of ``q`` (module docstring), matched with ``synonyms`` too."""
        return parse_terms(self.q, synonyms)

    @property
    def offset(self) -> int:
        """How many hits come before this page."""
        return (self.page - 1) * self.size
