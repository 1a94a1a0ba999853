"""Destruction registers (销毁清册, R5–R7) on both engines: due dates, holds, loans,
witnesses, execution and its resumption, the tombstone."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest

from services.common.contracts.retention import Destruction, SweepSummary
from services.common.errors import Conflict, Forbidden, NotFound
from services.registry.destruction.models import DestructionRequest, WitnessSignature
from services.registry.holds.models import HoldRequest
from services.registry.households.models import NewOccupant
from services.registry.lending.models import ReturnCheck
from tests.unit.registry.retention.conftest import PASSWORD, START, Retention, person

SIGNED = WitnessSignature(password=PASSWORD)


async def test_a_register_before_destroy_after_is_refused_as_not_yet_due(
        retention: Retention) -> None:
    document = await retention.file()
    sweep = await retention.approved([document])
    assert sweep.sweep_id is not None
    assert sweep.destroy_after is not None
    retention.clock.advance(timedelta(days=182))
    with pytest.raises(Conflict) as refused:
        await retention.services.destructions.create(
            person("qian"), DestructionRequest(sweep_id=sweep.sweep_id))
    assert (refused.value.code, refused.value.extra) == (
        "not_yet_due", {"destroy_after": sweep.destroy_after.isoformat()})


@pytest.mark.parametrize("witnesses", [[], ["wang"]])
async def test_execution_without_two_witnesses_is_refused(
        retention: Retention, witnesses: list[str]) -> None:
    register = await retention.register([await retention.file()])
    for witness in witnesses:
        await retention.services.destructions.witness(person(witness),
                                                       register.destruction_id, SIGNED)
    refused = await _execution_refused(retention, register)
    assert (refused.code, refused.extra) == (
        "witnesses_missing", {"witnesses": witnesses})


async def test_the_same_witness_cannot_sign_twice(retention: Retention) -> None:
    register = await retention.register([await retention.file()])
    await retention.services.destructions.witness(person("wang"), register.destruction_id,
                                                   SIGNED)
    with pytest.raises(Conflict) as refused:
        await retention.services.destructions.witness(person("wang"),
                                                       register.destruction_id, SIGNED)
    assert refused.value.code == "already_signed"


async def test_a_witness_who_cannot_give_their_password_is_refused_and_audited(
        retention: Retention) -> None:
    register = await retention.register([await retention.file()])
    with pytest.raises(Forbidden) as refused:
        await retention.services.destructions.witness(person("wang"),
                                                       register.destruction_id,
                                                       WitnessSignature(password="stolen"))
    refusals = [e.code for e in await retention.audit(username="wang")
                if e.outcome == "refused"]
    current = await retention.services.destructions.get(person("qian"), register.destruction_id)
    assert (refused.value.code, refusals, current.witnesses, current.witnesses_missing) == (
        "wrong_password", ["wrong_password"], [], 2)


async def test_two_witnesses_make_the_register_ready(retention: Retention) -> None:
    register = await retention.witnessed([await retention.file()])
    assert (register.status, [w.username for w in register.witnesses],
            register.witnesses_missing) == ("witnessed", ["sun", "wang"], 0)


async def test_execution_tombstones_each_item_with_one_event_and_one_audit_entry(
        retention: Retention) -> None:
    documents = [await retention.file(household=f"A-12{n:02d}") for n in range(3)]
    register = await retention.executed(documents)
    assert register.status == "executed"
    assert [(i.state, i.label) for i in register.items] == [("destroyed", "已销毁")] * 3
    for document in documents:
        record = await retention.document(document.document_id)
        events = await retention.sql(
            "SELECT kind FROM change_feed WHERE document_id = :d AND kind = "
            "'document_destroyed'", d=document.document_id)
        audited = [e for e in await retention.audit(document_id=document.document_id)
                   if e.action == "destroyed"]
        assert (record.status, record.archive_no, len(events), len(audited)) == (
            "destroyed", document.archive_no, 1, 1)
        assert audited[0].detail["witnesses"] == ["sun", "wang"]


async def test_the_tombstone_names_the_date_the_register_and_the_witnesses(
        retention: Retention) -> None:
    document = await retention.file()
    register = await retention.executed([document])
    tombstone = await retention.services.destructions.tombstone(person("qian"),
                                                                 document.document_id)
    assert (tombstone.destruction_id, tombstone.destroyed_at, tombstone.witnesses,
            tombstone.approved_by) == (register.destruction_id, retention.clock.now(),
                                       ["sun", "wang"], "zhao")


async def test_an_archive_number_is_never_reused_after_destruction(
        retention: Retention) -> None:
    document = await retention.file()
    await retention.executed([document])
    again = await retention.file(filed_at=document.filed_at)
    assert again.archive_no != document.archive_no


async def test_a_hold_placed_after_approval_refuses_the_register(retention: Retention) -> None:
    held, free = await retention.file(household="A-1201"), await retention.file(
        household="A-1202")
    sweep = await retention.approved([held, free])
    assert sweep.sweep_id is not None
    assert sweep.destroy_after is not None
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", household="A-1201"))
    shown = await retention.services.sweeps.get(person("qian"), sweep.sweep_id)
    assert {item.document_id: item.held for item in shown.items} == {
        held.document_id: True, free.document_id: False}
    retention.clock.advance(timedelta(days=200))
    with pytest.raises(Conflict) as refused:
        await retention.services.destructions.create(
            person("qian"), DestructionRequest(sweep_id=sweep.sweep_id))
    register = await retention.services.destructions.create(
        person("qian"), DestructionRequest(sweep_id=sweep.sweep_id,
                                           documents=[free.document_id]))
    assert (refused.value.code, refused.value.extra) == (
        "on_hold", {"documents": [held.document_id]})
    assert [item.document_id for item in register.items] == [free.document_id]


async def test_a_hold_placed_after_the_register_refuses_execution(
        retention: Retention) -> None:
    document = await retention.file()
    register = await retention.witnessed([document])
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[document.document_id]))
    refused = await _execution_refused(retention, register)
    assert refused.code == "on_hold"
    assert (await retention.document(document.document_id)).status == "active"


async def test_the_register_marks_each_item_a_hold_a_loan_or_a_move_out_stops(
        retention: Retention) -> None:
    await retention.occupied("B-0301")
    held, lent, moved, free = [await retention.file(household=household) for household in
                               ("A-1201", "A-1202", "B-0301", "A-1203")]
    register = await retention.witnessed([held, lent, moved, free])
    assert {item.stopped_by for item in register.items} == {None}
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[held.document_id]))
    await retention.out_on_loan([lent])
    await retention.services.households.move_out(person("wang"), "B-0301",
                                                 retention.clock.now().date())
    shown = await retention.services.destructions.get(person("wang"), register.destruction_id)
    assert {item.document_id: item.stopped_by for item in shown.items} == {
        held.document_id: "on_hold", lent.document_id: "on_loan",
        moved.document_id: "not_due", free.document_id: None}
    cancelled = await retention.services.destructions.cancel(person("qian"),
                                                              register.destruction_id)
    assert {item.stopped_by for item in cancelled.items} == {None}


async def test_a_move_out_after_approval_releases_the_item_and_no_register_takes_it(
        retention: Retention) -> None:
    """R1/R2: the approval was of a due date that no longer holds; the item leaves the
    sweep (no_longer_due, audited) and is never destroyed on that approval."""
    await retention.occupied("B-0301")
    document = await retention.file(household="B-0301")
    sweep = await retention.approved([document])
    assert sweep.sweep_id is not None
    await retention.services.households.move_out(person("wang"), "B-0301", date(2024, 6, 1))
    shown = await retention.services.sweeps.get(person("qian"), sweep.sweep_id)
    assert [(i.state, i.new_disposal_due) for i in shown.items] == [
        ("no_longer_due", date(2034, 6, 1))]
    retention.clock.advance(timedelta(days=200))
    with pytest.raises(Conflict) as refused:
        await retention.services.destructions.create(
            person("qian"), DestructionRequest(sweep_id=sweep.sweep_id))
    released = [e for e in await retention.audit(document_id=document.document_id)
                if e.action == "sweep_item_no_longer_due"]
    assert refused.value.code == "nothing_to_destroy"
    assert [(e.username, e.detail["sweep_id"], e.detail["new_disposal_due"])
            for e in released] == [("qian", sweep.sweep_id, "2034-06-01")]


async def _execution_refused(retention: Retention, register: Destruction) -> Conflict:
    """What refuses the compliance officer's execution of ``register``."""
    with pytest.raises(Conflict) as refused:
        await retention.services.destructions.execute(person("qian"), register.destruction_id)
    return refused.value


