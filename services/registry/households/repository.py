"""Persistence of households and occupancies, inside a registry transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any, Final

import sqlalchemy as sa

from services.common.contracts.households import Household, Occupancy, occupancy_on
from services.common.errors import NotFound
from services.common.models import split_household
from services.common.names import building_alone, unit_code_key
from services.common.text import fold
from services.registry.households.tables import households, households_to_place, occupancies
from services.registry.schema import Repository, dialect_insert

_NUMBERED = sa.func.ltrim(households.c.building, "0123456789") == ""
CABINET_ORDER = (sa.case((_NUMBERED, sa.func.length(households.c.building)), else_=99),
                 households.c.building, households.c.floor, households.c.unit)
"""The order the cabinets stand in (D1): by building, floor and unit; numbered buildings
(3栋) by their number, before lettered ones (A栋, B1座) in the order of their letters."""


def placed_in(query: sa.Select[Any], *, building: str | None, floor: int | None
              ) -> sa.Select[Any]:
    """``query``, which selects from ``households``, kept to the households of
    ``building`` and on ``floor``, each where given."""
    if building is not None:
        query = query.where(households.c.building == building)
    if floor is not None:
        query = query.where(households.c.floor == floor)
    return query


def found_by(typed: str) -> sa.ColumnElement[bool]:
    """The households a person finds by typing ``typed``: part of the unit code however
    typed (``unit_code_key``: a1201, A-1201, 1201), a building by its word (12栋: its
    households), or part of the name of an occupant, current or former, Traditional or
    Simplified, any width or case (both folded as search folds text, ``fold``)."""
    name = fold(typed.strip())
    by_name = households.c.household.in_(
        sa.select(occupancies.c.household)
        .where(occupancies.c.occupant_folded.contains(name, autoescape=True)))
    if (building := building_alone(typed)) is not None:
        return sa.or_(households.c.building == building, by_name)
    if (key := unit_code_key(typed)) is None:
        return by_name
    by_code = sa.func.replace(households.c.household, "-", "").contains(key, autoescape=True)
    return sa.or_(by_code, by_name)


Seen = sa.Select[Any]
"""The unit codes of the documents a caller may know exist, as a subquery
(``DocumentsRepository.households_seen``)."""

EVERY_HOUSEHOLD: Final = None
"""The view that shows every household, as ``seen`` for those who act for the registry
itself (placing after an upgrade) or for a household shown to the caller already; a
person's own view is ``households.service.seen_by``."""


def shown_to(seen: Seen | None) -> sa.ColumnElement[bool]:
    """The households a caller is shown: those registered on purpose, and those holding
    a document among ``seen`` (the unit codes of the documents the caller may know exist,
    ``DocumentsRepository.households_seen``; None: they may know of every document). A
    household made only by filing documents above the caller's clearance is not theirs
    to know of: it would tell them such a document exists."""
    if seen is None:
        return sa.true()
    return sa.or_(households.c.registered, households.c.household.in_(seen))


