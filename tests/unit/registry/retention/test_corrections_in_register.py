"""A correction of a document listed in a destruction register not yet executed (R6, D11),
on both engines: its filing (category, filing date, household: its archive number) stays
as the register its witnesses check names it, when asked and when approved; its other
fields are corrected; once the register is withdrawn, its filing is corrected too. The
document's permissions say so before a form offers those fields. A register drawn up as a
move is approved names the document as it ends up (both lock its row)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import pytest

from services.common.contracts.corrections import CorrectionRequest, MetadataChanges
from services.common.contracts.retention import Destruction
from services.common.errors import Conflict
from services.registry.destruction.models import DestructionRequest
from tests.unit.registry.retention.conftest import START, Retention, person


def _fix(reason: str = "按原件核对", **changes: Any) -> CorrectionRequest:
    return CorrectionRequest(changes=MetadataChanges(**changes), reason=reason)


@pytest.mark.parametrize("changes", [{"category": "complaint"}, {"household": "A-1202"},
                                     {"filed_at": date(2012, 4, 1)}])
async def test_a_document_in_a_register_keeps_its_filing_and_number(
        retention: Retention, changes: dict[str, object]) -> None:
    """Its witnesses check and sign the items under the numbers listed, and execution
    destroys them so: a new number would destroy a document the register does not name.
    Its title is still put right."""
    listed = await retention.file()
    register = await retention.register([listed])
    with pytest.raises(Conflict) as refused:
        await retention.services.corrections.request(person("wang"), listed.document_id,
                                                      _fix(**changes))
    retitled = await retention.services.corrections.request(
        person("wang"), listed.document_id, _fix(title="卫生间漏水维修记录（二）"))
    record = await retention.document(listed.document_id)
    assert (refused.value.code, refused.value.extra) == (
        "in_destruction_register",
        {"fields": list(changes), "register": register.destruction_id})
    assert listed.archive_no in str(refused.value)
    assert "cancel it" in str(refused.value)
    assert retitled.status == "applied"
    assert (record.category, record.household, record.filed_at, record.archive_no,
            record.title) == ("repair", "A-1201", listed.filed_at, listed.archive_no,
                              "卫生间漏水维修记录（二）")
    assert [item.archive_no for item in register.items] == [record.archive_no]


async def test_a_move_asked_before_the_register_is_not_approved_after_it(
        retention: Retention) -> None:
    misfiled = await retention.file()
    asked = await retention.services.corrections.request(
        person("wang"), misfiled.document_id, _fix(reason="归错了户", household="A-1202"))
    register = await retention.register([misfiled])
    with pytest.raises(Conflict) as refused:
        await retention.services.corrections.approve(person("zhou"), asked.correction_id,
                                                     note=None)
    record = await retention.document(misfiled.document_id)
    assert (refused.value.code, refused.value.extra) == (
        "in_destruction_register",
        {"fields": ["household"], "register": register.destruction_id})
    assert (record.household, record.archive_no) == ("A-1201", misfiled.archive_no)


async def test_once_the_register_is_withdrawn_its_filing_is_corrected(
        retention: Retention) -> None:
    listed = await retention.file()
    register = await retention.register([listed])
    await retention.services.destructions.cancel(person("qian"), register.destruction_id)
    corrected = await retention.services.corrections.request(
        person("wang"), listed.document_id, _fix(category="complaint"))
    record = await retention.document(listed.document_id)
    assert corrected.status == "applied"
    assert (record.category, record.former_archive_nos) == ("complaint", [listed.archive_no])


async def test_the_permissions_tell_a_corrector_what_a_correction_may_not_change(
        retention: Retention) -> None:
    """Asked before the form offers the fields; to others, nothing about registers."""
    listed = await retention.file()
    register = await retention.register([listed])
    free = await retention.file(household="A-1202")
    catalogue = retention.services.catalogue
    limited = await catalogue.permissions(person("wang"), listed.document_id)
    unlimited = await catalogue.permissions(person("wang"), free.document_id)
    to_staff = await catalogue.permissions(person("li"), listed.document_id)
    await retention.services.destructions.cancel(person("qian"), register.destruction_id)
    withdrawn = await catalogue.permissions(person("wang"), listed.document_id)
    assert limited.correction_limit is not None
    assert (limited.correction_limit.code, limited.correction_limit.fields,
            limited.correction_limit.register, limited.correction_limit.closed) == (
        "in_destruction_register", ["category", "filed_at", "household"],
        register.destruction_id, False)
    assert (unlimited.correction_limit, to_staff.correction_limit,
            withdrawn.correction_limit) == (None, None, None)


async def test_a_destroyed_documents_permissions_close_its_whole_record(
        retention: Retention) -> None:
    destroyed = await retention.file()
    await retention.executed([destroyed])
    limit = (await retention.services.catalogue.permissions(
        person("wang"), destroyed.document_id)).correction_limit
    assert limit is not None
    assert (limit.code, limit.closed, "title" in limit.fields) == (
        "document_destroyed", True, True)


@pytest.mark.parametrize("first", ["register", "correction"])
async def test_a_register_drawn_up_as_a_move_is_approved_names_the_document_as_it_is(
        retention: Retention, first: str) -> None:
    """At the same moment (separate transactions): the move lands before the register
    lists the document, and the register names its new number; or the register lists it
    first, and the move is refused. Never a register naming a number the document no
    longer has (its witnesses would sign for a document that is not where it says)."""
    misfiled = await retention.file()
    asked = await retention.services.corrections.request(
        person("wang"), misfiled.document_id, _fix(reason="归错了户", household="A-1202"))
    sweep = await retention.approved([misfiled])
    assert sweep.destroy_after is not None
    assert sweep.sweep_id is not None
    retention.clock.set(datetime.combine(sweep.destroy_after, START.timetz()))
    attempts = {
        "register": retention.services.destructions.create(
            person("qian"), DestructionRequest(sweep_id=sweep.sweep_id)),
        "correction": retention.services.corrections.approve(
            person("zhou"), asked.correction_id, note=None)}
    second = "correction" if first == "register" else "register"
    outcomes = dict(zip((first, second), await asyncio.gather(
        attempts[first], attempts[second], return_exceptions=True), strict=True))
    record = await retention.document(misfiled.document_id)
    register = outcomes["register"]
    assert isinstance(register, Destruction), register
    assert [item.archive_no for item in register.items] == [record.archive_no]
    if isinstance(outcomes["correction"], Conflict):
        assert outcomes["correction"].code == "in_destruction_register"
        assert (record.household, record.archive_no) == ("A-1201", misfiled.archive_no)
    else:
        assert outcomes["correction"].status == "applied"
        assert record.household == "A-1202"
        assert record.former_archive_nos == [misfiled.archive_no]
