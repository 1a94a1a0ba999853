"""Filing on both engines: archive numbers (D8), idempotency by SHA-256, a household's file,
the review queue."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import msgspec
import pytest

from services.common.auth import Principal
from services.common.contracts.corrections import CorrectionRequest, MetadataChanges
from services.common.contracts.registry import (
    DocumentFiled,
    DocumentRecord,
    ExtractionSummary,
    FilingDefaults,
    PaperLocation,
    TextRevised,
)
from services.common.errors import BadRequest, Conflict, ValidationFailed
from services.registry.journal.models import AuditQuery
from tests.contract.registry.conftest import ARCHIVIST, Registry
from tests.support.registry import INGEST, new_document, sha


async def test_twenty_concurrent_filings_get_unique_gap_free_archive_numbers(
        registry: Registry) -> None:
    filings = [registry.services.catalogue.register(INGEST, new_document())
               for _ in range(20)]
    registrations = await asyncio.gather(*filings)
    numbers = sorted(r.document.archive_no for r in registrations)
    assert numbers == [f"2024-correspondence-A-1201-{n:04d}" for n in range(1, 21)]


async def test_archive_numbers_count_per_year_category_and_household(
        registry: Registry) -> None:
    first = await registry.file(filed_at=date(2023, 12, 31))
    other_year = await registry.file(filed_at=date(2024, 1, 2))
    other_category = await registry.file(category="repair")
    other_household = await registry.file(household="B-0305")
    second = await registry.file(filed_at=date(2023, 5, 5))
    assert [first.archive_no, second.archive_no] == [
        "2023-correspondence-A-1201-0001", "2023-correspondence-A-1201-0002"]
    assert other_year.archive_no == "2024-correspondence-A-1201-0001"
    assert other_category.archive_no == "2024-repair-A-1201-0001"
    assert other_household.archive_no == "2024-correspondence-B-0305-0001"


async def test_company_documents_are_numbered_without_a_household(registry: Registry) -> None:
    first = await registry.file(household=None, category="policy")
    second = await registry.file(household=None, category="policy")
    assert (first.archive_no, second.archive_no) == ("2024-policy-0001", "2024-policy-0002")
    assert first.household is None


async def test_registering_the_same_bytes_again_returns_the_existing_record(
        registry: Registry) -> None:
    content = sha("the same scan")
    first = await registry.services.catalogue.register(INGEST, new_document(sha256=content))
    again = await registry.services.catalogue.register(INGEST, new_document(sha256=content))
    assert (first.created, again.created) == (True, False)
    assert again.document == first.document


FILED_ONCE = {"security": "confidential", "personal_info": True, "language": "zh",
              "location": PaperLocation(building="A", room="档案室", cabinet="3", box="12")}


@pytest.mark.parametrize("differing", [
    {"title": "a different title"}, {"security": "ordinary"}, {"personal_info": False},
    {"location": PaperLocation(building="A", room="档案室", cabinet="3", box="13")},
    {"language": "en"},
], ids=["title", "security", "personal_info", "location", "language"])
async def test_filing_known_bytes_with_other_metadata_is_refused_and_changes_nothing(
        registry: Registry, differing: dict[str, object]) -> None:
    content = sha("filed once, confidential")
    first = await registry.services.catalogue.register(INGEST, new_document(
        sha256=content, **FILED_ONCE))
    with pytest.raises(Conflict) as refused:
        await registry.services.catalogue.register(INGEST, new_document(
            sha256=content, **{**FILED_ONCE, **differing}))
    after = await registry.services.catalogue.read(INGEST, first.document.document_id)
    assert (refused.value.code, refused.value.extra) == (
        "filed_differently", {"fields": list(differing), "document_id": first.document.document_id,
                              "archive_no": first.document.archive_no})
    assert after == first.document


async def test_filing_known_bytes_again_without_a_location_or_language_is_the_same_filing(
        registry: Registry) -> None:
    """What a filing leaves out is not compared, as for an upload to ingest
    (``filed_otherwise``): the record keeps its location and language."""
    content = sha("filed once, with its box")
    first = await registry.services.catalogue.register(INGEST, new_document(
        sha256=content, **FILED_ONCE))
    again = await registry.services.catalogue.register(INGEST, new_document(
        sha256=content, **{**FILED_ONCE, "location": None, "language": None}))
    assert (again.created, again.document) == (False, first.document)


async def test_the_language_ocr_read_is_kept_when_nobody_said_one(
        registry: Registry) -> None:
    said = await registry.services.catalogue.register(INGEST, new_document(
        language="chi_tra", language_read="chi_sim"))
    unsaid = await registry.services.catalogue.register(INGEST, new_document(
        language=None, language_read="chi_sim"))
    assert (said.document.language, unsaid.document.language) == ("chi_tra", "chi_sim")


@pytest.mark.parametrize("filed_with", [None, "eng"], ids=["no language", "another"])
async def test_refiling_is_not_refused_for_a_language_ocr_read_but_nobody_said(
        registry: Registry, filed_with: str | None) -> None:
    """Bytes filed directly, then by ingest's job of an upload that said no language:
    the language its OCR read is not the uploader's word, so it is not compared."""
    content = sha("filed directly, then uploaded")
    first = await registry.services.catalogue.register(ARCHIVIST, new_document(
        sha256=content, language=filed_with))
    again = await registry.services.catalogue.register(INGEST, new_document(
        sha256=content, language=None, language_read="chi_sim"))
    assert (again.created, again.document) == (False, first.document)


