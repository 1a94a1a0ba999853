"""Addresses of the pages: any page with its query (``address``), and those other pages
link to, a document's (from search, a household, a loan, a batch, the review queue, a
handover, a sweep) and a household's. Built only here, the identifier quoted, so no page
writes a link its own way."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

from services.common.clients import segment
from services.common.contracts.ingest import PageImageSize
from services.common.web import PAGES_PREFIX

INGEST_PATH = f"{PAGES_PREFIX}/ingest"
"""The digitising page (数字化), where originals are uploaded."""


def address(path: str, query: Mapping[str, object]) -> str:
    """``path`` with ``query`` (no ``?`` when there is none)."""
    return f"{path}?{urlencode(query)}" if query else path


def document_url(document_id: str, *, q: str = "", page: int | None = None) -> str:
    """The document page, with the search terms to mark and the page to open."""
    return address(f"{PAGES_PREFIX}/documents/{segment(document_id)}",
                   {key: value for key, value in (("q", q), ("page", page)) if value})


def text_version_url(document_id: str, version: int) -> str:
    """Text version ``version`` of a document, read-only (the history links older ones)."""
    return f"{document_url(document_id)}/text/versions/{version}"


def document_review_url(document_id: str) -> str:
    """The review page opened on the document's first page still waiting for a person."""
    return address(f"{PAGES_PREFIX}/review", {"document": document_id})


def page_image_url(document_id: str, number: int, *, size: PageImageSize = "preview") -> str:
    """Page ``number`` as a person reads it (the preview image, or ``size``)."""
    return f"{document_url(document_id)}/pages/{number}/{size}"


def household_url(household: str) -> str:
    return f"{PAGES_PREFIX}/households/{segment(household)}"


def sweep_url(sweep_id: str, *, at: str | None = None) -> str:
    """A sweep's page; ``at``: opened at that document's item, on the page of items
    holding it (``?item=``: the fragment never reaches the server)."""
    return f"{PAGES_PREFIX}/sweeps/{segment(sweep_id)}" + (
        f"?item={quote(at, safe='')}#item-{at}" if at else "")


HOLDS_URL = f"{PAGES_PREFIX}/holds"


def hold_url(hold_id: str) -> str:
    """The holds page at an active hold's row, on the page of them holding it."""
    return address(HOLDS_URL, {"hold": hold_id}) + f"#hold-{hold_id}"


def destruction_url(destruction_id: str) -> str:
    return f"{PAGES_PREFIX}/destructions/{segment(destruction_id)}"


def households_url(*, q: str = "", page: int = 1) -> str:
    """The households found by ``q`` (all of them without), page ``page``."""
    return address(f"{PAGES_PREFIX}/households",
                   {key: value for key, value in (("q", q), ("page", page))
                    if value and not (key == "page" and value == 1)})
