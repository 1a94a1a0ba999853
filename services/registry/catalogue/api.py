"""Catalogue routes: registration, records, a household's file, corrections, access,
and the registry's half of the fixity check."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_202_ACCEPTED,
    HTTP_204_NO_CONTENT,
)

from services.common.auth import SERVICE_ROLE, principal_of
from services.common.clients.registry import (
    AccessAnswer,
    AccessFilter,
    AccessRequest,
    DocumentPermissions,
    DocumentRecord,
    FixityPage,
    FixityResult,
    NewDocument,
    NumberingReport,
    TextRevision,
    VisibilityQuestion,
    VisibleDocuments,
)
from services.common.errors import Forbidden
from services.common.web import PageLimit, PageOffset
from services.registry.catalogue.corrections import CorrectionsService
from services.registry.catalogue.fixity import FixityService
from services.registry.catalogue.models import (
    Correction,
    CorrectionDecision,
    CorrectionRequest,
    CorrectionStatus,
    DocumentVersion,
)
from services.registry.catalogue.service import CatalogueService
from services.registry.guards import allow


class DocumentsController(Controller):
    path = "/documents"
    tags = ("catalogue",)

    @post("/", operation_id="registerDocument", guards=[allow(SERVICE_ROLE, "archivist")])
    async def register(self, data: JSONBody[NewDocument], request: Request[Any, Any, Any],
                       catalogue: NamedDependency[CatalogueService]
                       ) -> Response[DocumentRecord]:
        """File a document: 201 with its new record, or 200 with the record the same
        bytes (same ``sha256``) already have."""
        registration = await catalogue.register(principal_of(request), data)
        return Response(registration.document,
                        status_code=HTTP_201_CREATED if registration.created else HTTP_200_OK)

    @get("/", operation_id="listDocuments")
    async def list_documents(
        self, request: Request[Any, Any, Any], catalogue: NamedDependency[CatalogueService],
        household: Annotated[str | None, QueryParameter()] = None,
        limit: PageLimit = 100, offset: PageOffset = 0,
    ) -> list[DocumentRecord]:
        """A household's file newest first (D4); without ``household``, every document.
        Documents the caller may not know exist are left out."""
        return await catalogue.list_file(principal_of(request), household=household,
                                         limit=limit, offset=offset)

    @get("/{document_id:str}", operation_id="getDocument")
    async def get_document(self, document_id: FromPath[str], request: Request[Any, Any, Any],
                           catalogue: NamedDependency[CatalogueService]) -> DocumentRecord:
        """The catalogue record; 404 for a document above the caller's clearance."""
        return await catalogue.read(principal_of(request), document_id)

    @get("/{document_id:str}/permissions", operation_id="getDocumentPermissions")
    async def permissions(self, document_id: FromPath[str], request: Request[Any, Any, Any],
                          catalogue: NamedDependency[CatalogueService]
                          ) -> DocumentPermissions:
        """The record and what the caller may do with the document (read its text,
        download it), each with its reason when refused (``needs_grant``: a loan is the
        way; ``view_only``: read in the system only). The record is audited as its ``GET``
        is; the answers are questions, not reads, and are not. 404 for a document the
        caller may not see."""
        return await catalogue.permissions(principal_of(request), document_id)

    @post("/{document_id:str}/text-revisions", operation_id="recordTextRevision",
          guards=[allow(SERVICE_ROLE)], status_code=HTTP_200_OK)
    async def text_revision(self, document_id: FromPath[str], data: JSONBody[TextRevision],
                            catalogue: NamedDependency[CatalogueService]) -> DocumentRecord:
        """Ingest stored a new version of the page texts: the record's extraction summary
        follows it, and ``text_revised`` goes to the change feed for search."""
        return await catalogue.record_text_revision(document_id, data)

    @get("/{document_id:str}/history", operation_id="getDocumentHistory")
    async def history(self, document_id: FromPath[str], request: Request[Any, Any, Any],
                      corrections: NamedDependency[CorrectionsService]
                      ) -> list[DocumentVersion]:
        """Every version of the metadata with who, when, why and approver (D6)."""
        return await corrections.history(principal_of(request), document_id)

    @post("/{document_id:str}/corrections", operation_id="correctDocument")
    async def correct(self, document_id: FromPath[str], data: JSONBody[CorrectionRequest],
                      request: Request[Any, Any, Any],
                      corrections: NamedDependency[CorrectionsService]
                      ) -> Response[Correction]:
        """201 with the applied correction, or 202 pending approval: a manager's when the
        document is a working document (D6), a director's or centre head's when it lowers
        security or clears ``personal_info`` (D10; the old level holds until then)."""
        correction = await corrections.request(principal_of(request), document_id, data)
        status = HTTP_201_CREATED if correction.status == "applied" else HTTP_202_ACCEPTED
        return Response(correction, status_code=status)


CORRECTION_DECIDERS = ("manager", "director", "center_head")
"""Who may decide a pending correction; which of them, the correction says (D6, D10)."""
CORRECTION_READERS = ("archivist", *CORRECTION_DECIDERS)