async def _released_then_due_again(retention: Retention, document_id: str) -> None:
    """A move-out releases the document's item; then its due date moves back (the
    move-out corrected: there is no route for that, so in SQL, underneath)."""
    due = (await retention.document(document_id)).disposal_due
    await retention.services.households.move_out(person("wang"), "B-0301",
                                                 retention.clock.today())
    with pytest.raises(Conflict):  # nothing due by today; the release is recorded
        await retention.sweep()
    await retention.sql("UPDATE documents SET disposal_due = :due WHERE document_id = :d",
                        due=due, d=document_id)


async def test_an_item_released_while_on_a_register_stays_stopped_when_its_date_moves_back(
        retention: Retention) -> None:
    """R2: the approval was of a sweep item that has left the sweep; the document is due
    again, but only a new appraisal and approval destroy it."""
    await retention.occupied("B-0301")
    document = await retention.file(household="B-0301")
    register = await retention.witnessed([document])
    await _released_then_due_again(retention, document.document_id)
    shown = await retention.services.destructions.get(person("qian"), register.destruction_id)
    sweep = await retention.services.sweeps.get(person("qian"), register.sweep_id)
    assert ([i.stopped_by for i in shown.items], [i.state for i in sweep.items]) == (
        ["not_due"], ["no_longer_due"])
    refused = await _execution_refused(retention, register)
    assert refused.code == "no_longer_due"
    assert (await retention.document(document.document_id)).status == "active"