LEFT_OUT = {"title": None, "filed_at": None, "security": None, "personal_info": None}
"""An upload that says no title, date, security or personal information."""
UPLOAD_DEFAULTS = FilingDefaults(title="scan-0001", filed_at=date(2024, 5, 31),
                                 security="ordinary", personal_info=False)
"""What ingest files for them: the file's name, the day of the upload, the lowest level."""


async def test_a_filing_that_leaves_fields_out_files_their_defaults(registry: Registry) -> None:
    record = (await registry.services.catalogue.register(INGEST, new_document(
        **LEFT_OUT, defaults=UPLOAD_DEFAULTS))).document
    assert (record.title, record.filed_at, record.security, record.personal_info,
            record.archive_no) == ("scan-0001", date(2024, 5, 31), "ordinary", False,
                                   "2024-correspondence-A-1201-0001")


async def test_a_direct_filing_that_leaves_fields_out_takes_the_same_defaults_today(
        registry: Registry) -> None:
    record = await registry.file(**LEFT_OUT, original_filename="扫描件-17.pdf")
    assert (record.title, record.filed_at, record.security, record.personal_info) == (
        "扫描件-17", date(2024, 6, 1), "ordinary", False)
    with pytest.raises(BadRequest) as refused:
        await registry.file(title=None)
    assert refused.value.code == "invalid_metadata"


async def test_refiling_is_not_refused_for_the_defaults_of_what_it_leaves_out(
        registry: Registry) -> None:
    """Bytes filed directly with a title, date and security, then by ingest's job of an
    upload that said none: the file's name, the upload's day and ``ordinary`` are not the
    uploader's word, so they are not compared."""
    content = sha("filed directly, then uploaded saying less")
    first = await registry.services.catalogue.register(ARCHIVIST, new_document(
        sha256=content, **FILED_ONCE))
    again = await registry.services.catalogue.register(INGEST, new_document(
        sha256=content, **{**FILED_ONCE, **LEFT_OUT}, defaults=UPLOAD_DEFAULTS))
    assert (again.created, again.document) == (False, first.document)


async def test_refiling_saying_them_otherwise_is_refused_naming_only_those(
        registry: Registry) -> None:
    content = sha("filed directly, then uploaded saying otherwise")
    first = await registry.services.catalogue.register(ARCHIVIST, new_document(
        sha256=content, **FILED_ONCE))
    with pytest.raises(Conflict) as refused:
        await registry.services.catalogue.register(INGEST, new_document(
            sha256=content, **{**FILED_ONCE, **LEFT_OUT, "title": "另一个标题",
                               "security": "ordinary"}, defaults=UPLOAD_DEFAULTS))
    assert (refused.value.code, refused.value.extra) == (
        "filed_differently", {"fields": ["title", "security"],
                              "document_id": first.document.document_id,
                              "archive_no": first.document.archive_no})
    after = await registry.services.catalogue.read(INGEST, first.document.document_id)
    assert after == first.document


async def test_concurrent_registrations_of_the_same_bytes_make_one_document_and_no_gap(
        registry: Registry) -> None:
    content = sha("scanned twice at once")
    results = await asyncio.gather(*(
        registry.services.catalogue.register(INGEST, new_document(sha256=content))
        for _ in range(5)))
    assert sum(r.created for r in results) == 1
    assert {r.document.document_id for r in results} == {results[0].document.document_id}
    following = await registry.file()
    assert following.archive_no == "2024-correspondence-A-1201-0002"
    page = await registry.services.journal.changes(INGEST, after=0, limit=100)
    assert sum(isinstance(c.event, DocumentFiled) for c in page.changes) == 2


