"""Documents an earlier release left in the wrong part, or with a clock that no longer
starts where R1 says, are placed by filing date once the registry starts on the upgraded
database (registry_0022, D3, R1), each as a new version saying why (D6), with an audit
entry in the chain (O4); a second run places nothing, nor does placing them all again.
On both engines.

The earlier release is the revision before registry_0022 with what 5b502e4 wrote on a
change of occupant: the occupancy closed, the new one added, and the clocks of the
closing part's active documents restarted at the move-out (all of them, those filed
after it too), without a version; documents stayed in the part they were filed in."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command

from services.common.clock import FixedClock
from services.common.db import create_engine, migrate, migration_config
from services.registry.catalogue.tables import documents
from services.registry.households.models import NewHousehold, NewOccupant
from services.registry.journal.models import AuditQuery
from services.registry.schedule.rules import add_years
from tests.contract.registry.conftest import ARCHIVIST, Registry
from tests.support.registry import INGEST

EARLIER_RELEASE = ("registry_0018_occupant_folded", "registry_accounts_audit_key")
"""The newest revisions an earlier release wrote (the chain's two heads then): before
households were listed to place."""
MOVED_IN, CHANGEOVER = date(2018, 6, 1), date(2019, 3, 15)
FILED = [date(2019, 1, 1), date(2019, 3, 15), date(2020, 5, 1), date(2021, 9, 1),
         date(2023, 3, 1)]
"""A-1201's five letters: the first in 李娜's stay, the others (the changeover day too)
in 张伟's."""
LONG = 30
"""Years a letter (``correspondence``, long-term) is kept."""


async def test_documents_an_earlier_release_left_are_placed_by_filing_date_once(
        database_url: str) -> None:
    for head in EARLIER_RELEASE:
        await asyncio.to_thread(command.upgrade, migration_config(database_url, "registry"),
                                head)
    engine = create_engine(database_url)
    try:
        registry = Registry(engine=engine, clock=FixedClock(datetime(2024, 6, 1, 9, 0,
                                                                     tzinfo=UTC)))
        letters, transferred = await _written_by_the_earlier_release(registry)
        placed_right = await _placed_by_this_release(registry)
        await migrate(database_url, "registry")

        started = registry.build()
        await started.start()  # places before it answers
        await started.stop()
        again = await registry.build().households.place_after_upgrade()
        await registry.sql("INSERT INTO households_to_place SELECT household FROM households")
        listed_again = await registry.build().households.place_after_upgrade()

        household = await registry.services.households.get(ARCHIVIST, "A-1201")
        li_na, zhang_wei = (o.occupancy_id for o in household.occupants)
        async with engine.connect() as conn:
            rows = {row.document_id: tuple(row[1:]) for row in await conn.execute(sa.select(
                documents.c.document_id, documents.c.occupancy_id,
                documents.c.retention_start, documents.c.disposal_due, documents.c.version))}
        assert (again.households, again.documents) == (0, 0)
        assert (listed_again.households, listed_again.documents) == (2, 0)
        assert [rows[letter][0] for letter in letters] == [li_na] + [zhang_wei] * 4
        assert [rows[letter][3] for letter in letters] == [1, 2, 2, 2, 2]
        # the transferred letter's clock now starts at the move-out, as R1 says
        assert rows[transferred][1:] == (CHANGEOVER, add_years(CHANGEOVER, LONG), 2)
        assert all(row[3] == 2 for document, row in rows.items() if document in placed_right)

        history = await registry.services.catalogue.history(ARCHIVIST, letters[1])
        assert history[-1].reason_code == "placed_after_upgrade"
        assert history[-1].changed_by == "service:registry"
        assert history[-1].changes == {"occupancy_id": [li_na, zhang_wei]}
        entries = await registry.services.journal.entries(
            INGEST, AuditQuery(action="placed_after_upgrade"))
        assert sorted(entry.document_id or "" for entry in entries) == sorted(
            [*letters[1:], transferred])
        assert entries[0].detail == {
            "household": "A-1201", "version": 2, "occupancy_id": zhang_wei,
            "previous_occupancy_id": li_na, "retention_start": "2023-03-01",
            "disposal_due": "2053-03-01"}
        assert {entry.username for entry in entries} == {"service:registry"}
        assert (await registry.services.journal.verify()).intact
    finally:
        await engine.dispose()


async def _written_by_the_earlier_release(registry: Registry) -> tuple[list[str], str]:
    """A-1201 as 5b502e4 left it: 李娜 moved in, five letters filed (all in her part, the
    only one then), one more transferred out, then 张伟 registered as moving in on
    ``CHANGEOVER``. The letters' ids, and the transferred one's."""
    await registry.services.households.create(ARCHIVIST, NewHousehold(
        household="A-1201", occupant="李娜", moved_in=MOVED_IN))
    letters = [(await registry.file(filed_at=day)).document_id for day in FILED]
    transferred = (await registry.file(filed_at=date(2018, 9, 1))).document_id
    await registry.sql("UPDATE documents SET status = 'transferred' WHERE document_id = :id",
                       id=transferred)
    await registry.sql("UPDATE occupancies SET moved_out = :day WHERE household = 'A-1201'",
                       day=CHANGEOVER)
    await registry.sql("INSERT INTO occupancies (household, occupant, occupant_folded, "
                       "moved_in) VALUES ('A-1201', '张伟', '张伟', :day)", day=CHANGEOVER)
    await registry.sql("UPDATE households SET label = '张伟' WHERE household = 'A-1201'")
    for letter, day in zip(letters, FILED, strict=True):
        start = max(day, CHANGEOVER)
        await registry.sql("UPDATE documents SET retention_start = :start, disposal_due = :due "
                           "WHERE document_id = :id", start=start,
                           due=add_years(start, LONG), id=letter)
    return letters, transferred


async def _placed_by_this_release(registry: Registry) -> set[str]:
    """A-1202, its occupant changed by this release on the earlier schema, which placed
    its letters then (each a version 2): the ids of its letters."""
    households = registry.services.households
    await households.create(ARCHIVIST, NewHousehold(household="A-1202", occupant="王芳",
                                                 moved_in=MOVED_IN))
    letters = {(await registry.file(household="A-1202", filed_at=day)).document_id
               for day in (date(2019, 1, 1), date(2020, 5, 1))}
    await households.change_occupant(ARCHIVIST, "A-1202", NewOccupant(occupant="赵强",
                                                                   moved_in=CHANGEOVER))
    return letters
