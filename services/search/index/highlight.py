"""Highlighted snippets, made in the application so both backends return the same ones.

A snippet is cut from the ORIGINAL body (the script the document was written in), where
the folded query terms occur in the folded body: a term matches where its tokens follow
one another, exactly as the index matched it. Everything in a snippet except our own
``<mark>``/``</mark>`` tags is HTML-escaped: bodies are user content (OCR of letters,
typed text), so a snippet can never carry markup (stored XSS, Mayan EDMS CVE-2018-16406).

Finding a term is a ``str.find`` of the term as typed (folded, from its first token to
its last) whose ends fall on token edges; only when a body holds no such place (its
tokens are split by other punctuation: ``F 1704`` for ``F-1704``) are the regions around
its first token tokenised. Folding the body (now stored by Tantivy) and tokenising
every candidate region were 80% of a snippet's cost.

A term written in CJK characters is marked first where it stands as a word
(``services.common.words``): where a body holds 业主 as a word and inside 物业主任, only the
former is marked; where it holds it only across two words, those places are.

Callers decide whether a snippet may be shown at all (``AccessFilter.may_read_body``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from services.common.text import (
    LINE_WRAP,
    FoldedText,
    fold_mapped,
    folded_tokens,
    is_cjk,
    token_spans,
)
from services.common.text_keys import joined_digits, key_spans
from services.common.words import stands_as_words, term_words
from services.search.query import QueryTerm, make_term

SNIPPETS_PER_HIT = 3
CONTEXT_BEFORE = 20
CONTEXT_AFTER = 40
CANDIDATES_PER_TOKEN = 8
"""Where a term's first token occurs more often, only its first occurrences are looked at."""

Span = tuple[int, int]
Window = tuple[int, int, list[Span]]
"""A snippet's ``[start, end)`` in the original text and the marked spans inside it."""

SPANS_PER_TERM = 2 * SNIPPETS_PER_HIT
"""Enough of a term's first places to fill the snippets; later ones are not looked for."""
WORD_CANDIDATES = 32
"""How many places of a term written in CJK characters are looked at for one where it
stands as a word, before its first places (as words or not) are marked instead."""

_SPACES = re.compile(r"\s+")
_TO_REWRITE = re.compile(r"[\s&<>\"']")
"""What ``_escaped`` changes: whitespace (collapsed) and the characters HTML escapes."""
_JOINERS = frozenset("_.,;'’")


def _in_token(char: str) -> bool:
    """Could ``char`` continue a word token (or join two parts of one)?

    CJK characters never need the walk: bigrams cut at any character are still the
    text's own bigrams, and walking a long CJK run cost most of a snippet's time.
    """
    return char in _JOINERS or (char.isalnum() and not is_cjk(char))


def _region(text: str, start: int, end: int) -> Span:
    """``[start, end)`` widened to where no token continues, so its tokens are the text's."""
    while start > 0 and _in_token(text[start - 1]):
        start -= 1
    while end < len(text) and _in_token(text[end]):
        end += 1
    return start, end


def _matches_in(text: str, region: Span, term: QueryTerm) -> list[Span]:
    """Folded spans in ``text[region]`` where the term's tokens occur consecutively."""
    start, end = region
    spans = token_spans(text[start:end], unigrams=term.lone_cjk)
    texts = [span.text for span in spans]
    size = len(term.tokens)
    return [
        (start + spans[index].start, start + spans[index + size - 1].end)
        for index, token in enumerate(texts[: len(texts) - size + 1])
        if token == term.tokens[0] and tuple(texts[index : index + size]) == term.tokens
    ]


def _edge(text: str, inside: int, outside: int) -> bool | None:
    """Is there a token edge between ``text[inside]`` and its neighbour ``text[outside]``?

    None when only tokenising can tell: the neighbour is a joiner (``,`` in ``1,200``,
    ``_`` in ``kwok_wm``) with a letter or digit beyond it.
    """
    if outside < 0 or outside >= len(text) or is_cjk(text[inside]):
        return True
    neighbour = text[outside]
    if is_cjk(neighbour):
        return True
    if neighbour in _JOINERS:
        beyond = outside + (outside - inside)
        if 0 <= beyond < len(text) and text[beyond].isalnum() and not is_cjk(text[beyond]):
            return None
    return not (neighbour.isalnum() or neighbour == "_")


