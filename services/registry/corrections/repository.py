"""Persistence of corrections (D6), inside a registry transaction: ``tx.corrections``."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa

from services.common.db import struct_of
from services.registry.corrections.models import Correction, CorrectionStatus
from services.registry.corrections.tables import corrections
from services.registry.schema import Repository


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

    async def get(self, correction_id: str, *, lock: bool = False) -> Correction | None:
        query = sa.select(corrections).where(corrections.c.correction_id == correction_id)
        row = await self.first_row(query, lock=lock)
        return None if row is None else struct_of(row, Correction)

    async def list(self, *, status: CorrectionStatus | None, document_id: str | None,
                   requested_by: str | None = None, newest_first: bool = False,
                   limit: int, offset: int = 0) -> list[Correction]:
        """Oldest first (a queue), or ``newest_first`` (someone's own, latest on top)."""
        query = sa.select(corrections)
        if status is not None:
            query = query.where(corrections.c.status == status)
        if document_id is not None:
            query = query.where(corrections.c.document_id == document_id)
        if requested_by is not None:
            query = query.where(corrections.c.requested_by == requested_by)
        order = (corrections.c.requested_at, corrections.c.correction_id)
        rows = (await self.conn.execute(
            query.order_by(*(column.desc() for column in order) if newest_first else order)
            .limit(limit).offset(offset))).mappings()
        return [struct_of(row, Correction) for row in rows]
