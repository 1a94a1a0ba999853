"""Retention dates on both engines (R1): every class, every start event, schedule changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common.auth import Principal
from services.common.contracts.registry import DocumentCorrected
from services.common.contracts.retention import RetentionYears, SweepRequest
from services.common.models import CATEGORIES, Category, RetentionClass
from services.registry.corrections.models import CorrectionRequest, MetadataChanges
from services.registry.households.models import NewHousehold, NewOccupant
from services.registry.schedule.models import ScheduleUpdate
from services.registry.schedule.rules import DEFAULT_CLASSES
from services.registry.sweeps.models import AppraisalRequest
from tests.contract.registry.conftest import ARCHIVIST, MANAGER, Registry
from tests.support.registry import INGEST

COMPLIANCE = Principal(username="qian", roles=("compliance",), clearance="secret")

FILED = date(2024, 2, 29)
# category of each class → due date when the clock starts at FILED (29 Feb → 28 Feb)
BY_FILING: dict[Category, date | None] = {
    "contract": None, "payment": date(2054, 2, 28), "repair": date(2034, 2, 28),
}


async def _occupied(registry: Registry, household: str, moved_in: date) -> None:
    await registry.services.households.create(ARCHIVIST, NewHousehold(
        household=household, occupant="恒通物流有限公司", moved_in=moved_in))


async def test_filing_sets_disposal_due_from_the_filing_date_for_each_class(
        registry: Registry) -> None:
    filed = {category: await registry.file(category=category, filed_at=FILED)
             for category in BY_FILING}
    assert {c: d.disposal_due for c, d in filed.items()} == BY_FILING
    assert [filed[c].retention_class for c in BY_FILING] == ["permanent", "long", "short"]


async def test_move_out_restarts_the_clock_of_the_closed_occupancys_documents(
        registry: Registry) -> None:
    await _occupied(registry, "A-1201", date(2010, 1, 1))
    documents = [await registry.file(category=c, filed_at=date(2012, 5, 1))
                 for c in ("contract", "payment", "repair")]
    elsewhere = await registry.file(household="B-0101", category="repair",
                                    filed_at=date(2012, 5, 1))
    await registry.services.households.move_out(ARCHIVIST, "A-1201", date(2023, 8, 31))
    async with registry.services.store.transaction() as tx:
        after = [await tx.documents.get(d.document_id) for d in documents]
        untouched = await tx.documents.get(elsewhere.document_id)
    assert [d.disposal_due for d in after if d] == [None, date(2053, 8, 31), date(2033, 8, 31)]
    assert {d.retention_start for d in after if d} == {date(2023, 8, 31)}
    assert untouched is not None
    assert untouched.disposal_due == date(2022, 5, 1)


async def test_a_new_occupant_closes_the_previous_occupancy_and_restarts_its_clock(
        registry: Registry) -> None:
    await _occupied(registry, "A-1201", date(2010, 1, 1))
    old = await registry.file(category="repair", filed_at=date(2015, 3, 1))
    await registry.services.households.change_occupant(ARCHIVIST, "A-1201", NewOccupant(
        occupant="李娜", moved_in=date(2020, 1, 1)))
    new = await registry.file(category="repair", filed_at=date(2021, 3, 1))
    async with registry.services.store.transaction() as tx:
        old_now = await tx.documents.get(old.document_id)
    assert old_now is not None
    assert old_now.disposal_due == date(2030, 1, 1)
    assert new.disposal_due == date(2031, 3, 1)


async def test_a_document_filed_for_a_closed_occupancy_starts_at_its_move_out(
        registry: Registry) -> None:
    await _occupied(registry, "A-1201", date(2005, 1, 1))
    await registry.services.households.move_out(ARCHIVIST, "A-1201", date(2011, 6, 30))
    late = await registry.file(category="payment", filed_at=date(2009, 9, 9))
    assert (late.retention_start, late.disposal_due) == (date(2011, 6, 30), date(2041, 6, 30))


async def _occupants_entered(registry: Registry, household: str) -> None:
    """甲公司 2018-01-01 → 2020-12-31, then 乙公司 from 2021-01-01 (D2, D3)."""
    households = registry.services.households
    await households.change_occupant(ARCHIVIST, household, NewOccupant(
        occupant="甲公司", moved_in=date(2018, 1, 1)))
    await households.move_out(ARCHIVIST, household, date(2020, 12, 31))
    await households.change_occupant(ARCHIVIST, household, NewOccupant(
        occupant="乙公司", moved_in=date(2021, 1, 1)))


async def _placed(registry: Registry, household: str
                  ) -> list[tuple[date, str | None, date, date | None]]:
    """Each document's filing date, occupant, retention start and due date, newest first."""
    file = await registry.services.catalogue.list_file(ARCHIVIST, household=household,
                                                       limit=100, offset=0)
    occupants = {o.occupancy_id: o.occupant
                 for o in (await registry.services.households.get(ARCHIVIST, household)).occupants}
    return [(d.filed_at, occupants.get(d.occupancy_id or 0), d.retention_start,
             d.disposal_due) for d in file]


