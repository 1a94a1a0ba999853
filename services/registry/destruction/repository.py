"""Persistence of destruction registers (销毁清册): witnesses and items, inside a registry
transaction. Registers are never deleted; an item moves ``pending → destroyed`` once."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.common.contracts.registry import DocumentRecord
from services.common.contracts.retention import (
    Destruction,
    DestructionStatus,
    DestructionSummary,
    DisposalStanding,
    RegisterItem,
    Tombstone,
    WithheldReason,
    Witness,
)
from services.common.db import struct_of
from services.common.errors import Conflict
from services.registry.catalogue.tables import documents
from services.registry.destruction.rules import register_label
from services.registry.destruction.tables import (
    destruction_items,
    destruction_witnesses,
    destructions,
)
from services.registry.schema import Repository, chunks
from services.registry.seal import SignedItem, StoredSignature, items_digest
from services.registry.sweeps.models import OPEN_ITEM_STATES
from services.registry.sweeps.tables import retention_sweeps, sweep_items

LIVE_ITEM_STATES = ("pending", "destroyed")
"""Items of a register that count: a document is in at most one register this way."""


class RegistersRepository(Repository):
    async def insert(self, destruction_id: str, sweep_id: str, records: list[DocumentRecord],
                     *, by: str, at: datetime) -> None:
        await self.conn.execute(destructions.insert().values(
            destruction_id=destruction_id, sweep_id=sweep_id, status="awaiting_witnesses",
            created_by=by, created_at=at))
        try:
            await self.conn.execute(destruction_items.insert(), [
                {"destruction_id": destruction_id, "document_id": record.document_id,
                 "position": position, "archive_no": record.archive_no,
                 "title": record.title, "category": record.category,
                 "household": record.household, "filed_at": record.filed_at,
                 "retention_class": record.retention_class,
                 "disposal_due": record.disposal_due, "pages": record.pages,
                 "security": record.security, "state": "pending"}
                for position, record in enumerate(records, start=1)])
        except IntegrityError as exc:
            raise Conflict("another register took some of these documents meanwhile; draw "
                           "it up again", code="register_race") from exc

    async def header(self, destruction_id: str, *, lock: bool = False
                     ) -> Destruction | None:
        """The register with its witnesses and the sweep's approval, without its items;
        ``lock`` holds the register row until the transaction ends."""
        query = sa.select(
            destructions, retention_sweeps.c.decided_by.label("approved_by"),
            retention_sweeps.c.decided_at.label("approved_at"),
            retention_sweeps.c.destroy_after,
        ).join(retention_sweeps, retention_sweeps.c.sweep_id == destructions.c.sweep_id
               ).where(destructions.c.destruction_id == destruction_id)
        row = await self.first_row(query, lock=lock, of=destructions)
        if row is None:
            return None
        return struct_of(row, Destruction, witnesses=await self.witnesses(destruction_id),
                         items=[])

    async def get(self, destruction_id: str) -> Destruction | None:
        """The whole register: header, witnesses and items in register order."""
        header = await self.header(destruction_id)
        if header is None:
            return None
        return msgspec.structs.replace(header, items=await self.items(destruction_id),
                                       digest=await self.digest(destruction_id))

    async def digest(self, destruction_id: str) -> str:
        """The digest of the items as they stand: what a witness signs (R6)."""
        return items_digest("destruction", destruction_id,
                            await self.signed_items(destruction_id))

    async def items(self, destruction_id: str) -> list[RegisterItem]:
        rows = (await self.conn.execute(
            sa.select(destruction_items).where(destruction_items.c.destruction_id
                                               == destruction_id)
            .order_by(destruction_items.c.position))).mappings()
        return [_item(row) for row in rows]

    async def witnesses(self, destruction_id: str) -> list[Witness]:
        rows = (await self.conn.execute(
            sa.select(destruction_witnesses.c.username, destruction_witnesses.c.signed_at,
                      destruction_witnesses.c.digest)
            .where(destruction_witnesses.c.destruction_id == destruction_id)
            .order_by(destruction_witnesses.c.signed_at, destruction_witnesses.c.username)
        )).mappings()
        return [struct_of(row, Witness) for row in rows]

    async def signatures(self, destruction_id: str) -> list[StoredSignature]:
        rows = (await self.conn.execute(
            sa.select(destruction_witnesses.c.username, destruction_witnesses.c.signed_at,
                      destruction_witnesses.c.digest, destruction_witnesses.c.signature)
            .where(destruction_witnesses.c.destruction_id == destruction_id)
        )).mappings()
        return [struct_of(row, StoredSignature) for row in rows]

    async def signed_items(self, destruction_id: str) -> list[SignedItem]:
        """What a witness signs (R6): every item in register order with the SHA-256 the
        catalogue holds for it now."""
        rows = await self.conn.execute(
            sa.select(destruction_items.c.document_id, documents.c.sha256,
                      destruction_items.c.archive_no)
            .join(documents, documents.c.document_id == destruction_items.c.document_id,
                  isouter=True)
            .where(destruction_items.c.destruction_id == destruction_id)
            .order_by(destruction_items.c.position))
        return [SignedItem(document_id=row.document_id, sha256=row.sha256 or "",
                           archive_no=row.archive_no) for row in rows]

    async def summaries(self, *, status: DestructionStatus | None, limit: int, offset: int
                        ) -> list[DestructionSummary]:
        query = _summaries()
        if status is not None:
            query = query.where(destructions.c.status == status)
        return await self.newest_page(query, DestructionSummary, created=destructions.c.created_at,
                                      key=destructions.c.destruction_id, limit=limit,
                                      offset=offset)

    async def in_statuses(self, statuses: Collection[DestructionStatus]
                          ) -> list[DestructionSummary]:
        """Every register in one of ``statuses``, oldest first."""
        rows = (await self.conn.execute(
            _summaries().where(destructions.c.status.in_(list(statuses)))
            .order_by(destructions.c.created_at, destructions.c.destruction_id))).mappings()
        return [struct_of(row, DestructionSummary) for row in rows]

    async def sign(self, destruction_id: str, username: str, *, at: datetime, digest: str,
                   signature: str) -> None:
        """Record a witness's signature, replacing an earlier one of theirs."""
        await self.conn.execute(destruction_witnesses.delete().where(
            destruction_witnesses.c.destruction_id == destruction_id,
            destruction_witnesses.c.username == username))
        await self.conn.execute(destruction_witnesses.insert().values(
            destruction_id=destruction_id, username=username, signed_at=at, digest=digest,
            signature=signature))

    async def set_status(self, destruction_id: str, status: DestructionStatus,
                         **fields: Any) -> None:
        await self.conn.execute(destructions.update()
                                .where(destructions.c.destruction_id == destruction_id)
                                .values(status=status, **fields))

    async def registered(self, document_ids: Collection[str]) -> set[str]:
        """The ids among ``document_ids`` already in a register (pending or destroyed)."""
        found: set[str] = set()
        for chunk in chunks(document_ids):
            rows = await self.conn.execute(sa.select(destruction_items.c.document_id).where(
                destruction_items.c.document_id.in_(chunk),
                destruction_items.c.state.in_(LIVE_ITEM_STATES)))
            found.update(row.document_id for row in rows)
        return found

    async def standing(self, document_id: str) -> DisposalStanding | None:
        """The open item of ``document_id`` (one at most: ``ux_sweep_items_open_document``)
        while it is still due by its sweep's ``as_of``, with the register not executed yet
        that lists it; none once its due date moved on (``no_longer_due``)."""
        listed = sa.and_(destruction_items.c.document_id == sweep_items.c.document_id,
                         destruction_items.c.state == "pending")
        query = (sa.select(sweep_items.c.sweep_id, sweep_items.c.state, sweep_items.c.outcome,
                           retention_sweeps.c.as_of, retention_sweeps.c.destroy_after,
                           destructions.c.destruction_id,
                           destructions.c.status.label("destruction_status"))
                 .join(retention_sweeps, retention_sweeps.c.sweep_id == sweep_items.c.sweep_id)
                 .join(documents, documents.c.document_id == sweep_items.c.document_id)
                 .outerjoin(destruction_items, listed)
                 .outerjoin(destructions,
                            destructions.c.destruction_id == destruction_items.c.destruction_id)
                 .where(sweep_items.c.document_id == document_id,
                        sweep_items.c.state.in_(OPEN_ITEM_STATES),
                        documents.c.disposal_due <= retention_sweeps.c.as_of))
        row = await self.first_row(query)
        return None if row is None else struct_of(row, DisposalStanding)

    async def pending_in(self, document_ids: Collection[str]) -> dict[str, str]:
        """The register that lists each of ``document_ids`` still to destroy (its item
        ``pending``: a register not executed yet), by document id."""
        found: dict[str, str] = {}
        for chunk in chunks(document_ids):
            rows = await self.conn.execute(
                sa.select(destruction_items.c.document_id, destruction_items.c.destruction_id)
                .where(destruction_items.c.document_id.in_(chunk),
                       destruction_items.c.state == "pending"))
            found.update({row.document_id: row.destruction_id for row in rows})
        return found

    async def next_pending(self, destruction_id: str) -> str | None:
        """The first item still to destroy, in register order."""
        return (await self.conn.execute(
            sa.select(destruction_items.c.document_id)
            .where(destruction_items.c.destruction_id == destruction_id,
                   destruction_items.c.state == "pending")
            .order_by(destruction_items.c.position).limit(1))).scalar_one_or_none()

    async def pending(self, destruction_id: str) -> list[str]:
        rows = await self.conn.execute(
            sa.select(destruction_items.c.document_id)
            .where(destruction_items.c.destruction_id == destruction_id,
                   destruction_items.c.state == "pending")
            .order_by(destruction_items.c.position))
        return [row.document_id for row in rows]

    async def settle(self, destruction_id: str, document_id: str, *, at: datetime,
                     withheld: WithheldReason | None = None) -> bool:
        """Move one item out of ``pending`` (destroyed, or withheld for ``withheld``).

        False if it was not pending: another executor settled it first. The row stays
        locked until the transaction ends, so the caller's tombstone goes with it.
        """
        values: dict[str, Any] = ({"state": "withheld", "withheld_reason": withheld}
                                  if withheld else {"state": "destroyed", "destroyed_at": at})
        result = await self.conn.execute(destruction_items.update().where(
            destruction_items.c.destruction_id == destruction_id,
            destruction_items.c.document_id == document_id,
            destruction_items.c.state == "pending").values(**values))
        return bool(result.rowcount)

    async def cancel_items(self, destruction_id: str) -> None:
        await self.conn.execute(destruction_items.update().where(
            destruction_items.c.destruction_id == destruction_id,
            destruction_items.c.state == "pending").values(state="cancelled"))

    async def executing(self) -> list[str]:
        rows = await self.conn.execute(sa.select(destructions.c.destruction_id)
                                       .where(destructions.c.status == "executing")
                                       .order_by(destructions.c.execution_started_at))
        return [row.destruction_id for row in rows]

    async def tombstone(self, document_id: str) -> Tombstone | None:
        found = await self.tombstones([document_id])
        return found[0] if found else None

    async def tombstones(self, document_ids: Collection[str]) -> list[Tombstone]:
        """What remains of those of ``document_ids`` that were destroyed, by archive
        number."""
        rows: list[sa.RowMapping] = []
        for chunk in chunks(document_ids):
            rows.extend((await self.conn.execute(
                sa.select(destruction_items.c.document_id, destruction_items.c.archive_no,
                          destruction_items.c.destruction_id,
                          destruction_items.c.destroyed_at, destructions.c.sweep_id,
                          retention_sweeps.c.decided_by.label("approved_by"))
                .join(destructions, destructions.c.destruction_id
                      == destruction_items.c.destruction_id)
                .join(retention_sweeps,
                      retention_sweeps.c.sweep_id == destructions.c.sweep_id)
                .where(destruction_items.c.document_id.in_(chunk),
                       destruction_items.c.state == "destroyed"))).mappings())
        witnesses = {destruction_id: [w.username for w in await self.witnesses(destruction_id)]
                     for destruction_id in {row["destruction_id"] for row in rows}}
        return sorted((struct_of(row, Tombstone, witnesses=witnesses[row["destruction_id"]])
                       for row in rows), key=lambda tombstone: tombstone.archive_no)

def _summaries() -> sa.Select[Any]:
    counted = sa.select(sa.func.count()).where(
        destruction_items.c.destruction_id == destructions.c.destruction_id
    ).scalar_subquery()
    return sa.select(destructions.c.destruction_id, destructions.c.sweep_id,
                     destructions.c.status, destructions.c.created_at,
                     destructions.c.executed_at, counted.label("items"))


def _item(row: sa.RowMapping) -> RegisterItem:
    return struct_of(row, RegisterItem, omit={"destruction_id"},
                     label=register_label(row["state"], row["withheld_reason"]))
