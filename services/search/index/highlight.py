"""Highlighted snippets, made in the application so both backends return the same ones.

A snippet is cut from the ORIGINAL body (the script the document was written in), where
the folded query terms occur in the folded body: a term matches where its tokens follow
one another, exactly as the index matched it. Everything in a snippet except our own
``<mark>``/``</mark>`` tags is HTML-escaped: bodies are user content (OCR of letters,
typed text), so a snippet can never carry markup (stored XSS, Mayan EDMS CVE-2018-16406).

Callers decide whether a snippet may be shown at all (``AccessFilter.may_read_body``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from services.common.text import FoldedText, fold_mapped, token_spans
from services.search.query import QueryTerm

SNIPPETS_PER_HIT = 3
CONTEXT_BEFORE = 20
CONTEXT_AFTER = 40
CANDIDATES_PER_TOKEN = 8
"""Where a term's first token occurs more often, only its first occurrences are looked at."""

Span = tuple[int, int]
Window = tuple[int, int, list[Span]]
"""A snippet's ``[start, end)`` in the original text and the marked spans inside it."""

_SPACES = re.compile(r"\s+")
_JOINERS = frozenset("_.,;:'’")


def _in_token(char: str) -> bool:
    """Could ``char`` continue an alphanumeric token (or join two parts of one)?

    CJK characters never need the walk: bigrams cut at any character are still the
    text's own bigrams, and walking a long CJK run cost most of a snippet's time.
    """
    return (char.isascii() and char.isalnum()) or char in _JOINERS


def _candidate_regions(text: str, terms: Sequence[QueryTerm]) -> list[Span]:
    """Regions of ``text`` around occurrences of a term's first token, at token boundaries.

    Tokenising only these regions, not the whole body, keeps highlighting cheap; a region
    starts and ends where no token continues, so its tokens are those of the whole text.
    """
    starts: set[int] = set()
    for term in terms:
        at = text.find(term.tokens[0])
        for _ in range(CANDIDATES_PER_TOKEN):
            if at < 0:
                break
            starts.add(at)
            at = text.find(term.tokens[0], at + 1)
    reach = 2 * max(sum(len(token) for token in term.tokens) for term in terms) + 8
    regions: list[Span] = []
    for at in sorted(starts):
        begin, end = at, min(len(text), at + reach)
        while begin > 0 and _in_token(text[begin - 1]):
            begin -= 1
        while end < len(text) and _in_token(text[end]):
            end += 1
        if regions and begin <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(end, regions[-1][1]))
        else:
            regions.append((begin, end))
    return regions


def _matches_in(folded: FoldedText, start: int, end: int, terms: Sequence[QueryTerm]
                ) -> list[Span]:
    """Original-text spans where a term's tokens occur consecutively in ``folded[start:end]``."""
    found: list[Span] = []
    for unigrams in (False, True):
        wanted = [term.tokens for term in terms if term.lone_cjk == unigrams]
        if not wanted:
            continue
        spans = token_spans(folded.text[start:end], unigrams=unigrams)
        texts = [span.text for span in spans]
        for sequence in wanted:
            size = len(sequence)
            for index, text in enumerate(texts[: len(texts) - size + 1]):
                if text == sequence[0] and tuple(texts[index : index + size]) == sequence:
                    found.append(folded.source_span(start + spans[index].start,
                                                    start + spans[index + size - 1].end))
    return found


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


def _render(body: str, start: int, end: int, marks: list[Span]) -> str:
    parts = ["…" if start > 0 else ""]
    cursor = start
    for mark_start, mark_end in marks:
        parts.append(_escaped(body[cursor:mark_start]))
        parts.append(f"<mark>{_escaped(body[mark_start:mark_end])}</mark>")
        cursor = mark_end
    parts.append(_escaped(body[cursor:end]))
    parts.append("…" if end < len(body) else "")
    return "".join(parts).strip()


def highlights(body: str, terms: Sequence[QueryTerm]) -> list[str]:
    """Up to ``SNIPPETS_PER_HIT`` HTML snippets of ``body`` with the terms marked."""
    if not body or not terms:
        return []
    folded = fold_mapped(body)
    spans: list[Span] = []
    for start, end in _candidate_regions(folded.text, terms):
        spans.extend(_matches_in(folded, start, end, terms))
        if len(spans) >= 2 * SNIPPETS_PER_HIT:  # enough to fill the snippets; stop scanning
            break
    return [_render(body, *window) for window in _windows(spans, len(body))]