async def test_an_item_released_during_execution_is_withheld_though_due_again(
        retention: Retention) -> None:
    await retention.occupied("B-0301")
    document = await retention.file(household="B-0301")
    register = await retention.accepted_for_execution([document])
    await _released_then_due_again(retention, document.document_id)
    done = await retention.run_execution(register)
    assert [(i.state, i.withheld_reason) for i in done.items] == [("withheld", "not_due")]
    assert (await retention.document(document.document_id)).status == "active"


async def test_a_document_released_and_due_again_is_swept_and_destroyed_anew(
        retention: Retention) -> None:
    """Not lost: the next sweep lists it; once the stopped register is withdrawn, the
    new sweep's register destroys it (appraised, approved and waited again)."""
    await retention.occupied("B-0301")
    document = await retention.file(household="B-0301")
    old = await retention.witnessed([document])
    await _released_then_due_again(retention, document.document_id)
    await retention.services.destructions.cancel(person("qian"), old.destruction_id)
    new = await retention.executed([document])
    assert (new.sweep_id != old.sweep_id, [i.state for i in new.items]) == (True, ["destroyed"])


async def test_a_transferred_document_is_destroyed_like_any_other(
        retention: Retention) -> None:
    """README (Transfers out): its original is kept and swept when due; destroying it
    deletes that copy (the feed tells ingest) and leaves the record, destroyed."""
    from services.common.contracts.operations import TransferRequest

    document = await retention.file()
    await retention.services.transfers.create(person("wang"), TransferRequest(
        recipient="某区档案馆", reason="移交区档案馆", documents=[document.document_id]))
    register = await retention.executed([document])
    events = await retention.sql("SELECT kind FROM change_feed WHERE document_id = :d "
                                 "ORDER BY seq", d=document.document_id)
    assert [(i.state, i.label) for i in register.items] == [("destroyed", "已销毁")]
    assert (await retention.document(document.document_id)).status == "destroyed"
    assert [kind for (kind,) in events][-1] == "document_destroyed"


async def test_a_document_no_longer_due_during_execution_is_withheld(
        retention: Retention) -> None:
    await retention.occupied("B-0301")
    moving, staying = await retention.file(household="B-0301"), await retention.file(
        household="A-1201")
    register = await retention.accepted_for_execution([moving, staying])
    await retention.services.households.move_out(person("wang"), "B-0301",
                                                 retention.clock.now().date())
    done = await retention.run_execution(register)
    assert {i.document_id: i.label for i in done.items} == {
        moving.document_id: "未销毁（未到期）", staying.document_id: "已销毁"}