async def test_documents_are_placed_alike_before_or_after_the_occupants_history(
        registry: Registry) -> None:
    days = (date(2017, 5, 5), date(2019, 6, 1), date(2020, 12, 31), date(2021, 1, 1),
            date(2023, 3, 3))
    await registry.services.households.create(ARCHIVIST, NewHousehold(household="F-0201"))
    await _occupants_entered(registry, "F-0201")
    for day in days:
        await registry.file(household="F-0201", category="payment", filed_at=day)
    for day in days:
        await registry.file(household="F-0202", category="payment", filed_at=day)
    await _occupants_entered(registry, "F-0202")
    assert await _placed(registry, "F-0202") == await _placed(registry, "F-0201") == [
        (date(2023, 3, 3), "乙公司", date(2023, 3, 3), date(2053, 3, 3)),
        (date(2021, 1, 1), "乙公司", date(2021, 1, 1), date(2051, 1, 1)),
        (date(2020, 12, 31), "甲公司", date(2020, 12, 31), date(2050, 12, 31)),
        (date(2019, 6, 1), "甲公司", date(2020, 12, 31), date(2050, 12, 31)),
        (date(2017, 5, 5), None, date(2017, 5, 5), date(2047, 5, 5))]


async def test_each_move_into_a_part_is_a_version_saying_who_and_why(
        registry: Registry) -> None:
    filed = await registry.file(household="F-0202", category="payment",
                                filed_at=date(2023, 3, 3))
    await _occupants_entered(registry, "F-0202")
    async with registry.services.store.transaction() as tx:
        versions = await tx.documents.versions(filed.document_id)
    feed = await registry.sql("SELECT kind FROM change_feed WHERE document_id = :d "
                              "ORDER BY seq", d=filed.document_id)
    assert [(v.version, v.changed_by, sorted(v.changes)) for v in versions] == [
        (1, "service:ingest", []),
        (2, "wang", ["occupancy_id"]),
        (3, "wang", ["occupancy_id"]),
        (4, "wang", ["occupancy_id"])]
    assert ["甲公司" in versions[1].reason, "vacant" in versions[2].reason,
            "乙公司" in versions[3].reason] == [True, True, True]
    # Why, as a code and its values too, for the pages to say in the reader's language.
    assert [(v.reason_code, v.reason_values) for v in versions] == [
        ("filed", {}),
        ("attached_to_current_part", {"occupant": "甲公司", "moved_in": "2018-01-01"}),
        ("attached_to_no_part", {}),
        ("attached_to_current_part", {"occupant": "乙公司", "moved_in": "2021-01-01"})]
    assert [kind for (kind,) in feed] == ["document_filed"] + ["document_corrected"] * 3


async def test_a_move_out_restart_is_a_version_with_a_feed_event_naming_the_due_date(
        registry: Registry) -> None:
    """D6: the restart moves the due date, so it is a version saying who and why, and
    the feed tells search and ingest (which extends the original's lock to it)."""
    await _occupied(registry, "A-1201", date(2010, 1, 1))
    repair = await registry.file(category="repair", filed_at=date(2012, 5, 1))
    before = (await registry.services.journal.changes(INGEST, after=0, limit=100)).last_seq
    await registry.services.households.move_out(ARCHIVIST, "A-1201", date(2023, 8, 31))
    async with registry.services.store.transaction() as tx:
        versions = await tx.documents.versions(repair.document_id)
    events = [c.event for c in (await registry.services.journal.changes(
        INGEST, after=before, limit=100)).changes]
    trail = await registry.sql("SELECT action FROM audit_log WHERE document_id = :d "
                               "ORDER BY seq", d=repair.document_id)
    restart = versions[-1]
    assert (restart.version, restart.changed_by, restart.changes) == (2, "wang", {
        "retention_start": ["2012-05-01", "2023-08-31"],
        "disposal_due": ["2022-05-01", "2033-08-31"]})
    assert ["退租" in restart.reason, "R1" in restart.reason] == [True, True]
    assert (restart.reason_code, restart.reason_values) == (
        "retention_restarted", {"occupant": "恒通物流有限公司", "moved_out": "2023-08-31"})
    corrected = [e for e in events if isinstance(e, DocumentCorrected)]
    assert [(e.document.document_id, e.document.version, sorted(e.fields))
            for e in corrected] == [
        (repair.document_id, 2, ["disposal_due", "retention_start"])]
    assert [action for (action,) in trail] == ["filed", "retention_restarted"]


