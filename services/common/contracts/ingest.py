"""What ingest answers that other services read: a document's extracted text (search
indexes it) and a page's boxes (the staff pages draw them over the preview).

``ExtractedText`` is the part of ingest's answer to ``GET /ingest/documents/{id}/text``
that its readers need. Unlike request bodies it does not forbid unknown fields: ingest
may add fields (confidences, word boxes) without breaking its readers.
"""

from __future__ import annotations

import msgspec


class TextPage(msgspec.Struct, kw_only=True):
    number: int
    text: str


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


class DocumentReading(ExtractedText, kw_only=True):
    """ingest's ``GET /ingest/documents/{id}/reading?page=``: the page texts and the asked
    page's boxes (None when the page has no preview)."""

    boxes: PageBoxes | None = None
