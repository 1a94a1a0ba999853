"""What the catalogues read, inside a registry snapshot: ``tx.catalogues``.

Only active documents are catalogued: a destroyed document's paper is gone from the box
(its record stays in the destruction register, R6). Every query is a reader's: only the
documents ``access`` lets them know exist are listed or counted, and only the households
shown to them (``households.repository.shown_to``), chosen inside the query, so no row and
no count tells them a document above their clearance exists (D1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import sqlalchemy as sa

from services.common.contracts.operations import CatalogueFile, ClosedFloor
from services.common.contracts.registry import HELD_STATUS, AccessFilter, PaperLocation
from services.registry.catalogue.repository import NEWEST_FIRST, visible_to
from services.registry.catalogue.tables import documents
from services.registry.catalogues.rules import Entry
from services.registry.households.repository import CABINET_ORDER, Seen, placed_in, shown_to
from services.registry.households.tables import households, occupancies
from services.registry.schema import Repository

ACTIVE = documents.c.status == HELD_STATUS


class CataloguesRepository(Repository):
    async def files(self, access: AccessFilter, *, seen: Seen | None,
                    building: str | None = None, floor: int | None = None
                    ) -> list[CatalogueFile]:
        """Households shown to a reader who sees ``seen`` (``shown_to``), in cabinet order
        (D1), with their active documents ``access`` lets them see counted."""
        closed = occupancies.c.moved_out.is_not(None)
        counted = (
            sa.select(documents.c.household.label("household"),
                      sa.func.count().label("documents"),
                      sa.func.coalesce(sa.func.sum(documents.c.pages), 0).label("pages"),
                      sa.func.sum(sa.case((documents.c.pages == 0, 1), else_=0))
                      .label("unscanned"),
                      sa.func.sum(sa.case((closed, 1), else_=0)).label("closed_documents"),
                      # The closed parts holding documents, as a box's catalogue counts
                      # them (``rules.by_box``): a part closed before anything was filed
                      # has no paper to count.
                      sa.func.count(sa.distinct(sa.case((closed, documents.c.occupancy_id))))
                      .label("closed_parts"),
                      sa.func.min(documents.c.filed_at).label("first_filed"),
                      sa.func.max(documents.c.filed_at).label("last_filed"))
            .select_from(documents.outerjoin(
                occupancies, occupancies.c.occupancy_id == documents.c.occupancy_id))
            .where(ACTIVE, visible_to(access)).group_by(documents.c.household).subquery())
        parts = (sa.select(occupancies.c.household.label("household"),
                           sa.func.count().label("occupancies"),
                           sa.func.sum(sa.case((closed, 0), else_=1)).label("open_parts"))
                 .group_by(occupancies.c.household).subquery())
        query = (sa.select(households, counted.c.documents, counted.c.pages,
                           counted.c.unscanned,
                           counted.c.closed_documents, counted.c.closed_parts,
                           counted.c.first_filed, counted.c.last_filed, parts.c.occupancies,
                           parts.c.open_parts)
                 .select_from(households
                              .outerjoin(counted, counted.c.household == households.c.household)
                              .outerjoin(parts, parts.c.household == households.c.household))
                 .where(shown_to(seen)))
        query = placed_in(query, building=building, floor=floor).order_by(*CABINET_ORDER)
        return [CatalogueFile(
            household=row.household, building=row.building, floor=row.floor, unit=row.unit,
            label=row.label, closed=bool(row.occupancies) and not row.open_parts,
            documents=int(row.documents or 0), pages=int(row.pages or 0),
            unscanned=int(row.unscanned or 0),
            closed_parts=int(row.closed_parts or 0),
            closed_documents=int(row.closed_documents or 0),
            first_filed=_date(row.first_filed), last_filed=_date(row.last_filed),
        ) for row in await self.conn.execute(query)]

    async def entries(self, access: AccessFilter, *, household: str | None = None,
                      building: str | None = None, floor: int | None = None) -> list[Entry]:
        """Active documents of a household or a floor that ``access`` lets its reader see,
        newest first (D4)."""
        query = sa.select(documents.c.document_id, documents.c.archive_no,
                          documents.c.household, documents.c.occupancy_id,
                          documents.c.filed_at, documents.c.title, documents.c.pages,
                          documents.c.location, documents.c.is_copy,
                          occupancies.c.moved_out.is_not(None).label("in_closed_part")
                          ).select_from(documents.outerjoin(
                              occupancies,
                              occupancies.c.occupancy_id == documents.c.occupancy_id)
                          ).where(ACTIVE, visible_to(access))
        if household is not None:
            query = query.where(documents.c.household == household)
        if building is not None or floor is not None:
            query = placed_in(
                query.join(households, households.c.household == documents.c.household),
                building=building, floor=floor)
        return [Entry(
            document_id=row.document_id, archive_no=row.archive_no, household=row.household,
            occupancy_id=row.occupancy_id, filed_at=_date(row.filed_at) or date.min,
            title=row.title, pages=int(row.pages),
            location=None if row.location is None else msgspec.convert(row.location,
                                                                       PaperLocation),
            is_copy=bool(row.is_copy), in_closed_part=bool(row.in_closed_part),
        ) for row in await self.conn.execute(query.order_by(*NEWEST_FIRST))]

    async def closed_floors(self, access: AccessFilter, *, seen: Seen | None, since: date,
                            until: date) -> list[ClosedFloor]:
        """Floors where an occupancy closed between ``since`` and ``until`` (both
        included), with the households and active documents of those parts: those
        shown to the reader (``seen``) and those ``access`` lets them see."""
        query = (
            sa.select(households.c.building, households.c.floor,
                      sa.func.count(sa.distinct(occupancies.c.household)),
                      sa.func.count(documents.c.document_id))
            .select_from(occupancies
                         .join(households, households.c.household == occupancies.c.household)
                         .outerjoin(documents, sa.and_(
                             documents.c.occupancy_id == occupancies.c.occupancy_id, ACTIVE,
                             visible_to(access))))
            .where(occupancies.c.moved_out.between(since, until), shown_to(seen))
            .group_by(households.c.building, households.c.floor)
            .order_by(households.c.building, households.c.floor))
        return [ClosedFloor(building=building, floor=int(floor), households=int(count),
                            documents=int(filed))
                for building, floor, count, filed in await self.conn.execute(query)]


def _date(value: Any) -> date | None:
    """A date column's value (SQLite's aggregates hand back ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