@pytest.mark.parametrize("working", [False, True], ids=["at_once", "approved"])
async def test_correcting_a_filing_date_moves_the_document_into_the_part_it_falls_in(
        registry: Registry, working: bool) -> None:
    """D3 as filing places it; a working document's correction is placed when a manager
    approves it (D6)."""
    await registry.services.households.create(ARCHIVIST, NewHousehold(household="F-0201"))
    await _occupants_entered(registry, "F-0201")
    filed = await registry.file(household="F-0201", category="payment",
                                filed_at=date(2023, 3, 3), working=working)
    before = (await registry.services.journal.changes(INGEST, after=0, limit=100)).last_seq
    correction = await registry.services.corrections.request(
        ARCHIVIST, filed.document_id, CorrectionRequest(
            changes=MetadataChanges(filed_at=date(2019, 6, 1)), reason="日期录错"))
    if working:
        await registry.services.corrections.approve(MANAGER, correction.correction_id,
                                                    note=None)
    async with registry.services.store.transaction() as tx:
        versions = await tx.documents.versions(filed.document_id)
    events = [c.event for c in (await registry.services.journal.changes(
        INGEST, after=before, limit=100)).changes]
    assert await _placed(registry, "F-0201") == [
        (date(2019, 6, 1), "甲公司", date(2020, 12, 31), date(2050, 12, 31))]
    assert (versions[-1].version, versions[-1].reason, sorted(versions[-1].changes)) == (
        2, "日期录错",
        ["archive_no", "disposal_due", "filed_at", "occupancy_id", "retention_start"])
    assert [sorted(e.fields) for e in events if isinstance(e, DocumentCorrected)] == [
        ["archive_no", "disposal_due", "filed_at", "occupancy_id", "retention_start"]]


async def test_a_schedule_change_recomputes_class_and_disposal_due(registry: Registry) -> None:
    repair = await registry.file(category="repair", filed_at=date(2020, 1, 15))
    visit = await registry.file(category="visit", filed_at=date(2020, 1, 15))
    contract = await registry.file(category="contract", filed_at=date(2020, 1, 15))
    classes: dict[Category, RetentionClass] = {**DEFAULT_CLASSES, "repair": "long"}
    change = await registry.services.schedule.replace("qian", ScheduleUpdate(
        classes=classes, years=RetentionYears(long=30, short=15)))
    async with registry.services.store.transaction() as tx:
        now = {d.category: await tx.documents.get(d.document_id)
               for d in (repair, visit, contract)}
    assert {c: (d.retention_class, d.disposal_due) for c, d in now.items() if d} == {
        "repair": ("long", date(2050, 1, 15)), "visit": ("short", date(2035, 1, 15)),
        "contract": ("permanent", None)}
    assert change.documents_recomputed == 2
    assert change.schedule.updated_by == "qian"


async def test_a_schedule_without_every_category_is_refused(registry: Registry) -> None:
    from services.common.errors import ValidationFailed

    partial: dict[Category, RetentionClass] = {c: "long" for c in CATEGORIES[:-1]}
    with pytest.raises(ValidationFailed) as refused:
        await registry.services.schedule.replace("qian", ScheduleUpdate(
            classes=partial, years=RetentionYears(long=30, short=10)))
    assert refused.value.code == "incomplete_schedule"


async def test_documents_due_for_disposal_are_listed_by_due_date(registry: Registry) -> None:
    later = await registry.file(category="repair", filed_at=date(2012, 9, 1))
    sooner = await registry.file(category="visit", filed_at=date(2010, 3, 1))
    await registry.file(category="repair", filed_at=date(2020, 1, 1))
    await registry.file(category="contract", filed_at=date(1999, 1, 1))
    due = await registry.services.sweeps.start(
        COMPLIANCE, SweepRequest(as_of=date(2024, 6, 1), dry_run=True))
    assert [item.document_id for item in due.items] == [sooner.document_id, later.document_id]