async def test_a_document_moved_into_a_closed_part_during_execution_is_withheld(
        retention: Retention) -> None:
    moving, staying = await retention.file(household="B-0301"), await retention.file(
        household="A-1201")
    register = await retention.accepted_for_execution([moving, staying])
    await retention.services.households.change_occupant(person("wang"), "B-0301", NewOccupant(
        occupant="恒通物流有限公司", moved_in=date(2005, 1, 1)))
    await retention.services.households.move_out(person("wang"), "B-0301",
                                                 retention.clock.now().date())
    done = await retention.run_execution(register)
    assert {i.document_id: i.label for i in done.items} == {
        moving.document_id: "未销毁（未到期）", staying.document_id: "已销毁"}


async def test_a_document_out_on_loan_is_not_destroyed(retention: Retention) -> None:
    document = await retention.file()
    register = await retention.witnessed([document])
    await retention.out_on_loan([document])
    refused = await _execution_refused(retention, register)
    assert (refused.code, refused.extra) == (
        "on_loan", {"documents": [document.document_id]})


async def test_a_hold_arriving_during_execution_withholds_that_item(
        retention: Retention) -> None:
    first, second = await retention.file(household="A-1201"), await retention.file(
        household="A-1202")
    register = await retention.accepted_for_execution([first, second])
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="紧急保全", documents=[second.document_id]))
    done = await retention.run_execution(register)
    assert (done.status, [(i.state, i.label) for i in done.items]) == ("executed", [
        ("destroyed", "已销毁"), ("withheld", "未销毁（法律保全）")])
    assert (await retention.document(second.document_id)).status == "active"


async def test_an_interrupted_execution_finishes_on_restart_each_item_once(
        retention: Retention) -> None:
    documents = [await retention.file(household=f"B-03{n:02d}") for n in range(6)]
    register = await retention.accepted_for_execution(documents)
    for _ in range(2):  # what the process did before it died
        await retention.services.destructions.executor.settle_next(register.destruction_id)
    restarted = retention.build()
    await restarted.destructions.executor.resume()
    await restarted.destructions.executor.wait()
    done = await retention.services.destructions.get(person("qian"), register.destruction_id)
    events = await retention.sql("SELECT document_id FROM change_feed "
                                 "WHERE kind = 'document_destroyed'")
    assert (done.status, {i.state for i in done.items}) == ("executed", {"destroyed"})
    assert sorted(row.document_id for row in events) == sorted(
        d.document_id for d in documents)


async def test_two_executors_at_once_destroy_each_item_once(retention: Retention) -> None:
    documents = [await retention.file(household=f"C-01{n:02d}") for n in range(8)]
    register = await retention.witnessed(documents)
    await retention.services.destructions.execute(person("qian"), register.destruction_id)
    other = retention.build()
    await asyncio.gather(retention.services.destructions.executor.wait(),
                         other.destructions.executor.run(register.destruction_id))
    events = await retention.sql("SELECT document_id FROM change_feed "
                                 "WHERE kind = 'document_destroyed'")
    audited = await retention.sql("SELECT document_id FROM audit_log WHERE action = "
                                  "'destroyed'")
    assert sorted(row.document_id for row in events) == sorted(
        d.document_id for d in documents)
    assert sorted(row.document_id for row in audited) == sorted(
        d.document_id for d in documents)


async def test_the_audit_chain_still_verifies_after_a_destruction(
        retention: Retention) -> None:
    await retention.executed([await retention.file(), await retention.file()])
    report = await retention.services.journal.verify()
    assert (report.intact, report.broken_at) == (True, None)


async def test_a_cancelled_register_lets_its_items_go_into_another(
        retention: Retention) -> None:
    document = await retention.file()
    register = await retention.register([document])
    cancelled = await retention.services.destructions.cancel(person("qian"),
                                                              register.destruction_id)
    again = await retention.services.destructions.create(
        person("qian"), DestructionRequest(sweep_id=register.sweep_id))
    assert ([i.state for i in cancelled.items], cancelled.status) == (["cancelled"],
                                                                     "cancelled")
    assert [i.document_id for i in again.items] == [document.document_id]