class HouseholdsRepository(Repository):
    async def insert(self, code: str, *, label: str | None, registered: bool, at: datetime
                     ) -> bool:
        """Create the household unless it exists; True if this call created it.
        ``registered``: on purpose (开户), not as a side effect of a filing."""
        building, floor, unit = split_household(code)
        statement = dialect_insert(self.conn, households).values(
            household=code, building=building, floor=floor, unit=unit, label=label,
            registered=registered, created_at=at, updated_at=at,
        ).on_conflict_do_nothing(index_elements=["household"])
        result = await self.conn.execute(statement)
        return bool(result.rowcount)

    async def lock(self, code: str) -> bool:
        """Hold the household row until the transaction ends; False if there is none
        (whether a caller may know of it is ``get``'s to say, ``lock_household``).

        Filing and move-out both take it first, so a document filed while its occupancy
        closes is either seen by the move-out or files against the closed occupancy."""
        query = sa.select(households.c.household).where(households.c.household == code)
        return await self.first_row(query, lock=True) is not None

    async def get(self, code: str, *, seen: Seen | None) -> Household | None:
        """The household, if it is shown to a caller who sees ``seen`` (``shown_to``;
        required, so no route a person names a household through forgets to ask)."""
        query = sa.select(households).where(households.c.household == code, shown_to(seen))
        found = await self._households(query)
        return found[0] if found else None

    async def existing(self, code: str, *, seen: Seen | None) -> Household:
        """The household, or ``NotFound`` (``unknown_household``, naming the ``household``
        asked for, one of several typed): also for one not shown to a caller who sees
        ``seen``, the same answer as a unit code never used."""
        found = await self.get(code, seen=seen)
        if found is None:
            raise NotFound(f"no household {code}", code="unknown_household",
                           extra={"household": code})
        return found

    async def known_since(self, codes: set[str], *, seen: Seen | None
                          ) -> dict[str, datetime | None]:
        """Those of ``codes`` a caller who sees ``seen`` may know of (``shown_to``), each
        with the moment from which they may: None for one holding a document among
        ``seen`` (from its beginning), its registration (``created_at``) for one
        registered on purpose (what a filing did there before is not theirs to learn);
        a household they may not know of is left out."""
        found: dict[str, datetime | None] = {}
        for start in range(0, len(codes), 500):
            chunk = sorted(codes)[start:start + 500]
            rows = await self.conn.execute(sa.select(
                households.c.household, households.c.created_at,
                (households.c.household.in_(seen) if seen is not None else sa.true())
                .label("seen"))
                .where(households.c.household.in_(chunk), shown_to(seen)))
            found.update({row.household: None if row.seen else row.created_at
                          for row in rows})
        return found

    async def in_cabinet_order(self, *, building: str | None, floor: int | None,
                               typed: str | None, seen: Seen | None, limit: int,
                               offset: int) -> list[Household]:
        """By building, floor and unit, the order of the cabinets (D1); only those shown
        to a caller who sees ``seen`` and, if given, found by ``typed`` (``found_by``),
        chosen inside the query, before the page is cut."""
        query = placed_in(sa.select(households).where(shown_to(seen)), building=building,
                          floor=floor)
        if typed and typed.strip():
            query = query.where(found_by(typed))
        return await self._households(query.order_by(*CABINET_ORDER).limit(limit)
                                      .offset(offset))

    async def open_occupancy(self, code: str) -> Occupancy | None:
        row = await self.first_row(sa.select(occupancies).where(
            occupancies.c.household == code, occupancies.c.moved_out.is_(None)))
        return None if row is None else _occupancy(row)

    async def occupancy_on(self, code: str, day: date) -> Occupancy | None:
        """The occupancy a document dated ``day`` belongs to (``occupancy_on``)."""
        return occupancy_on(await self.occupants(code), day)

    async def occupants(self, code: str) -> list[Occupancy]:
        """The household's occupants history, oldest first."""
        rows = (await self.conn.execute(
            sa.select(occupancies).where(occupancies.c.household == code)
            .order_by(occupancies.c.moved_in, occupancies.c.occupancy_id))).mappings()
        return [_occupancy(row) for row in rows]

    async def add_occupancy(self, code: str, occupant: str, moved_in: date) -> int:
        result = await self.conn.execute(occupancies.insert().values(
            household=code, occupant=occupant, occupant_folded=fold(occupant),
            moved_in=moved_in,
        ).returning(occupancies.c.occupancy_id))
        return int(result.scalar_one())

    async def occupancy(self, occupancy_id: int) -> tuple[str, Occupancy] | None:
        """The occupancy and the household whose history it is in, if there is one."""
        row = await self.first_row(sa.select(occupancies)
                                   .where(occupancies.c.occupancy_id == occupancy_id))
        return None if row is None else (row["household"], _occupancy(row))

    async def correct_occupancy(self, corrected: Occupancy) -> None:
        """Write ``corrected`` over the occupancy it names (D12: an approved correction;
        the values it replaced are kept with the correction and in the audit log)."""
        await self.conn.execute(occupancies.update()
                                .where(occupancies.c.occupancy_id == corrected.occupancy_id)
                                .values(occupant=corrected.occupant,
                                        occupant_folded=fold(corrected.occupant),
                                        moved_in=corrected.moved_in,
                                        moved_out=corrected.moved_out))

    async def close_occupancy(self, occupancy_id: int, moved_out: date) -> None:
        await self.conn.execute(occupancies.update()
                                .where(occupancies.c.occupancy_id == occupancy_id)
                                .values(moved_out=moved_out))

    async def register(self, code: str, *, at: datetime) -> bool:
        """Mark a household made by a filing as registered on purpose (开户) at ``at``, its
        ``created_at`` then (when its filing made it is not the registering caller's to
        learn: the documents may be above their clearance); True if it was not registered
        before."""
        result = await self.conn.execute(
            households.update().where(households.c.household == code,
                                      sa.not_(households.c.registered))
            .values(registered=True, created_at=at, updated_at=at))
        return bool(result.rowcount)

    async def set_label(self, code: str, label: str | None, *, at: datetime) -> None:
        await self.conn.execute(households.update().where(households.c.household == code)
                                .values(label=label, updated_at=at))

    async def to_place(self) -> list[str]:
        """The households left to place by filing date after an upgrade (``registry_0022``),
        by unit code."""
        return list((await self.conn.execute(
            sa.select(households_to_place.c.household)
            .order_by(households_to_place.c.household))).scalars())

    async def placed(self, code: str) -> bool:
        """Strike ``code`` off the households left to place; False if it was not on it
        (another registry process placed it first)."""
        result = await self.conn.execute(
            households_to_place.delete().where(households_to_place.c.household == code))
        return bool(result.rowcount)

    async def _households(self, query: sa.Select[Any]) -> list[Household]:
        rows = (await self.conn.execute(query)).mappings().all()
        if not rows:
            return []
        history: dict[str, list[Occupancy]] = defaultdict(list)
        for row in (await self.conn.execute(
            sa.select(occupancies)
            .where(occupancies.c.household.in_([r["household"] for r in rows]))
            .order_by(occupancies.c.moved_in, occupancies.c.occupancy_id)
        )).mappings():
            history[row["household"]].append(_occupancy(row))
        return [Household(
            household=row["household"], building=row["building"], floor=row["floor"],
            unit=row["unit"], label=row["label"],
            occupied=any(o.moved_out is None for o in history[row["household"]]),
            occupants=history[row["household"]], created_at=row["created_at"],
            updated_at=row["updated_at"],
        ) for row in rows]


def _occupancy(row: Any) -> Occupancy:
    return Occupancy(occupancy_id=int(row["occupancy_id"]), occupant=row["occupant"],
                     moved_in=row["moved_in"], moved_out=row["moved_out"])
