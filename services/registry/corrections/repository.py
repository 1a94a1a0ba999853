"""Persistence of corrections (D6), inside a registry transaction: ``tx.corrections``."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import sqlalchemy as sa

from services.common.contracts.registry import AccessFilter
from services.common.db import struct_of
from services.common.errors import Conflict
from services.registry.catalogue.repository import visible_to
from services.registry.catalogue.tables import documents
from services.registry.corrections.models import Correction, CorrectionFilters
from services.registry.corrections.tables import corrections
from services.registry.households.repository import Seen, shown_to
from services.registry.households.tables import households, occupancies
from services.registry.schema import Repository


@dataclass(frozen=True)
class Listing:
    """Which corrections a list asks for, as far as its caller sees them: those of the
    documents ``access`` lets them know exist (``can``'s ``list``), and those of the
    occupancies of the households shown to a caller who sees ``seen`` (D12,
    ``households.service.seen_by``)."""

    access: AccessFilter
    seen: Seen | None
    wanted: CorrectionFilters


class CorrectionsRepository(Repository):
    async def save(self, correction: Correction) -> None:
        """Insert ``correction``, or write its decision if it is already stored."""
        # What a list adds (the document now, its approvers) is not stored.
        values = {name: value for name, value in msgspec.structs.asdict(correction).items()
                  if name in corrections.c}
        stored = await self.conn.execute(
            corrections.update()
            .where(corrections.c.correction_id == correction.correction_id)
            .values(status=correction.status, decided_by=correction.decided_by,
                    decided_at=correction.decided_at, note=correction.note,
                    version=correction.version)
        )
        if not stored.rowcount:
            await self.conn.execute(corrections.insert().values(**values))

    async def refuse_same_pending(self, correction: Correction) -> None:
        """409 ``correction_pending``, naming it, if a correction of the same document
        (asking of the same version) or of the same occupancy as ``correction`` asks the
        same ``changes`` and still waits: the same correction asked again (a double click
        on 提交, a retry, a colleague asking the same at once) is decided once. The caller
        holds the document's row locked; an occupancy's row is locked here, so two of them
        sent at once find each other."""
        if correction.occupancy_id is not None:
            await self.first_row(sa.select(occupancies.c.occupancy_id).where(
                occupancies.c.occupancy_id == correction.occupancy_id), lock=True)
            same = corrections.c.occupancy_id == correction.occupancy_id
        else:
            same = sa.and_(corrections.c.document_id == correction.document_id,
                           corrections.c.base_version == correction.base_version)
        rows = (await self.conn.execute(sa.select(corrections).where(
            same, corrections.c.status == "pending"))).mappings()
        for row in rows:
            if struct_of(row, Correction).changes == correction.changes:
                raise Conflict("the same correction is already waiting for approval "
                               f"({row['correction_id']})", code="correction_pending",
                               extra={"correction_id": str(row["correction_id"])})

    async def get(self, correction_id: str, *, lock: bool = False) -> Correction | None:
        query = sa.select(corrections).where(corrections.c.correction_id == correction_id)
        row = await self.first_row(query, lock=lock)
        return None if row is None else struct_of(row, Correction)

    async def list(self, listing: Listing, *, newest_first: bool = False, limit: int,
                   offset: int = 0) -> list[Correction]:
        """Oldest first (a queue), or ``newest_first`` (someone's own, latest on top);
        ``offset`` and ``limit`` count the corrections the caller sees, so the pages of a
        list neither skip nor repeat one."""
        order = (corrections.c.requested_at, corrections.c.correction_id)
        rows = (await self.conn.execute(
            sa.select(corrections).where(*_listed(listing))
            .order_by(*(column.desc() for column in order) if newest_first else order)
            .limit(limit).offset(offset))).mappings()
        return [struct_of(row, Correction) for row in rows]

    async def count(self, listing: Listing) -> int:
        """How many corrections ``list`` finds for ``listing`` on all its pages."""
        found = await self.conn.execute(
            sa.select(sa.func.count()).select_from(corrections).where(*_listed(listing)))
        return int(found.scalar_one())


def _listed(listing: Listing) -> list[sa.ColumnElement[bool]]:
    """``listing`` as SQL over ``corrections``: the visibility checked inside the query,
    not a document at a time."""
    conditions = [sa.or_(
        corrections.c.document_id.in_(
            sa.select(documents.c.document_id).where(visible_to(listing.access))),
        corrections.c.occupancy_id.in_(
            sa.select(occupancies.c.occupancy_id)
            .join(households, households.c.household == occupancies.c.household)
            .where(shown_to(listing.seen))))]
    wanted = listing.wanted
    if wanted.status is not None:
        conditions.append(corrections.c.status == wanted.status)
    if wanted.document_id is not None:
        conditions.append(corrections.c.document_id == wanted.document_id)
    if wanted.requested_by is not None:
        conditions.append(corrections.c.requested_by == wanted.requested_by)
    if wanted.household is not None:
        conditions.append(sa.or_(
            corrections.c.document_id.in_(sa.select(documents.c.document_id)
                                          .where(documents.c.household == wanted.household)),
            corrections.c.occupancy_id.in_(
                sa.select(occupancies.c.occupancy_id)
                .where(occupancies.c.household == wanted.household))))
    return conditions