class CorrectionsController(Controller):
    path = "/corrections"
    tags = ("catalogue",)

    @get("/", operation_id="listCorrections", guards=[allow(*CORRECTION_READERS)])
    async def list_corrections(
        self, request: Request[Any, Any, Any],
        corrections: NamedDependency[CorrectionsService],
        status: Annotated[CorrectionStatus | None, QueryParameter()] = None,
        document_id: Annotated[str | None, QueryParameter()] = None,
        limit: PageLimit = 100,
    ) -> list[Correction]:
        """Corrections, e.g. ``status=pending`` for a manager's queue."""
        return await corrections.corrections(principal_of(request), status=status,
                                             document_id=document_id, limit=limit)

    @post("/{correction_id:str}/approve", operation_id="approveCorrection",
          status_code=HTTP_200_OK, guards=[allow(*CORRECTION_DECIDERS)])
    async def approve(self, correction_id: FromPath[str], data: JSONBody[CorrectionDecision],
                      request: Request[Any, Any, Any],
                      corrections: NamedDependency[CorrectionsService]) -> Correction:
        """Someone other than the requester approves: a manager for a working document
        (D6), a director or centre head when it lowers protection (D10); the new version
        names them."""
        return await corrections.approve(principal_of(request), correction_id, note=data.note)

    @post("/{correction_id:str}/reject", operation_id="rejectCorrection",
          status_code=HTTP_200_OK, guards=[allow(*CORRECTION_DECIDERS)])
    async def reject(self, correction_id: FromPath[str], data: JSONBody[CorrectionDecision],
                     request: Request[Any, Any, Any],
                     corrections: NamedDependency[CorrectionsService]) -> Correction:
        return await corrections.reject(principal_of(request), correction_id, note=data.note)


class AccessController(Controller):
    path = "/access"
    tags = ("access",)

    @post("/decide", operation_id="decideAccess", status_code=HTTP_200_OK)
    async def decide(self, data: JSONBody[AccessRequest], request: Request[Any, Any, Any],
                     catalogue: NamedDependency[CatalogueService]) -> AccessAnswer:
        """May the caller (a user's forwarded token) do ``action``? Always 200: a refusal
        is an answer, audited here; the asking service enforces it."""
        return await catalogue.decide(principal_of(request), data.document_id, data.action)

    @post("/visible", operation_id="listVisibleDocuments", status_code=HTTP_200_OK)
    async def visible(self, data: JSONBody[VisibilityQuestion],
                      request: Request[Any, Any, Any],
                      catalogue: NamedDependency[CatalogueService]) -> VisibleDocuments:
        """Which of these documents the caller may know exist: what the other services
        keep in their listings (ingest's jobs and fixity findings)."""
        return VisibleDocuments(document_ids=await catalogue.visible(
            principal_of(request), data.document_ids))

    @get("/filter", operation_id="getAccessFilter")
    async def access_filter(self, request: Request[Any, Any, Any],
                            catalogue: NamedDependency[CatalogueService]) -> AccessFilter:
        """What the caller may see and read, for search to filter inside its query."""
        return await catalogue.access_filter(principal_of(request))


FIXITY_READERS = (SERVICE_ROLE, "admin", "archivist", "compliance")
# Document ids are UUIDs: a cursor of anything else is refused at decode, so a NUL (which
# PostgreSQL refuses with an error the store does not translate) never reaches it.
PRINTABLE_ASCII = r"^[!-~]+$"


class FixityController(Controller):
    """What the periodic fixity job reads (reliability promise 6); read-only."""

    path = "/fixity"
    tags = ("catalogue",)
    guards = [allow(*FIXITY_READERS)]  # noqa: RUF012 - Litestar's declared layer type

    @get("/numbers", operation_id="checkArchiveNumbers")
    async def numbers(self, request: Request[Any, Any, Any],
                      fixity: NamedDependency[FixityService]) -> NumberingReport:
        """Every archive number against the counters: gaps, duplicates, counters behind
        the numbers in use (D8); ``clean`` when there is nothing to report. The report
        names series and numbers of every security level, so a user needs ``secret``
        clearance (403 ``above_clearance``)."""
        principal = principal_of(request)
        if not principal.cleared_for("secret"):
            raise Forbidden("the archive-number check names documents of every security "
                            "level; it needs secret clearance", code="above_clearance")
        return await fixity.numbering()

    @post("/results", operation_id="recordFixityResult", guards=[allow(SERVICE_ROLE)],
          status_code=HTTP_204_NO_CONTENT)
    async def results(self, data: JSONBody[FixityResult],
                      fixity: NamedDependency[FixityService]) -> None:
        """Ingest reports a finished fixity run; it goes into the audit log (O4)."""
        await fixity.record(data)

    @get("/documents", operation_id="listFixityDocuments")
    async def documents(self, request: Request[Any, Any, Any],
                        fixity: NamedDependency[FixityService],
                        catalogue: NamedDependency[CatalogueService],
                        after: Annotated[str | None, QueryParameter(
                            min_length=1, max_length=36, pattern=PRINTABLE_ASCII)] = None,
                        limit: PageLimit = 500) -> FixityPage:
        """Every catalogue record (destroyed ones too) by ``document_id``, with what a
        re-hash checks, as far as the caller may know it exists; continue with
        ``after=next_after`` until it is null."""
        access = await catalogue.access_filter(principal_of(request))
        return await fixity.documents(after=after, limit=limit, access=access)
