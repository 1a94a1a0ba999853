"""Persistence of sweeps, their items and appraisals, inside a registry transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.common.contracts.registry import RETAINED_STATUSES, DocumentRecord
from services.common.contracts.retention import (
    Appraisal,
    EarlierAppraisal,
    ItemState,
    Sweep,
    SweepItem,
    SweepStatus,
    SweepSummary,
)
from services.common.db import struct_of
from services.common.errors import Conflict
from services.common.models import Category
from services.registry.catalogue.repository import record_of
from services.registry.catalogue.tables import documents
from services.registry.holds.repository import held_clause
from services.registry.households.repository import CABINET_ORDER
from services.registry.households.tables import households
from services.registry.schema import Repository, chunks
from services.registry.sweeps.models import OPEN_ITEM_STATES, MovedOn
from services.registry.sweeps.rules import Agreement
from services.registry.sweeps.tables import appraisals, retention_sweeps, sweep_items

_NOT_APPRAISAL = frozenset({"sweep_id", "document_id", "as_of", "started_at", "sweep_status",
                            "state", "outcome", "agreed_until", "agreed_class",
                            "new_disposal_due"})
"""The columns ``SweepsRepository.earlier`` reads beside an appraisal's own."""


class SweepsRepository(Repository):
    async def due(self, as_of: date, *, categories: Collection[Category] | None
                  ) -> list[DocumentRecord]:
        """R2: documents the archive keeps (active or transferred out) due by ``as_of``,
        leaving out permanent ones, held ones (R7) and those already in a sweep; oldest
        due first, those due the same day in the order their cabinets stand (D1: 3栋
        before 12栋, numbered buildings before lettered), company documents last."""
        # An open item counts while its document is still due by its sweep's as_of: one
        # no longer due (not released yet, sweeps.release) is in no sweep.
        in_sweep = sa.exists().where(
            sweep_items.c.document_id == documents.c.document_id,
            sweep_items.c.state.in_(OPEN_ITEM_STATES),
            retention_sweeps.c.sweep_id == sweep_items.c.sweep_id,
            documents.c.disposal_due <= retention_sweeps.c.as_of)
        query = sa.select(documents).select_from(documents.outerjoin(
            households, households.c.household == documents.c.household)).where(
            documents.c.status.in_(RETAINED_STATUSES), documents.c.retention_class != "permanent",
            documents.c.disposal_due.is_not(None), documents.c.disposal_due <= as_of,
            ~in_sweep,
            ~held_clause(documents.c.document_id, documents.c.household,
                         documents.c.category))
        if categories:
            query = query.where(documents.c.category.in_(list(categories)))
        rows = (await self.conn.execute(
            query.order_by(documents.c.disposal_due, households.c.household.is_(None),
                           *CABINET_ORDER, documents.c.archive_no))).mappings()
        return [record_of(row) for row in rows]

    async def insert(self, sweep: Sweep) -> None:
        assert sweep.sweep_id is not None
        await self.conn.execute(retention_sweeps.insert().values(
            sweep_id=sweep.sweep_id, status=sweep.status, as_of=sweep.as_of,
            categories=sweep.categories, created_by=sweep.created_by,
            created_at=sweep.created_at))
        if not sweep.items:
            return
        try:
            await self.conn.execute(sweep_items.insert(), [
                    {"sweep_id": sweep.sweep_id, "document_id": item.document_id,
                     "position": position, "archive_no": item.archive_no,
                     "category": item.category, "disposal_due": item.disposal_due,
                     "state": item.state, "outcome": item.outcome}
                for position, item in enumerate(sweep.items, start=1)])
        except IntegrityError as exc:
            raise Conflict("another sweep took some of these documents meanwhile; start "
                           "the sweep again", code="sweep_race") from exc

    async def get(self, sweep_id: str) -> Sweep | None:
        """The sweep with its items and their appraisals."""
        sweep = await self.head(sweep_id)
        if sweep is None:
            return None
        return msgspec.structs.replace(sweep, items=await self.items(sweep_id))

    async def head(self, sweep_id: str, *, lock: bool = False) -> Sweep | None:
        """The sweep without its items; ``lock`` holds its row until the transaction ends
        (appraisals, approval and registers of one sweep then take turns)."""
        query = sa.select(retention_sweeps).where(retention_sweeps.c.sweep_id == sweep_id)
        row = await self.first_row(query, lock=lock)
        if row is None:
            return None
        return struct_of(row, Sweep, items=[])

    async def items(self, sweep_id: str, *, document_ids: Collection[str] | None = None
                    ) -> list[SweepItem]:
        query = sa.select(sweep_items).where(sweep_items.c.sweep_id == sweep_id)
        if document_ids is not None:
            query = query.where(sweep_items.c.document_id.in_(list(document_ids)))
        rows = (await self.conn.execute(query.order_by(sweep_items.c.position))).mappings()
        one = next(iter(document_ids)) if document_ids is not None \
            and len(document_ids) == 1 else None
        opinions = await self.appraisals(sweep_id, document_id=one)
        before = await self.earlier(sweep_id, document_id=one)
        return [struct_of(row, SweepItem, omit={"sweep_id", "position"},
                          appraisals=opinions.get(row["document_id"], []),
                          earlier=before.get(row["document_id"], [])) for row in rows]

    async def item(self, sweep_id: str, document_id: str, *, lock: bool = False
                   ) -> SweepItem | None:
        query = sa.select(sweep_items.c.document_id).where(
            sweep_items.c.sweep_id == sweep_id, sweep_items.c.document_id == document_id)
        if await self.first_row(query, lock=lock) is None:
            return None
        found = await self.items(sweep_id, document_ids=[document_id])
        return found[0]

    async def summaries(self, *, status: SweepStatus | None, limit: int, offset: int
                        ) -> list[SweepSummary]:
        counted = sa.select(sa.func.count()).where(
            sweep_items.c.sweep_id == retention_sweeps.c.sweep_id).scalar_subquery()
        waiting = sa.select(sa.func.count()).where(
            sweep_items.c.sweep_id == retention_sweeps.c.sweep_id,
            sweep_items.c.state == "waiting").scalar_subquery()
        query = sa.select(retention_sweeps.c.sweep_id, retention_sweeps.c.status,
                          retention_sweeps.c.as_of, retention_sweeps.c.created_by,
                          retention_sweeps.c.created_at, retention_sweeps.c.destroy_after,
                          counted.label("items"), waiting.label("waiting"),
                          _undecided().label("undecided"))
        if status is not None:
            query = query.where(retention_sweeps.c.status == status)
        return await self.newest_page(query, SweepSummary, created=retention_sweeps.c.created_at,
                                      key=retention_sweeps.c.sweep_id, limit=limit,
                                      offset=offset)

    async def awaiting_approval_count(self) -> int:
        """How many sweeps wait for the director (``awaits_approval``: under appraisal,
        none of their items undecided), however old: counted here, not from a page."""
        query = sa.select(sa.func.count()).select_from(retention_sweeps).where(
            retention_sweeps.c.status == "appraisal", _undecided() == 0)
        return int((await self.conn.execute(query)).scalar_one())

    async def appraisals(self, sweep_id: str, *, document_id: str | None = None
                         ) -> dict[str, list[Appraisal]]:
        """Each item's appraisals, oldest first."""
        query = sa.select(appraisals).where(appraisals.c.sweep_id == sweep_id)
        if document_id is not None:
            query = query.where(appraisals.c.document_id == document_id)
        rows = (await self.conn.execute(
            query.order_by(appraisals.c.at, appraisals.c.appraiser))).mappings()
        found: dict[str, list[Appraisal]] = {}
        for row in rows:
            found.setdefault(row["document_id"], []).append(
                struct_of(row, Appraisal, omit={"sweep_id", "document_id"}))
        return found

    async def earlier(self, sweep_id: str, *, document_id: str | None = None
                      ) -> dict[str, list[EarlierAppraisal]]:
        """For each item of the sweep (or the one of ``document_id``), its document's
        appraisals in sweeps started before this one, latest sweep first; sweeps where
        nobody appraised it are left out."""
        started = sa.select(retention_sweeps.c.created_at).where(
            retention_sweeps.c.sweep_id == sweep_id).scalar_subquery()
        listed = sa.select(sweep_items.c.document_id).where(sweep_items.c.sweep_id == sweep_id)
        if document_id is not None:
            listed = listed.where(sweep_items.c.document_id == document_id)
        query = (sa.select(appraisals, retention_sweeps.c.as_of,
                           retention_sweeps.c.created_at.label("started_at"),
                           retention_sweeps.c.status.label("sweep_status"),
                           sweep_items.c.state, sweep_items.c.outcome,
                           sweep_items.c.keep_until.label("agreed_until"),
                           sweep_items.c.keep_class.label("agreed_class"),
                           sweep_items.c.new_disposal_due)
                 .join(sweep_items, sa.and_(sweep_items.c.sweep_id == appraisals.c.sweep_id,
                                            sweep_items.c.document_id
                                            == appraisals.c.document_id))
                 .join(retention_sweeps,
                       retention_sweeps.c.sweep_id == appraisals.c.sweep_id)
                 .where(appraisals.c.document_id.in_(listed),
                        retention_sweeps.c.created_at < started)
                 .order_by(appraisals.c.document_id, retention_sweeps.c.created_at.desc(),
                           appraisals.c.sweep_id, appraisals.c.at, appraisals.c.appraiser))
        found: dict[str, list[EarlierAppraisal]] = {}
        for row in (await self.conn.execute(query)).mappings():
            opinion = struct_of(row, Appraisal, omit=_NOT_APPRAISAL)
            items = found.setdefault(row["document_id"], [])
            if not items or items[-1].sweep_id != row["sweep_id"]:
                items.append(EarlierAppraisal(
                    sweep_id=row["sweep_id"], as_of=row["as_of"], started_at=row["started_at"],
                    sweep_status=row["sweep_status"], state=row["state"],
                    outcome=row["outcome"], appraisals=[], keep_until=row["agreed_until"],
                    keep_class=row["agreed_class"],
                    new_disposal_due=row["new_disposal_due"]))
            items[-1].appraisals.append(opinion)
        return found

    async def save_appraisal(self, sweep_id: str, document_id: str, appraisal: Appraisal
                             ) -> None:
        """An appraiser's decision; a second one by the same appraiser replaces the first
        (the audit log keeps both, verbatim)."""
        await self.conn.execute(appraisals.delete().where(
            appraisals.c.sweep_id == sweep_id, appraisals.c.document_id == document_id,
            appraisals.c.appraiser == appraisal.appraiser))
        await self.conn.execute(appraisals.insert().values(
            sweep_id=sweep_id, document_id=document_id,
            **msgspec.to_builtins(appraisal, builtin_types=(date, datetime))))

    async def set_outcome(self, sweep_id: str, document_id: str, agreed: Agreement | None
                          ) -> None:
        await self.conn.execute(sweep_items.update().where(
            sweep_items.c.sweep_id == sweep_id, sweep_items.c.document_id == document_id
        ).values(outcome=agreed.decision if agreed else "undecided",
                 keep_until=agreed.keep_until if agreed else None,
                 keep_class=agreed.keep_class if agreed else None))

    async def decide(self, sweep_id: str, status: SweepStatus, *, by: str, at: datetime,
                     note: str | None, destroy_after: date | None) -> None:
        await self.conn.execute(retention_sweeps.update()
                                .where(retention_sweeps.c.sweep_id == sweep_id)
                                .values(status=status, decided_by=by, decided_at=at,
                                        note=note, destroy_after=destroy_after))

    async def no_longer_due(self, *, sweep_id: str | None = None, lock: bool = False
                            ) -> list[MovedOn]:
        """Open items (``OPEN_ITEM_STATES``) whose document is no longer due by their
        sweep's ``as_of``: its due date moved on (or away: permanent) since it was listed.
        Of one sweep, or of all; ``lock`` holds their rows until the transaction ends."""
        query = (sa.select(sweep_items.c.sweep_id, sweep_items.c.document_id,
                           sweep_items.c.state, sweep_items.c.disposal_due,
                           documents.c.disposal_due.label("now_due"), retention_sweeps.c.as_of)
                 .join(documents, documents.c.document_id == sweep_items.c.document_id)
                 .join(retention_sweeps,
                       retention_sweeps.c.sweep_id == sweep_items.c.sweep_id)
                 .where(sweep_items.c.state.in_(OPEN_ITEM_STATES),
                        sa.or_(documents.c.disposal_due.is_(None),
                               documents.c.disposal_due > retention_sweeps.c.as_of))
                 .order_by(sweep_items.c.sweep_id, sweep_items.c.position))
        if sweep_id is not None:
            query = query.where(sweep_items.c.sweep_id == sweep_id)
        if lock:
            query = query.with_for_update(of=sweep_items)
        rows = (await self.conn.execute(query)).mappings()
        return [struct_of(row, MovedOn) for row in rows]

    async def still_approved(self, sweep_id: str, document_ids: Collection[str]
                             ) -> set[str]:
        """The ids among ``document_ids`` that the sweep's approval still covers: their
        item waits apart for destruction (approved; not released as ``no_longer_due``)
        and their document is still due by the sweep's ``as_of``. An item released once
        stays released, even if its document's date moves back: the document is due
        again, and the sweep that finds it so appraises it again (R2)."""
        found: set[str] = set()
        for chunk in chunks(document_ids):
            rows = await self.conn.execute(
                sa.select(sweep_items.c.document_id)
                .join(documents, documents.c.document_id == sweep_items.c.document_id)
                .join(retention_sweeps, retention_sweeps.c.sweep_id == sweep_items.c.sweep_id)
                .where(sweep_items.c.sweep_id == sweep_id,
                       sweep_items.c.document_id.in_(chunk),
                       sweep_items.c.state == "waiting",
                       documents.c.disposal_due <= retention_sweeps.c.as_of))
            found.update(row.document_id for row in rows)
        return found

    async def release(self, moved: MovedOn) -> bool:
        """Mark the item ``no_longer_due`` with its document's due date now; False if it
        was no longer open (another transaction released it first)."""
        result = await self.conn.execute(sweep_items.update().where(
            sweep_items.c.sweep_id == moved.sweep_id,
            sweep_items.c.document_id == moved.document_id,
            sweep_items.c.state.in_(OPEN_ITEM_STATES),
        ).values(state="no_longer_due", new_disposal_due=moved.now_due))
        return bool(result.rowcount)

    async def set_state(self, sweep_id: str, document_ids: Collection[str], state: ItemState,
                        *, new_disposal_due: date | None = None) -> None:
        for chunk in chunks(document_ids):
            await self.conn.execute(sweep_items.update().where(
                sweep_items.c.sweep_id == sweep_id,
                sweep_items.c.document_id.in_(chunk),
            ).values(state=state, new_disposal_due=new_disposal_due))


def _undecided() -> sa.ScalarSelect[int]:
    """A sweep's items under appraisal two appraisers have not agreed on yet (R2), for
    the sweep of the row it is selected beside (``SweepSummary.undecided``)."""
    return sa.select(sa.func.count()).where(
        sweep_items.c.sweep_id == retention_sweeps.c.sweep_id,
        sweep_items.c.state == "appraisal",
        sweep_items.c.outcome == "undecided").scalar_subquery()
