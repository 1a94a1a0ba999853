"""Persistence of catalogue records and their versions, inside a registry transaction:
``tx.documents``.

Besides filing and correction, it offers what the retention features need: documents by
``disposal_due``, a new due date after appraisal, the destroyed mark; and what the
fixity check reads: every archive number and counter, records by id. Versions are only
ever inserted: version 1 is the filing, each change of the metadata adds the next, with
who, when, why and the approver (D6).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.common.contracts.catalogue import DocumentVersion, SystemReason
from services.common.contracts.registry import (
    HELD_STATUS,
    RETAINED_STATUSES,
    AccessFilter,
    DocumentRecord,
    DocumentStatus,
    FixityEntry,
)
from services.common.db import struct_of
from services.common.errors import Conflict, NotFound
from services.common.models import Category
from services.registry.catalogue.rules import COMPANY, archive_no, metadata_of, series
from services.registry.catalogue.tables import archive_counters, document_versions, documents
from services.registry.schedule.rules import RetentionRules
from services.registry.schema import Repository, chunks, dialect_insert

NEWEST_FIRST = (documents.c.filed_at.desc(), documents.c.registered_at.desc(),
                documents.c.document_id.desc())
OLDEST_FIRST = (documents.c.registered_at, documents.c.document_id)
STREAMED_ROWS = 5000
"""Rows fetched at a time when a read walks the whole catalogue."""


def visible_to(access: AccessFilter) -> sa.ColumnElement[bool]:
    """The access filter as SQL over ``documents``: what its caller may know exists (the
    same rule as ``can``'s ``list``; one place for every listing that filters in SQL)."""
    if access.unrestricted:
        return sa.true()
    return sa.or_(documents.c.security.in_(access.visible_levels),
                  documents.c.document_id.in_(access.granted))


def text_readable_by(access: AccessFilter) -> sa.ColumnElement[bool]:
    """The access filter as SQL over ``documents``: whose text its caller may read (the
    same rule as ``can``'s ``read_text`` on an active document: visible, and ordinary
    without personal information, or granted by a loan, B2/B8)."""
    if access.unrestricted:
        return sa.true()
    return sa.and_(visible_to(access), sa.or_(
        sa.and_(documents.c.security.in_(access.readable_levels),
                sa.not_(documents.c.personal_info)),
        documents.c.document_id.in_(access.granted)))


class DocumentsRepository(Repository):
    async def get(self, document_id: str, *, lock: bool = False) -> DocumentRecord | None:
        query = sa.select(documents).where(documents.c.document_id == document_id)
        row = await self.first_row(query, lock=lock)
        return None if row is None else record_of(row)

    async def by_sha256(self, sha256: str) -> DocumentRecord | None:
        row = await self.first_row(sa.select(documents).where(documents.c.sha256 == sha256))
        return None if row is None else record_of(row)

    async def next_archive_no(self, year: int, category: str, household: str | None) -> str:
        """The next archive number of (year, category, household), for a filing or a
        renumbering correction (D11); the counter row stays locked until the transaction
        ends (D8: no gaps, no duplicates)."""
        statement = dialect_insert(self.conn, archive_counters).values(
            year=year, category=category, household=household or COMPANY, last_no=1)
        statement = statement.on_conflict_do_update(
            index_elements=["year", "category", "household"],
            set_={"last_no": archive_counters.c.last_no + 1},
        ).returning(archive_counters.c.last_no)
        number = int((await self.conn.execute(statement)).scalar_one())
        return archive_no(year, category, household, number)

    async def insert(self, record: DocumentRecord) -> None:
        """Raises ``Conflict`` (``already_registered``) if the bytes were filed meanwhile."""
        try:
            await self.conn.execute(documents.insert().values(**_row_of(record)))
        except IntegrityError as exc:
            raise Conflict(f"a document with sha256 {record.sha256} is already registered",
                           code="already_registered") from exc

    async def update(self, record: DocumentRecord) -> None:
        """Write the current version of ``record`` (its history is kept by the caller)."""
        values = _row_of(record)
        for fixed in ("document_id", "sha256", "registered_at", "filed_by"):
            values.pop(fixed)
        await self.conn.execute(documents.update()
                                .where(documents.c.document_id == record.document_id)
                                .values(**values))

    async def add_version(self, record: DocumentRecord, *, changes: dict[str, list[object]],
                          changed_by: str, changed_at: datetime, reason: str | SystemReason,
                          approved_by: str | None = None, correction_id: str | None = None
                          ) -> None:
        """``reason``: a person's words, or the registry's own (its code and values kept,
        for the pages to say in the reader's language)."""
        system = reason if isinstance(reason, SystemReason) else None
        await self.conn.execute(document_versions.insert().values(
            document_id=record.document_id, version=record.version,
            metadata=metadata_of(record), changes=msgspec.to_builtins(changes),
            changed_by=changed_by, changed_at=changed_at,
            reason=system.sentence if system else reason,
            reason_code=system.code if system else None,
            reason_values=system.values if system else None,
            approved_by=approved_by, correction_id=correction_id,
        ))

    async def versions(self, document_id: str) -> list[DocumentVersion]:
        rows = (await self.conn.execute(
            sa.select(document_versions).where(document_versions.c.document_id == document_id)
            .order_by(document_versions.c.version)
        )).mappings()
        return [DocumentVersion(
            version=row["version"], metadata=row["metadata"], changes=row["changes"],
            changed_by=row["changed_by"], changed_at=row["changed_at"], reason=row["reason"],
            approved_by=row["approved_by"], correction_id=row["correction_id"],
            reason_code=row["reason_code"], reason_values=row["reason_values"] or {},
        ) for row in rows]

    async def newest_first(self, *, household: str | None, access: AccessFilter, limit: int,
                           offset: int, readable: bool = False) -> list[DocumentRecord]:
        """A household's file (or every document), newest first (D4), as far as visible,
        or as far as the text is readable (``readable``)."""
        query = sa.select(documents)
        if household is not None:
            query = query.where(documents.c.household == household)
        query = query.where(text_readable_by(access) if readable else visible_to(access))
        rows = (await self.conn.execute(query.order_by(*NEWEST_FIRST).limit(limit)
                                        .offset(offset))).mappings()
        return [record_of(row) for row in rows]

    async def needing_review(self, *, access: AccessFilter, limit: int, offset: int
                             ) -> list[DocumentRecord]:
        """Active documents with pages whose reading needs a person, the earliest
        registered first, as far as their text is readable (the review queue: a page is
        corrected by reading it)."""
        query = sa.select(documents).where(
            documents.c.review_pages > 0, documents.c.status == HELD_STATUS,
            text_readable_by(access))
        rows = (await self.conn.execute(query.order_by(*OLDEST_FIRST).limit(limit)
                                        .offset(offset))).mappings()
        return [record_of(row) for row in rows]

    async def retained_of(self, household: str) -> list[DocumentRecord]:
        """The household's documents the archive keeps (``RETAINED_STATUSES``), newest
        first (D4), their rows held until the transaction ends (a destruction settling one
        of them waits, and sees the change)."""
        rows = (await self.conn.execute(
            sa.select(documents).where(documents.c.household == household,
                                       documents.c.status.in_(RETAINED_STATUSES))
            .order_by(*NEWEST_FIRST).with_for_update())).mappings()
        return [record_of(row) for row in rows]

    async def recompute_disposal(self, categories: list[Category], rules: RetentionRules,
                                 *, before: RetentionRules, at: datetime) -> int:
        """R1: after a schedule change, class and due date of the documents of
        ``categories`` the archive keeps (active or transferred out) whose class and due
        date are still the schedule's (``before``); a class or due date the appraisers set
        (R3: kept longer, permanent, or to be appraised again) stands, as it does when a
        move-out restarts a document's clock. One statement per distinct start date,
        computed here so both engines count years the same way; the number changed."""
        changed = 0
        for category in categories:
            groups = (await self.conn.execute(
                sa.select(documents.c.retention_start, documents.c.retention_class,
                          documents.c.disposal_due, sa.func.count())
                .where(documents.c.category == category,
                       documents.c.status.in_(RETAINED_STATUSES))
                .group_by(documents.c.retention_start, documents.c.retention_class,
                          documents.c.disposal_due)
            )).all()
            scheduled = [(start, due, int(count)) for start, kind, due, count in groups
                         if kind == before.class_of(category)
                         and due == before.disposal_due(category, start)]
            if not scheduled:
                continue
            # One statement run for many start dates (executemany) cannot expand an IN
            # list, so the kept statuses are spelled as plain comparisons.
            kept = sa.or_(*(documents.c.status == status for status in RETAINED_STATUSES))
            await self.conn.execute(
                documents.update().where(
                    documents.c.category == category, kept,
                    documents.c.retention_class == before.class_of(category),
                    documents.c.retention_start == sa.bindparam("b_start"),
                    documents.c.disposal_due.is_not_distinct_from(sa.bindparam("b_was")))
                .values(retention_class=rules.class_of(category),
                        disposal_due=sa.bindparam("b_due"), updated_at=at),
                [{"b_start": start, "b_was": due,
                  "b_due": rules.disposal_due(category, start)}
                 for start, due, _ in scheduled],
            )
            changed += sum(count for _, _, count in scheduled)
        return changed

    async def mark_destroyed(self, document_id: str, *, at: datetime) -> DocumentRecord:
        """R6: the record stays, marked destroyed; the caller appends ``DocumentDestroyed``."""
        return await self._mark(document_id, "destroyed", at=at)

    async def mark_transferred(self, document_id: str, *, at: datetime) -> DocumentRecord:
        """The record stays, marked transferred out (移出); the caller appends
        ``DocumentTransferred``."""
        return await self._mark(document_id, "transferred", at=at)

    async def _mark(self, document_id: str, status: DocumentStatus, *, at: datetime
                    ) -> DocumentRecord:
        await self.conn.execute(documents.update()
                                .where(documents.c.document_id == document_id)
                                .values(status=status, updated_at=at))
        record = await self.get(document_id)
        if record is None:
            raise NotFound(f"no document {document_id}", code="unknown_document")
        return record

    async def of_households(self, households: Collection[str]) -> list[DocumentRecord]:
        """Every record of ``households`` (any status), each household's newest first
        (D4), households in the order given."""
        found: list[DocumentRecord] = []
        for household in dict.fromkeys(households):
            rows = (await self.conn.execute(
                sa.select(documents).where(documents.c.household == household)
                .order_by(*NEWEST_FIRST))).mappings()
            found.extend(record_of(row) for row in rows)
        return found

    async def named(self, typed: Collection[str]) -> dict[str, str]:
        """Each of ``typed`` that names a document, by its id, its archive number or a
        number it held before a correction renumbered it (档号, 原档号, D11: never given
        again, so each names one document), in any case, as staff copy it from a folder;
        with the document's id. Whoever asks decides who may know of it."""
        found: dict[str, str] = {}
        for chunk in chunks(typed):
            lowered = [text.lower() for text in chunk]
            rows = await self.conn.execute(
                sa.select(documents.c.document_id, documents.c.archive_no).where(sa.or_(
                    documents.c.document_id.in_(chunk),
                    sa.func.lower(documents.c.archive_no).in_(lowered))))
            by_id, by_number = {}, {}
            for row in rows:
                by_id[row.document_id] = row.document_id
                by_number[row.archive_no.lower()] = row.document_id
            found.update((text, document_id) for text in chunk
                         if (document_id := by_id.get(text) or by_number.get(text.lower())))
        for text in typed:
            if text not in found and (document_id := await self._formerly(text)):
                found[text] = document_id
        return found

    async def _formerly(self, number: str) -> str | None:
        """The document that held ``number`` before a renumbering, if one did. The JSON
        list is matched as text on both engines (a number is ASCII, quoted in it), then
        the candidates' lists are read to compare whole numbers."""
        escaped = number.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = await self.conn.execute(
            sa.select(documents.c.document_id, documents.c.former_archive_nos).where(
                sa.func.lower(sa.cast(documents.c.former_archive_nos, sa.Text))
                .like(f'%"{escaped}"%', escape="\\")))
        for document_id, former in rows:
            if number.lower() in (earlier.lower() for earlier in former or ()):
                return str(document_id)
        return None

    async def archive_numbers(self) -> AsyncIterator[str]:
        """Every archive number given, streamed in batches: each record's, destroyed ones
        included, and those it held before a renumbering (D11)."""
        result = await self.conn.stream(
            sa.select(documents.c.archive_no, documents.c.former_archive_nos)
            .execution_options(yield_per=STREAMED_ROWS))
        async for number, former in result:
            yield number
            for earlier in former or ():
                yield earlier

    async def counters(self) -> dict[str, int]:
        """The last number given in each series (a row per series: fewer than the records)."""
        rows = await self.conn.execute(sa.select(archive_counters))
        return {series(row.year, row.category, row.household): row.last_no for row in rows}

    async def visible(self, document_ids: list[str], access: AccessFilter) -> set[str]:
        """Those of ``document_ids`` that exist and that ``access`` lets its caller see."""
        found: set[str] = set()
        for start in range(0, len(document_ids), STREAMED_ROWS):
            chunk = document_ids[start:start + STREAMED_ROWS]
            rows = await self.conn.execute(sa.select(documents.c.document_id).where(
                documents.c.document_id.in_(chunk), visible_to(access)))
            found.update(row.document_id for row in rows)
        return found

    def households_seen(self, access: AccessFilter) -> sa.Select[Any] | None:
        """The unit codes of the documents ``access`` lets its caller know exist, as a
        subquery for the households' listings (``households.repository.shown_to``);
        None when it lets them know of every document."""
        if access.unrestricted:
            return None
        return sa.select(documents.c.household).where(
            documents.c.household.is_not(None), visible_to(access))

    async def titles(self, document_ids: list[str]) -> dict[str, str | None]:
        """The titles of those of ``document_ids`` that exist (for listings)."""
        found: dict[str, str | None] = {}
        for start in range(0, len(document_ids), STREAMED_ROWS):
            chunk = document_ids[start:start + STREAMED_ROWS]
            rows = await self.conn.execute(sa.select(documents.c.document_id, documents.c.title)
                                           .where(documents.c.document_id.in_(chunk)))
            found.update({row.document_id: row.title for row in rows})
        return found

    async def archive_nos(self, document_ids: list[str]) -> dict[str, str]:
        """The archive numbers (档号) of those of ``document_ids`` that exist."""
        found: dict[str, str] = {}
        for start in range(0, len(document_ids), STREAMED_ROWS):
            chunk = document_ids[start:start + STREAMED_ROWS]
            rows = await self.conn.execute(
                sa.select(documents.c.document_id, documents.c.archive_no)
                .where(documents.c.document_id.in_(chunk)))
            found.update({row.document_id: row.archive_no for row in rows})
        return found

    async def without_pages(self) -> list[DocumentRecord]:
        """The records not destroyed that have no pages (most have some: few rows)."""
        rows = await self.conn.execute(sa.select(documents).where(
            documents.c.pages == 0, documents.c.status != "destroyed"))
        return [record_of(row) for row in rows.mappings()]

    async def fixity_entries(self, *, after: str | None, limit: int,
                             access: AccessFilter) -> list[FixityEntry]:
        """Records, destroyed ones included, with ``document_id > after``, in id order,
        as far as ``access`` lets its caller see them."""
        query = sa.select(*(documents.c[name] for name in FixityEntry.__struct_fields__)
                          ).where(visible_to(access))
        if after is not None:
            query = query.where(documents.c.document_id > after)
        rows = (await self.conn.execute(query.order_by(documents.c.document_id).limit(limit))
                ).mappings()
        return [struct_of(row, FixityEntry) for row in rows]


def record_of(row: Any) -> DocumentRecord:
    values = dict(row)
    values.pop("review_pages", None)
    return struct_of(values, DocumentRecord)


def _row_of(record: DocumentRecord) -> dict[str, Any]:
    values: dict[str, Any] = msgspec.structs.asdict(record)
    values["location"] = msgspec.to_builtins(record.location)
    values["extraction"] = msgspec.to_builtins(record.extraction)
    values["review_pages"] = review_pages(record)
    return values


def review_pages(record: DocumentRecord) -> int:
    """How many pages of the record's current text need a person."""
    return len(record.extraction.pages_needing_review) if record.extraction else 0
