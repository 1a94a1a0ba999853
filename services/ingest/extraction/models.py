"""What extraction produces and the limits it works within, as msgspec structs.

``PageText`` is the derived artifact stored beside an original (keyed by its SHA-256), so
every struct here round-trips through JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Annotated, Literal, cast

import msgspec

from services.common.config import Settings
from services.common.contracts.ingest import OcrEngineName
from services.common.models import Struct, Username

OcrLanguage = Literal["chi_sim", "chi_tra", "eng"]
"""A Tesseract model: Simplified or Traditional Chinese (both read Latin and digits), or English."""

Rotation = Literal[0, 90, 180, 270]
"""Degrees clockwise that turn a page image as scanned upright."""

ExtractionMethod = Literal["text_layer", "ocr"]
"""``text_layer``: read from a digital PDF's own text; ``ocr``: recognised by an OcrEngine."""

MediaType = Literal[
    "application/pdf", "image/tiff", "image/png", "image/jpeg", "image/heic", "image/heif"
]
"""What an original is, told by its content (``sniffing``)."""

_WHITESPACE = re.compile(r"\s+")

Confidence = Annotated[float, msgspec.Meta(ge=0, le=100)]
PixelOffset = Annotated[int, msgspec.Meta(ge=0)]


class ReadBox(Struct):
    """Text read in one box of the page image (pixels) and its confidence (0–100)."""

    text: str
    confidence: Confidence
    left: PixelOffset
    top: PixelOffset
    width: PixelOffset
    height: PixelOffset


class WordBox(ReadBox):
    """One recognised word with its box, in pixels of the page image that was read (as
    scanned, before any turn; a PDF page as rendered at 300 dpi). PP-OCR gives one per
    character (its confidence is that character's probability); Tesseract one per word;
    a PDF's text layer one per character (confidence 100). Either way the words' texts,
    in order, are the page's text without its whitespace, so a match in the text maps to
    the boxes it covers. ``start`` is where the word stands in that text when it does not
    follow right after the word before it: a corrected page keeps the boxes of the text
    its correction left unchanged (``carried_words``), and its changed characters have
    none."""

    start: Annotated[int, msgspec.Meta(ge=0)] | None = None


def placed_words(words: Iterable[WordBox]) -> Iterator[tuple[int, WordBox]]:
    """Each of ``words`` with where it starts in its page's text without whitespace: its
    ``start``, else right after the word before it."""
    at = 0
    for word in words:
        start = at if word.start is None else word.start
        yield start, word
        at = start + len(_WHITESPACE.sub("", word.text))


class TextLine(ReadBox):
    """One line as read (a row of text, or a column of vertical text), its box in the page
    image's pixels and its confidence (0–100), so that doubtful lines can go to review.
    Its words are the next ones in ``words`` whose texts make up ``text`` without spaces."""


class OcrReading(Struct):
    """What an ``OcrEngine`` read on one page image: lines joined by newlines, the words,
    the lines, and how far the page was turned (``rotation``) to read it."""

    text: str
    words: tuple[WordBox, ...] = ()
    lines: tuple[TextLine, ...] = ()
    rotation: Rotation = 0

    @property
    def mean_confidence(self) -> float:
        """The mean confidence of the words, 0 when there are none."""
        if not self.words:
            return 0.0
        return sum(word.confidence for word in self.words) / len(self.words)


class PageText(Struct):
    """The text of one page (页) of a document, with how it was obtained.

    ``confidence`` is the mean word confidence (0–100); text-layer pages are 100, and an
    OCR page where nothing was recognised is 0. ``language`` is the OCR model used, ``None``
    for text-layer pages. ``words`` of a text-layer page are its characters' boxes (none
    on pages extracted before they were kept, until ``archive derive --missing``).
    ``needs_review`` is set when ``confidence`` is under ``ExtractionLimits.low_confidence``
    or a line reads under the line threshold derived from it (``review``), so a person
    checks it (a blank back side of a scan is flagged too: only a person can tell blank
    from unread). ``corrected_by``/``corrected_at``: the person who wrote the
    text (校对) and when; ``None`` for a reading.
    """

    number: Annotated[int, msgspec.Meta(ge=1)]
    text: str
    confidence: Confidence
    method: ExtractionMethod
    language: OcrLanguage | None
    words: tuple[WordBox, ...]
    needs_review: bool
    lines: tuple[TextLine, ...] = ()
    engine: OcrEngineName | None = None
    rotation: Rotation = 0
    corrected_by: Username | None = None
    corrected_at: datetime | None = None

    @property
    def written_by_a_person(self) -> bool:
        """Whether a person wrote this text, which a re-reading keeps. A correction made
        before ``corrected_by`` was recorded is known by what it left: an OCR page read
        with full confidence from no words (OCR of no words is confidence 0)."""
        return self.corrected_by is not None or (
            self.method == "ocr" and self.confidence == 100 and not self.words)


class ExtractionLimits(Struct):
    """Limits one document is extracted within; any breach fails the job permanently.

    ``max_image_pixels`` is checked by the archive against each image's declared size
    before decoding (its default is the size Pillow refuses by default).
    """

    languages: Annotated[tuple[OcrLanguage, ...], msgspec.Meta(min_length=1)] = (
        "chi_sim", "chi_tra", "eng")
    """The models the OCR may choose from (``ARCHIVE_OCR_LANGUAGES``); a hint overrides."""
    max_pages: Annotated[int, msgspec.Meta(ge=1)] = 2000
    max_image_pixels: Annotated[int, msgspec.Meta(ge=1)] = 178_956_970
    page_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 180.0
    low_confidence: Confidence = 60.0
    max_page_text_chars: Annotated[int, msgspec.Meta(ge=1)] = 100_000
    """A PDF page's text layer: an A4 page of small print holds about 5 000 characters,
    so more is no page a person reads, and is refused before it is held."""
    max_document_text_chars: Annotated[int, msgspec.Meta(ge=1)] = 5_000_000
    """A PDF's text layers together (2 000 full pages of small print hold half of it)."""
    max_line_chars: Annotated[int, msgspec.Meta(ge=1)] = 2_000
    """Longer lines of page text are broken, so search and snippets never walk one
    unbounded line (a text layer without line breaks)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ExtractionLimits:
        """The limits configured by ``ARCHIVE_MAX_PAGES``, ``ARCHIVE_MAX_IMAGE_PIXELS``, …"""
        languages = cast("list[OcrLanguage]", settings.ocr_languages.split("+"))
        return cls(
            languages=tuple(dict.fromkeys(languages)),
            max_pages=settings.max_pages,
            max_image_pixels=settings.max_image_pixels,
            page_timeout_s=float(settings.page_timeout_s),
            low_confidence=settings.low_confidence,
        )
