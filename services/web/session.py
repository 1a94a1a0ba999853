"""Who is signed in to the staff pages: the registry's token in a cookie.

The cookie is HttpOnly (no page script reads it), SameSite=Strict (no other site's page
sends it), scoped to the pages' path (the API never receives it) and Secure when the page
was reached over https; it lasts as long as the token. Nothing else keeps the token: not
page script, not local storage, never a URL. An expired or ended session sends the person
to sign-in, and back to the page they were on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from services.common.auth import Principal, TokenCodec
from services.common.errors import Unauthorized
from services.common.web import PAGES_PREFIX
from services.web.links import address

SESSION_COOKIE = "archive_session"
LOGIN_PATH = f"{PAGES_PREFIX}/login"
HOME_PATH = f"{PAGES_PREFIX}/search"


@dataclass(frozen=True)
class Reader:
    """The signed-in person: their token (sent to the services) and what it says."""

    token: str
    principal: Principal


def reader_of(request: Request[Any, Any, Any], codec: TokenCodec) -> Reader:
    """The signed-in person; ``Unauthorized`` (``missing_token`` or ``token_expired``)
    sends them to sign-in. The services check the token again on every call (a
    deactivated account or a changed password ends it there)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("sign in first", code="missing_token")
    return Reader(token=token, principal=codec.decode(token))


def session_cookie(request: Request[Any, Any, Any], token: str, *, max_age: int) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value=token, path=PAGES_PREFIX, max_age=max_age,
                  httponly=True, samesite="strict", secure=request.url.scheme == "https")


def ended_session_cookie(request: Request[Any, Any, Any]) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", path=PAGES_PREFIX, max_age=0,
                  httponly=True, samesite="strict", secure=request.url.scheme == "https")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of ours, never another site (``//host``)."""
    if (target and target.startswith(f"{PAGES_PREFIX}/") and not target.startswith("//")
            and "\\" not in target and not target.startswith(LOGIN_PATH)):
        return target
    return HOME_PATH


def requested(request: Request[Any, Any, Any]) -> str:
    """The address this request asked for: its path and query."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def to_sign_in(request: Request[Any, Any, Any], *, reason: str) -> Response[Any]:
    """Send the person to sign-in, to come back to this page (for an htmx request, the
    page it was made from); ``reason`` is ``expired`` or empty."""
    back = requested(request)
    if request.headers.get("hx-request"):
        back = request.headers.get("hx-current-url", "").partition(request.url.netloc)[2]
    query = {"next": safe_next(back)} | ({"reason": reason} if reason else {})
    location = address(LOGIN_PATH, query)
    if request.headers.get("hx-request"):
        response: Response[Any] = Response(b"", status_code=200,
                                           headers={"HX-Redirect": location})
    else:
        response = Response(b"", status_code=303, headers={"Location": location})
    response.set_cookie(ended_session_cookie(request))
    return response
