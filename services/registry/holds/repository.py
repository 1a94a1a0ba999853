"""Persistence of legal holds (R7), and the one definition of "held" both sweeps and
destruction use, inside a registry transaction.

A document is held while an active hold names it, or an active hold's household and/or
category both match it (a hold on a household or category covers documents filed later).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.common.contracts.registry import HELD_STATUS, AccessFilter
from services.common.contracts.retention import Hold
from services.common.db import struct_of
from services.common.models import SecurityLevel
from services.registry.catalogue.repository import visible_to
from services.registry.catalogue.tables import documents
from services.registry.holds.models import HoldFilters
from services.registry.holds.tables import legal_hold_documents, legal_holds
from services.registry.journal.models import HoldMoment
from services.registry.schema import AdvisoryLock, Repository, chunks


def held_clause(document_id: Any, household: Any, category: Any) -> sa.ColumnElement[bool]:
    """True where an active hold covers the document these columns describe."""
    active = legal_holds.c.status == "active"
    by_document = sa.exists().where(
        legal_hold_documents.c.document_id == document_id,
        legal_hold_documents.c.hold_id == legal_holds.c.hold_id, active)
    by_filter = sa.exists().where(active, _filter_matches(household, category))
    return sa.or_(by_document, by_filter)


def _filter_matches(household: Any, category: Any) -> sa.ColumnElement[bool]:
    """A household/category hold whose given fields equal the document's."""
    return sa.and_(
        sa.or_(legal_holds.c.household.is_not(None), legal_holds.c.category.is_not(None)),
        sa.or_(legal_holds.c.household.is_(None), legal_holds.c.household == household),
        sa.or_(legal_holds.c.category.is_(None), legal_holds.c.category == category))


def _present(access: AccessFilter) -> sa.ColumnElement[bool]:
    """A document the archive holds now (not destroyed nor transferred out) that
    ``access`` lets its reader see."""
    return sa.and_(documents.c.status == HELD_STATUS, visible_to(access))


def _bearing_on(household: str, access: AccessFilter) -> sa.ColumnElement[bool]:
    """Holds placed on ``household`` (covering what is filed there later too), or covering
    now a document of it that ``access`` lets the reader see, by naming it or by its
    category."""
    of_household = sa.and_(documents.c.household == household, _present(access))
    naming = sa.exists().where(
        legal_hold_documents.c.hold_id == legal_holds.c.hold_id,
        legal_hold_documents.c.document_id == documents.c.document_id, of_household)
    by_category = sa.and_(legal_holds.c.household.is_(None), sa.exists().where(
        documents.c.category == legal_holds.c.category, of_household))
    return sa.or_(legal_holds.c.household == household, naming, by_category)


_NEWEST_FIRST = (legal_holds.c.placed_at.desc(), legal_holds.c.hold_id)
"""The order holds are listed in (``listed_before`` counts by it too)."""


