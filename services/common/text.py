"""Chinese text folding and tokenisation, the same for indexed text and for queries.

Folding (``fold``) makes variants of the same text compare equal for matching:

1. Traditional → Simplified with OpenCC ``hk2s`` (``維修`` → ``维修``): ``t2s`` with Hong Kong's
   variant forms first made standard (``衞生間`` → ``卫生间``, where ``t2s`` leaves ``衞``);
   on every character ``t2s`` folds, ``hk2s`` folds the same, and it changes no Simplified
   one (``tw2s`` would: ``著作`` → ``着作``, ``么`` → ``幺``);
2. NFKC per character: full-width → half-width (``ＡＢＣ１２３`` → ``ABC123``, ``，`` → ``,``);
3. case folding (``WX`` → ``wx``).

Folding is length-preserving for nearly all text: OpenCC's tables map a phrase to
a phrase of the same length, and steps 2–3 are applied one character at a time. The few
characters whose NFKC/casefold is not one character (``ß`` → ``ss``, ``㍻`` → ``平成``)
make ``fold_mapped`` keep an offset map, so a match found in folded text always maps back
to the original text, which is what is stored and shown (highlights).

Tokenisation is Elasticsearch's ``cjk`` analyzer (standard tokenizer + ``cjk_bigram``)
with a few differences, and Elasticsearch is given the text as ``analysable`` rewrites it,
so that its analyzer makes these same tokens and the embedded Tantivy index and
Elasticsearch match the same documents:

- a run of CJK characters (Han, kana, Hangul) becomes overlapping bigrams
  (``中国人`` → ``中国``, ``国人``); a lone CJK character becomes a unigram;
- other letters and digits form words as Unicode word segmentation (UAX #29) does:
  ``A-1201`` → ``a``, ``1201``; ``WX2019-0456`` → ``wx2019``, ``0456``;
  ``1,200.50`` stays one token;
- but a colon always separates (UAX #29 joins letters with it): a form writes its label
  and the value after it, ``Owner：Kwok`` is ``owner``, ``kwok``;
- and a word whose letters a full stop or an underscore joins is a token, then each of its
  parts one: ``Mr.Wong`` → ``mr.wong``, ``mr``, ``wong``; ``e.g.`` → ``e.g``, ``e``, ``g``;
  ``kwok_wm`` → ``kwok_wm``, ``kwok``, ``wm``, so the name and the whole (an abbreviation,
  a domain, an e-mail address's local part) are found alike. A word is found whole or by
  those parts, never by a piece inside them (``kwok`` is not in ``wykwok@example.com``):
  ``within_words`` says where, so that the document page marks what search finds;
- punctuation and spaces separate tokens and are dropped;
- a line break inside a CJK run does not (``更换大\n堂水牌`` → ``大堂``): a printed or OCR'd
  Chinese page wraps its lines wherever the margin falls, mid-word, so a break between two
  CJK characters is layout, not a word boundary.

What a text is found by besides its tokens (numbers written in groups, days and months
however written, amounts, plates, flats in words) is ``services.common.text_keys``.

With ``unigrams=True`` every CJK character is its own token instead, as the
``standard`` analyzer does; the index keeps such a field so that single-character
queries (``修``) still match. (The ``standard`` tokenizer keeps a Katakana or Hangul
run as one token where we split it; only single-character queries in those scripts differ.)
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple, Protocol


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


_converter: _Converter | None = None
_converter_lock = threading.Lock()


def _to_simplified() -> _Converter:
    """The OpenCC Traditional → Simplified converter, built once on first use."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("hk2s")
    return _converter


class _WidthAndCase(dict[int, str]):
    """``str.translate`` table: NFKC + casefold of one character, computed on first sight."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        folded = unicodedata.normalize("NFKC", char).casefold()
        if len(folded) != 1:
            self.irregular.add(char)
        self[codepoint] = folded
        return folded


_WIDTH_AND_CASE = _WidthAndCase()


def _simplified(text: str) -> str:
    simplified = _to_simplified().convert(text)
    if len(simplified) == len(text):
        return simplified
    # Keep the 1:1 character correspondence the offset map relies on.
    per_char = (_to_simplified().convert(char) for char in text)
    return "".join(s if len(s) == 1 else c for s, c in zip(per_char, text, strict=True))


@dataclass(frozen=True)
class FoldedText:
    """Folded text with the way back to the original's character offsets."""

    text: str
    source_starts: tuple[int, ...] | None
    """For each folded character, the original character it came from; None = identity."""

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The original's ``[start, end)`` for the folded ``[start, end)`` (``end > start``)."""
        if self.source_starts is None:
            return start, end
        return self.source_starts[start], self.source_starts[end - 1] + 1


