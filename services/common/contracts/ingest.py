"""What ingest answers that other services read: a document's extracted text (search
indexes it), a page's boxes (the staff pages draw them over the preview), and a person's
correction of a page's text (the review page sends it).

``ExtractedText`` is the part of ingest's answer to ``GET /ingest/documents/{id}/text``
that its readers need. Unlike request bodies it does not forbid unknown fields: ingest
may add fields (confidences, word boxes) without breaking its readers.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from services.common.models import Struct

TextReason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
"""Why a text version was made (a re-reading, a person's correction)."""
PageTextBody = Annotated[str, msgspec.Meta(max_length=200_000)]


class TextPage(msgspec.Struct, kw_only=True):
    number: int
    text: str
    confidence: float = 100.0


class ExtractedText(msgspec.Struct, kw_only=True):
    """A document's page texts, in page order, as extracted (text layer or OCR)."""

    document_id: str
    pages: list[TextPage]

    @property
    def text(self) -> str:
        """The pages' text, one page after another."""
        return "\n".join(page.text for page in self.pages)


class PageBox(msgspec.Struct, kw_only=True):
    """A character's (PP-OCR, text layers) or word's (Tesseract) box, in the preview's
    pixels."""

    text: str
    left: int
    top: int
    width: int
    height: int


class PageBoxes(msgspec.Struct, kw_only=True):
    """A page's boxes in reading order over its preview (``width`` × ``height`` pixels):
    their texts, concatenated, are the page text without whitespace, so a match found in
    the text maps to the boxes it covers."""

    number: int
    width: int
    height: int
    boxes: list[PageBox]


class PageCorrection(Struct):
    """``POST /ingest/documents/{id}/pages/{number}/text``: the page's text as a person
    reads it, and why it was corrected."""

    text: PageTextBody
    reason: TextReason


class PageCorrected(msgspec.Struct, kw_only=True):
    """The corrected page, the text version it is now part of, and the document's pages
    that still need a person."""

    document_id: str
    number: int
    text_version: int
    pages_needing_review: list[int]
