"""Which OCR pages a person should check (校对): the rule, in one place.

A page needs review when its mean confidence is under ``low_confidence``
(``ARCHIVE_LOW_CONFIDENCE``), or when one of its lines of at least
``MIN_DOUBTFUL_CHARACTERS`` characters reads under ``line_threshold(low_confidence)``.

The page mean alone hides a misread line: a faint line among clean ones leaves the mean
near 100 (a new user's 27 hard pages: none queued, though PP-OCR read a pencilled line
``住户巫先生要求明天上午修好，`` as ``3灯，`` at 76.8 on a page of 96.8, and Tesseract a
phone number and ``充电桩`` at 62.6 and 45.9 on pages of 65.0 and 68.6). A line is the
smallest unit both engines score alike (PP-OCR: the mean of its characters'
probabilities; Tesseract: the mean of its words' confidences); single characters or
words are not: PP-OCR gives a character probability under 60 in half the correctly read
lines of those pages. Measured on the seeded ingest bench (``bench/README.md``, "Review
of weak lines"): no clean printed line under 97.1 (PP-OCR) or 84.7 (Tesseract).
"""

from __future__ import annotations

from collections.abc import Iterable

from services.ingest.extraction.models import TextLine

MIN_DOUBTFUL_CHARACTERS = 2
"""A line of one character (a stray mark, a ruling read as ``|``) is no line of text."""


def line_threshold(low_confidence: float) -> float:
    """The confidence under which a line is doubtful: halfway from the page threshold to
    100 (80 for the default 60), so that one setting moves both."""
    return (low_confidence + 100.0) / 2


def doubtful_lines(lines: Iterable[TextLine], *, low_confidence: float) -> list[TextLine]:
    """The lines a person should look at first, in reading order."""
    threshold = line_threshold(low_confidence)
    return [line for line in lines if line.confidence < threshold
            and len("".join(line.text.split())) >= MIN_DOUBTFUL_CHARACTERS]


def needs_review(confidence: float, lines: Iterable[TextLine], *,
                 low_confidence: float) -> bool:
    """Whether a page read with mean ``confidence`` in ``lines`` goes to the review queue."""
    return confidence < low_confidence or bool(
        doubtful_lines(lines, low_confidence=low_confidence))
