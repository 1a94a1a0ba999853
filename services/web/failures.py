"""How the pages answer when a request cannot be served: as pages, never JSON.

A session that ended (no cookie, an expired or revoked token) goes to sign-in and back;
a document or household the person may not see is the same 404 page as one that does not
exist (the services answer both alike); a form posted without its CSRF token is refused
with a page that says to reload; a service that is down is a 503 page, one that failed
(``PeerFailed``) a 502 page saying the change was not saved; an address no
route takes, or a form's address opened as a page, is the not-found page. Each failure
page shows a signed-in person their own top bar (``_signed_in``) and offers only ways on
that work (``ways_on``). The codes the services give are shown
as a hint for support staff, never their English details or a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.response import Redirect

from services.common.auth import Principal
from services.common.errors import (
    ArchiveError,
    DependencyUnavailable,
    Forbidden,
    NotFound,
    PeerFailed,
    Unauthorized,
)
from services.common.models import SECURITY_LEVEL_NAMES
from services.web.links import address
from services.web.navigation import layout_values
from services.web.people import PeopleNames
from services.web.render import Pages
from services.web.session import HOME_PATH, Reader, sends_form, to_sign_in, verified_reader

log = logging.getLogger("archive.web")
T = TypeVar("T")


def refusal_code(exc: ArchiveError) -> str:
    """The code of a refusal a page says in words (400, 403, 409, 422); anything else
    is raised again: a 404 stays the same "not found" page (a loan or document one may
    not see), a 401 goes to sign-in, a service down is the 503 page."""
    if exc.status in (404, 401) or exc.status >= 500:
        raise exc
    return exc.code


def see(url: str, anchor: str = "", **query: str) -> Redirect:
    """The redirect that answers a form (post/redirect/get) or sends a person on: to
    ``url`` with ``query`` and the ``anchor`` to show.

    A form's outcome (``done=`` what was done, ``refused=`` a refusal's code) goes without
    an ``anchor``: the page says it at its top, or at the form ``at=`` names, in words that
    take the focus (``autofocus``), in view and read out by a screen reader. A page opened
    at a fragment skips ``autofocus`` (HTML spec), and what it said, above the fragment,
    was out of view."""
    return Redirect(address(url, query) + anchor, status_code=303)


async def answered(action: Awaitable[object], url: str, *, done: str,
                   refused_form: str | None = None, done_at: str | None = None) -> Redirect:
    """Await a form's ``action`` and redirect to ``url`` with ``done``, or with the code of
    the registry's refusal (``refusal_code``: other failures are the failure page); for a
    page that says the refusal at the form (``refused_form``, its id), ``refused_at``.
    ``done_at``: the id of the part of a long page that says what was done (``?at=``).
    """
    try:
        await action
    except ArchiveError as exc:
        if refused_form is not None:
            return refused_at(url, refused_form, refusal_code(exc), **_above_clearance(exc))
        return see(url, refused=refusal_code(exc), **_above_clearance(exc))
    return see(url, done=done, **({"at": done_at} if done_at else {}))


def _above_clearance(exc: ArchiveError) -> dict[str, str]:
    """An ``above_clearance`` refusal's count of documents and the clearance it needs
    (``common.clearance``), carried to the page that says it (``?above=&needed=``)."""
    above, needed = exc.extra.get("documents_above"), exc.extra.get("clearance_needed")
    if exc.code != "above_clearance" or not isinstance(above, int) \
            or needed not in SECURITY_LEVEL_NAMES:
        return {}
    return {"above": str(above), "needed": str(needed)}


def refused_at(url: str, form: str, code: str, **carried: str) -> Redirect:
    """The redirect that answers a form refused on a page that says the refusal at the
    form (``at=`` its id), focusing the field to correct (``autofocus``), which brings it
    into view. No fragment: a page opened at one skips ``autofocus`` (HTML spec), and the
    refusal would be read nowhere."""
    return see(url, refused=code, at=form, **carried)


def outcome_values(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What the last form did (``?done=``) or why it was refused (``?refused=``), for the
    page it redirected to: codes the page says in words; the form refused (``?at=``, its
    id) when the page says the refusal at that form; for a decision refused on documents
    above the person's clearance, how many (``above``) and the clearance's name (``needed``:
    机密, 绝密), or 0 and ""."""
    query = request.query_params
    values: dict[str, Any] = {name: query.get(name, "")[:limit]
                              for name, limit in (("done", 40), ("refused", 40), ("at", 80))}
    above, needed = query.get("above", ""), query.get("needed", "")
    values["above"] = int(above) if above.isdigit() and len(above) < 7 else 0
    values["needed"] = next((name for level, name in SECURITY_LEVEL_NAMES.items()
                             if level == needed), "")
    return values