class HoldsRepository(Repository):
    async def insert(self, hold: Hold) -> None:
        await self.conn.execute(legal_holds.insert().values(
            hold_id=hold.hold_id, status=hold.status, reason=hold.reason,
            household=hold.household, category=hold.category, placed_by=hold.placed_by,
            placed_at=hold.placed_at))
        if hold.documents:
            await self.conn.execute(legal_hold_documents.insert(), [
                {"hold_id": hold.hold_id, "document_id": document_id}
                for document_id in hold.documents])

    async def same_active(self, hold: Hold) -> str | None:
        """The id of an active hold for the same reason over the same documents,
        household and category as ``hold``, whoever placed it, or None. Holds are placed
        one at a time (``AdvisoryLock.HOLD_PLACING``), so the same hold sent twice at once,
        or placed by two compliance officers at the same instant, finds its twin: one hold,
        which one release lifts, not two that each must be found and released."""
        await self.one_at_a_time(AdvisoryLock.HOLD_PLACING)
        rows = (await self.conn.execute(sa.select(legal_holds).where(
            legal_holds.c.status == "active", legal_holds.c.reason == hold.reason,
            legal_holds.c.household.is_(None) if hold.household is None
            else legal_holds.c.household == hold.household,
            legal_holds.c.category.is_(None) if hold.category is None
            else legal_holds.c.category == hold.category))).mappings().all()
        for placed in await self._with_documents(rows):
            if sorted(placed.documents) == sorted(hold.documents):
                return placed.hold_id
        return None

    async def get(self, hold_id: str, *, lock: bool = False) -> Hold | None:
        query = sa.select(legal_holds).where(legal_holds.c.hold_id == hold_id)
        row = await self.first_row(query, lock=lock)
        if row is None:
            return None
        return (await self._with_documents([row]))[0]

    async def holds(self, wanted: HoldFilters, access: AccessFilter, *, limit: int,
                    offset: int) -> list[Hold]:
        """The holds ``wanted`` asks for, newest first (``_listed``)."""
        rows = (await self.conn.execute(
            sa.select(legal_holds).where(*await self._listed(wanted, access))
            .order_by(*_NEWEST_FIRST).limit(limit).offset(offset))).mappings().all()
        return await self._with_documents(rows)

    async def count(self, wanted: HoldFilters, access: AccessFilter) -> int:
        """How many holds ``holds`` lists for ``wanted`` on all its pages."""
        found = await self.conn.execute(sa.select(sa.func.count()).select_from(legal_holds)
                                        .where(*await self._listed(wanted, access)))
        return int(found.scalar_one())

    async def listed_before(self, wanted: HoldFilters, access: AccessFilter,
                            hold_id: str) -> int | None:
        """How many holds ``holds`` lists for ``wanted`` before hold ``hold_id`` (its
        row's offset), or None when it does not list that hold."""
        conditions = await self._listed(wanted, access)
        if await self.first_row(sa.select(legal_holds.c.hold_id).where(
                legal_holds.c.hold_id == hold_id, *conditions)) is None:
            return None
        placed_at = (sa.select(legal_holds.c.placed_at)
                     .where(legal_holds.c.hold_id == hold_id).scalar_subquery())
        newer = sa.or_(legal_holds.c.placed_at > placed_at, sa.and_(
            legal_holds.c.placed_at == placed_at, legal_holds.c.hold_id < hold_id))
        found = await self.conn.execute(sa.select(sa.func.count()).select_from(legal_holds)
                                        .where(newer, *conditions))
        return int(found.scalar_one())

    async def _listed(self, wanted: HoldFilters, access: AccessFilter
                      ) -> list[sa.ColumnElement[bool]]:
        """``wanted`` as SQL over ``legal_holds``, each given filter narrowing: what a
        list, its count and a hold's place in it share. Every hold of the list is counted
        and listed, those naming only documents above the reader's clearance as redacted
        rows (``hold_for``); ``access`` is the reader's, for the documents of a household
        (``_bearing_on``)."""
        conditions = []
        if wanted.status is not None:
            conditions.append(legal_holds.c.status == wanted.status)
        if wanted.document_id is not None:
            conditions.append(await self._covering(wanted.document_id))
        if wanted.household is not None:
            conditions.append(_bearing_on(wanted.household, access))
        return conditions

    async def _covering(self, document_id: str) -> sa.ColumnElement[bool]:
        """Holds that name the document or whose household and category match it."""
        named = legal_holds.c.hold_id.in_(
            sa.select(legal_hold_documents.c.hold_id)
            .where(legal_hold_documents.c.document_id == document_id))
        row = await self.first_row(
            sa.select(documents.c.household, documents.c.category)
            .where(documents.c.document_id == document_id))
        if row is None:
            return named
        return sa.or_(named, _filter_matches(row["household"], row["category"]))

    async def scoped_covering(self, document_id: str) -> list[HoldMoment]:
        """Where the audit entries are of the holds, active or released, that cover the
        document by its household and/or category as they stand now: each placement
        and each release. (A named hold's entries name the document itself.)"""
        row = await self.first_row(
            sa.select(documents.c.household, documents.c.category)
            .where(documents.c.document_id == document_id))
        if row is None:
            return []
        found = await self.conn.execute(
            sa.select(legal_holds.c.hold_id, legal_holds.c.placed_at,
                      legal_holds.c.released_at)
            .where(_filter_matches(row["household"], row["category"])))
        return [HoldMoment(hold_id=hold.hold_id, at=at) for hold in found
                for at in (hold.placed_at, hold.released_at) if at is not None]

    async def release(self, hold_id: str, *, by: str, at: datetime, note: str | None
                      ) -> None:
        await self.conn.execute(legal_holds.update().where(legal_holds.c.hold_id == hold_id)
                                .values(status="released", released_by=by, released_at=at,
                                        release_note=note))

    async def held(self, document_ids: Collection[str]) -> set[str]:
        """The ids among ``document_ids`` that an active hold covers."""
        found: set[str] = set()
        for chunk in chunks(document_ids):
            rows = await self.conn.execute(sa.select(documents.c.document_id).where(
                documents.c.document_id.in_(chunk),
                held_clause(documents.c.document_id, documents.c.household,
                            documents.c.category)))
            found.update(row.document_id for row in rows)
        return found

    async def levels(self, hold: Hold) -> list[SecurityLevel]:
        """The security level of each document ``hold`` covers, named or by its household
        and/or category, whatever the document's status: who may release it depends on
        them (``common.clearance``)."""
        named = sa.select(legal_hold_documents.c.document_id).where(
            legal_hold_documents.c.hold_id == hold.hold_id)
        covered: sa.ColumnElement[bool] = documents.c.document_id.in_(named)
        if hold.household is not None or hold.category is not None:
            covered = sa.or_(covered, sa.and_(
                *([documents.c.household == hold.household] if hold.household else []),
                *([documents.c.category == hold.category] if hold.category else [])))
        rows = await self.conn.execute(sa.select(documents.c.security).where(covered))
        return list(rows.scalars())

    async def _with_documents(self, rows: Collection[sa.RowMapping]) -> list[Hold]:
        ids = [row["hold_id"] for row in rows]
        named: dict[str, list[str]] = {hold_id: [] for hold_id in ids}
        if ids:
            for link in await self.conn.execute(
                    sa.select(legal_hold_documents).where(legal_hold_documents.c.hold_id
                                                          .in_(ids))
                    .order_by(legal_hold_documents.c.document_id)):
                named[link.hold_id].append(link.document_id)
        return [struct_of(row, Hold, documents=named[row["hold_id"]]) for row in rows]

    async def covered_now(self, hold: Hold, access: AccessFilter) -> int:
        """How many of the archive's documents ``hold`` covers now (a document destroyed
        or transferred out is no longer the archive's to hold) that ``access`` lets its
        caller see: counted inside the query, so the count says nothing of the others."""
        if hold.status != "active":
            return 0
        present = _present(access)
        by_name = (sa.select(sa.func.count()).select_from(legal_hold_documents)
                   .join(documents,
                         documents.c.document_id == legal_hold_documents.c.document_id)
                   .where(legal_hold_documents.c.hold_id == hold.hold_id, present))
        by_filter = (sa.select(sa.func.count()).select_from(legal_holds)
                     .join(documents, sa.and_(
                         present, _filter_matches(documents.c.household,
                                                  documents.c.category)))
                     .where(legal_holds.c.hold_id == hold.hold_id))
        query = by_name if hold.names_documents_only else by_filter
        return int((await self.conn.execute(query)).scalar_one())
