"""What ingest answers that other services read: a document's extracted text (search
indexes it).

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