async def test_an_item_is_in_one_register_at_a_time(retention: Retention) -> None:
    document = await retention.file()
    register = await retention.register([document])
    with pytest.raises(Conflict) as refused:
        await retention.services.destructions.create(
            person("qian"), DestructionRequest(sweep_id=register.sweep_id))
    assert refused.value.code == "nothing_to_destroy"


async def test_the_registers_creator_cannot_witness_it(retention: Retention) -> None:
    register = await retention.register([await retention.file()])
    with pytest.raises(Forbidden) as refused:
        await retention.services.destructions.witness(person("qian"),
                                                       register.destruction_id, SIGNED)
    assert refused.value.code == "own_register"


async def test_a_witness_cannot_execute_the_register(retention: Retention) -> None:
    register = await retention.register([await retention.file()])
    for witness in ("he", "wang"):
        await retention.services.destructions.witness(person(witness),
                                                       register.destruction_id, SIGNED)
    with pytest.raises(Forbidden) as refused:
        await retention.services.destructions.execute(person("he"), register.destruction_id)
    assert refused.value.code == "witness_executes"


async def test_a_change_to_the_items_voids_the_signatures_until_they_sign_again(
        retention: Retention) -> None:
    register = await retention.witnessed([await retention.file()])
    await retention.tamper_with_items(register)
    refused = await _execution_refused(retention, register)
    for witness in ("wang", "sun"):
        await retention.services.destructions.witness(person(witness),
                                                       register.destruction_id, SIGNED)
    await retention.services.destructions.execute(person("qian"), register.destruction_id)
    await retention.services.destructions.executor.wait()
    executed = await retention.services.destructions.get(person("qian"), register.destruction_id)
    assert (refused.code, refused.extra["witnesses"], executed.status) == (
        "signatures_void", ["sun", "wang"], "executed")


async def test_a_signature_of_a_digest_the_items_no_longer_have_is_refused(
        retention: Retention) -> None:
    register = await retention.register([await retention.file()])
    with pytest.raises(Conflict) as refused:
        await retention.services.destructions.witness(
            person("wang"), register.destruction_id,
            WitnessSignature(password=PASSWORD, digest="0" * 64))
    assert (refused.value.code, refused.value.extra) == (
        "register_changed", {"digest": register.digest})


async def test_the_sweep_names_the_register_that_lists_an_item_until_it_is_executed(
        retention: Retention) -> None:
    """The sweep's page offers a register only the items no open register lists."""
    listed, free = await retention.file(household="A-1201"), await retention.file(
        household="A-1202")
    register = await retention.register([listed, free], listing=[listed])
    sweep = await retention.services.sweeps.get(person("qian"), register.sweep_id)
    assert {i.document_id: i.destruction_id for i in sweep.items} == {
        listed.document_id: register.destruction_id, free.document_id: None}
    await retention.services.destructions.cancel(person("qian"), register.destruction_id)
    sweep = await retention.services.sweeps.get(person("qian"), register.sweep_id)
    assert {i.destruction_id for i in sweep.items} == {None}


async def test_a_document_says_where_it_stands_on_its_way_to_destruction(
        retention: Retention) -> None:
    """What its page shows to who reads retention: in a sweep under appraisal, approved and
    waiting (R5), on a register and its status; nothing before it is swept or after."""
    document = await retention.file()
    sweeps, destructions = retention.services.sweeps, retention.services.destructions

    async def standing() -> tuple[object, ...] | None:
        found = await destructions.standing(person("qian"), document.document_id)
        return None if found is None else (found.state, found.outcome, found.destroy_after,
                                           found.destruction_id, found.destruction_status)

    assert await standing() is None
    sweep = await retention.sweep()
    assert await standing() == ("appraisal", "undecided", None, None, None)
    await retention.appraise(sweep, document, "destroy", "zhou", "qian")
    assert sweep.sweep_id is not None
    approved = await sweeps.approve(person("zhao"), sweep.sweep_id, note=None)
    assert approved.destroy_after is not None
    assert await standing() == ("waiting", "destroy", approved.destroy_after, None, None)
    retention.clock.set(datetime.combine(approved.destroy_after, START.timetz()))
    register = await retention.services.destructions.create(
        person("qian"), DestructionRequest(sweep_id=sweep.sweep_id))
    assert await standing() == ("waiting", "destroy", approved.destroy_after,
                                register.destruction_id, "awaiting_witnesses")
    await retention.services.destructions.cancel(person("qian"), register.destruction_id)
    assert await standing() == ("waiting", "destroy", approved.destroy_after, None, None)
    register = await retention.services.destructions.create(
        person("qian"), DestructionRequest(sweep_id=sweep.sweep_id))
    for witness in ("wang", "sun"):
        await retention.services.destructions.witness(person(witness),
                                                       register.destruction_id, SIGNED)
    assert await standing() == ("waiting", "destroy", approved.destroy_after,
                                register.destruction_id, "witnessed")
    await retention.services.destructions.execute(person("qian"), register.destruction_id)
    await retention.services.destructions.executor.wait()
    assert await standing() is None


