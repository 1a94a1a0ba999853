"""The forms the staff pages post: URL-encoded (``FORM``), each decoded into a
``PageForm``, whose unknown fields are refused as every body's are; a form whose fields
are named by data (a category's class, a ticked document) is read with ``text`` and
``texts``."""

from __future__ import annotations

from litestar.datastructures import FormMultiDict
from litestar.enums import RequestEncodingType
from litestar.params import Body

from services.common.models import Struct

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


class PageForm(Struct):
    """Base of every form a page posts. Each carries the CSRF token the middleware has
    already checked by the time the form is decoded; the form only accepts it."""

    _csrf_token: str = ""


def text(form: FormMultiDict, name: str, *, limit: int | None = None, trim: bool = True
         ) -> str:
    """Field ``name``'s text (spaces around it trimmed unless ``trim`` is false, cut at
    ``limit``); "" if it is missing or a file."""
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    return (value.strip() if trim else value)[:limit]


def texts(form: FormMultiDict, name: str) -> list[str]:
    """Every text value of a repeated field (the boxes ticked), in order."""
    return [value for value in form.getall(name, []) if isinstance(value, str)]
