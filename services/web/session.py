"""Who is signed in to the staff pages: the registry's token in a cookie.

The cookie (``cookies.SESSION``: HttpOnly, SameSite=Strict, and ``__Host-`` and Secure
when the page was reached over https) lasts as long as the token. Nothing else keeps the
token: not page script, not local storage, never a URL. Every page checks the token as the
API does (``services.common.auth.authenticated``): a copy of the cookie kept after signing
out, a password change or the account's deactivation opens no page. An expired or ended
session sends the person to sign-in, told why (and that a form they sent was not sent), and
back to the page they were on: for a form, the page the form was on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import Scope

from services.common.auth import Principal, PrincipalVerifier, TokenCodec, authenticated
from services.common.errors import ArchiveError, Unauthorized
from services.common.web import PAGES_PREFIX, is_under
from services.web.cookies import SESSION
from services.web.links import address

LOGIN_PATH = f"{PAGES_PREFIX}/login"
HOME_PATH = f"{PAGES_PREFIX}/search"
_READER = "archive_reader"


@dataclass(frozen=True)
class Reader:
    """The signed-in person: their token (sent to the services) and what it says."""

    token: str
    principal: Principal


async def reader_of(request: Request[Any, Any, Any], codec: TokenCodec,
                    verifier: PrincipalVerifier) -> Reader:
    """The signed-in person, whose token is still live; ``Unauthorized`` (no cookie, a
    token expired, ended by signing out, revoked, or the account deactivated) sends them to
    sign-in. Kept on the request for its failure page (``verified_reader``)."""
    token = SESSION.read(request)
    if not token:
        raise Unauthorized("sign in first", code="missing_token")
    reader = Reader(token=token, principal=await authenticated(token, codec, verifier))
    request.state[_READER] = reader
    return reader


def verified_reader(request: Request[Any, Any, Any]) -> Reader | None:
    """The person ``reader_of`` (or, for a failure met before any page asked,
    ``reader_at_failure``) found signed in for this request, if any."""
    reader = request.state.get(_READER)
    return reader if isinstance(reader, Reader) else None


async def reader_at_failure(exc: Exception, scope: Scope, verifier: PrincipalVerifier, *,
                            codec: TokenCodec) -> None:
    """Who is signed in, for a failure page met before any page asked (``reader_of``):
    an address no route takes, a form the CSRF check refused. The session's token is
    checked as every page checks it and kept for the failure page (``verified_reader``),
    which then shows the person's own top bar, not one that looks signed out. A token
    that is not live, or a registry that cannot say, leaves the signed-out bar: the
    failure stays the page it was (a 404 never becomes a 500)."""
    if scope["type"] != ScopeType.HTTP or not isinstance(exc, HTTPException) \
            or not is_under(scope["path"], PAGES_PREFIX):
        return
    request: Request[Any, Any, Any] = Request(scope)
    token = SESSION.read(request)
    if not token or verified_reader(request) is not None:
        return
    try:
        principal = await authenticated(token, codec, verifier)
    except ArchiveError:
        return
    request.state[_READER] = Reader(token=token, principal=principal)


def session_cookie(request: Request[Any, Any, Any], token: str, *, max_age: int) -> Cookie:
    return SESSION.made(request, token, max_age=max_age)


def ended_session_cookie(request: Request[Any, Any, Any]) -> Cookie:
    return SESSION.ended(request)


def ours(target: str | None) -> str | None:
    """``target`` if it is one of our pages' addresses (``/ui/...``), never another
    site's (``//host``)."""
    if (target and target.startswith(f"{PAGES_PREFIX}/") and not target.startswith("//")
            and "\\" not in target):
        return target
    return None


def safe_next(target: str | None) -> str:
    """Where to go after signing in (or switching language): a page of ours other than
    sign-in, else the home page."""
    page = ours(target)
    return page if page and not page.startswith(LOGIN_PATH) else HOME_PATH


def requested(request: Request[Any, Any, Any]) -> str:
    """The address this request asked for: its path and query."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def sends_form(request: Request[Any, Any, Any]) -> bool:
    """Whether the request sends something (a form, an htmx mark), not asks for a page."""
    return request.method not in ("GET", "HEAD")


def page_of(request: Request[Any, Any, Any]) -> str | None:
    """The page of ours this request belongs to, which answers a GET (path and query): a
    page's own address; for an htmx request, the page it was made from; for a form sent,
    the page the form was on (its ``Referer``: the pages send theirs to themselves only),
    never the form's POST-only address. None when that is not one of our pages."""
    if request.headers.get("hx-request"):
        return _local(request.headers.get("hx-current-url", ""))
    if not sends_form(request):
        return requested(request)
    return _local(request.headers.get("referer", ""))


def _local(url: str) -> str | None:
    """The path and query of ``url`` when they are one of our pages'. Its host is not
    compared (behind a proxy the request's is the proxy's): taking only the path, a
    foreign address sends nobody anywhere but to our pages."""
    parts = urlsplit(url)
    return ours(parts.path + (f"?{parts.query}" if parts.query else ""))


def sign_in_reason(request: Request[Any, Any, Any], code: str) -> str:
    """What the sign-in page says about the session that ended (``Unauthorized``'s
    ``code``): ``revoked`` (the password or roles changed: by an admin, or by the person
    in another browser), ``signed_out`` (in another tab, or a copy of the cookie kept from
    before signing out), ``disabled`` (the account was deactivated) or ``expired``, with
    ``_form`` when the request sent a form, which was not sent; "" when there was no
    session to end (a first visit, a bookmark)."""
    if code == "missing_token" and not _had_session(request):
        return ""
    ended = _ENDED_BECAUSE.get(code, "expired")
    return f"{ended}_form" if sends_form(request) else ended


_ENDED_BECAUSE = {"token_revoked": "revoked", "token_ended": "signed_out",
                  "account_disabled": "disabled"}


def _had_session(request: Request[Any, Any, Any]) -> bool:
    """Whether a request without the session cookie comes from a page that was read
    signed in: the cookie lasts as long as the token, so it is gone once the token has
    run out, and a form, an htmx request or a link followed from a page of ours other
    than sign-in says the session was there."""
    came_from = _local(request.headers.get("referer", ""))
    return (sends_form(request) or bool(request.headers.get("hx-request"))
            or (came_from is not None and not came_from.startswith(LOGIN_PATH)))


def to_sign_in(request: Request[Any, Any, Any], *, code: str) -> Response[Any]:
    """Send the person to sign-in, to come back to the page they were on (``page_of``),
    told why (``sign_in_reason`` of the ``Unauthorized`` ``code``)."""
    reason = sign_in_reason(request, code)
    query = {"next": safe_next(page_of(request))} | ({"reason": reason} if reason else {})
    location = address(LOGIN_PATH, query)
    if request.headers.get("hx-request"):
        response: Response[Any] = Response(b"", status_code=200,
                                           headers={"HX-Redirect": location})
    else:
        response = Response(b"", status_code=303, headers={"Location": location})
    response.set_cookie(ended_session_cookie(request))
    return response
