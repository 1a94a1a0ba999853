"""Persistence of transfers out (移出), inside a registry transaction; never deleted."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from services.common.contracts.operations import TransferSummary
from services.common.contracts.registry import DocumentRecord
from services.registry.schema import Repository
from services.registry.transfers.tables import transfer_items, transfers


class TransfersRepository(Repository):
    async def insert(self, transfer_id: str, records: list[DocumentRecord], *,
                     recipient: str, reason: str, by: str, at: datetime) -> None:
        await self.conn.execute(transfers.insert().values(
            transfer_id=transfer_id, recipient=recipient, reason=reason,
            transferred_by=by, transferred_at=at))
        await self.conn.execute(transfer_items.insert(), [
            {"transfer_id": transfer_id, "document_id": record.document_id,
             "position": position, "category": record.category}
            for position, record in enumerate(records, start=1)])

    async def summary(self, transfer_id: str) -> TransferSummary | None:
        rows = await self._summaries(transfers.c.transfer_id == transfer_id)
        return rows[0] if rows else None

    async def summaries(self, *, limit: int, offset: int) -> list[TransferSummary]:
        return await self._summaries(sa.true(), limit=limit, offset=offset)

    async def documents(self, transfer_id: str) -> list[str]:
        """The documents sent, in the transfer's order."""
        rows = await self.conn.execute(
            sa.select(transfer_items.c.document_id)
            .where(transfer_items.c.transfer_id == transfer_id)
            .order_by(transfer_items.c.position))
        return [row.document_id for row in rows]

    async def reason(self, transfer_id: str) -> str:
        return str((await self.conn.execute(
            sa.select(transfers.c.reason).where(transfers.c.transfer_id == transfer_id)
        )).scalar_one())

    async def _summaries(self, condition: sa.ColumnElement[bool], *, limit: int = 1,
                         offset: int = 0) -> list[TransferSummary]:
        counted = sa.select(sa.func.count()).where(
            transfer_items.c.transfer_id == transfers.c.transfer_id).scalar_subquery()
        query = sa.select(transfers.c.transfer_id, transfers.c.recipient,
                          transfers.c.transferred_by, transfers.c.transferred_at,
                          counted.label("items")).where(condition)
        return await self.newest_page(query, TransferSummary,
                                      created=transfers.c.transferred_at,
                                      key=transfers.c.transfer_id, limit=limit, offset=offset)
