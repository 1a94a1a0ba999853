"""Persistence of handovers (移交, O1): items and both sides' signatures, inside a registry
transaction. Handovers are never deleted."""

from __future__ import annotations

from datetime import datetime

import msgspec
import sqlalchemy as sa

from services.common.contracts.operations import (
    Handover,
    HandoverItem,
    HandoverRequest,
    HandoverSummary,
    Side,
    Signature,
)
from services.common.contracts.registry import DocumentRecord
from services.common.db import struct_of
from services.common.models import SecurityLevel
from services.registry.accounts.tables import users
from services.registry.catalogue.tables import documents
from services.registry.handovers.tables import handover_items, handover_signatures, handovers
from services.registry.schema import Repository
from services.registry.seal import SignedItem, StoredSignature, items_digest


class HandoversRepository(Repository):
    async def insert(self, handover_id: str, request: HandoverRequest,
                     records: list[DocumentRecord], *, by: str, at: datetime) -> None:
        await self.conn.execute(handovers.insert().values(
            handover_id=handover_id, status="awaiting_signatures",
            service_centre=request.service_centre, handed_over_by=request.handed_over_by,
            received_by=request.received_by,
            location=msgspec.to_builtins(request.location) if request.location else None,
            note=request.note, created_by=by, created_at=at))
        await self.conn.execute(handover_items.insert(), [
            {"handover_id": handover_id, "document_id": record.document_id,
             "position": position, "archive_no": record.archive_no, "title": record.title,
             "category": record.category, "household": record.household,
             "filed_at": record.filed_at, "pages": record.pages}
            for position, record in enumerate(records, start=1)])

    async def same_awaiting(self, request: HandoverRequest, records: list[DocumentRecord],
                            *, by: str) -> str | None:
        """The id of a handover ``by`` drew up that still awaits signatures and lists the
        same documents between the same sides, centre, location and note as ``request``,
        or None. The drawer's account row is locked first (FOR UPDATE on PostgreSQL;
        SQLite's write lock already serialises), so the same one sent twice at once finds
        its twin."""
        await self.first_row(sa.select(users.c.username).where(users.c.username == by),
                             lock=True)
        location = msgspec.to_builtins(request.location) if request.location else None
        rows = (await self.conn.execute(sa.select(handovers).where(
            handovers.c.status == "awaiting_signatures", handovers.c.created_by == by,
            handovers.c.service_centre == request.service_centre,
            handovers.c.handed_over_by == request.handed_over_by,
            handovers.c.received_by == request.received_by))).mappings().all()
        wanted = sorted(record.document_id for record in records)
        for row in rows:
            if (row["location"], row["note"]) != (location, request.note):
                continue
            items = await self.conn.execute(
                sa.select(handover_items.c.document_id)
                .where(handover_items.c.handover_id == row["handover_id"]))
            if sorted(str(document_id) for document_id in items.scalars()) == wanted:
                return str(row["handover_id"])
        return None

    async def header(self, handover_id: str, *, lock: bool = False) -> Handover | None:
        """The handover with its signatures, without its items; ``lock`` holds its row
        until the transaction ends."""
        query = sa.select(handovers).where(handovers.c.handover_id == handover_id)
        row = await self.first_row(query, lock=lock)
        if row is None:
            return None
        return struct_of(row, Handover, signatures=await self.signatures(handover_id),
                         items=[])

    async def get(self, handover_id: str) -> Handover | None:
        """The whole handover: header, signatures, items in list order and the digest."""
        header = await self.header(handover_id)
        if header is None:
            return None
        rows = (await self.conn.execute(
            sa.select(handover_items).where(handover_items.c.handover_id == handover_id)
            .order_by(handover_items.c.position))).mappings()
        items = [struct_of(row, HandoverItem, omit={"handover_id"}) for row in rows]
        return msgspec.structs.replace(header, items=items,
                                       digest=await self.digest(handover_id))

    async def digest(self, handover_id: str) -> str:
        """The digest of the items as they stand, with the SHA-256 the catalogue holds
        for each now: what each side signs (O1)."""
        rows = await self.conn.execute(
            sa.select(handover_items.c.document_id, documents.c.sha256,
                      handover_items.c.archive_no)
            .join(documents, documents.c.document_id == handover_items.c.document_id)
            .where(handover_items.c.handover_id == handover_id)
            .order_by(handover_items.c.position))
        return items_digest("handover", handover_id, (
            SignedItem(row.document_id, row.sha256, row.archive_no) for row in rows))

    async def levels(self, handover_id: str) -> list[SecurityLevel]:
        """Each item's security level as the catalogue holds it now: who may sign depends
        on them (``common.clearance``)."""
        rows = await self.conn.execute(
            sa.select(documents.c.security)
            .join(handover_items, documents.c.document_id == handover_items.c.document_id)
            .where(handover_items.c.handover_id == handover_id))
        return list(rows.scalars())

    async def signatures(self, handover_id: str) -> list[Signature]:
        rows = (await self.conn.execute(
            sa.select(handover_signatures.c.username, handover_signatures.c.side,
                      handover_signatures.c.signed_at)
            .where(handover_signatures.c.handover_id == handover_id)
            .order_by(handover_signatures.c.signed_at))).mappings()
        return [struct_of(row, Signature) for row in rows]

    async def stored_signatures(self, handover_id: str) -> list[StoredSignature]:
        rows = (await self.conn.execute(
            sa.select(handover_signatures.c.username, handover_signatures.c.signed_at,
                      handover_signatures.c.digest, handover_signatures.c.signature)
            .where(handover_signatures.c.handover_id == handover_id))).mappings()
        return [struct_of(row, StoredSignature) for row in rows]

    async def sign(self, handover_id: str, username: str, side: Side, *, at: datetime,
                   digest: str, signature: str) -> None:
        """Record one side's signature, replacing an earlier one of theirs."""
        await self.conn.execute(handover_signatures.delete().where(
            handover_signatures.c.handover_id == handover_id,
            handover_signatures.c.username == username))
        await self.conn.execute(handover_signatures.insert().values(
            handover_id=handover_id, username=username, side=side, signed_at=at,
            digest=digest, signature=signature))

    async def complete(self, handover_id: str, *, at: datetime) -> None:
        await self.conn.execute(handovers.update()
                                .where(handovers.c.handover_id == handover_id)
                                .values(status="completed", completed_at=at))

    async def cancel(self, handover_id: str, *, by: str, at: datetime, reason: str) -> None:
        await self.conn.execute(handovers.update()
                                .where(handovers.c.handover_id == handover_id)
                                .values(status="cancelled", cancelled_by=by, cancelled_at=at,
                                        cancel_reason=reason))

    async def awaiting_signature_of(self, username: str) -> list[Handover]:
        """The handovers, oldest first, still waiting for ``username``'s signature (they
        are one side and have not signed), without their items."""
        signed = sa.select(handover_signatures.c.handover_id).where(
            handover_signatures.c.username == username)
        ids = (await self.conn.execute(
            sa.select(handovers.c.handover_id)
            .where(handovers.c.status == "awaiting_signatures",
                   sa.or_(handovers.c.handed_over_by == username,
                          handovers.c.received_by == username),
                   handovers.c.handover_id.not_in(signed))
            .order_by(handovers.c.created_at, handovers.c.handover_id))).scalars().all()
        found = [await self.header(handover_id) for handover_id in ids]
        return [header for header in found if header is not None]

    async def summaries(self, *, limit: int, offset: int) -> list[HandoverSummary]:
        counted = sa.select(sa.func.count()).where(
            handover_items.c.handover_id == handovers.c.handover_id).scalar_subquery()
        found = await self.newest_page(
            sa.select(handovers.c.handover_id, handovers.c.status,
                      handovers.c.service_centre, handovers.c.handed_over_by,
                      handovers.c.received_by, handovers.c.created_at,
                      handovers.c.completed_at, counted.label("items")),
            HandoverSummary, created=handovers.c.created_at, key=handovers.c.handover_id,
            limit=limit, offset=offset)
        signed = (await self.conn.execute(
            sa.select(handover_signatures.c.handover_id, handover_signatures.c.side)
            .where(handover_signatures.c.handover_id.in_(
                [summary.handover_id for summary in found])))).all()
        sides: dict[str, list[Side]] = {}
        for handover_id, side in signed:
            sides.setdefault(handover_id, []).append(side)
        return [msgspec.structs.replace(summary, signed=sorted(sides.get(summary.handover_id,
                                                                         [])))
                for summary in found]
