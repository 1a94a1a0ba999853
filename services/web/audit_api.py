"""The audit log page's route (``/ui/audit``, ``audit_page``): compliance and admin only,
anyone else gets the not-found page."""

from __future__ import annotations

import time
from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from services.common.clients.reader import RegistryReader
from services.common.errors import NotFound
from services.web.audit_page import (
    AUDIT_PAGE,
    audit_filters,
    audit_view,
    may_read,
    namesakes,
    usernames_of,
)
from services.web.failures import page_token
from services.web.page import Page


class AuditPages(Controller):
    path = "/audit"

    @get("/", operation_id="auditPage")
    async def audit(self, page: NamedDependency[Page],
                    registry: NamedDependency[RegistryReader],
                    user: FromQuery[str] = "", action: FromQuery[str] = "",
                    document: FromQuery[str] = "",
                    first_day: Annotated[str, QueryParameter(name="from")] = "",
                    last_day: Annotated[str, QueryParameter(name="to")] = "",
                    outcome: FromQuery[str] = "", before: FromQuery[str] = "") -> Response[str]:
        """The audit log, newest first, filtered as asked; what is wrong with the filters
        (a day, an action, a document no one may see by that name, a full name two people
        share) is said on the page."""
        token = page_token(page.reader, may_read)
        filters, problem = audit_filters(user=user, action=action, document=document,
                                         first_day=first_day, last_day=last_day,
                                         before=before, outcome=outcome)
        choices = [] if problem else namesakes(filters, page.people)
        problem = problem or ("shared_name" if choices else "")
        entries = []
        if not problem:
            zone = page.pages.zone
            try:
                entries = await registry.audit_log(
                    token, limit=AUDIT_PAGE + 1,
                    username=usernames_of(filters.user, page.people)[0] if filters.user
                    else None,
                    action=filters.action or None, document_id=filters.document or None,
                    outcome="refused" if filters.refused else None,
                    since=filters.since(zone), until=filters.until(zone),
                    newest_first=True, before_seq=filters.before)
            except NotFound:
                problem = "unknown_document"
        return page.render("audit.html", status_code=422 if problem else 200,
                           view=audit_view(filters, entries),
                           problem=problem, namesakes=choices)

    @get("/verify", operation_id="auditChainPage")
    async def verify(self, page: NamedDependency[Page],
                     registry: NamedDependency[RegistryReader]) -> Response[str]:
        """The audit log's chain checked now, and what was found, in words."""
        token = page_token(page.reader, may_read)
        started = time.monotonic()
        report = await registry.audit_chain(token)
        return page.render("audit_verify.html", report=report,
                           seconds=round(time.monotonic() - started, 1))
