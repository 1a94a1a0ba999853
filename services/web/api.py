"""The staff pages' routes: thin, as every controller here. Each page asks the services
with the signed-in person's token (``Reader``), arranges the answers (``*_page``) and
renders its template; an htmx request for the search results gets the partial only."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, get_args

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream

from services.common.clients.ingest import IngestClient
from services.common.clients.reader import RegistryReader
from services.common.clients.search import SearchClient
from services.common.contracts.ingest import DocumentReading, PageImageSize
from services.common.contracts.registry import DocumentPermissions, in_file
from services.common.contracts.retention import DisposalStanding, Hold
from services.common.errors import (
    ArchiveError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from services.common.filing import FILERS
from services.common.names import tidied_username
from services.web.cookies import LANGUAGE, LANGUAGE_KEPT_S, SESSION
from services.web.document_page import (
    DocumentPage,
    chosen_page,
    correction_after_change,
    document_history,
    document_page,
    older_text,
    page_out_of_range,
)
from services.web.failures import (
    no_such_page,
    none_if,
    refusal_code,
    see,
    unless_away,
)
from services.web.forms import FORM, PageForm, text
from services.web.limits import LIMITS
from services.web.links import document_url
from services.web.navigation import layout_values
from services.web.page import Page, PageNumber
from services.web.record_correction import (
    REFUSED_FIELDS,
    Asked,
    RecordCorrection,
    asked_correction,
    correction_url,
    may_correct_record,
    record_values,
    waits_for,
)
from services.web.render import LANGUAGES, Pages
from services.web.retention_page import may_read as may_read_retention
from services.web.review_page import may_correct
from services.web.search_page import SearchForm, empty_view, page_past_the_end, search_view
from services.web.session import (
    HOME_PATH,
    LOGIN_PATH,
    Reader,
    ended_session_cookie,
    safe_next,
    session_cookie,
)

log = logging.getLogger("archive.web")
_IMAGE_SIZES: dict[str, PageImageSize] = {size: size for size in get_args(PageImageSize)}


class SignIn(PageForm):
    username: str = ""
    password: str = ""
    next: str = ""


class LanguageChoice(PageForm):
    language: str = "zh"
    next: str = ""


@get("/", operation_id="home", exclude_from_auth=True)
async def home() -> Redirect:
    """``/`` opens the search page (which asks to sign in first when needed)."""
    return see(HOME_PATH)


class SignInPages(Controller):
    path = "/"

    @get("/login", operation_id="loginPage")
    async def login_page(self, request: Request[Any, Any, Any], pages: NamedDependency[Pages],
                         next: FromQuery[str] = "", reason: FromQuery[str] = ""
                         ) -> Response[str]:
        return pages.render(request, "login.html", next=safe_next(next), reason=reason,
                            username="", wait_s=None, **layout_values(request, None))

    @post("/login", operation_id="login")
    async def login(self, request: Request[Any, Any, Any], pages: NamedDependency[Pages],
                    registry: NamedDependency[RegistryReader],
                    data: Annotated[SignIn, FORM]) -> Response[Any]:
        """Sign in: the token goes into the session cookie, the person where they were
        going."""
        target = safe_next(data.next)
        try:
            issued = await registry.issue_token(
                tidied_username(data.username), data.password,
                client_address=request.client.host if request.client else None)
        except (Unauthorized, ValidationFailed, TooManyRequests) as exc:
            wait_s = exc.retry_after_s if isinstance(exc, TooManyRequests) else None
            return pages.render(request, "login.html", status_code=exc.status, next=target,
                                reason="throttled" if isinstance(exc, TooManyRequests)
                                else "wrong_password",
                                wait_s=wait_s, username=data.username,
                                **layout_values(request, None))
        response: Response[Any] = see(target)
        response.set_cookie(session_cookie(request, issued.access_token,
                                           max_age=issued.expires_in))
        return response

    @post("/logout", operation_id="logout")
    async def logout(self, request: Request[Any, Any, Any],
                     registry: NamedDependency[RegistryReader],
                     data: Annotated[PageForm, FORM]) -> Response[Any]:
        """Sign out: the registry ends the session's token (a copy of the cookie no longer
        works), then the cookie is gone; if the registry cannot be asked, the cookie goes
        all the same (the token then runs out at its ``exp``)."""
        if token := SESSION.read(request):
            try:
                await registry.end_token(token)
            except ArchiveError as exc:
                log.warning("sign-out: the token was not ended: %s (%s)", exc.detail, exc.code)
        response: Response[Any] = see(LOGIN_PATH, reason="signed_out")
        response.set_cookie(ended_session_cookie(request))
        return response

    @post("/language", operation_id="chooseLanguage")
    async def language(self, request: Request[Any, Any, Any],
                       data: Annotated[LanguageChoice, FORM]) -> Response[Any]:
        chosen = data.language if data.language in LANGUAGES else "zh"
        response: Response[Any] = see(safe_next(data.next))
        response.set_cookie(LANGUAGE.made(request, chosen, max_age=LANGUAGE_KEPT_S))
        return response


class ReadingPages(Controller):
    path = "/"

    @get("/search", operation_id="searchPage")
    async def search(self, page: NamedDependency[Page],
                     search: NamedDependency[SearchClient]) -> Response[str]:
        form = SearchForm.from_query(dict(page.request.query_params))
        if not form.asked:
            view = empty_view(form)
        else:
            try:
                result = await search.search(page.reader.token, form.request())
            except ValidationFailed as exc:
                view = empty_view(form, error=exc.code)
            else:
                if last := page_past_the_end(form, result):
                    return Redirect(last)
                view = search_view(form, result)
        partial = (page.request.headers.get("hx-request") == "true"
                   and page.request.headers.get("hx-target") == "results"
                   and not page.request.headers.get("hx-history-restore-request"))
        return page.render("_results.html" if partial else "search.html", view=view)

    @get("/documents/{document_id:str}", operation_id="documentPage")
    async def document(self, document_id: FromPath[str], page: NamedDependency[Page],
                       registry: NamedDependency[RegistryReader],
                       ingest: NamedDependency[IngestClient], q: FromQuery[str] = "",
                       page_number: PageNumber = None, done: FromQuery[str] = "",
                       waits: FromQuery[str] = "") -> Response[str] | Redirect:
        permissions = await registry.permissions(page.reader.token, document_id)
        if nearest := page_out_of_range(permissions, q[:200], page_number):
            return Redirect(nearest)
        record = permissions.document
        form = (RecordCorrection(correction_url(document_id), record_values(record),
                                 limit=permissions.correction_limit)
                if may_correct_record(page.reader.principal) else None)
        return page.render("document.html", view=await _document_view(
            page, ingest, registry, permissions, q=q[:200], page_number=page_number,
            form=form, done=done[:40], waits=waits[:20]))

    @post("/documents/{document_id:str}/corrections", operation_id="correctRecordForm")
    async def correct_record(self, document_id: FromPath[str], page: NamedDependency[Page],
                             registry: NamedDependency[RegistryReader],
                             ingest: NamedDependency[IngestClient]) -> Response[Any]:
        """Correct the record (更正著录, D6): applied, the page's history shows the new
        version; waiting for approval, the page says whose; refused, the form again as
        typed, saying why; refused because the record changed after the version the form
        showed (409), who changed it and the form with the record as it is now and what
        the person changed kept."""
        token = page.reader.token
        permissions = await registry.permissions(token, document_id)
        record = permissions.document
        if not may_correct_record(page.reader.principal):
            raise no_such_page()
        form = await page.request.form()
        values = {name: text(form, name, limit=LIMITS.note + 1) for name in record_values(record)}
        asked, status_code = asked_correction(record, values), 422
        if (request := asked.request) is not None:
            try:
                correction = await registry.correct(token, document_id, request)
            except ArchiveError as exc:
                code = refusal_code(exc)
                if code == "correction_pending":  # the same, asked already: it waits
                    return see(document_url(document_id), done="correction_pending",
                               waits=waits_for(record, request.changes))
                asked, status_code = Asked(problem=code, wrong=REFUSED_FIELDS.get(code, "")), \
                    exc.status
            else:
                if correction.status == "applied":
                    return see(document_url(document_id), done="corrected")
                return see(document_url(document_id), done="correction_pending",
                           waits=waits_for(record, request.changes))
        form_again = RecordCorrection(correction_url(document_id), values, asked.problem,
                                      asked.wrong, limit=permissions.correction_limit)
        if asked.problem == "stale_correction":
            permissions, versions = await asyncio.gather(
                registry.permissions(token, document_id), registry.versions(token, document_id))
            form_again = correction_after_change(permissions.document, versions, values,
                                                 limit=permissions.correction_limit)
            status_code = 409
        view = await _document_view(page, ingest, registry, permissions, q="", page_number=None,
                                    form=form_again)
        return page.render("document.html", status_code=status_code, view=view)

    @get("/documents/{document_id:str}/history", operation_id="documentHistory")
    async def history(self, document_id: FromPath[str], page: NamedDependency[Page],
                      registry: NamedDependency[RegistryReader],
                      ingest: NamedDependency[IngestClient]) -> Response[str]:
        """The document's history (the record's versions, the text's to who may read it,
        loans, audit entries the person may see), loaded by the document page after it
        shows: the page itself stays fast. Opened by its link (no script, a new tab), a
        page of its own."""
        token = page.reader.token
        # A reader who may not read the text is refused its versions as the text itself.
        versions, loans, audit, (text_versions, text_away) = await asyncio.gather(
            registry.versions(token, document_id), registry.loans_of(token, document_id),
            registry.audit_trail(token, document_id),
            unless_away(none_if(ingest.text_versions(token, document_id), NotFound, Forbidden)))
        view = document_history(
            versions, loans, audit, document_id=document_id,
            text_versions=text_versions.versions if text_versions is not None else None,
            text_versions_away=text_away)
        loaded = page.request.headers.get("hx-request") == "true"
        return page.render("_history.html" if loaded else "document_history.html", view=view,
                           document_id=document_id)

    @get("/documents/{document_id:str}/text/versions/{version:int}",
         operation_id="olderTextPage")
    async def older_text_page(self, document_id: FromPath[str], version: FromPath[int],
                              page: NamedDependency[Page],
                              registry: NamedDependency[RegistryReader],
                              ingest: NamedDependency[IngestClient]
                              ) -> Response[str] | Redirect:
        """An older version of the text, read-only (D6: what OCR first read, or what a
        person's correction replaced), refused as ingest refuses the text; the current
        version is the document page itself. Versions count from 1: 0 is none either."""
        if version < 1:
            raise NotFound(f"the text has no version {version}", code="unknown_text_version")
        token = page.reader.token
        permissions, text, versions = await asyncio.gather(
            registry.permissions(token, document_id),
            ingest.text_version(token, document_id, version),
            ingest.text_versions(token, document_id))
        if versions.versions[-1].version == version:
            return Redirect(document_url(document_id))
        return page.render("text_version.html", view=older_text(
            permissions.document, text, versions.versions, version))

    @get("/documents/{document_id:str}/original", operation_id="documentOriginal")
    async def original(self, document_id: FromPath[str], reader: NamedDependency[Reader],
                       ingest: NamedDependency[IngestClient]) -> Stream:
        """The original through the pages (the cookie is not a bearer token); refused as
        ingest refuses it."""
        upstream = await ingest.original(reader.token, document_id)
        headers = {name: upstream.headers[name] for name in ("content-disposition",)
                   if name in upstream.headers}
        return Stream(upstream.aiter_raw(), headers=headers,
                      media_type=upstream.headers.get("content-type",
                                                      "application/octet-stream"),
                      background=BackgroundTask(upstream.aclose))

    @get("/documents/{document_id:str}/pages/{number:int}/{size:str}",
         operation_id="pageImage")
    async def page_image(self, document_id: FromPath[str], number: FromPath[int],
                         size: FromPath[str], reader: NamedDependency[Reader],
                         ingest: NamedDependency[IngestClient]) -> Response[bytes]:
        chosen = _IMAGE_SIZES.get(size)
        if chosen is None:
            raise NotFound("no such image", code="not_found")
        image = await ingest.page_image(reader.token, document_id, number, size=chosen)
        return Response(image, media_type="image/webp")


async def _document_view(page: Page, ingest: IngestClient, registry: RegistryReader,
                         permissions: DocumentPermissions, *, q: str, page_number: int | None,
                         form: RecordCorrection | None, done: str = "", waits: str = ""
                         ) -> DocumentPage:
    """The document page: the record, the page of text asked for (or the first holding
    the search terms) beside its image, the legal holds on it and where it stands on its
    way to destruction (to who reads retention), and the correction ``form`` if any."""
    token = page.reader.token
    record = permissions.document
    asked = page_number or 1

    reads_retention = may_read_retention(page.reader.principal) and in_file(record)

    async def active_holds() -> list[Hold]:
        if reads_retention:
            return await registry.holds(token, document_id=record.document_id,
                                        status="active")
        return []

    async def disposal() -> DisposalStanding | None:
        return await registry.disposal(token, record.document_id) if reads_retention else None

    async def first_reading() -> tuple[DocumentReading | None, bool]:
        """The reading, and whether the original was ever uploaded. A record catalogued
        before its original was scanned has nothing to download: the page says so rather
        than offer 下载原件 and answer "missing". Ingest's "no text" says which it is, so
        one who may download (and so read) is asked for the reading even without pages;
        the others are told why they may not download."""
        if not (permissions.read_text.allowed
                and (record.pages > 0 or permissions.download.allowed)):
            return None, True
        try:
            return await ingest.reading(token, record.document_id, asked), True
        except NotFound as exc:
            return None, exc.extra.get("uploaded") is not False

    # Asked of the registry and of ingest at once: none waits for another. Only the
    # registry's record is needed: without ingest's store the page says what waits for it.
    holds, standing, (first, away) = await asyncio.gather(
        active_holds(), disposal(), unless_away(first_reading()))
    reading, held = first if first is not None else (None, True)
    number = chosen_page(reading, q, page_number)
    boxes = reading.boxes if reading is not None else None
    if number is not None and number != asked:
        # The search terms stand on another page than the one whose boxes came along.
        # None: no preview (filed before previews: ``archive derive --missing``).
        boxes = await none_if(ingest.page_boxes(token, record.document_id, number), NotFound)
    return document_page(record, permissions, q=q, text=reading, number=number,
                         boxes=boxes, has_preview=boxes is not None,
                         may_correct=may_correct(page.reader.principal),
                         record_correction=form, done=done, waits=waits, holds=holds,
                         disposal=standing, uploaded=held, away=away,
                         may_upload=page.reader.principal.has_role(*FILERS))
