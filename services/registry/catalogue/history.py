"""Persistence of metadata versions and corrections (D6), inside a registry transaction.

Versions are only ever inserted: version 1 is the filing, each applied correction adds
the next, with who, when, why and the approving manager.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.contracts.registry import DocumentRecord
from services.registry.catalogue.models import (
    Correction,
    CorrectionStatus,
    DocumentVersion,
    corrections,
    document_versions,
)

CORRECTABLE = ("title", "category", "filed_at", "security", "personal_info", "working",
               "location", "is_copy", "language")


def metadata_of(record: DocumentRecord) -> dict[str, object]:
    """The correctable fields of ``record``, as JSON values."""
    values: dict[str, object] = msgspec.to_builtins(
        {name: getattr(record, name) for name in CORRECTABLE})
    return values


class HistoryRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add_version(self, record: DocumentRecord, *, changes: dict[str, list[object]],
                          changed_by: str, changed_at: datetime, reason: str,
                          approved_by: str | None = None, correction_id: str | None = None
                          ) -> None:
        await self.conn.execute(document_versions.insert().values(
            document_id=record.document_id, version=record.version,
            metadata=metadata_of(record), changes=msgspec.to_builtins(changes),
            changed_by=changed_by, changed_at=changed_at, reason=reason,
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
        ) for row in rows]

    async def save_correction(self, correction: Correction) -> None:
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

    async def correction(self, correction_id: str, *, lock: bool = False
                         ) -> Correction | None:
        query = sa.select(corrections).where(corrections.c.correction_id == correction_id)
        row = (await self.conn.execute(query.with_for_update() if lock else query)
               ).mappings().first()
        return None if row is None else _correction(row)

    async def corrections(self, *, status: CorrectionStatus | None, document_id: str | None,
                          limit: int) -> list[Correction]:
        query = sa.select(corrections)
        if status is not None:
            query = query.where(corrections.c.status == status)
        if document_id is not None:
            query = query.where(corrections.c.document_id == document_id)
        rows = (await self.conn.execute(
            query.order_by(corrections.c.requested_at, corrections.c.correction_id).limit(limit)
        )).mappings()
        return [_correction(row) for row in rows]


def _correction(row: Any) -> Correction:
    return msgspec.convert({str(key): value for key, value in row.items()}, Correction)
