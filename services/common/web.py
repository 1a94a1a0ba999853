"""What every service's web layer shares: problem details, request logs, service parts.

A service contributes a ``ServicePart`` (its router under its prefix, start-up and
shut-down hooks, readiness checks); ``services.app.create_app`` composes the parts.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Self

from litestar import Request, Response
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    ImproperlyConfiguredException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.middleware import ASGIMiddleware
from litestar.params import QueryParameter
from litestar.response import Stream
from litestar.router import Router
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.exc import DBAPIError

from services.common.auth import PrincipalVerifier
from services.common.db import unstorable
from services.common.errors import ArchiveError, BadRequest, TooManyRequests
from services.common.metrics import Sampler
from services.common.models import VISIBLE_PATTERN
from services.common.paging import MAX_PAGE, MAX_SUMMARY_PAGE

log = logging.getLogger("archive.http")

Hook = Callable[[], Awaitable[None]]
HTTPErrorHandler = Callable[[Request[Any, Any, Any], HTTPException], Response[Any]]
FailureHook = Callable[[Exception, Scope, PrincipalVerifier], Awaitable[None]]
"""Awaited when a request fails, before the exception handler (which cannot await)
answers, with the process's ``PrincipalVerifier``; it may note on the request's state what
the handler needs. It raises nothing."""
ReadinessCheck = Callable[[], Awaitable[str]]
"""Returns a short state ("ok", "lag 3 events"; ``degraded: …`` when it works but not as
it should); raises ``ArchiveError`` when not ready. Only an admin reads it as said
(``services.app.said_to_anyone``)."""


class PartRouter(Router):
    """A router made for the one app that registers it: each part builds its own afresh
    for each app (``ServicePart.router``).

    Litestar deep-copies every ``Router`` registered on another, so that one can serve in
    several apps. Ours never do, and the copy was a fifth of each app's build (hundreds
    per test run, one per ``archive serve``) and copied what the routers' dependencies and
    middleware hold: given a clock's bound method, the pages read a copy of the clock."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        if self.owner is not None:
            raise ImproperlyConfiguredException(
                f"the router at {self.path} is registered already: build one per app")
        return self


@dataclass
class ServicePart:
    name: str
    router: PartRouter
    on_startup: list[Hook] = field(default_factory=list)
    on_shutdown: list[Hook] = field(default_factory=list)
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)
    verifier: PrincipalVerifier | None = None
    """The registry checks accounts itself; the other services ask it over HTTP."""
    own_auth: list[str] = field(default_factory=list)
    """Path patterns whose requests this part authenticates itself (the staff pages sign
    people in with a cookie), left alone by the bearer-token middleware."""
    samplers: dict[str, Sampler] = field(default_factory=dict)
    """Series read from the service's state at each scrape of ``/metrics``."""
    unrouted: dict[str, HTTPErrorHandler] = field(default_factory=dict)
    """How the part answers, under a path prefix of its own, an address no route takes
    (404) or a method none takes there (405): routing raises those before any router's
    exception handlers apply (the staff pages answer with a page, not problem details)."""
    on_failure: list[FailureHook] = field(default_factory=list)
    """What the part looks up when a request fails, for its failure answer (the staff
    pages: who is signed in, for a page no route took or a form the CSRF check refused)."""


def provided(**values: object) -> dict[str, Provide]:
    """Dependencies that hand every handler naming them the same object: a part's services,
    built once at start-up."""
    return {name: Provide(_giving(value), sync_to_thread=False) for name, value in values.items()}


def _giving(value: object) -> Callable[[], object]:
    return lambda: value


def problem(status: int, code: str, detail: str, extra: dict[str, Any] | None = None
            ) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"https://archive.invalid/problems/{code}",
        "title": code.replace("_", " "),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if extra:
        body.update(extra)
    return Response(body, status_code=status, media_type="application/problem+json")


