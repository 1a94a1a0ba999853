"""Filing (归档), reading and listing catalogue records, and access decisions on them.

Filing is idempotent by SHA-256: the same filing of the same bytes again returns the
existing record. A filing of bytes already filed never changes the record, so it never
lowers its security or clears its ``personal_info``: if its metadata differs it is
refused (409 ``filed_differently``, naming the fields; ingest fails the job with it),
and a user not cleared for the record learns only that these bytes are filed (409
``already_filed``), never its id, title or anything else. Bytes uploaded to ingest are
filed only by their upload's job, with the uploader's metadata: a user filing them
directly is refused (409 ``already_uploaded``), so a document still in OCR, or whose job
failed, cannot be filed first at a lower level. A document
filed to an unknown household creates it (building and floor parsed from the unit
code, no label, no occupant) so that digitising an old cabinet never stops on a file
that was not set up first; the archivist sets the occupant afterwards (D2).
A document belongs to the occupancy in force on its ``filed_at`` date, which starts its
retention clock at move-out once that occupancy closes (D3, R1); an occupancy entered
after the document moves it there (``services.registry.households.rules``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.catalogue import FILED, DocumentVersion
from services.common.contracts.corrections import correction_limit
from services.common.contracts.registry import (
    AccessAnswer,
    AccessFilter,
    Action,
    CorrectionLimit,
    DocumentFiled,
    DocumentPermissions,
    DocumentRecord,
    DownloadOutcome,
    HouseholdChanged,
    NewDocument,
    Registration,
    TextRevised,
    TextRevision,
    feed_document,
)
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.filing import FILERS, Filed, filed_as, filed_otherwise, filing_defaults
from services.common.models import (
    Category,
    checked_category,
    checked_household,
    checked_past_day,
    security_rank,
)
from services.registry.access import GrantSource, access_filter, can
from services.registry.catalogue.rules import (
    VIEWING_WINDOW,
    audited,
    awaits_scan,
    new_record,
)
from services.registry.journal.models import AuditEntry, DetailValue
from services.registry.journal.service import JournalService
from services.registry.store import RegistryStore, Tx


class Uploads(Protocol):
    """Ingest's uploads as the registry asks about them (``IngestClient`` implements it)."""

    async def uploaded(self, sha256: str) -> bool:
        """Whether ingest holds an upload (a job, in any state) of these bytes."""
        ...


class NoUploads:
    """Where no ingest service is reachable from the registry (the registry's own tests)."""

    async def uploaded(self, sha256: str) -> bool:
        return False