class _Term:
    """A query term prepared for finding: its folded text as typed, between its tokens."""

    def __init__(self, term: QueryTerm) -> None:
        self.term = term
        spans = token_spans(term.text, unigrams=term.lone_cjk)
        self.typed = term.text[spans[0].start : spans[-1].end]
        self._wrapped = re.compile("".join(
            re.escape(char) + (f"(?:{LINE_WRAP})?" if is_cjk(char) and is_cjk(after) else "")
            for char, after in zip(self.typed, self.typed[1:] + " ", strict=True)))
        # A day's key (2023/12/8 is 20231208) is its other spelling, not its digits joined.
        self._key = term.also if term.also and term.also.isdigit() \
            else joined_digits(term.tokens) or self.typed
        self._words = bool(term_words(term.text))

    def spans(self, text: str) -> list[Span]:
        """Where the term matches in the folded ``text``: as typed, else by its tokens,
        else wrapped across a line break, else as a key: a number written with or without
        its groups, an amount, a plate, a flat (as the index matches it:
        ``services.common.text_keys.key_spans``; every key holds a digit). A term written
        in CJK characters is found where it stands as a word first (module docstring)."""
        found = ((self._as_words(text) if self._words else [])
                 or self._as_typed(text) or self._by_tokens(text)
                 or (self._across_lines(text) if "\n" in text else [])
                 or (self._as_key(text) if any(c.isdigit() for c in self._key) else []))
        return [span for span in found if not self._in_longer_word(text, span)] \
            if self.term.unless else found

    def _in_longer_word(self, text: str, span: Span) -> bool:
        """Whether a synonym's ``span`` stands in a longer word in which it means something
        else (``QueryTerm.unless``: 管理费 in 停车管理费), which did not find the document."""
        for longer in self.term.unless:
            at = text.find(longer.text, max(0, span[1] - len(longer.text)))
            while 0 <= at <= span[0]:
                if span[1] <= at + len(longer.text):
                    return True
                at = text.find(longer.text, at + 1)
        return False

    def _as_key(self, text: str) -> list[Span]:
        key = self._key
        found = [(span.start, span.end) for span in key_spans(text)
                 if span.text == key or _holds(folded_tokens(span.text), self.term.tokens)]
        at = text.find(key) if key.isdigit() else -1  # digits the page writes joined
        while at >= 0 and len(found) < SPANS_PER_TERM:
            end = at + len(key)
            if _edge(text, at, at - 1) and _edge(text, end - 1, end):
                found.append((at, end))
            at = text.find(key, at + 1)
        return sorted(set(found))[:SPANS_PER_TERM]

    def _across_lines(self, text: str) -> list[Span]:
        found: list[Span] = []
        for match in self._wrapped.finditer(text):
            if all(_edge(text, *ends) for ends in ((match.start(), match.start() - 1),
                                                   (match.end() - 1, match.end()))):
                found.append(match.span())
            if len(found) >= SPANS_PER_TERM:
                break
        return found

    def _as_typed(self, text: str) -> list[Span]:
        found: list[Span] = []
        at = text.find(self.typed)
        while at >= 0 and len(found) < SPANS_PER_TERM:
            end = at + len(self.typed)
            edges = (_edge(text, at, at - 1), _edge(text, end - 1, end))
            if all(edges) or (False not in edges
                              and (at, end) in self._matches_near(text, at, end)):
                found.append((at, end))
            at = text.find(self.typed, at + 1)
        return found

    def _as_words(self, text: str) -> list[Span]:
        """The places among its first ``WORD_CANDIDATES`` where it stands as a word."""
        found: list[Span] = []
        at = text.find(self.typed)
        for _ in range(WORD_CANDIDATES):
            if at < 0 or len(found) >= SPANS_PER_TERM:
                break
            end = at + len(self.typed)
            if stands_as_words(text, at, end):
                found.append((at, end))
            at = text.find(self.typed, at + 1)
        return found

    def _matches_near(self, text: str, start: int, end: int) -> list[Span]:
        return _matches_in(text, _region(text, start, end), self.term)

    def _by_tokens(self, text: str) -> list[Span]:
        """Tokenise the regions around the first places of the term's first token."""
        first = self.term.tokens[0]
        reach = 2 * sum(len(token) for token in self.term.tokens) + 8
        found: dict[Span, None] = {}
        at = text.find(first)
        for _ in range(CANDIDATES_PER_TOKEN):
            if at < 0 or len(found) >= SPANS_PER_TERM:
                break
            region = _region(text, at, min(len(text), at + reach))
            found.update(dict.fromkeys(_matches_in(text, region, self.term)))
            at = text.find(first, at + 1)
        return list(found)[:SPANS_PER_TERM]


