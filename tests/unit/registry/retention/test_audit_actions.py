"""O4: an audit action has one name whatever its outcome; refusals recorded before under
a route's operation id or a service's verb are read, and found, under the current name."""

from __future__ import annotations

import msgspec
import pytest
from litestar.handlers import HTTPRouteHandler

from services.common.contracts.corrections import CorrectionRequest, MetadataChanges
from services.common.contracts.operations import Handover, HandoverRequest
from services.common.contracts.registry import DocumentRecord
from services.common.errors import Forbidden
from services.registry.bootstrap import CONTROLLERS
from services.registry.destruction.models import WitnessSignature
from services.registry.guards import ROUTE_ACTIONS
from services.registry.handovers.models import HandoverSignature
from services.registry.holds.models import HoldRequest
from services.registry.journal.models import AuditEntry
from tests.support.registry import named_in
from tests.unit.registry.retention.conftest import PASSWORD, START, Retention, person

NOT_AUDITED_CHANGES = {"anchorAuditChain"}
"""Guarded changes with no entry of their own (an anchor is written to the object store)."""


def _guarded_changes() -> set[str]:
    found = set()
    for controller in CONTROLLERS:
        layer = controller.__dict__.get("guards") or []
        for handler in vars(controller).values():
            if isinstance(handler, HTTPRouteHandler) and handler.http_methods - {"GET"} and any(
                    guard.__qualname__.startswith("allow.")
                    for guard in [*layer, *(handler.guards or [])]):
                found.add(str(handler.operation_id))
    return found


def test_every_guarded_change_is_refused_under_the_action_its_success_is_recorded_as(
) -> None:
    assert set(ROUTE_ACTIONS) == _guarded_changes() - NOT_AUDITED_CHANGES


async def test_a_refused_witness_is_recorded_under_the_witnessing_action(
        retention: Retention) -> None:
    register = await retention.witnessed([await retention.file()])
    with pytest.raises(Forbidden):
        await retention.services.destructions.witness(
            person("zhou"), register.destruction_id, WitnessSignature(password="wrong"))
    entries = await retention.audit(action="destruction_witnessed")
    assert [(e.username, e.outcome) for e in entries] == [
        ("wang", "allowed"), ("sun", "allowed"), ("zhou", "refused")]


async def test_refusals_recorded_under_old_names_read_and_filter_under_the_current_ones(
        retention: Retention) -> None:
    async with retention.services.store.transaction() as tx:
        for old in ("startSweep", "sign_handover", "listHolds"):
            await tx.journal.audit(AuditEntry(action=old, username="li", outcome="refused",
                                              code="role_required"), at=START)
    await retention.file()
    await retention.sweep()
    await retention.services.journal.refused(person("li"), "sweep_started", Forbidden(
        "compliance or an archivist starts a sweep", code="role_required"))
    for asked in ("sweep_started", "startSweep"):
        assert [(e.action, e.username, e.outcome) for e in await retention.audit(
            action=asked)] == [("sweep_started", "li", "refused"),
                               ("sweep_started", "qian", "allowed"),
                               ("sweep_started", "li", "refused")]
    assert [e.action for e in await retention.audit(username="li")] == [
        "sweep_started", "handover_signed", "list_holds", "sweep_started"]
    assert [e.seq for e in await retention.audit(action="sign_handover")] == [
        e.seq for e in await retention.audit(action="handover_signed")]
    report = await retention.services.journal.verify()
    assert report.intact  # read under new names, kept as written


async def test_a_release_refused_for_clearance_is_audited_without_naming_the_documents(
        retention: Retention) -> None:
    secret = await retention.file(security="secret", title="某业主诉讼证据")
    hold = await retention.services.holds.place(person("qian"), HoldRequest(
        reason="诉讼保全", documents=[secret.document_id]))
    # he as a token cleared only to confidential names him (compliance here is secret)
    uncleared = msgspec.structs.replace(person("he"), clearance="confidential")
    with pytest.raises(Forbidden) as refused:
        await retention.services.holds.release(uncleared, hold.hold_id, note="结案")
    assert refused.value.code == "above_clearance"
    [entry] = await retention.audit(username="he")
    assert (entry.action, entry.outcome, entry.code, entry.document_id) == (
        "hold_released", "refused", "above_clearance", None)
    assert named_in(entry, secret) == []


async def _handover(retention: Retention, document: DocumentRecord) -> Handover:
    """A handover of ``document`` from ``li`` to ``sun``, drawn up by ``wang``."""
    return await retention.services.handovers.create(person("wang"), HandoverRequest(
        service_centre="一期客服中心", handed_over_by="li", received_by="sun",
        documents=[document.document_id]))


async def test_a_signature_refused_for_clearance_is_audited_without_naming_the_items(
        retention: Retention) -> None:
    document = await retention.file(title="某业主诉讼证据")
    handover = await _handover(retention, document)
    await retention.services.corrections.request(  # raising protection applies at once
        person("wang"), document.document_id, CorrectionRequest(
            changes=MetadataChanges(security="confidential"), reason="涉及诉讼"))
    with pytest.raises(Forbidden) as refused:
        await retention.services.handovers.sign(person("li"), handover.handover_id,
                                                HandoverSignature(password=PASSWORD))
    assert refused.value.code == "above_clearance"
    [entry] = await retention.audit(username="li")
    assert (entry.action, entry.outcome, entry.code, entry.document_id) == (
        "handover_signed", "refused", "above_clearance", None)
    assert named_in(entry, document) == []


async def test_a_signature_refused_to_someone_not_a_signer_is_audited(
        retention: Retention) -> None:
    document = await retention.file(title="某业主入住资料")
    handover = await _handover(retention, document)
    with pytest.raises(Forbidden) as refused:  # wang drew it up; li and sun sign it (O1)
        await retention.services.handovers.sign(person("wang"), handover.handover_id,
                                                HandoverSignature(password=PASSWORD))
    assert refused.value.code == "not_a_signer"
    [entry] = [e for e in await retention.audit(username="wang") if e.outcome == "refused"]
    assert (entry.action, entry.code, entry.document_id) == (
        "handover_signed", "not_a_signer", None)
