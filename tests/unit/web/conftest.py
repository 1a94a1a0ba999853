"""The staff pages rendered as their templates read to a person, for the page tests."""

from __future__ import annotations

from typing import Any

from services.common.auth import Principal
from services.web.navigation import layout as page_layout
from services.web.render import Pages


def in_both_languages(reader: Principal, path: str, template: str,
                      **values: Any) -> tuple[str, str]:
    """``template`` at ``path`` with ``values`` as ``reader`` sees it, in Chinese then in
    English."""
    shown = page_layout(reader, path, "token") | values
    chinese, english = (Pages().html(language, template, shown) for language in ("zh", "en"))
    return chinese, english