def fold_mapped(text: str) -> FoldedText:
    """Fold ``text`` (module docstring) and keep the offset map when lengths change."""
    simplified = _simplified(text)
    folded = simplified.translate(_WIDTH_AND_CASE)
    if len(folded) == len(simplified) and _WIDTH_AND_CASE.irregular.isdisjoint(simplified):
        return FoldedText(folded, None)
    starts: list[int] = []
    for index, char in enumerate(simplified):
        starts.extend([index] * len(_WIDTH_AND_CASE[ord(char)]))
    return FoldedText(folded, tuple(starts))


def fold(text: str) -> str:
    """Traditional → Simplified, full-width → half-width, case-folded (module docstring)."""
    return fold_mapped(text).text


# Han (with extensions and compatibility ideographs), ideographic zero, kana, Hangul.
_CJK = (
    "\u3007\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_WORD_CHAR = rf"(?:[^\W{_CJK}]|[\u0300-\u036f])"
_LETTER = rf"[^\W\d_{_CJK}]"
# UAX #29 WB6/7 (letter·letter) and WB11/12 (digit·digit): these marks do not split a word.
# Not a colon, though UAX #29 joins letters with it: a form's label and its value are two
# words (业主 Owner：Kwok, folded owner:kwok).
_JOINER = rf"(?:(?<={_LETTER})[.'’](?={_LETTER})|(?<=\d)[.,;'’](?=\d))"
_PART_JOINERS = "._"
_JOINED_PARTS = re.compile(rf"(?<={_LETTER})[{_PART_JOINERS}](?={_LETTER})")
"""A full stop or an underscore between letters: ``mr.wong``, ``e.g``, ``example.com``,
``kwok_wm`` are words of their own and so are their parts (``mr``, ``wong``, ``kwok``):
an e-mail address's local part joins a name with either (``kwok.wm@``, ``kwok_wm@``)."""
QUOTE_MARKS = re.compile(r'["“”「」『』]')
"""The marks a search reads as a phrase's quotes (``services.search.query``)."""
LINE_WRAP = r"[ \t\u3000]*\r?\n[ \t\u3000]*"
"""A line break with the blanks around it, as OCR and typed text leave it."""
_TOKEN_RE = re.compile(
    rf"(?P<cjk>[{_CJK}]+(?:{LINE_WRAP}[{_CJK}]+)*)|(?P<word>{_WORD_CHAR}+(?:{_JOINER}{_WORD_CHAR}+)*)")
_LAYOUT = re.compile(r"\s+")


class TokenSpan(NamedTuple):
    """A token and where it sits in the folded text: ``folded[start:end]``."""

    text: str
    start: int
    end: int


def _has_joiner(word: str) -> bool:
    return "." in word or "_" in word


def _word_spans(word: str, start: int) -> Iterator[TokenSpan]:
    """A word, then its parts when full stops or underscores join letters in it
    (``_JOINED_PARTS``)."""
    yield TokenSpan(word, start, start + len(word))
    if _has_joiner(word):
        joins = [join.start() for join in _JOINED_PARTS.finditer(word)]
        for begin, end in pairwise([-1, *joins, len(word)]) if joins else ():
            yield TokenSpan(word[begin + 1 : end], start + begin + 1, start + end)


def _cjk_spans(run: str, start: int, *, unigrams: bool) -> Iterator[TokenSpan]:
    chars = [(char, start + offset) for offset, char in enumerate(run) if not char.isspace()]
    if unigrams or len(chars) == 1:
        for char, at in chars:
            yield TokenSpan(char, at, at + 1)
        return
    for (first, at), (second, last) in pairwise(chars):
        yield TokenSpan(first + second, at, last + 1)


def token_spans(folded: str, *, unigrams: bool = False) -> list[TokenSpan]:
    """Tokens of already-folded text with their offsets, in order (module docstring)."""
    spans: list[TokenSpan] = []
    for match in _TOKEN_RE.finditer(folded):
        run = match.group("cjk")
        if run is None:
            spans.extend(_word_spans(match.group(), match.start()))
        else:
            spans.extend(_cjk_spans(run, match.start(), unigrams=unigrams))
    return spans


def within_words(folded: str) -> set[int]:
    """The places inside a word of letters or digits (between ``folded[at - 1]`` and
    ``folded[at]``, both in it) where no token of it begins or ends: a search word that
    begins or ends there is not found, though its letters stand there (``kwok`` in
    ``wykwok``, ``201`` in ``a-1201``). Where a full stop or an underscore joins parts
    (``_JOINED_PARTS``) a part begins or ends (``kwok`` in ``kwok.wm``, ``kwok_wm``)."""
    inside: set[int] = set()
    for match in _TOKEN_RE.finditer(folded):
        if match.group("word") is None:
            continue
        inside.update(range(match.start() + 1, match.end()))
        inside.difference_update(edge for span in _word_spans(match.group(), match.start())
                                 for edge in (span.start, span.end))
    return inside


def parts_apart(folded: str) -> str | None:
    """``folded`` with the full stops and underscores that join letters in it
    (``_JOINED_PARTS``) written as spaces (``mr.wong`` is ``mr wong``); None without any.
    A search word so joined is found with its parts apart too: a page writes a name after
    a title and a space as often as without (``Mr. Wong``), and its tokens then are the
    parts alone, one after the other."""
    apart = _JOINED_PARTS.sub(" ", folded)
    return apart if apart != folded else None


def folded_tokens(folded: str, *, unigrams: bool = False) -> list[str]:
    """Tokens of already-folded text, in order; the indexing hot path, so no offsets."""
    out: list[str] = []
    for run, word in _TOKEN_RE.findall(folded):  # findall: no match objects, twice as fast
        if word:
            out.append(word)
            if _has_joiner(word) and len(parts := _JOINED_PARTS.split(word)) > 1:
                out.extend(parts)
            continue
        if "\n" in run:
            run = _LAYOUT.sub("", run)
        if unigrams or len(run) == 1:
            out.extend(run)
        else:
            out.extend(map(str.__add__, run[:-1], run[1:]))  # the bigrams, built in C
    return out


def analysable(folded: str) -> str:
    """``folded`` as an analyzer that splits words as UAX #29 does (Elasticsearch's
    ``standard`` tokenizer under its ``cjk`` analyzer) must read it to make the tokens
    ``folded_tokens`` makes: each word and each CJK run, without the line breaks inside
    it, apart by a space; a word joined by full stops or underscores then its parts. What
    else the text holds, that tokenizer would join otherwise (``owner:kwok``, ``a·b``) or
    not split (``mr.wong``, ``kwok_wm``)."""
    pieces: list[str] = []
    for run, word in _TOKEN_RE.findall(folded):
        if word:
            pieces.append(word)
            if _has_joiner(word) and len(parts := _JOINED_PARTS.split(word)) > 1:
                pieces.extend(parts)
        else:
            pieces.append(_LAYOUT.sub("", run) if "\n" in run else run)
    return " ".join(pieces)


def tokens(text: str, *, unigrams: bool = False) -> list[str]:
    """Fold ``text`` and split it into tokens: CJK bigrams (or unigrams) and words."""
    return folded_tokens(fold(text), unigrams=unigrams)


def is_cjk(char: str) -> bool:
    """True for a Han, kana or Hangul character: one that forms bigrams, not words."""
    return char >= "\u3007" and _CJK_CHAR.match(char) is not None  # the first CJK character


def has_lone_cjk(folded: str) -> bool:
    """True when some CJK run in ``folded`` is one character long (``A座``, ``修``).

    A lone character is indexed only as a unigram, so a query containing one has to be
    matched against the unigram field.
    """
    return any(
        len(run) == 1 for run in (m.group("cjk") for m in _TOKEN_RE.finditer(folded)) if run
    )
