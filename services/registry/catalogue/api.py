"""Catalogue routes: registration, records, a household's file, a record's versions, and
the access decisions the other services ask for."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_204_NO_CONTENT,
)

from services.common.auth import SERVICE_ROLE, Principal
from services.common.contracts.catalogue import DocumentVersion
from services.common.contracts.registry import (
    AccessAnswer,
    AccessFilter,
    AccessRequest,
    DocumentPermissions,
    DocumentRecord,
    DownloadOutcome,
    NewDocument,
    TextRevision,
    VisibilityQuestion,
    VisibleDocuments,
)
from services.common.web import PageLimit, PageOffset
from services.registry.catalogue.service import CatalogueService
from services.registry.guards import allow


class DocumentsController(Controller):
    path = "/documents"
    tags = ("catalogue",)

    @post("/", operation_id="registerDocument", guards=[allow(SERVICE_ROLE, "archivist")])
    async def register(self, data: JSONBody[NewDocument], principal: NamedDependency[Principal],
                       catalogue: NamedDependency[CatalogueService]
                       ) -> Response[DocumentRecord]:
        """File a document: 201 with its new record, or 200 with the record the same
        bytes (same ``sha256``) already have."""
        registration = await catalogue.register(principal, data)
        return Response(registration.document,
                        status_code=HTTP_201_CREATED if registration.created else HTTP_200_OK)

    @get("/", operation_id="listDocuments")
    async def list_documents(
        self, principal: NamedDependency[Principal], catalogue: NamedDependency[CatalogueService],
        household: Annotated[str | None, QueryParameter()] = None,
        needs_review: Annotated[bool, QueryParameter()] = False,
        readable: Annotated[bool, QueryParameter()] = False,
        limit: PageLimit = 100, offset: PageOffset = 0,
    ) -> list[DocumentRecord]:
        """A household's file newest first (D4); without ``household``, every document;
        ``readable=true``: only those whose text the caller may read (``archive reocr``
        re-reads no other). ``needs_review=true``: instead, the documents with pages whose
        reading needs a person (``extraction.pages_needing_review``), oldest first, only
        those whose text the caller may read (not a confidential or personal one without
        a loan). Documents the caller may not know exist are left out."""
        if needs_review:
            return await catalogue.review_queue(principal, limit=limit,
                                                offset=offset)
        return await catalogue.list_file(principal, household=household, readable=readable,
                                         limit=limit, offset=offset)

    @get("/{document_id:str}", operation_id="getDocument")
    async def get_document(self, document_id: FromPath[str], principal: NamedDependency[Principal],
                           catalogue: NamedDependency[CatalogueService]) -> DocumentRecord:
        """The catalogue record; 404 for a document above the caller's clearance."""
        return await catalogue.read(principal, document_id)

    @get("/{document_id:str}/permissions", operation_id="getDocumentPermissions")
    async def permissions(self, document_id: FromPath[str], principal: NamedDependency[Principal],
                          catalogue: NamedDependency[CatalogueService]
                          ) -> DocumentPermissions:
        """The record and what the caller may do with the document (read its text,
        download it), each with its reason when refused (``needs_grant``: a loan is the
        way; ``view_only``: read in the system only). The record is audited as its ``GET``
        is; the answers are questions, not reads, and are not. 404 for a document the
        caller may not see."""
        return await catalogue.permissions(principal, document_id)

    @post("/{document_id:str}/text-revisions", operation_id="recordTextRevision",
          guards=[allow(SERVICE_ROLE)], status_code=HTTP_200_OK)
    async def text_revision(self, document_id: FromPath[str], data: JSONBody[TextRevision],
                            catalogue: NamedDependency[CatalogueService]) -> DocumentRecord:
        """Ingest stored a new version of the page texts: the record's extraction summary
        follows it, and ``text_revised`` goes to the change feed for search."""
        return await catalogue.record_text_revision(document_id, data)

    @get("/{document_id:str}/history", operation_id="getDocumentHistory")
    async def history(self, document_id: FromPath[str], principal: NamedDependency[Principal],
                      catalogue: NamedDependency[CatalogueService]
                      ) -> list[DocumentVersion]:
        """Every version of the metadata with who, when, why and approver (D6)."""
        return await catalogue.history(principal, document_id)


class AccessController(Controller):
    path = "/access"
    tags = ("access",)

    @post("/decide", operation_id="decideAccess", status_code=HTTP_200_OK)
    async def decide(self, data: JSONBody[AccessRequest], principal: NamedDependency[Principal],
                     catalogue: NamedDependency[CatalogueService]) -> AccessAnswer:
        """May the caller (a user's forwarded token) do ``action``? Always 200: a refusal
        is an answer, audited here; the asking service enforces it."""
        return await catalogue.decide(principal, data.document_id, data.action,
                                     viewing=data.viewing,
                                     served_after_check=data.served_after_check)

    @post("/downloads", operation_id="recordDownload", guards=[allow(SERVICE_ROLE)],
          status_code=HTTP_204_NO_CONTENT)
    async def download(self, data: JSONBody[DownloadOutcome],
                       catalogue: NamedDependency[CatalogueService]) -> None:
        """Ingest reports a download allowed ``served_after_check``: served, or refused
        for a lost or altered original; it goes into the audit log (O4) as such."""
        await catalogue.record_download(data)

    @post("/visible", operation_id="listVisibleDocuments", status_code=HTTP_200_OK)
    async def visible(self, data: JSONBody[VisibilityQuestion],
                      principal: NamedDependency[Principal],
                      catalogue: NamedDependency[CatalogueService]) -> VisibleDocuments:
        """Which of these documents the caller may know exist: what the other services
        keep in their listings (ingest's jobs and fixity findings)."""
        return VisibleDocuments(document_ids=await catalogue.visible(
            principal, data.document_ids))

    @get("/filter", operation_id="getAccessFilter")
    async def access_filter(self, principal: NamedDependency[Principal],
                            catalogue: NamedDependency[CatalogueService]) -> AccessFilter:
        """What the caller may see and read, for search to filter inside its query."""
        return await catalogue.access_filter(principal)
