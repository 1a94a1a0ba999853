"""The change feed on both engines: every change appends an event; ``seq`` is gap-free and
in commit order, so a consumer reading while writers commit never skips an event."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from services.common.contracts.registry import (
    DocumentCorrected,
    DocumentFiled,
    HouseholdChanged,
    ScheduleChanged,
)
from services.common.contracts.retention import RetentionYears
from services.registry.corrections.models import CorrectionRequest, MetadataChanges
from services.registry.households.models import NewHousehold
from services.registry.schedule.models import ScheduleUpdate
from services.registry.schedule.rules import DEFAULT_CLASSES
from tests.contract.registry.conftest import ARCHIVIST, Registry
from tests.support.registry import INGEST


async def test_every_change_appends_an_event_in_the_order_made(registry: Registry) -> None:
    services = registry.services
    await services.households.create(ARCHIVIST, NewHousehold(
        household="A-1201", occupant="陈静", moved_in=date(2019, 1, 1)))
    filed = await registry.file()
    await services.corrections.request(ARCHIVIST, filed.document_id, CorrectionRequest(
        changes=MetadataChanges(title="更正后的标题"), reason="录入错误"))
    await services.households.move_out(ARCHIVIST, "A-1201", date(2024, 5, 31))
    await services.schedule.replace("qian", ScheduleUpdate(
        classes=DEFAULT_CLASSES, years=RetentionYears(long=25, short=10)))
    page = await services.journal.changes(INGEST, after=0, limit=100)
    assert [type(c.event) for c in page.changes] == [
        HouseholdChanged, DocumentFiled, DocumentCorrected, HouseholdChanged,
        DocumentCorrected, ScheduleChanged]  # the move-out restarts the letter's clock (R1)
    assert [c.seq for c in page.changes] == [1, 2, 3, 4, 5, 6]
    assert (page.last_seq, page.head) == (6, 6)


async def test_the_feed_stays_gap_free_and_ordered_under_concurrent_writers(
        registry: Registry) -> None:
    writers_done = asyncio.Event()
    seen: list[int] = []
    order: list[tuple[str, str]] = []

    async def consumer() -> None:
        cursor = 0
        while True:
            finished = writers_done.is_set()
            page = await registry.services.journal.changes(INGEST, after=cursor, limit=7)
            # Never a gap: had a later seq become visible first, the cursor would skip it.
            assert [c.seq for c in page.changes] == list(
                range(cursor + 1, cursor + 1 + len(page.changes)))
            seen.extend(c.seq for c in page.changes)
            order.extend((type(c.event).__name__, c.event.document.document_id)
                         for c in page.changes
                         if isinstance(c.event, DocumentFiled | DocumentCorrected))
            cursor = page.last_seq
            if finished and not page.changes:
                return
            await asyncio.sleep(0)

    async def writer(number: int) -> None:
        filed = await registry.file(household=f"A-{1200 + number}")
        await registry.services.corrections.request(
            ARCHIVIST, filed.document_id,
            CorrectionRequest(changes=MetadataChanges(title=f"第{number}号更正"), reason="核对"))

    reading = asyncio.create_task(consumer())
    await asyncio.gather(*(writer(n) for n in range(1, 21)))
    writers_done.set()
    await reading
    filed_events = [name for name, _ in order if name == "DocumentFiled"]
    assert seen == list(range(1, 61))  # 20 × (household created, filed, corrected)
    assert len(filed_events) == 20
    for _, document_id in order:
        kinds = [name for name, d in order if d == document_id]
        assert kinds == ["DocumentFiled", "DocumentCorrected"]


async def _fail_after_emitting(registry: Registry) -> None:
    async with registry.services.store.transaction() as tx:
        await tx.journal.emit(HouseholdChanged(household="Z-0101", change="created", label=None),
                      at=registry.clock.now())
        raise RuntimeError("the change fails after its event was appended")


async def test_a_rolled_back_change_leaves_no_gap_in_the_feed(registry: Registry) -> None:
    await registry.file()
    with pytest.raises(RuntimeError):
        await _fail_after_emitting(registry)
    await registry.file()
    page = await registry.services.journal.changes(INGEST, after=0, limit=100)
    assert [c.seq for c in page.changes] == [1, 2, 3]
    assert all(not isinstance(c.event, HouseholdChanged) or c.event.household == "A-1201"
               for c in page.changes)
