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
        values = msgspec.structs.asdict(correction)
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
                   limit: int) -> list[Correction]:
        query = sa.select(corrections)
        if status is not None:
            query = query.where(corrections.c.status == status)
        if document_id is not None:
            query = query.where(corrections.c.document_id == document_id)
        rows = (await self.conn.execute(
            query.order_by(corrections.c.requested_at, corrections.c.correction_id).limit(limit)
        )).mappings()
        return [struct_of(row, Correction) for row in rows]