class CatalogueService:
    def __init__(self, store: RegistryStore, clock: Clock, *, grants: GrantSource,
                 journal: JournalService, uploads: Uploads) -> None:
        self.store = store
        self.clock = clock
        self.grants = grants
        self.journal = journal
        self.uploads = uploads

    async def register(self, principal: Principal, new: NewDocument) -> Registration:
        """File ``new`` (ingest's service token or an archivist); the same filing again
        returns the existing record with ``created`` false. What ``new`` leaves out is
        filed as its ``defaults`` say, or, without them (a direct filing), as
        ``filing_defaults`` gives them for its file name and today. A filing date after
        today is refused (422 ``date_in_future``): ingest refuses it at upload already,
        this is the line behind it and the direct filing's only one."""
        filed = filed_as(new, new.defaults or filing_defaults(
            filename=new.original_filename, today=self.clock.today()))
        filer = await self._filer(principal, new, filed)
        category = checked_category(new.category)
        household = checked_household(new.household, category)
        checked_past_day(filed.filed_at, "filed_at", today=self.clock.today())
        if not principal.is_service and await self.uploads.uploaded(new.sha256):
            await self.journal.refuse(principal, "filed", Conflict(
                "these bytes were uploaded to ingest; their upload's job files them with "
                "the uploader's metadata: follow that job instead", code="already_uploaded"))
        try:
            registration = await self._file(new, filed, category, household, filer)
        except Conflict as exc:
            if exc.code != "already_registered":
                raise
            # A concurrent filing of the same bytes won the race; its record is the answer.
            async with self.store.transaction() as tx:
                existing = await tx.documents.by_sha256(new.sha256)
            if existing is None:
                raise Conflict("the document could not be registered; try again",
                               code="registration_race") from exc
            registration = Registration(document=existing, created=False)
        if not registration.created:
            corrected = await self._check_refiling(principal, registration.document, new,
                                                   category, household)
            if principal.is_service and awaits_scan(registration.document) and new.pages:
                return Registration(document=await self._attach_scan(
                    registration.document.document_id, new, filer, corrected_since=corrected),
                    created=False)
        return registration

    async def _attach_scan(self, document_id: str, new: NewDocument, filer: str, *,
                           corrected_since: list[str]) -> DocumentRecord:
        """The original of a paper file catalogued before it was scanned was uploaded and
        read: the record takes its pages and the reading's summary (its pages needing a
        person join the review queue); nothing a person filed changes (its language
        neither: what OCR read is not their word), so no new version. The feed tells
        search to read its text (``TextRevised``, its first text version), once: a job
        filing it again finds the scan attached. ``corrected_since``: the fields the
        upload said as an earlier version of the record did (``_said_before``), which
        the audit entry names."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            record = await tx.documents.get(document_id, lock=True)
            if record is None:
                raise NotFound("no such document", code="unknown_document")
            if not awaits_scan(record):  # the same job's filing, retried, attached it
                return record
            record = msgspec.structs.replace(record, pages=new.pages,
                                             extraction=new.extraction, updated_at=now)
            await tx.documents.update(record)
            await tx.journal.emit(TextRevised(
                document=feed_document(record), text_version=1, engine=None,
                reason="original uploaded", revised_by=filer), at=now)
            detail: dict[str, DetailValue] = {"pages": new.pages}
            if corrected_since:
                detail["corrected_since"] = corrected_since
            await tx.journal.audit(AuditEntry(
                action="original_attached", username=filer, document_id=document_id,
                detail=detail), at=now)
        return record

    async def _check_refiling(self, principal: Principal, existing: DocumentRecord,
                              new: NewDocument, category: Category,
                              household: str | None) -> list[str]:
        """A filing of bytes already filed is answered with their record only if the
        caller may see it and the filing says nothing otherwise than the record
        (``filed_otherwise``, the rule ingest's uploads follow too), or, the scan of a
        record awaiting it, says otherwise only what an earlier version of the record
        said (``_said_before``): those fields are returned."""
        if not principal.is_service and not can(principal, "read", existing,
                                                await self.grants.grants_for(principal)
                                                ).allowed:
            await self.journal.refuse(principal, "filed", Conflict(
                "these bytes are already filed, as a document you may not see; ask an "
                "archivist cleared for it", code="already_filed"), code="not_visible")
        filing = msgspec.structs.replace(new, category=category, household=household)
        differing = filed_otherwise(filing, existing)
        if not differing:
            return []
        if principal.is_service and awaits_scan(existing) and new.pages \
                and await self._said_before(existing, filing, differing):
            return differing
        await self.journal.refuse(principal, "filed", Conflict(
            f"these bytes are already filed, with a different {', '.join(differing)}; "
            "filing them again changes nothing: correct the record instead (its "
            "household too: a manager approves that move, D11; lowering its "
            "protection needs a director's or centre head's approval, D10)",
            code="filed_differently", extra={"fields": differing,
                                             "document_id": existing.document_id,
                                             "archive_no": existing.archive_no}),
            document_id=existing.document_id)

    async def _said_before(self, record: DocumentRecord, filing: NewDocument,
                           fields: list[str]) -> bool:
        """Whether a version of ``record`` said of ``fields`` what ``filing`` says: the
        scan of a paper file catalogued before it was uploaded saying what the record
        then said, and a correction since (D6, D11: its versions keep who, when, why)
        changed the record. The bytes are the record's (its SHA-256), so the scan is
        attached to the record as corrected; a value no version held is never guessed
        at, and the filing is refused."""
        async with self.store.snapshot() as tx:
            versions = await tx.documents.versions(record.document_id)
        said = {name: msgspec.to_builtins(getattr(filing, name)) for name in fields}
        return any(all(version.metadata.get(name) == value for name, value in said.items())
                   for version in versions)

    async def _filer(self, principal: Principal, new: NewDocument, filed: Filed) -> str:
        if principal.is_service:
            return new.filed_by or principal.username
        if not principal.has_role(*FILERS):
            await self.journal.refuse(principal, "filed", Forbidden(
                "documents are filed by an archivist or through ingest", code="role_required"))
        if security_rank(filed.security) > security_rank(principal.clearance):
            await self.journal.refuse(principal, "filed", Forbidden(
                f"you may not file a {filed.security} document above your clearance",
                code="above_clearance"))
        return principal.username

    async def _file(self, new: NewDocument, filed: Filed, category: Category,
                    household: str | None, filer: str) -> Registration:
        now = self.clock.now()
        async with self.store.transaction() as tx:
            existing = await tx.documents.by_sha256(new.sha256)
            if existing is not None:
                return Registration(document=existing, created=False)
            rules = await tx.schedule.rules(lock="share")
            occupancy = None
            if household is not None:
                await file_to_household(tx, household, by=filer, at=now)
                occupancy = await tx.households.occupancy_on(household, filed.filed_at)
            number = await tx.documents.next_archive_no(filed.filed_at.year, category,
                                                        household)
            record = new_record(new, filed, category, household, occupancy, filer, now,
                                number=number, rules=rules)
            await tx.documents.insert(record)
            await tx.documents.add_version(record, changes={}, changed_by=filer, changed_at=now,
                                           reason=FILED)
            await tx.journal.emit(DocumentFiled(document=feed_document(record)), at=now)
            await tx.journal.audit(AuditEntry(
                action="filed", username=filer, document_id=record.document_id,
                detail={"archive_no": record.archive_no, "sha256": record.sha256}), at=now)
        return Registration(document=record, created=True)

    async def record_text_revision(self, document_id: str, revision: TextRevision
                                   ) -> DocumentRecord:
        """A new version of the document's page texts (D6: the original is untouched);
        audited (O4) and sent to search through the feed. ``NotFound`` for no such
        document, ``Conflict(destroyed)`` for a destroyed one."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            record = await tx.documents.get(document_id, lock=True)
            if record is None:
                raise NotFound("no such document", code="unknown_document")
            if record.status == "destroyed":
                raise Conflict(f"{record.archive_no} was destroyed; its text is gone",
                               code="destroyed")
            record = msgspec.structs.replace(
                record, language=revision.language or record.language,
                extraction=revision.extraction or record.extraction, updated_at=now)
            await tx.documents.update(record)
            await tx.journal.emit(TextRevised(document=feed_document(record),
                                              text_version=revision.text_version,
                                              engine=revision.engine, reason=revision.reason,
                                              revised_by=revision.revised_by), at=now)
            await tx.journal.audit(AuditEntry(
                action="text_revised", username=revision.revised_by,
                document_id=document_id,
                detail={"text_version": revision.text_version,
                        "engine": revision.engine or "person", "reason": revision.reason}),
                at=now)
        return record

    async def read(self, principal: Principal, document_id: str) -> DocumentRecord:
        """The catalogue record; reads of restricted documents are audited (O4)."""
        answer = await self.decide(principal, document_id, "read")
        if not answer.allowed or answer.document is None:
            raise answer.error()
        return answer.document

    async def permissions(self, principal: Principal, document_id: str
                          ) -> DocumentPermissions:
        """The record and what the caller may do with the document, asked before offering
        it: the record is read as ``read`` reads it (audited for restricted documents);
        the other answers are questions, not accesses, and are not audited."""
        record = await self.read(principal, document_id)
        grants = await self.grants.grants_for(principal)
        limit = None
        if can(principal, "correct", record, grants).allowed:
            async with self.store.snapshot() as tx:
                limit = await correction_limit_of(tx, record)
        return DocumentPermissions(document=record,
                                   read_text=can(principal, "read_text", record, grants),
                                   download=can(principal, "download", record, grants),
                                   correction_limit=limit)

    async def decide(self, principal: Principal, document_id: str, action: Action, *,
                     viewing: bool = False, served_after_check: bool = False
                     ) -> AccessAnswer:
        """``can()`` on the stored record, audited: refusals always, and a user's content
        reads and downloads, and reads of confidential or personal records; a content
        read that is part of a viewing (``viewing``) joins the same person's read of the
        document within ``VIEWING_WINDOW``; a download allowed ``served_after_check`` is
        audited by ``record_download`` instead."""
        grants = await self.grants.grants_for(principal)
        now = self.clock.now()
        # Read in a snapshot, never queued behind the write lock (SQLite's BEGIN
        # IMMEDIATE waits for every filing's commit): most reads record nothing.
        async with self.store.snapshot() as tx:
            record = await tx.documents.get(document_id)
        decision = can(principal, action, record, grants)
        if (decision.allowed and record is not None and audited(principal, action, record)
                and not (served_after_check and action == "download")):
            async with self.store.transaction() as tx:
                if not (viewing and action == "read_text"
                        and await tx.journal.allowed_since(
                            username=principal.username, document_id=document_id,
                            action=action, since=now - VIEWING_WINDOW)):
                    await tx.journal.audit(AuditEntry(
                        action=action, username=principal.username,
                        document_id=document_id,
                        detail={"view_only": decision.view_only}), at=now)
        if not decision.allowed:
            await self.journal.refused(
                principal, action, decision.error(), document_id=document_id,
                code="unknown_document" if record is None else decision.code)
        return AccessAnswer(allowed=decision.allowed, code=decision.code,
                            reason=decision.reason, view_only=decision.view_only,
                            document=None if decision.code == "not_visible" else record)

    async def record_download(self, outcome: DownloadOutcome) -> None:
        """O4: a download allowed ``served_after_check``, as it ended: served (allowed),
        or refused because the original is lost or altered (the code and why)."""
        if outcome.refused is None:
            entry = AuditEntry(action="download", username=outcome.username,
                               document_id=outcome.document_id, detail={"view_only": False})
        else:
            entry = AuditEntry(action="download", username=outcome.username,
                               document_id=outcome.document_id, outcome="refused",
                               code=outcome.refused, detail={"reason": outcome.reason})
        await self.journal.record(entry)

    async def list_file(self, principal: Principal, *, household: str | None, limit: int,
                        offset: int, readable: bool = False) -> list[DocumentRecord]:
        """A household's file (every document if ``household`` is None), newest first
        (D4), leaving out what the caller may not know exists, and when ``readable``,
        what they may not read the text of."""
        access = await self.access_filter(principal)
        async with self.store.snapshot() as tx:
            return await tx.documents.newest_first(household=household, access=access,
                                                   readable=readable,
                                                   limit=limit, offset=offset)

    async def review_queue(self, principal: Principal, *, limit: int, offset: int
                           ) -> list[DocumentRecord]:
        """Documents with pages whose reading needs a person, the earliest registered
        first, leaving out those whose text the caller may not read (a confidential or
        personal document without a loan, 借阅: B2, B8): a page is corrected by reading
        it, so the queue and its count hold only what the person can correct."""
        access = await self.access_filter(principal)
        async with self.store.snapshot() as tx:
            return await tx.documents.needing_review(access=access, limit=limit,
                                                     offset=offset)

    async def access_filter(self, principal: Principal) -> AccessFilter:
        return access_filter(principal, await self.grants.grants_for(principal))

    async def visible(self, principal: Principal, document_ids: list[str]) -> list[str]:
        """Those of ``document_ids`` the caller may know exist, in the order given (for
        the other services' listings, e.g. ingest's jobs)."""
        access = await self.access_filter(principal)
        async with self.store.snapshot() as tx:
            found = await tx.documents.visible(document_ids, access)
        return [document_id for document_id in dict.fromkeys(document_ids)
                if document_id in found]

    async def history(self, principal: Principal, document_id: str) -> list[DocumentVersion]:
        """Every version of the record's metadata, oldest first, to whoever may read the
        record (D6)."""
        grants = await self.grants.grants_for(principal)
        async with self.store.snapshot() as tx:
            record = await tx.documents.get(document_id)
            decision = can(principal, "read", record, grants)
            if decision.allowed:
                return await tx.documents.versions(document_id)
        await self.journal.refuse(principal, "read_history", decision.error(),
                                  document_id=document_id, code=decision.code)


async def correction_limit_of(tx: Tx, record: DocumentRecord
                              ) -> CorrectionLimit | None:
    """What a correction of ``record`` may not change now (``correction_limit``), with the
    destruction register not yet executed that lists it (its item ``pending``), if any,
    and whether a legal hold covers it."""
    registers = await tx.registers.pending_in([record.document_id])
    held = await tx.holds.held([record.document_id])
    return correction_limit(record, register=registers.get(record.document_id),
                            held=record.document_id in held)


async def file_to_household(tx: Tx, household: str, *, by: str, at: datetime) -> None:
    """Hold the row of the household a document is filed to, or moved to by a correction
    (D11), until the transaction ends; one not there yet is made first (D1: building and
    floor from the unit code, no label, no occupant, not registered), announced and
    audited as ``by``'s."""
    if await tx.households.lock(household):
        return
    if await tx.households.insert(household, label=None, registered=False, at=at):
        await tx.journal.emit(HouseholdChanged(household=household, change="created",
                                               label=None), at=at)
        await tx.journal.audit(AuditEntry(action="household_created", username=by,
                                          detail={"household": household}), at=at)
    await tx.households.lock(household)
