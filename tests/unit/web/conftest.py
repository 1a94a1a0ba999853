"""The staff pages rendered as their templates read to a person, for the page tests."""

from __future__ import annotations

import functools
from typing import Any

from services.common.auth import Principal
from services.web.navigation import layout as page_layout
from services.web.render import Pages

# The people the page tests show pages to, as their tokens name them.
WANG = Principal(username="wang", roles=("archivist",), department="archive")
LI = Principal(username="li", roles=("staff",), department="customer_service")
ZHOU = Principal(username="zhou", roles=("manager",), department="customer_service")
ZHAO = Principal(username="zhao", roles=("director",), department="management")


@functools.cache
def shared_pages() -> Pages:
    """The page tests' one renderer: Jinja keeps each template compiled in its
    environment, and a new ``Pages`` compiled a page's templates again (50 ms or more)."""
    return Pages()


def in_both_languages(reader: Principal, path: str, template: str,
                      **values: Any) -> tuple[str, str]:
    """``template`` at ``path`` with ``values`` as ``reader`` sees it, in Chinese then in
    English."""
    shown = page_layout(reader, path, "token") | values
    chinese, english = (shared_pages().html(language, template, shown) for language in ("zh", "en"))
    return chinese, english
