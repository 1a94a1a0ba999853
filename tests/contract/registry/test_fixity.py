"""The registry's half of the fixity check on both engines (reliability promise 6): the
archive-number report over the stored catalogue, and the records paged by id."""

from __future__ import annotations

import asyncio
from datetime import date

from services.common.contracts.registry import CounterMismatch, NumberGap, NumberingReport
from services.registry.access import access_filter
from tests.contract.registry.conftest import Registry
from tests.support.registry import INGEST, new_document

UNRESTRICTED = access_filter(INGEST)

A = "2024-correspondence-A-1201"


async def _delete_record(registry: Registry, document_id: str) -> None:
    """Tampering: a record removed behind the registry's back."""
    await registry.sql("DELETE FROM document_versions WHERE document_id = :d", d=document_id)
    await registry.sql("DELETE FROM documents WHERE document_id = :d", d=document_id)


async def test_a_filed_catalogue_is_clean_and_counted(registry: Registry) -> None:
    for _ in range(3):
        await registry.file()
    await registry.file(household="B-0305", filed_at=date(2023, 7, 1))
    await registry.file(household=None, category="policy")
    report = await registry.services.fixity.numbering()
    assert (report.series, report.documents, report.clean) == (3, 5, True)


async def test_a_deleted_record_is_a_gap_in_its_series(registry: Registry) -> None:
    filed = [await registry.file() for _ in range(3)]
    await registry.file(household="B-0305")
    await _delete_record(registry, filed[1].document_id)
    report = await registry.services.fixity.numbering()
    assert report.gaps == [NumberGap(series=A, missing=[2])]
    assert (report.documents, report.duplicates, report.counter_mismatches) == (3, [], [])


async def test_a_counter_set_back_is_a_mismatch(registry: Registry) -> None:
    for _ in range(3):
        await registry.file()
    await registry.sql("UPDATE archive_counters SET last_no = 1")
    report = await registry.services.fixity.numbering()
    assert report.counter_mismatches == [CounterMismatch(series=A, counter=1, highest=3)]


async def test_a_check_during_filings_sees_each_filing_wholly_or_not_at_all(
        registry: Registry) -> None:
    # A filing committed between reading the records and reading the counters would
    # look like a counter ahead of its records: the check reads from one snapshot.
    filed = asyncio.Event()

    async def file_all() -> None:
        await asyncio.gather(*(registry.services.catalogue.register(INGEST, new_document())
                               for _ in range(40)))
        filed.set()

    async def check_until_filed() -> list[NumberingReport]:
        reports = []
        while not filed.is_set():
            reports.append(await registry.services.fixity.numbering())
        return reports

    _, *checked = await asyncio.gather(file_all(), *(check_until_filed() for _ in range(4)))
    reports = [report for run in checked for report in run]
    assert [report for report in reports if not report.clean] == []
    assert len(reports) >= 4


async def test_the_records_are_paged_by_id_each_once_destroyed_ones_included(
        registry: Registry) -> None:
    filed = [await registry.file() for _ in range(5)]
    async with registry.services.store.transaction() as tx:
        await tx.documents.mark_destroyed(filed[2].document_id, at=registry.clock.now())
    seen, after, pages = [], None, 0
    while True:
        page = await registry.services.fixity.documents(after=after, limit=2,
                                                      access=UNRESTRICTED)
        seen.extend(page.entries)
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
    assert [entry.document_id for entry in seen] == sorted(d.document_id for d in filed)
    assert pages == 3
    by_id = {entry.document_id: entry for entry in seen}
    assert by_id[filed[2].document_id].status == "destroyed"
    first = by_id[filed[0].document_id]
    assert (first.archive_no, first.sha256, first.pages, first.size_bytes) == (
        filed[0].archive_no, filed[0].sha256, filed[0].pages, filed[0].size_bytes)


async def test_a_full_last_page_is_followed_by_an_empty_one(registry: Registry) -> None:
    filed = [await registry.file() for _ in range(2)]
    first = await registry.services.fixity.documents(after=None, limit=2,
                                                   access=UNRESTRICTED)
    last = await registry.services.fixity.documents(after=first.next_after, limit=2,
                                                  access=UNRESTRICTED)
    assert first.next_after == max(d.document_id for d in filed)
    assert (last.entries, last.next_after) == ([], None)
