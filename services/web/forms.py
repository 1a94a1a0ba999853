"""The forms the staff pages post: URL-encoded (``FORM``), each decoded into a
``PageForm``, whose unknown fields are refused as every body's are; a form whose fields
are named by data (a category's class, a ticked document) is read with ``text`` and
``texts``; a unit code a person typed with ``typed_household``."""

from __future__ import annotations

from litestar.datastructures import FormMultiDict
from litestar.enums import RequestEncodingType
from litestar.params import Body

from services.common.models import Struct
from services.common.names import household_named

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


def typed_household(value: str) -> str:
    """The unit code a person typed (``household_named``: a0301, Ａ－0301 are A-0301), or
    what they typed, trimmed, for the page or the registry to refuse as ill-formed."""
    try:
        return household_named(value)
    except ValueError:
        return value.strip()


def texts(form: FormMultiDict, name: str) -> list[str]:
    """Every text value of a repeated field (the boxes ticked), in order."""
    return [value for value in form.getall(name, []) if isinstance(value, str)]
