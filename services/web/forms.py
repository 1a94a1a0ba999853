"""The forms the staff pages post: URL-encoded (``FORM``), each decoded into a
``PageForm``, whose unknown fields are refused as every body's are; a form whose fields
are named by data (a category's class, a ticked document) is read with ``text`` and
``texts``; every form sends the CSRF token (``csrf_token``)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

from services.common.models import Struct
from services.common.names import written
from services.web.cookies import CSRF

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The CSRF token the forms and htmx send back: the one the middleware set for this
    request, else the browser's cookie (an address no route takes is answered before the
    middleware runs, and its page's forms still work)."""
    return str(value_or_default(ScopeState.from_scope(request.scope).csrf_token,
                                CSRF.read(request) or ""))


class PageForm(Struct):
    """Base of every form a page posts. Each carries the CSRF token the middleware has
    already checked by the time the form is decoded; the form only accepts it."""

    _csrf_token: str = ""


def text(form: FormMultiDict, name: str, *, limit: int | None = None, trim: bool = True
         ) -> str:
    """Field ``name``'s text (spaces around it trimmed, and "" when nothing in it shows,
    ``written``, unless ``trim`` is false; cut at ``limit``); "" if it is missing or a
    file."""
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    return (written(value) if trim else value)[:limit]


def texts(form: FormMultiDict, name: str) -> list[str]:
    """Every text value of a repeated field (the boxes ticked), in order."""
    return [value for value in form.getall(name, []) if isinstance(value, str)]
