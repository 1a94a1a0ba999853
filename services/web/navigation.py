"""The top bar: the parts of the archive a person may open, decided from the same role
lists the services check (the template only shows them; search, households and loans
are everybody's), and the values every page's base layout is drawn with, a failure page's
too (``layout_values``)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from services.common.auth import ACCOUNT_ADMINS, Principal
from services.common.contracts.corrections import CORRECTION_READERS
from services.common.filing import FILERS, TEXT_CORRECTORS
from services.common.inventory import INVENTORY_READERS
from services.common.operations import (
    AUDIT_READERS,
    CATALOGUE_READERS,
    HANDOVER_READERS,
    STATISTICS_READERS,
)
from services.common.retention import RETENTION_READERS
from services.web.forms import csrf_token
from services.web.session import HOME_PATH, page_of, sends_form

SECTIONS: dict[str, tuple[str, ...]] = {
    "ingest": FILERS,
    "review": TEXT_CORRECTORS,
    "corrections": CORRECTION_READERS,
    "statistics": STATISTICS_READERS,
    "inventories": INVENTORY_READERS,
    "retention": RETENTION_READERS,
    "handovers": HANDOVER_READERS,
    "catalogues": CATALOGUE_READERS,
    "accounts": ACCOUNT_ADMINS,
    "audit": AUDIT_READERS,
}
"""Each part and who opens it (``retention`` is retention and destruction, and legal holds;
``corrections`` the corrections waiting for approval and one's own)."""


def layout(principal: Principal | None, here: str, token: str, *,
           address: str | None = None) -> dict[str, Any]:
    """The base layout's values for ``principal`` (None: nobody is signed in) at ``here``:
    the top bar, where the person is, the CSRF token its forms send, and ``address``, the
    page's address for the address bar when the page answers a form at the form's
    POST-only address."""
    return {"reader": principal, "here": here, "csrf_token": token, "address": address,
            "navigation": navigation(principal) if principal else None}


def layout_values(request: Request[Any, Any, Any], principal: Principal | None
                  ) -> dict[str, Any]:
    """The base layout's values for a page answering ``request``. Answering a form (a
    refusal, a form to correct, a failure), the page stands for the page the form was on:
    the script puts that in the address bar, so reloading, the language switch and the
    next form's return after signing in come back to a page and not to the form's
    POST-only address."""
    page = page_of(request)
    return layout(principal, page or HOME_PATH, csrf_token(request),
                  address=page if sends_form(request) else None)


def navigation(principal: Principal) -> frozenset[str]:
    """The parts ``principal`` may open."""
    return frozenset(part for part, roles in SECTIONS.items() if principal.has_role(*roles))