async def test_a_households_file_lists_newest_first(registry: Registry) -> None:
    for day in (date(2021, 4, 1), date(2024, 2, 1), date(2019, 7, 9), date(2022, 1, 1)):
        await registry.file(filed_at=day)
    await registry.file(household="B-0101")
    listed = await registry.services.catalogue.list_file(ARCHIVIST, household="A-1201",
                                                         limit=50, offset=0)
    assert [d.filed_at for d in listed] == [date(2024, 2, 1), date(2022, 1, 1),
                                            date(2021, 4, 1), date(2019, 7, 9)]


async def test_the_review_queue_holds_only_documents_whose_text_the_person_may_read(
        registry: Registry) -> None:
    """A confidential or personal document is read through a loan (B2, B8): without one
    its pages are not offered for correction, nor counted; with one they are."""
    doubtful = ExtractionSummary(mean_confidence=41.0, pages_needing_review=[1], method="ocr")

    async def filed(**fields: Any) -> DocumentRecord:
        # A minute apart: the queue is oldest first, and documents registered at one
        # moment come in the order of their random ids.
        registry.clock.advance(timedelta(minutes=1))
        return await registry.file(extraction=doubtful, **fields)

    ordinary = await filed()
    await filed(security="confidential")
    await filed(personal_info=True)
    lent = await filed(security="confidential")
    await filed(security="secret")
    registry.grants.grant(ARCHIVIST.username, lent.document_id)
    confidential_reader = Principal(username="zhou", roles=("archivist",),
                                    clearance="confidential")

    queue = await registry.services.catalogue.review_queue(ARCHIVIST, limit=50, offset=0)
    others = await registry.services.catalogue.review_queue(confidential_reader, limit=50,
                                                            offset=0)

    assert [d.document_id for d in queue] == [ordinary.document_id, lent.document_id]
    assert [d.document_id for d in others] == [ordinary.document_id]


async def test_filing_to_an_unknown_household_creates_it_without_a_label(
        registry: Registry) -> None:
    await registry.file(household="C-2310")
    household = await registry.services.households.get(ARCHIVIST, "C-2310")
    assert (household.building, household.floor, household.unit) == ("C", 23, 10)
    assert household.label is None
    assert household.occupants == []


async def test_a_document_joins_the_occupancy_in_force_on_its_date(registry: Registry) -> None:
    from services.registry.households.models import NewHousehold, NewOccupant

    households = registry.services.households
    await households.create(ARCHIVIST, NewHousehold(household="A-0801", occupant="华信贸易有限公司",
                                                 moved_in=date(2015, 1, 1)))
    changed = await households.change_occupant(ARCHIVIST, "A-0801", NewOccupant(
        occupant="张伟", moved_in=date(2020, 6, 1)))
    old, new = changed.occupants
    before = await registry.file(household="A-0801", filed_at=date(2018, 3, 3))
    after = await registry.file(household="A-0801", filed_at=date(2021, 3, 3))
    assert (before.occupancy_id, after.occupancy_id) == (old.occupancy_id, new.occupancy_id)


async def test_a_filing_dated_after_the_registrys_today_is_refused(registry: Registry) -> None:
    """The registry's clock reads 2024-06-01: that day is filed, the next is not, whoever
    files it (ingest's service token, or an archivist on the registry's own route)."""
    today = await registry.file(filed_at=date(2024, 6, 1))
    for filer in (INGEST, ARCHIVIST):
        with pytest.raises(ValidationFailed) as refused:
            await registry.services.catalogue.register(
                filer, new_document(filed_at=date(2024, 6, 2)))
        assert refused.value.code == "date_in_future"
    assert today.filed_at == date(2024, 6, 1)


