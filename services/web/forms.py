"""The forms the staff pages post: URL-encoded (``FORM``), each decoded into a
``PageForm``, whose unknown fields are refused as every body's are."""

from __future__ import annotations

from litestar.enums import RequestEncodingType
from litestar.params import Body

from services.common.models import Struct

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


class PageForm(Struct):
    """Base of every form a page posts. Each carries the CSRF token the middleware has
    already checked by the time the form is decoded; the form only accepts it."""

    _csrf_token: str = ""