async def test_a_waiting_document_and_its_sweep_item_say_a_hold_or_a_loan_stops_it(
        retention: Retention) -> None:
    """Approved for destruction (R5), a document held (R7) or out on loan says so where it
    stands and on its sweep's item, before a register is refused for it (409): whoever
    draws the register up knows which to leave out, its page promises no destruction."""
    held, lent, free = [await retention.file(household=household)
                        for household in ("A-1201", "A-1202", "A-1203")]
    sweep = await retention.approved([held, lent, free])
    assert sweep.sweep_id is not None
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[held.document_id]))
    loan = await retention.out_on_loan([lent])
    retention.clock.advance(timedelta(days=200))  # past destroy_after, still out
    standings = {document.document_id: await retention.services.destructions.standing(
        person("qian"), document.document_id) for document in (held, lent, free)}
    items = (await retention.services.sweeps.get(person("qian"), sweep.sweep_id)).items
    assert {d: (s.state, s.stopped_by) for d, s in standings.items() if s} == {
        held.document_id: ("waiting", "on_hold"), lent.document_id: ("waiting", "on_loan"),
        free.document_id: ("waiting", None)}
    assert {i.document_id: (i.held, i.on_loan) for i in items} == {
        held.document_id: (True, False), lent.document_id: (False, True),
        free.document_id: (False, False)}
    await retention.services.circulation.return_loan(
        person("sun"), loan.loan_id, ReturnCheck(intact=True))
    back = await retention.services.destructions.standing(person("qian"), lent.document_id)
    assert back is not None
    assert back.stopped_by is None


async def test_a_document_no_longer_due_stands_in_no_sweep(retention: Retention) -> None:
    """Kept past its sweep's date (a schedule made permanent): its open item no longer
    counts, though the sweep has not released it yet."""
    document = await retention.file()
    await retention.sweep()
    await retention.sql("UPDATE documents SET disposal_due = NULL WHERE document_id = :id",
                        id=document.document_id)
    assert await retention.services.destructions.standing(
        person("qian"), document.document_id) is None


async def test_where_a_document_stands_is_not_told_of_one_the_reader_may_not_see(
        retention: Retention) -> None:
    secret = await retention.file(security="secret")
    await retention.sweep()
    with pytest.raises(NotFound):
        await retention.services.destructions.standing(person("ma"), secret.document_id)
    with pytest.raises(NotFound):
        await retention.services.destructions.standing(person("qian"), "no-such-document")


async def test_the_list_of_sweeps_counts_what_an_approved_one_still_has_to_destroy(
        retention: Retention) -> None:
    """An approved sweep reads 已批准 from its approval to the last of its items destroyed;
    the list says how many still wait (held, lent or not yet on a register executed), so
    a compliance officer sees which sweep asks for work."""
    destroyed, held = await retention.file(), await retention.file()
    register = await retention.register([destroyed, held], listing=[destroyed])
    await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[held.document_id]))

    def waiting(summaries: list[SweepSummary]) -> list[tuple[int, int]]:
        return [(summary.items, summary.waiting) for summary in summaries]

    listed = await retention.services.sweeps.summaries(status=None, limit=10, offset=0)
    assert waiting(listed) == [(2, 2)]
    for witness in ("wang", "sun"):
        await retention.services.destructions.witness(person(witness),
                                                      register.destruction_id, SIGNED)
    await retention.services.destructions.execute(person("qian"), register.destruction_id)
    await retention.services.destructions.executor.wait()
    listed = await retention.services.sweeps.summaries(status=None, limit=10, offset=0)
    assert waiting(listed) == [(2, 1)]
