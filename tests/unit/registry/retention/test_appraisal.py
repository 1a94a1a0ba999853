"""Appraisal (鉴定, R2–R4) and the director's approval (R2, R3, R5) on both engines."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from services.common.contracts.retention import RetentionYears, Sweep, SweepItem
from services.common.errors import Conflict, NotFound
from services.common.models import Category, RetentionClass
from services.common.paging import LIST_PAGE
from services.registry.holds.models import HoldRequest
from services.registry.schedule.models import ScheduleUpdate
from services.registry.schedule.rules import DEFAULT_CLASSES
from services.registry.sweeps.models import AppraisalRequest
from tests.unit.registry.retention.conftest import (
    START,
    WAIT_DAYS,
    Retention,
    person,
)

TODAY = START.date()


async def _item(retention: Retention, sweep: Sweep) -> SweepItem:
    assert sweep.sweep_id is not None
    [item] = (await retention.services.sweeps.get(person("qian"), sweep.sweep_id)).items
    return item


@pytest.mark.parametrize(("appraisals", "missing"), [
    pytest.param([("zhou", "destroy")], ["second_appraiser"],
                 id="one_appraisal_leaves_the_item_undecided"),
    pytest.param([("zhou", "destroy"), ("qian", "keep")], ["agreement"],
                 id="two_appraisers_who_disagree_leave_it_undecided"),
    pytest.param([("qian", "destroy"), ("he", "destroy")], ["manager"],
                 id="two_appraisers_without_a_manager_do_not_decide"),
])
async def test_an_item_stays_undecided_saying_what_it_misses(
        retention: Retention, appraisals: list[tuple[str, str]], missing: list[str]) -> None:
    document = await retention.file()
    sweep = await retention.sweep()
    for appraiser, decision in appraisals:
        await retention.appraise(sweep, document, decision, appraiser)
    item = await _item(retention, sweep)
    assert (item.outcome, item.missing) == ("undecided", missing)


async def test_two_appraisers_agreeing_decide_the_item(retention: Retention) -> None:
    document = await retention.file()
    sweep = await retention.sweep()
    await retention.appraise(sweep, document, "destroy", "zhou", "qian")
    item = await _item(retention, sweep)
    assert (item.outcome, sorted(a.appraiser for a in item.appraisals), item.missing) == (
        "destroy", ["qian", "zhou"], [])


async def test_an_appraiser_who_changes_their_mind_counts_once(retention: Retention) -> None:
    document = await retention.file()
    sweep = await retention.sweep()
    await retention.appraise(sweep, document, "keep", "zhou")
    await retention.appraise(sweep, document, "destroy", "zhou")
    item = await _item(retention, sweep)
    assert ([(a.appraiser, a.decision) for a in item.appraisals], item.outcome) == (
        [("zhou", "destroy")], "undecided")


async def test_an_appraisal_answers_the_item_as_the_sweep_shows_it(
        retention: Retention) -> None:
    """The answer to an appraisal is the item as ``GET /registry/sweeps/{id}`` shows it:
    its title, and a hold placed since the sweep began (R7)."""
    document = await retention.file(household="A-1201")
    sweep = await retention.sweep()
    assert sweep.sweep_id is not None
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", household="A-1201"))
    answered = await retention.services.sweeps.appraise(
        person("zhou"), sweep.sweep_id, AppraisalRequest(
            document_id=document.document_id, decision="destroy", opinion="已无保存价值"))
    assert (answered.title, answered.held) == (document.title, True)
    assert answered == await _item(retention, sweep)


async def _engineering_is_short(retention: Retention) -> None:
    classes: dict[Category, RetentionClass] = {**DEFAULT_CLASSES, "engineering": "short"}
    await retention.services.schedule.replace("qian", ScheduleUpdate(
        classes=classes, years=RetentionYears(long=30, short=10)))


async def test_an_engineering_document_needs_an_appraiser_from_engineering(
        retention: Retention) -> None:
    await _engineering_is_short(retention)
    document = await retention.file(category="engineering")
    sweep = await retention.sweep()
    assert (await _item(retention, sweep)).missing == [
        "second_appraiser", "manager", "engineering"]
    await retention.appraise(sweep, document, "destroy", "zhou", "qian")
    item = await _item(retention, sweep)
    assert (item.outcome, item.missing) == ("undecided", ["engineering"])
    await retention.appraise(sweep, document, "destroy", "gao")
    item = await _item(retention, sweep)
    assert (item.outcome, item.missing) == ("destroy", [])


async def test_opinions_are_kept_verbatim_in_the_item_and_the_audit_log(
        retention: Retention) -> None:
    document = await retention.file()
    sweep = await retention.sweep()
    opinion = "该维修记录已超过保管期限，\n无查考价值，同意销毁。<b>"
    await retention.appraise(sweep, document, "destroy", "zhou", opinion=opinion)
    [appraisal] = (await _item(retention, sweep)).appraisals
    [entry] = await retention.audit(document_id=document.document_id, username="zhou")
    assert (appraisal.opinion, entry.action, entry.detail["opinion"]) == (
        opinion, "appraised", opinion)


async def test_an_appraiser_above_their_clearance_is_told_it_is_not_there_and_audited(
        retention: Retention) -> None:
    document = await retention.file(security="confidential")
    sweep = await retention.sweep()
    with pytest.raises(NotFound) as refused:
        await retention.appraise(sweep, document, "destroy", "ma")
    [entry] = await retention.audit(username="ma")
    assert (refused.value.code, entry.outcome, entry.code) == (
        "not_in_sweep", "refused", "not_visible")


async def test_a_reader_below_an_items_clearance_sees_it_redacted_and_counted(
        retention: Retention) -> None:
    hidden = await retention.file(security="confidential", title="机密函件")
    shown = await retention.file()
    sweep = await retention.sweep()
    assert sweep.sweep_id is not None
    seen = await retention.services.sweeps.get(person("ma"), sweep.sweep_id)
    rows = {(item.redacted, item.document_id, item.title) for item in seen.items}
    assert rows == {(True, "", None), (False, shown.document_id, shown.title)}
    assert hidden.document_id not in str(seen)
    assert "机密函件" not in str(seen)


async def test_approval_waits_until_every_item_is_decided(retention: Retention) -> None:
    decided, undecided = await retention.file(), await retention.file()
    sweep = await retention.sweep()
    await retention.appraise(sweep, decided, "destroy", "zhou", "qian")
    await retention.appraise(sweep, undecided, "destroy", "zhou")
    assert sweep.sweep_id is not None
    with pytest.raises(Conflict) as refused:
        await retention.services.sweeps.approve(person("zhao"), sweep.sweep_id, note=None)
    assert (refused.value.code, refused.value.extra) == (
        "appraisal_incomplete", {"documents": [undecided.document_id]})


async def test_approved_items_wait_apart_for_the_configured_days_still_active(
        retention: Retention) -> None:
    document = await retention.file()
    approved = await retention.approved([document])
    assert (approved.status, approved.decided_by, approved.destroy_after) == (
        "approved", "zhao", TODAY + timedelta(days=WAIT_DAYS))
    assert [item.state for item in approved.items] == ["waiting"]
    assert (await retention.document(document.document_id)).status == "active"


async def test_keep_extends_the_due_date_as_a_new_version_of_the_record(
        retention: Retention) -> None:
    document = await retention.file()
    await retention.approved([document], decision="keep")
    kept = await retention.document(document.document_id)
    [_, version] = await retention.services.catalogue.history(person("qian"),
                                                                document.document_id)
    assert (kept.disposal_due, kept.version) == (date(2034, 6, 3), 2)
    assert (version.changes, version.approved_by) == (
        {"disposal_due": ["2022-03-01", "2034-06-03"]}, "zhao")
    events = await retention.sql("SELECT kind FROM change_feed WHERE document_id = :d "
                                 "ORDER BY seq", d=document.document_id)
    assert [row.kind for row in events] == ["document_filed", "document_corrected"]


async def test_keep_until_a_date_and_keep_as_permanent(retention: Retention) -> None:
    until, permanent = await retention.file(), await retention.file()
    sweep = await retention.sweep()
    await retention.appraise(sweep, until, "keep", "zhou", "qian",
                             keep_until=date(2030, 12, 31))
    await retention.appraise(sweep, permanent, "keep", "zhou", "qian", keep_class="permanent")
    assert sweep.sweep_id is not None
    await retention.services.sweeps.approve(person("zhao"), sweep.sweep_id, note=None)
    first = await retention.document(until.document_id)
    second = await retention.document(permanent.document_id)
    assert (first.retention_class, first.disposal_due) == ("short", date(2030, 12, 31))
    assert (second.retention_class, second.disposal_due) == ("permanent", None)


async def test_keep_details_must_agree_too(retention: Retention) -> None:
    document = await retention.file()
    sweep = await retention.sweep()
    await retention.appraise(sweep, document, "keep", "zhou", keep_until=date(2030, 1, 1))
    await retention.appraise(sweep, document, "keep", "qian", keep_until=date(2031, 1, 1))
    assert (await _item(retention, sweep)).outcome == "undecided"


async def test_reappraise_makes_the_document_due_a_year_after_approval(
        retention: Retention) -> None:
    document = await retention.file()
    approved = await retention.approved([document], decision="reappraise")
    assert [(i.state, i.new_disposal_due) for i in approved.items] == [
        ("kept", date(2025, 6, 3))]
    assert (await retention.document(document.document_id)).disposal_due == date(2025, 6, 3)


async def test_an_approved_sweep_takes_no_more_appraisals(retention: Retention) -> None:
    document = await retention.file()
    sweep = await retention.approved([document])
    assert sweep.sweep_id is not None
    with pytest.raises(Conflict) as refused:
        await retention.services.sweeps.appraise(person("gao"), sweep.sweep_id,
                                                  AppraisalRequest(
            document_id=document.document_id, decision="keep", opinion="再议"))
    assert refused.value.code == "invalid_transition"


async def test_a_schedule_change_leaves_what_the_appraisers_decided(
        retention: Retention) -> None:
    """R3: a date or class the appraisers set stands when the schedule changes, as it does
    when a move-out restarts the clock; a document still on the schedule's date follows
    the new schedule. Before, a change put a kept document back on the schedule's date,
    due again minutes after it was kept."""
    until, again, permanent = [await retention.file() for _ in range(3)]
    sweep = await retention.sweep()
    await retention.appraise(sweep, until, "keep", "zhou", "qian",
                             keep_until=date(2030, 12, 31))
    await retention.appraise(sweep, again, "reappraise", "zhou", "qian")
    await retention.appraise(sweep, permanent, "keep", "zhou", "qian", keep_class="permanent")
    assert sweep.sweep_id is not None
    await retention.services.sweeps.approve(person("zhao"), sweep.sweep_id, note=None)
    scheduled = await retention.file()
    change = await retention.services.schedule.replace("qian", ScheduleUpdate(
        classes=dict(DEFAULT_CLASSES), years=RetentionYears(long=30, short=8)))
    after = {name: await retention.document(document.document_id) for name, document in (
        ("until", until), ("again", again), ("permanent", permanent),
        ("scheduled", scheduled))}
    assert {name: (record.retention_class, record.disposal_due)
            for name, record in after.items()} == {
        "until": ("short", date(2030, 12, 31)), "again": ("short", date(2025, 6, 3)),
        "permanent": ("permanent", None),
        "scheduled": ("short", scheduled.filed_at.replace(year=scheduled.filed_at.year + 8))}
    assert change.documents_recomputed == 1


async def test_the_list_of_sweeps_counts_the_items_not_decided_yet(retention: Retention) -> None:
    """A sweep whose every item two appraisers agreed on awaits the director's approval,
    and the list of sweeps says so (the director's count in the top bar reads it)."""
    first = await retention.file(category="repair", filed_at=date(2012, 3, 1))
    second = await retention.file(category="repair", filed_at=date(2012, 3, 2))
    sweep = await retention.sweep()

    async def listed() -> tuple[int, bool]:
        [summary] = await retention.services.sweeps.summaries(status=None, limit=10, offset=0)
        return summary.undecided, summary.awaiting_approval

    assert await listed() == (2, False)
    await retention.appraise(sweep, first, "destroy", "zhou", "qian")
    await retention.appraise(sweep, second, "keep", "zhou")
    assert await listed() == (1, False)
    await retention.appraise(sweep, second, "destroy", "qian")  # disagreeing: undecided
    assert await listed() == (1, False)
    await retention.appraise(sweep, second, "destroy", "zhou")
    assert await listed() == (0, True)


async def test_a_sweep_awaiting_the_directors_approval_is_counted_however_many_follow_it(
        retention: Retention) -> None:
    """The director's top bar counts every sweep waiting for them, not those of the newest
    page of sweeps (``LIST_PAGE``): an old one is not forgotten behind newer ones."""
    document = await retention.file(category="repair", filed_at=date(2012, 3, 1))
    sweep = await retention.sweep()
    await retention.appraise(sweep, document, "destroy", "zhou", "qian")
    later = sweep.created_at + timedelta(minutes=1)
    async with retention.services.store.transaction() as tx:
        for number in range(LIST_PAGE):
            await tx.sweeps.insert(Sweep(sweep_id=str(uuid.uuid4()), status="approved",
                                         as_of=TODAY, categories=None, items=[],
                                         created_by="qian", created_at=later
                                         + timedelta(seconds=number)))
    newest = await retention.services.sweeps.summaries(status=None, limit=LIST_PAGE, offset=0)
    assert sweep.sweep_id not in {summary.sweep_id for summary in newest}
    assert (await retention.services.sweeps.awaiting_approval_count()).awaiting == 1
    await retention.services.sweeps.approve(person("zhao"), sweep.sweep_id or "", note=None)
    assert (await retention.services.sweeps.awaiting_approval_count()).awaiting == 0
