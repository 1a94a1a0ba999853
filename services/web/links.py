"""Addresses of the pages other pages link to: a document's (from search, a household, a
loan, a batch, the review queue, a handover, a sweep) and a household's. Built only here,
the identifier quoted, so no page writes a link its own way."""

from __future__ import annotations

from urllib.parse import urlencode

from services.common.clients import segment
from services.common.web import PAGES_PREFIX


def document_url(document_id: str, *, q: str = "", page: int | None = None) -> str:
    """The document page, with the search terms to mark and the page to open."""
    query = {key: value for key, value in (("q", q), ("page", page)) if value}
    return (f"{PAGES_PREFIX}/documents/{segment(document_id)}"
            + (f"?{urlencode(query)}" if query else ""))


def page_image_url(document_id: str, number: int) -> str:
    """Page ``number`` as a person reads it (the preview image)."""
    return f"{document_url(document_id)}/pages/{number}/preview"


def household_url(household: str) -> str:
    return f"{PAGES_PREFIX}/households/{segment(household)}"
