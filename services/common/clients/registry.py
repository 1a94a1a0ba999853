"""The registry's client, used by ingest and search: the calls of its wire contract
(``services.common.contracts.registry``), and the verifier that asks it whether a user's
token still holds."""

from __future__ import annotations

import time

from services.common.auth import VERIFIED_FOR_S, Principal, RecentlyVerified
from services.common.clients import ServiceClient, decode_reply, segment
from services.common.contracts.registry import (
    MAX_VISIBILITY_IDS,
    AccessAnswer,
    AccessFilter,
    AccessRequest,
    Action,
    AwaitingScan,
    DocumentPermissions,
    DocumentRecord,
    DownloadOutcome,
    FeedPage,
    FixityPage,
    FixityResult,
    NewDocument,
    NumberingReport,
    Registration,
    TextRevision,
    VisibilityQuestion,
    VisibleDocuments,
)
from services.common.errors import Unauthorized


class RegistryClient(ServiceClient):
    async def whoami(self, token: str) -> Principal:
        return await self.call("GET", "/registry/auth/whoami", Principal, token=token)

    async def register_document(self, new: NewDocument) -> Registration:
        """File a document (idempotent by ``sha256``), with the service token."""
        response = await self.request("POST", "/registry/documents", json=new)
        record = decode_reply(response.content, DocumentRecord)
        return Registration(document=record, created=response.status_code == 201)

    async def record_text_revision(self, document_id: str, revision: TextRevision
                                   ) -> DocumentRecord:
        """Record a new version of the document's page texts, with the service token; the
        registry appends ``text_revised`` to the change feed."""
        return await self.call("POST", f"/registry/documents/{segment(document_id)}/text-revisions",
                               DocumentRecord, json=revision)

    async def get_document(self, document_id: str, *, token: str | None = None
                           ) -> DocumentRecord:
        """The catalogue record; ``NotFound`` if missing or invisible to ``token``'s user."""
        return await self.call("GET", f"/registry/documents/{segment(document_id)}", DocumentRecord,
                               token=token)

    async def authorize(self, user_token: str, document_id: str, action: Action, *,
                        viewing: bool = False, served_after_check: bool = False
                        ) -> AccessAnswer:
        """Ask whether the token's user may do ``action``; the registry audits the answer
        (``viewing``: part of a viewing in the staff pages; ``served_after_check``: an
        allowed download is audited by ``record_download``; see ``AccessRequest``).

        Never raises for a refusal: ``answer.allowed_document()`` turns one into its error.
        """
        return await self.call("POST", "/registry/access/decide", AccessAnswer,
                               token=user_token,
                               json=AccessRequest(document_id=document_id, action=action,
                                                  viewing=viewing,
                                                  served_after_check=served_after_check))

    async def permissions(self, token: str, document_id: str) -> DocumentPermissions:
        """The record and what the token's user may do with it: questions, not reads, so
        not audited (the record is, as its ``GET`` is)."""
        return await self.call("GET", f"/registry/documents/{segment(document_id)}/permissions",
                               DocumentPermissions, token=token)

    async def record_download(self, outcome: DownloadOutcome) -> None:
        """Put what became of a download allowed ``served_after_check`` in the audit log,
        with the service token."""
        await self.request("POST", "/registry/access/downloads", json=outcome)

    async def visible(self, user_token: str, document_ids: list[str]) -> set[str]:
        """Those of ``document_ids`` the token's user may know exist (not audited: a
        listing, not a read)."""
        visible: set[str] = set()
        for start in range(0, len(document_ids), MAX_VISIBILITY_IDS):
            answer = await self.call(
                "POST", "/registry/access/visible", VisibleDocuments, token=user_token,
                json=VisibilityQuestion(
                    document_ids=document_ids[start:start + MAX_VISIBILITY_IDS]))
            visible.update(answer.document_ids)
        return visible

    async def access_filter(self, user_token: str) -> AccessFilter:
        return await self.call("GET", "/registry/access/filter", AccessFilter,
                               token=user_token)

    async def changes(self, after: int, *, limit: int = 500) -> FeedPage:
        return await self.call("GET", "/registry/changes", FeedPage,
                               params={"after": after, "limit": limit})

    async def fixity_numbers(self) -> NumberingReport:
        """Check every archive number for gaps, duplicates and counter mismatches (D8)."""
        return await self.call("GET", "/registry/fixity/numbers", NumberingReport)

    async def record_fixity(self, result: FixityResult) -> None:
        """Put a finished fixity run's outcome in the audit log, with the service token."""
        await self.request("POST", "/registry/fixity/results", json=result)

    async def awaiting_scan(self) -> list[str]:
        """The originals (SHA-256) of the records catalogued before their scan and still
        without it, with the service token."""
        return (await self.call("GET", "/registry/fixity/awaiting-scan", AwaitingScan)).sha256s

    async def fixity_documents(self, after: str | None, *, limit: int = 500) -> FixityPage:
        """The catalogue records after ``after`` (None: from the first) by ``document_id``."""
        params: dict[str, str | int] = {"limit": limit}
        if after is not None:
            params["after"] = after
        return await self.call("GET", "/registry/fixity/documents", FixityPage,
                               params=params)


class RegistryVerifier:
    """Checks a user is still active by asking the registry; answers cached for a few seconds."""

    def __init__(self, client: RegistryClient, *, cache_s: float = VERIFIED_FOR_S) -> None:
        self.client = client
        self._verified = RecentlyVerified(cache_s)

    async def verify(self, principal: Principal, token: str) -> None:
        if token in self._verified:
            return
        checked_at = time.monotonic()
        whoami = await self.client.whoami(token)
        if whoami.username != principal.username:
            raise Unauthorized("the token is not valid", code="invalid_token")
        self._verified.add(token, checked_at=checked_at)


async def check_registry_address(url: str) -> str | None:
    """``check_address`` of the registry at ``url`` (``ARCHIVE_REGISTRY_URL``), asked
    at start by what needs it: a warning, or None when it answers there."""
    registry = RegistryClient(url, name="registry", service_token=_unasked)
    try:
        return await registry.check_address("ARCHIVE_REGISTRY_URL")
    finally:
        await registry.close()


def _unasked() -> str:
    raise AssertionError("a registry's /ready needs no token")