def no_such_page() -> NotFound:
    """What a page answers for what one may not see: the same as for what does not exist."""
    return NotFound("no such page", code="not_found")


def page_token(reader: Reader, may_see: Callable[[Principal], bool]) -> str:
    """The reader's token, if ``may_see`` lets them see the page; anyone else is answered
    as if the page did not exist."""
    if not may_see(reader.principal):
        raise no_such_page()
    return reader.token


async def none_if(read: Awaitable[T], *errors: type[ArchiveError]) -> T | None:
    """A read a page does without when it fails with one of ``errors`` (no text yet, no
    preview, not readable): None, which the page shows as such."""
    try:
        return await read
    except errors:
        return None


Away = Literal["store", "ingest"]
"""What a part of a page waits for: ingest's object store (ingest answered, without it),
or the ingest service itself (it did not answer)."""

INGEST_AWAY = "ingest_unavailable"
"""The code of the ingest client's error for an ingest service that did not answer
(``ServiceClient.unreachable``)."""


async def unless_away(read: Awaitable[T]) -> tuple[T | None, Away | None]:
    """A read of a part a page shows without when ingest or the store behind it cannot
    be reached (an outage): its answer and None, or None and what is away, so the page
    shows what it has and says that part is unavailable for now, and why. A peer that
    answered with a failure of its own (``PeerFailed``) is not away: that fails the page."""
    try:
        return await read, None
    except PeerFailed:
        raise
    except DependencyUnavailable as exc:
        log.warning("shown without a part: %s", exc.explained)
        return None, "ingest" if exc.code == INGEST_AWAY else "store"


async def hidden_if_refused(read: Awaitable[T]) -> T:
    """A registry read for a page: a refusal (403) is the not-found page."""
    try:
        return await read
    except Forbidden as exc:
        raise no_such_page() from exc


def _signed_in(request: Request[Any, Any, Any]) -> Principal | None:
    """Who is reading, when their token was found live for this request (by its page,
    ``reader_of``, or, failing before any page asked, ``reader_at_failure``); nobody
    otherwise: the handlers cannot ask the registry themselves, and a copy of the cookie
    kept after signing out must not show its owner's name and menu."""
    reader = verified_reader(request)
    return reader.principal if reader else None


def failure_handlers(pages: Pages, *, people: PeopleNames | None = None) -> dict[Any, Any]:
    """The pages' answers to what a route raised, and (``HTTPException``) to an address
    under the pages that no route takes: ``services.app`` hands it routing's 404 and 405,
    which never reach a router's handlers. ``people``: the top bar names the reader by
    the full names last read (``PeopleNames.known``), as every other page does."""

    def failure_page(request: Request[Any, Any, Any], status: int, code: str
                     ) -> Response[str]:
        values = layout_values(request, _signed_in(request))
        return pages.render(request, "failure.html", status_code=status, status=status,
                            code=code, sent_form=sends_form(request),
                            people=people.known if people else {}, **values,
                            **ways_on(request, status, values["here"]))

    def archive_error(request: Request[Any, Any, Any], exc: ArchiveError) -> Response[Any]:
        if isinstance(exc, Unauthorized):
            return to_sign_in(request, code=exc.code)
        if exc.status >= 500:
            log.warning("page %s: %s", request.url.path, exc.explained)
        # A service that answered with its own failure was reached: not "unavailable".
        status = 502 if isinstance(exc, PeerFailed) else exc.status
        return failure_page(request, status, exc.code)

    def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        if isinstance(exc, PermissionDeniedException):
            return failure_page(request, 403, "csrf_failed")
        if isinstance(exc, NotFoundException):
            return failure_page(request, 404, "not_found")
        if isinstance(exc, MethodNotAllowedException):
            # A form's POST-only address opened as a page (typed, or from history).
            return failure_page(request, 405, "method_not_allowed")
        if exc.status_code >= 500:
            log.error("page %s: %s", request.url.path, exc.detail)
            return failure_page(request, 500, "internal_error")
        return failure_page(request, exc.status_code, "bad_request")

    def unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        log.exception("page %s failed", request.url.path, exc_info=exc)
        return failure_page(request, 500, "internal_error")

    return {ArchiveError: archive_error, HTTPException: http_error, Exception: unexpected}


def ways_on(request: Request[Any, Any, Any], status: int, here: str) -> dict[str, str | None]:
    """The links a failure page offers, only ones that work: ``retry`` the page when a
    service was down, ``back`` to the page a form was on (to send it again from there),
    ``home`` (the search page) unless it is the page that failed (search is down)."""
    form = sends_form(request)
    return {"retry": here if status == 503 and not form else None,
            "back": here if form and here != HOME_PATH else None,
            "home": HOME_PATH if request.url.path != HOME_PATH else None}
