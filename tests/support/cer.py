"""Character error rate (CER) of recognised text against the text that was rendered."""

from __future__ import annotations

import unicodedata


def character_error_rate(expected: str, actual: str, *, fold_width: bool = True) -> float:
    """Edit distance between the two texts over the length of ``expected``, both without
    whitespace.

    With ``fold_width`` both are NFKC-normalised first, so a full-width comma read as a
    half-width one is no error: the search folds width the same way (architecture.md,
    "Chinese text"), so the difference never changes what a query finds.
    """
    reference = _comparable(expected, fold_width=fold_width)
    hypothesis = _comparable(actual, fold_width=fold_width)
    if not reference:
        raise ValueError("expected text is empty; a CER needs something to compare against")
    return edit_distance(reference, hypothesis) / len(reference)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions of one character."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            ))
        previous = current
    return previous[-1]


def _comparable(text: str, *, fold_width: bool) -> str:
    if fold_width:
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def folded_error_rate(expected: str, actual: str) -> float:
    """CER as search sees text (``services.common.text.fold``: NFKC, Traditional folded to
    Simplified, case folded), with punctuation and whitespace removed: the measure the
    OCR targets are stated in (issue 20)."""
    reference, hypothesis = _searchable(expected), _searchable(actual)
    if not reference:
        raise ValueError("expected text is empty; a CER needs something to compare against")
    return edit_distance(reference, hypothesis) / len(reference)


def _searchable(text: str) -> str:
    from services.common.text import fold

    return "".join(char for char in fold(text)
                   if not char.isspace() and not unicodedata.category(char).startswith("P"))