async def test_documents_due_the_same_day_are_listed_in_the_order_their_cabinets_stand(
        registry: Registry) -> None:
    """D1: building 3 before 12 (not 12 before 3, as their archive numbers sort), numbered
    buildings before lettered ones, company documents after the households'."""
    filed = {household: await registry.file(household=household, category="repair",
                                            filed_at=date(2010, 3, 1))
             for household in ("A-0301", "12-0101", "3-0501")}
    company = await registry.file(household=None, category="policy", filed_at=date(2010, 3, 1))
    await registry.services.schedule.replace("qian", ScheduleUpdate(
        classes={**DEFAULT_CLASSES, "policy": "short"}, years=RetentionYears(long=30, short=10)))
    due = await registry.services.sweeps.start(
        COMPLIANCE, SweepRequest(as_of=date(2024, 6, 1), dry_run=True))
    assert [item.document_id for item in due.items] == [
        filed["3-0501"].document_id, filed["12-0101"].document_id,
        filed["A-0301"].document_id, company.document_id]


async def _transferred(registry: Registry, **fields: object) -> str:
    """A document filed, then transferred out (移出); its id."""
    from services.common.contracts.operations import TransferRequest

    filed = await registry.file(**fields)
    await registry.services.transfers.create(ARCHIVIST, TransferRequest(
        recipient="某区档案馆", reason="移交区档案馆", documents=[filed.document_id]))
    return filed.document_id


async def test_a_transferred_document_is_swept_like_any_other_when_due(
        registry: Registry) -> None:
    """Its original is kept after the transfer (README, Transfers out), so its retention
    runs on: a sweep lists it when due."""
    transferred = await _transferred(registry, category="repair", filed_at=date(2012, 5, 1))
    due = await registry.services.sweeps.start(
        COMPLIANCE, SweepRequest(as_of=date(2024, 6, 1), dry_run=True))
    assert [item.document_id for item in due.items] == [transferred]


async def test_a_schedule_change_recomputes_a_transferred_documents_class_and_due_date(
        registry: Registry) -> None:
    transferred = await _transferred(registry, category="engineering",
                                     filed_at=date(2020, 1, 15))
    classes: dict[Category, RetentionClass] = {**DEFAULT_CLASSES, "engineering": "short"}
    change = await registry.services.schedule.replace("qian", ScheduleUpdate(
        classes=classes, years=RetentionYears(long=30, short=10)))
    async with registry.services.store.transaction() as tx:
        record = await tx.documents.get(transferred)
    assert record is not None
    assert (record.status, record.retention_class, record.disposal_due) == (
        "transferred", "short", date(2030, 1, 15))
    assert change.documents_recomputed == 1


async def test_a_move_out_restarts_the_clock_of_a_transferred_document_too(
        registry: Registry) -> None:
    await _occupied(registry, "A-1201", date(2010, 1, 1))
    transferred = await _transferred(registry, category="repair", filed_at=date(2012, 5, 1))
    await registry.services.households.move_out(ARCHIVIST, "A-1201", date(2023, 8, 31))
    async with registry.services.store.transaction() as tx:
        record = await tx.documents.get(transferred)
    assert record is not None
    assert (record.status, record.disposal_due) == ("transferred", date(2033, 8, 31))


async def test_a_schedule_change_recomputes_each_kept_document_of_every_start_date(
        registry: Registry) -> None:
    """A real category holds documents of many start dates and statuses; each kept one
    (active or transferred) gets its own new due date, a destroyed one keeps its old."""
    active = [await registry.file(category="repair", filed_at=filed)
              for filed in (date(2019, 3, 1), date(2020, 1, 15), date(2020, 1, 15))]
    transferred = await _transferred(registry, category="repair", filed_at=date(2021, 7, 9))
    destroyed = await registry.file(category="repair", filed_at=date(2012, 5, 1))
    async with registry.services.store.transaction() as tx:
        await tx.documents.mark_destroyed(destroyed.document_id, at=registry.clock.now())
    change = await registry.services.schedule.replace("qian", ScheduleUpdate(
        classes=DEFAULT_CLASSES, years=RetentionYears(long=30, short=12)))
    ids = [*(d.document_id for d in active), transferred, destroyed.document_id]
    async with registry.services.store.transaction() as tx:
        now = [await tx.documents.get(document_id) for document_id in ids]
    assert [(d.status, d.disposal_due) for d in now if d] == [
        ("active", date(2031, 3, 1)), ("active", date(2032, 1, 15)),
        ("active", date(2032, 1, 15)), ("transferred", date(2033, 7, 9)),
        ("destroyed", date(2022, 5, 1))]
    assert change.documents_recomputed == 4