def archive_error_handler(_: Request[Any, Any, Any], exc: ArchiveError) -> Response[Any]:
    answer = problem(exc.status, exc.code, exc.detail, exc.extra)
    if isinstance(exc, TooManyRequests) and exc.retry_after_s is not None:
        answer.headers["Retry-After"] = str(exc.retry_after_s)
    return answer


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    429: "too_many_requests",
}


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        errors = [_worded(error) for error in exc.extra] if isinstance(exc.extra, list) \
            else exc.extra
        extra = {"errors": errors} if errors else None
        return problem(400, "invalid_request", _validation_detail(exc.detail, errors), extra)
    if isinstance(exc, NotAuthorizedException):
        return problem(401, "unauthorized", exc.detail)
    if isinstance(exc, PermissionDeniedException):
        return problem(403, "forbidden", exc.detail)
    if status >= 500:
        log.error("http error %s: %s", status, exc.detail)
        return problem(status, "internal_error", "the server failed; see its log")
    return problem(status, _HTTP_CODES.get(status, "http_error"), exc.detail)


def _validation_detail(detail: str, errors: object) -> str:
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict) and first.get("message"):
            where = first.get("key") or first.get("source") or ""
            return f"{first['message']}{f' ({where})' if where else ''}"
    return detail


_NOTHING_VISIBLE = f"Expected `str` matching regex {VISIBLE_PATTERN!r}"
"""How msgspec refuses a text a person must write with nothing visible in it."""


def _worded(error: object) -> object:
    """A decode error as said, but a required text with nothing visible in it (only spaces
    or zero-width characters) in words, not by the pattern it missed."""
    if isinstance(error, dict) and error.get("message") == _NOTHING_VISIBLE:
        return error | {"message": "Expected text with a visible character, not only "
                                   "spaces or invisible characters"}
    return error


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal_error", "the server failed; see its log")


def database_error_handler(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A value the database cannot hold (a NUL character on PostgreSQL) is bad input, on
    every path, not only those whose repository translates it."""
    refused = unstorable(exc)
    if refused is None:
        return unexpected_error_handler(request, exc)
    return archive_error_handler(request, refused)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ArchiveError: archive_error_handler,
    HTTPException: http_error_handler,
    DBAPIError: database_error_handler,
    Exception: unexpected_error_handler,
}


def exception_handlers(unrouted: dict[str, HTTPErrorHandler]) -> dict[Any, Any]:
    """The application's handlers: ``EXCEPTION_HANDLERS``, but an HTTP error on a path
    under a prefix of ``unrouted`` (``ServicePart.unrouted``) is answered by its handler.
    Only what no router's handlers caught gets here: routing's 404 and 405."""

    def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        for prefix, handler in unrouted.items():
            if is_under(request.url.path, prefix):
                return handler(request, exc)
        return http_error_handler(request, exc)

    return {**EXCEPTION_HANDLERS, HTTPException: http_error}


def is_under(path: str, prefix: str) -> bool:
    """Whether ``path`` is ``prefix`` or below it (``/ui``, ``/ui/...``; not ``/uix``)."""
    return path == prefix or path.startswith(f"{prefix}/")


NOSNIFF = (b"x-content-type-options", b"nosniff")
NO_STORE = (b"cache-control", b"no-store")
NO_REFERRER = (b"referrer-policy", b"no-referrer")
API_CONTENT_POLICY = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
"""What no answer of the API needs: scripts, styles, frames."""
REFERENCE_PREFIX = "/schema"
"""Where the OpenAPI schema and its viewer answer (``services.common.api_reference``)."""
REFERENCE_HEADERS = (
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; "
                                 b"img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                                 b"form-action 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
)
"""The API reference's viewer runs the archive's own vendored scripts and styles only (its
style sheet draws icons from ``data:`` images), reads the schema and tries operations on
this origin, and is never framed."""
PAGES_PREFIX = "/ui"
"""Where the staff pages answer (``services.web``)."""
PAGES_HEADERS = (
    (b"content-security-policy", b"default-src 'self'; base-uri 'none'; object-src 'none'; "
                                 b"form-action 'self'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
"""The staff pages load their own scripts, styles and images only, never inline script,
and are never framed (clickjacking). They tell only themselves where a request came from
(``same-origin``: no other site learns an address, and its search terms): a form sent
after the session ended returns, after sign-in, to the page the form was on."""


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook, so errors answered outside the middleware have them too:
    headers on every answer (OWASP ASVS 3.4, 14.3): no MIME sniffing (an original is
    served as the type it was stored as), no referrer to another site, nothing cached but
    what its handler calls ``public`` (the API reference's vendored viewer), and nothing a
    browser would run or frame (the staff pages and the API reference: only their own)."""
    if message["type"] != "http.response.start":
        return
    own = list(message.get("headers", []))
    headers = [NOSNIFF]
    if not _cached_publicly(own):
        headers.append(NO_STORE)
    path = str(scope.get("path", ""))
    if is_under(path, PAGES_PREFIX):
        headers.extend(PAGES_HEADERS)
    else:
        headers.append(NO_REFERRER)
        headers.extend(REFERENCE_HEADERS if is_under(path, REFERENCE_PREFIX)
                       else [API_CONTENT_POLICY])
    message["headers"] = [*own, *headers]


def _cached_publicly(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether the answer's own ``Cache-Control`` says it is the same for everyone."""
    return any(name.lower() == b"cache-control"
               and b"public" in (part.strip() for part in value.split(b","))
               for name, value in headers)


class RefuseNulCharacters(ASGIMiddleware):
    """A NUL character in a path or query string is refused before any handler runs (400
    ``nul_character``): no identifier of ours holds one, and PostgreSQL cannot store one."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        query = scope.get("query_string", b"")
        if "\x00" in scope.get("path", "") or b"\x00" in query or b"%00" in query:
            raise BadRequest("the request's path or query holds a NUL character (%00)",
                             code="nul_character")
        await next_app(scope, receive, send)


class RequestLogMiddleware(ASGIMiddleware):
    """One JSON line per request: request id, user, method, route, status, milliseconds.

    People's requests are logged at INFO; our services' own calls (feed polling, job
    checks: an idle server made ~3 a second) at DEBUG, unless they fail.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = _header(scope, b"x-request-id") or uuid.uuid4().hex
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await next_app(scope, receive, send_with_id)
        except ArchiveError as exc:
            status = exc.status
            raise
        except HTTPException as exc:
            # Raised by a middleware inside this one (the pages' CSRF check: 403) and
            # answered outside it.
            status = exc.status_code
            raise
        finally:
            user = scope.get("user")
            quiet = getattr(user, "is_service", False) and status < 400
            level = logging.DEBUG if quiet else logging.INFO
            if log.isEnabledFor(level):
                log.log(level, json.dumps({
                    "request_id": request_id,
                    "user": getattr(user, "username", None),
                    "method": scope.get("method"),
                    "route": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                }, ensure_ascii=False))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))[:64]
    return None


