"""What the departures read, inside a registry snapshot: ``tx.departures``. The
registers' and the transfers' own rows say when and by which each document left."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.contracts.registry import (
    AccessFilter,
    Departure,
    DestroyedFromFile,
    TransferredFromFile,
)
from services.registry.catalogue.repository import visible_to
from services.registry.catalogue.tables import documents
from services.registry.destruction.tables import destruction_items
from services.registry.schema import Repository
from services.registry.transfers.tables import transfer_items, transfers


class DeparturesRepository(Repository):
    async def of_household(self, household: str, access: AccessFilter) -> list[Departure]:
        """How each of ``household``'s documents that ``access`` lets its reader see left
        the file, the latest first: destroyed ones by their register, transferred-out
        ones (not destroyed since) by their transfer."""
        mine = sa.and_(documents.c.household == household, visible_to(access))
        destroyed = await self.conn.execute(
            sa.select(destruction_items.c.document_id, destruction_items.c.destruction_id,
                      destruction_items.c.destroyed_at)
            .join(documents, documents.c.document_id == destruction_items.c.document_id)
            .where(mine, documents.c.status == "destroyed",
                   destruction_items.c.state == "destroyed"))
        transferred = await self.conn.execute(
            sa.select(transfer_items.c.document_id, transfers.c.transfer_id,
                      transfers.c.transferred_at, transfers.c.recipient)
            .join(transfers, transfers.c.transfer_id == transfer_items.c.transfer_id)
            .join(documents, documents.c.document_id == transfer_items.c.document_id)
            .where(mine, documents.c.status == "transferred"))
        departures: list[Departure] = [
            *(DestroyedFromFile(document_id=row.document_id, at=row.destroyed_at,
                                destruction_id=row.destruction_id) for row in destroyed),
            *(TransferredFromFile(document_id=row.document_id, at=row.transferred_at,
                                  transfer_id=row.transfer_id, recipient=row.recipient)
              for row in transferred)]
        return sorted(departures, key=lambda departure: (departure.at, departure.document_id),
                      reverse=True)
