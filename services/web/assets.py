"""The pages' own style sheet, script and icon (``static/``, htmx vendored beside them),
served under ``/ui/static`` for the browser to keep.

Each is addressed with its content's hash (``static_url``), so a browser keeps it a year
and asks again only when a release changes it: kept with ``no-store`` as every answer is
by default, their 100 kB went again with every page turned (a 120-page contract read on a
phone: 12 MB of the same style sheet and scripts). The documents' page images stay
``no-store`` (a copy left in a browser's cache is a copy, B2/B6)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from services.common.api_reference import ASSET_CACHING, content_digest
from services.common.web import PAGES_PREFIX

STATIC = Path(__file__).parent / "static"
STATIC_PATH = f"{PAGES_PREFIX}/static"
KEPT = ASSET_CACHING
"""A year, public, as the API reference's files: an address names one content."""


@cache
def static_url(name: str) -> str:
    """The address of ``static/name`` with its content's hash (read once per process: the
    files change only with a release, which restarts it)."""
    return f"{STATIC_PATH}/{name}?v={content_digest(STATIC / name)}"
