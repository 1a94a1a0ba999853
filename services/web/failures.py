"""How the pages answer when a request cannot be served: as pages, never JSON.

A session that ended (no cookie, an expired or revoked token) goes to sign-in and back;
a document or household the person may not see is the same 404 page as one that does not
exist (the services answer both alike); a form posted without its CSRF token is refused
with a page that says to reload; a service that is down is a 503 page. The codes the
services give are shown, never their English details or a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.response import Redirect
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

from services.common.auth import Principal
from services.common.errors import ArchiveError, Forbidden, NotFound, Unauthorized
from services.web.render import Pages
from services.web.session import to_sign_in

log = logging.getLogger("archive.web")
T = TypeVar("T")

MAX_TEXT = 2000
"""The longest note, reason or opinion a form takes (longer is cut)."""


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The CSRF token the middleware set for this request (forms and htmx send it back)."""
    return str(value_or_default(ScopeState.from_scope(request.scope).csrf_token, ""))


def refusal_code(exc: ArchiveError) -> str:
    """The code of a refusal a page says in words (400, 403, 409, 422); anything else
    is raised again: a 404 stays the same "not found" page (a loan or document one may
    not see), a 401 goes to sign-in, a service down is the 503 page."""
    if exc.status in (404, 401) or exc.status >= 500:
        raise exc
    return exc.code


def see(url: str, anchor: str = "", **query: str) -> Redirect:
    """After a form (post/redirect/get): the page at ``url`` with what was done or the
    refusal's code in its query, at ``anchor``."""
    return Redirect(f"{url}?{urlencode(query)}{anchor}", status_code=303)


async def read_for_page(coroutine: Awaitable[T]) -> T:
    """A service read for a page: a refusal (403) is the same not-found page as for what
    does not exist."""
    try:
        return await coroutine
    except Forbidden as exc:
        raise NotFound("no such page", code="not_found") from exc


def _failure_page(pages: Pages, request: Request[Any, Any, Any], status: int, code: str
                  ) -> Response[str]:
    user = request.scope.get("user")
    return pages.render(request, "failure.html", status_code=status, status=status, code=code,
                        reader=user if isinstance(user, Principal) else None,
                        here=request.url.path, csrf_token=csrf_token(request))


def failure_handlers(pages: Pages) -> dict[Any, Any]:
    def archive_error(request: Request[Any, Any, Any], exc: ArchiveError) -> Response[Any]:
        if isinstance(exc, Unauthorized):
            return to_sign_in(request, reason="expired" if exc.code != "missing_token" else "")
        if exc.status >= 500:
            log.warning("page %s: %s (%s)", request.url.path, exc.detail, exc.code)
        return _failure_page(pages, request, exc.status, exc.code)

    def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        if isinstance(exc, PermissionDeniedException):
            return _failure_page(pages, request, 403, "csrf_failed")
        if isinstance(exc, NotFoundException):
            return _failure_page(pages, request, 404, "not_found")
        if exc.status_code >= 500:
            log.error("page %s: %s", request.url.path, exc.detail)
            return _failure_page(pages, request, 500, "internal_error")
        return _failure_page(pages, request, exc.status_code, "bad_request")

    def unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        log.exception("page %s failed", request.url.path, exc_info=exc)
        return _failure_page(pages, request, 500, "internal_error")

    return {ArchiveError: archive_error, HTTPException: http_error, Exception: unexpected}