async def test_the_scan_of_a_paper_file_catalogued_before_it_takes_its_pages_and_text(
        registry: Registry) -> None:
    """A paper file catalogued before it was scanned (no pages, no text) and then uploaded:
    ingest's filing of its bytes is the same document (D6: the same bytes, one record),
    and the record takes what the scan brings — its pages, how well they were read (the
    pages needing a person join the review queue), not the language read, which is
    nobody's word — and the feed
    tells search to read its text (a word of its pages finds it), once: the job filing
    it again (a retry) changes nothing more."""
    content = sha("a decoration application catalogued in 2022, scanned in 2026")
    catalogued = await registry.services.catalogue.register(ARCHIVIST, new_document(
        sha256=content, pages=0))
    assert (catalogued.document.pages, catalogued.document.extraction) == (0, None)
    summary = ExtractionSummary(mean_confidence=71.5, pages_needing_review=[2], method="ocr")
    scanned = new_document(sha256=content, pages=3, extraction=summary,
                           language_read="chi_sim", filed_by="wang")

    uploaded = await registry.services.catalogue.register(INGEST, scanned)
    again = await registry.services.catalogue.register(INGEST, scanned)

    document_id = catalogued.document.document_id
    assert (uploaded.created, uploaded.document.document_id) == (False, document_id)
    record = await registry.services.catalogue.read(ARCHIVIST, document_id)
    assert (record.pages, record.extraction, record.language) == (3, summary, None)
    assert (record.archive_no, record.version) == (catalogued.document.archive_no, 1)
    assert again.document == record
    page = await registry.services.journal.changes(INGEST, after=0, limit=100)
    revised = [change.event for change in page.changes
               if isinstance(change.event, TextRevised)
               and change.event.document.document_id == document_id]
    assert [(event.text_version, event.revised_by) for event in revised] == [(1, "wang")]
    attached = await registry.services.journal.entries(
        INGEST, AuditQuery(action="original_attached"))
    assert [(entry.document_id, entry.username, entry.detail) for entry in attached] == [
        (document_id, "wang", {"pages": 3})]


async def test_the_scan_of_a_record_corrected_since_its_upload_is_attached_as_corrected(
        registry: Registry) -> None:
    """The upload said what the record said then (its version 1); a correction since
    changed the title and the filing date (version 2). The bytes are the record's, so
    the scan is attached to the record as corrected, the audit entry naming the fields;
    a filing saying what no version said is refused, never guessed."""
    content = sha("a complaint catalogued in 2020, its title corrected before the scan")
    catalogued = await registry.services.catalogue.register(ARCHIVIST, new_document(
        sha256=content, pages=0))
    document_id = catalogued.document.document_id
    await registry.services.corrections.request(ARCHIVIST, document_id, CorrectionRequest(
        changes=MetadataChanges(title="投诉记录（更正）", filed_at=date(2020, 3, 2)),
        reason="按原件更正"))
    scanned = new_document(sha256=content, pages=2, filed_by="wang", extraction=(
        ExtractionSummary(mean_confidence=90.0, pages_needing_review=[], method="ocr")))
    with pytest.raises(Conflict) as refused:
        await registry.services.catalogue.register(INGEST, msgspec.structs.replace(
            scanned, title="没有哪个版本写过的标题"))

    attached = await registry.services.catalogue.register(INGEST, scanned)

    assert refused.value.code == "filed_differently"
    record = await registry.services.catalogue.read(ARCHIVIST, document_id)
    assert (record.pages, record.title, record.filed_at, record.version) == (
        2, "投诉记录（更正）", date(2020, 3, 2), 2)
    assert attached.document == record
    entries = await registry.services.journal.entries(
        INGEST, AuditQuery(action="original_attached"))
    assert [entry.detail for entry in entries if entry.document_id == document_id] == [
        {"pages": 2, "corrected_since": ["title", "filed_at"]}]


async def test_the_records_awaiting_their_scan_are_listed_until_it_is_attached(
        registry: Registry) -> None:
    """What ingest asks, once, to attach the scans an earlier release filed without
    attaching them: the originals of the records catalogued with no pages and no reading,
    and no longer once the scan is attached; a record filed with its pages never."""
    awaited = sha("a lease catalogued in 2021, its scan filed by an earlier release")
    await registry.services.catalogue.register(ARCHIVIST, new_document(sha256=awaited,
                                                                      pages=0))
    await registry.services.catalogue.register(ARCHIVIST, new_document(
        sha256=sha("a lease scanned when it was filed"), pages=2))

    before = await registry.services.fixity.awaiting_scan()
    await registry.services.catalogue.register(INGEST, new_document(
        sha256=awaited, pages=3, extraction=ExtractionSummary(
            mean_confidence=90.0, pages_needing_review=[], method="ocr")))

    assert before.sha256s == [awaited]
    assert (await registry.services.fixity.awaiting_scan()).sha256s == []