def _holds(tokens: Sequence[str], part: Sequence[str]) -> bool:
    """Whether ``part`` stands in ``tokens`` whole, as a phrase finds it (``b7k2q9`` in a
    plate's key, ``粤``, ``b7k2q9``)."""
    size = len(part)
    return any(tuple(tokens[at : at + size]) == tuple(part)
               for at in range(len(tokens) - size + 1))


def _windows(spans: list[Span], length: int) -> list[Window]:
    """Group sorted, possibly overlapping spans into at most ``SNIPPETS_PER_HIT`` windows."""
    windows: list[Window] = []
    for start, end in sorted(spans):
        if windows and start < windows[-1][1]:
            w_start, w_end, marks = windows[-1]
            if start < marks[-1][1]:
                marks[-1] = (marks[-1][0], max(marks[-1][1], end))
            else:
                marks.append((start, end))
            windows[-1] = (w_start, max(w_end, min(length, end + CONTEXT_AFTER)), marks)
        elif len(windows) < SNIPPETS_PER_HIT:
            windows.append((max(0, start - CONTEXT_BEFORE), min(length, end + CONTEXT_AFTER),
                            [(start, end)]))
    return windows


def _escaped(text: str) -> str:
    return html.escape(_SPACES.sub(" ", text), quote=True)


def _as_is(text: str) -> str:
    return text


def _render(body: str, start: int, end: int, marks: list[Span]) -> str:
    # Most windows of a letter hold no whitespace and no markup characters: nothing to
    # rewrite, and escaping each piece was half the cost of a snippet.
    rewrite = _escaped if _TO_REWRITE.search(body, start, end) else _as_is
    parts = ["…" if start > 0 else ""]
    cursor = start
    for mark_start, mark_end in marks:
        parts.append(rewrite(body[cursor:mark_start]))
        parts.append(f"<mark>{rewrite(body[mark_start:mark_end])}</mark>")
        cursor = mark_end
    parts.append(rewrite(body[cursor:end]))
    parts.append("…" if end < len(body) else "")
    return "".join(parts).strip()


class Highlighter:
    """Snippets for one query's terms: prepared once per search, applied to each hit."""

    def __init__(self, terms: Sequence[QueryTerm]) -> None:
        also = [make_term(term.also) for term in terms if term.also]
        synonyms = [synonym for term in terms for synonym in term.synonyms]
        self._terms = [_Term(term) for term in (*terms, *also, *synonyms) if term is not None]

    def snippets(self, body: str, *, folded: FoldedText | None = None) -> list[str]:
        """Up to ``SNIPPETS_PER_HIT`` HTML snippets of ``body`` with the terms marked.

        ``folded`` is ``fold_mapped(body)`` when the caller keeps it (the Tantivy index
        stores it); without it the body is folded here.
        """
        if not body or not self._terms:
            return []
        if folded is None:
            folded = fold_mapped(body)
        spans = [folded.source_span(start, end)
                 for term in self._terms for start, end in term.spans(folded.text)]
        return [_render(body, *window) for window in _windows(spans, len(body))]