MAX_OFFSET = 1_000_000_000
"""Far beyond any listing we hold, and small enough for every database's integers."""

PageLimit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)]
SummaryPageLimit = Annotated[int, QueryParameter(ge=1, le=MAX_SUMMARY_PAGE)]
"""A page of a list whose rows each cost further reads (``MAX_SUMMARY_PAGE``)."""
PageOffset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)]


_ATTACHMENT_TYPES = {"pdf": "application/pdf", "csv": "text/csv",
                     "tar": "application/x-tar"}


def attachment(content: bytes, name: str, kind: Literal["pdf", "csv"]) -> Response[bytes]:
    """``content`` to save as ``<name>.<kind>``: a list to print, or the same to open in a
    spreadsheet. ``name`` is built from server-made values only (reliability.md, lesson 4)."""
    return Response(content, media_type=_ATTACHMENT_TYPES[kind],
                    headers=_disposition(name, kind))


def name_part(value: str) -> str:
    """``value`` (an identifier a URL gave) cut to word characters and hyphens, 64 at
    most, to stand in an ``attachment``'s name."""
    return re.sub(r"[^\w-]", "", value)[:64]


def streamed_attachment(pieces: AsyncIterable[bytes], name: str, kind: Literal["tar"]
                        ) -> Stream:
    """``pieces`` sent as they come, to save as ``<name>.<kind>`` (a package larger than
    memory); ``name`` as for ``attachment``. If ``pieces`` raises, the download ends
    unfinished (no last chunk), which every browser and HTTP client reports as failed."""
    return Stream(pieces, media_type=_ATTACHMENT_TYPES[kind], headers=_disposition(name, kind))


def _disposition(name: str, kind: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}.{kind}"'}