DIRECTOR = Principal(username="zhao", roles=("director",), clearance="secret")


async def _kept_in_a_sweep(registry: Registry, document_id: str, keep_until: date) -> str:
    """A sweep of what is due today, the document appraised keep until ``keep_until`` by
    a manager and the compliance officer and approved; its id."""
    sweeps = registry.services.sweeps
    sweep = await sweeps.start(COMPLIANCE, SweepRequest())
    assert sweep.sweep_id is not None
    for appraiser, opinion in ((MANAGER, "业主仍有争议，继续保存"), (COMPLIANCE, "同意继续保存")):
        await sweeps.appraise(appraiser, sweep.sweep_id, AppraisalRequest(
            document_id=document_id, decision="keep", opinion=opinion,
            keep_until=keep_until))
    await sweeps.approve(DIRECTOR, sweep.sweep_id, note=None)
    return sweep.sweep_id


async def test_a_document_due_again_shows_its_appraisals_in_earlier_sweeps(
        registry: Registry) -> None:
    document = await registry.file(category="repair", filed_at=date(2010, 1, 4))
    first = await _kept_in_a_sweep(registry, document.document_id, date(2025, 1, 1))
    registry.clock.set(datetime(2025, 2, 1, 9, 0, tzinfo=UTC))
    second = await registry.services.sweeps.start(COMPLIANCE, SweepRequest())
    assert second.sweep_id is not None

    read = await registry.services.sweeps.get(MANAGER, second.sweep_id)
    earlier = read.items[0].earlier
    assert [(e.sweep_id, e.sweep_status, e.state, e.outcome, e.keep_until,
             e.new_disposal_due) for e in earlier] == [
        (first, "approved", "kept", "keep", date(2025, 1, 1), date(2025, 1, 1))]
    assert [(a.appraiser, a.decision, a.opinion, a.keep_until)
            for a in earlier[0].appraisals] == [
        ("qian", "keep", "同意继续保存", date(2025, 1, 1)),
        ("zhou", "keep", "业主仍有争议，继续保存", date(2025, 1, 1))]  # at the same moment
    assert read.items[0].appraisals == []


async def test_earlier_appraisals_are_latest_sweep_first_and_a_sweep_shows_none_later(
        registry: Registry) -> None:
    document = await registry.file(category="repair", filed_at=date(2010, 1, 4))
    first = await _kept_in_a_sweep(registry, document.document_id, date(2025, 1, 1))
    registry.clock.set(datetime(2025, 2, 1, 9, 0, tzinfo=UTC))
    second = await _kept_in_a_sweep(registry, document.document_id, date(2026, 1, 1))
    registry.clock.set(datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    third = await registry.services.sweeps.start(COMPLIANCE, SweepRequest())
    assert third.sweep_id is not None

    latest = await registry.services.sweeps.get(MANAGER, third.sweep_id)
    oldest = await registry.services.sweeps.get(MANAGER, first)
    assert [e.sweep_id for e in latest.items[0].earlier] == [second, first]
    assert oldest.items[0].earlier == []


async def test_an_item_above_the_readers_clearance_shows_no_earlier_appraisal(
        registry: Registry) -> None:
    document = await registry.file(category="repair", filed_at=date(2010, 1, 4),
                                   security="confidential")
    await _kept_in_a_sweep(registry, document.document_id, date(2025, 1, 1))
    registry.clock.set(datetime(2025, 2, 1, 9, 0, tzinfo=UTC))
    second = await registry.services.sweeps.start(COMPLIANCE, SweepRequest())
    assert second.sweep_id is not None

    reader = Principal(username="xu", roles=("archivist",), clearance="ordinary")
    read = await registry.services.sweeps.get(reader, second.sweep_id)
    assert [(item.redacted, item.earlier) for item in read.items] == [(True, [])]
