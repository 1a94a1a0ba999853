"""Where a query's words stand in a page's text, to mark them in the text and over the
page image's boxes (the document page's ``?q=``).

Words are found as search matches them (architecture.md, Chinese text): both sides
folded (Traditional and Simplified, full and half width, case), whitespace ignored so a
word a scan wraps across two lines is found, a quoted phrase as one word; letters and
digits only whole or by a word's parts, never inside them (``within_words``: ``kwok`` is
marked in kwok.wm@…, not in wykwok@…, as search finds the one and not the other). A word that is
not on the page at all is looked for by its two-character pieces, as a partial match
finds it (README, Search), and by its other spelling (``spelled_otherwise``). A word
written in CJK characters that stands on the page as a word is marked only there, not
where its characters end one word and begin the next (业主 in 请各位业主, not in 物业主任),
as search snippets mark it (``services.common.words``).

Offsets are counted in the page text without its whitespace, as each of a page's boxes
says where its text stands (``PageBox.start``), so a span maps to the boxes it covers as
well as to the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from services.common.contracts.ingest import PageBox
from services.common.names import numbers_rejoined, spelled_otherwise
from services.common.text import QUOTE_MARKS, fold, fold_mapped, is_cjk, within_words
from services.common.text_keys import key_spans
from services.common.words import stands_as_words, term_words

Span = tuple[int, int]
"""``[start, end)`` in the page text without whitespace."""

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')
_WHITESPACE = re.compile(r"\s+")
PIECES_FROM = 4
"""A word of this many characters or more is also looked for by its pieces."""


def query_words(q: str) -> list[str]:
    """The words and quoted phrases of a query, folded, without whitespace."""
    phrases = [next(group for group in match.groups() if group is not None)
               for match in _QUOTED.finditer(q)]
    # A quote left open (a query search refuses) marks its words all the same.
    rest = QUOTE_MARKS.sub(" ", _QUOTED.sub(" ", q))
    unquoted = numbers_rejoined([fold(word) for word in rest.split()])
    words = [*(fold(phrase) for phrase in phrases), *unquoted]
    # A word's other spelling is marked too, as search finds it: 13812345678 on a page
    # that writes 138 1234 5678 (its blanks are not counted), a0301 where it says A-0301.
    spelled = [*words, *(other for word in words if (other := spelled_otherwise(word)))]
    return list(dict.fromkeys(word for word in map(_unspaced, spelled) if word))


def _unspaced(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _pieces(word: str) -> list[str]:
    if len(word) < PIECES_FROM or not all(is_cjk(char) for char in word):
        return []
    return [word[index:index + 2] for index in range(len(word) - 1)]


def _places(text: str, word: str) -> list[Span]:
    found: list[Span] = []
    at = text.find(word)
    while at >= 0:
        found.append((at, at + len(word)))
        at = text.find(word, at + len(word))
    return found


def _places_as_key(text: str, word: str) -> list[Span]:
    """The places of a key where the page writes it otherwise, as search finds it
    (``key_spans``): 0755-8888-1234 for 075588881234, 2023年12月8日 for 20231208, ¥12,500.00
    for 12500, 粤B·7K2Q9 for 粤b7k2q9, 3栋2单元1201室 for 3-2-1201; a page's blanks are
    already left out, so 138 1234 5678 is found as written. Every key holds a digit."""
    if not any(char.isdigit() for char in word):
        return []
    return [(span.start, span.end) for span in key_spans(text) if span.text == word]


def _inside_words(text: str) -> set[int]:
    """``within_words`` of ``text``, counted as a ``Span`` is, without whitespace: found in
    the text as it is, where its words are apart."""
    folded = fold_mapped(text)
    compact_at = list(accumulate((not char.isspace() for char in text), initial=0))
    return {compact_at[folded.source_span(at, at + 1)[0]] for at in within_words(folded.text)}


def _as_words_first(text: str, word: str, places: list[Span]) -> list[Span]:
    """Of the places of a word written in CJK characters, those where it stands as a word
    when there are any (业主 in 请各位业主, not in 物业主任), as search snippets mark it
    (``services.common.words``); every place otherwise."""
    if not places or not term_words(word):
        return places
    return [place for place in places if stands_as_words(text, *place)] or places


@dataclass(frozen=True)
class Found:
    """Where a page's text holds a query's words: ``spans`` (``marked_spans``) and how
    many of the words stand there whole (``whole``), not only by their pieces."""

    spans: list[Span]
    whole: int


def found_in(text: str, words: Sequence[str]) -> Found:
    """Where ``words`` (``query_words``) stand in ``text``: each found whole (or as a key
    the page writes otherwise), else by its pieces.

    The document page reads every page of a document to link the pages holding the words:
    where letters stand inside words (``_inside_words``, three quarters of the cost) is
    read only on a page where a word stands, and nothing is read for no words (300 pages
    took 0.3 s of CPU at every page turned)."""
    if not words:
        return Found([], 0)
    compact = _WHITESPACE.sub("", text)
    folded = fold_mapped(compact)
    inside: set[int] | None = None
    spans: list[Span] = []
    whole_words = 0
    for word in words:
        places = _as_words_first(folded.text, word, _places(folded.text, word))
        if places and inside is None:
            inside = _inside_words(text)
        apart = inside or set()
        whole = [span for span in (folded.source_span(*place) for place in places)
                 if span[0] not in apart and span[1] not in apart]
        keys = [] if whole else _places_as_key(folded.text, word)
        whole_words += bool(whole or keys)
        spans.extend(whole or [folded.source_span(start, end) for start, end in (
            keys or [place for piece in _pieces(word) for place in _places(folded.text, piece)])])
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return Found(merged, whole_words)


def marked_spans(text: str, words: Sequence[str]) -> list[Span]:
    """Where ``words`` (``query_words``) stand in ``text``, merged, in order."""
    return found_in(text, words).spans


@dataclass(frozen=True)
class Run:
    """A piece of the page text, marked or not, as the page shows it."""

    text: str
    marked: bool


def runs(text: str, spans: Sequence[Span]) -> list[Run]:
    """``text`` (whitespace kept) cut into runs, the ``spans`` marked; whitespace inside
    one span (a word wrapped across a line break) is marked with it."""
    owner = [-1] * len(text)
    positions = [index for index, char in enumerate(text) if not char.isspace()]
    for number, (start, end) in enumerate(spans):
        for compact in range(start, end):
            owner[positions[compact]] = number
    last = -1
    for index in range(len(text)):
        if not text[index].isspace():
            last = owner[index]
        elif last >= 0:
            owner[index] = last if _next_owner(owner, text, index) == last else -1
    pieces: list[Run] = []
    for char, number in zip(text, owner, strict=True):
        inside = number >= 0
        if pieces and pieces[-1].marked == inside:
            pieces[-1] = Run(pieces[-1].text + char, inside)
        else:
            pieces.append(Run(char, inside))
    return pieces


def _next_owner(owner: list[int], text: str, index: int) -> int:
    for after in range(index + 1, len(text)):
        if not text[after].isspace():
            return owner[after]
    return -1


def marked_boxes(boxes: Sequence[PageBox], spans: Sequence[Span]) -> list[PageBox]:
    """The boxes whose text overlaps a span."""
    chosen: list[PageBox] = []
    for box in boxes:
        end = box.start + len(_WHITESPACE.sub("", box.text))
        if any(span_start < end and box.start < span_end for span_start, span_end in spans):
            chosen.append(box)
    return chosen
