"""The registers waiting for a witness's signature (R6) on both engines: not from whoever
drew the register up, not from someone who signed, nor from someone not cleared for
every item; none once enough signatures hold, except a witness whose signature a change
of the items voided; none once executing or cancelled."""

from __future__ import annotations

import pytest

from services.registry.destruction.models import WitnessSignature
from services.registry.destruction.rules import awaits_signature_from
from tests.unit.registry.retention.conftest import PASSWORD, Retention, person

SIGNED = WitnessSignature(password=PASSWORD)
WITNESSES = ("qian", "he", "zhou", "gao", "ma", "zhao", "wang", "sun")


async def _awaiting(retention: Retention) -> dict[str, list[str]]:
    """Each witness's waiting registers, by id."""
    return {username: [summary.destruction_id for summary in
                       await retention.services.destructions.awaiting_signature(
                           person(username))]
            for username in WITNESSES}


async def test_a_register_waits_for_every_cleared_witness_but_its_creator_until_two_sign(
        retention: Retention) -> None:
    register = await retention.register([await retention.file(security="confidential")])
    one = [register.destruction_id]
    awaiting = await _awaiting(retention)
    # R6: qian drew it up; ma (ordinary clearance) cannot check the confidential item.
    assert {name for name, ids in awaiting.items() if ids == one} == {
        "he", "zhou", "gao", "zhao", "wang", "sun"}
    assert awaiting["qian"] == awaiting["ma"] == []

    await retention.services.destructions.witness(person("wang"), register.destruction_id,
                                                   SIGNED)
    awaiting = await _awaiting(retention)
    assert awaiting["wang"] == []
    assert awaiting["sun"] == awaiting["zhou"] == one

    await retention.services.destructions.witness(person("sun"), register.destruction_id,
                                                   SIGNED)
    assert all(ids == [] for ids in (await _awaiting(retention)).values())


async def test_a_voided_signature_puts_the_register_back_before_its_witnesses(
        retention: Retention) -> None:
    register = await retention.witnessed([await retention.file()])
    await retention.tamper_with_items(register)
    awaiting = await _awaiting(retention)
    assert awaiting["wang"] == awaiting["sun"] == [register.destruction_id]
    assert awaiting["zhou"] == [register.destruction_id]  # no signature holds: anyone may
    assert awaiting["qian"] == []


async def test_registers_executing_executed_or_cancelled_wait_for_no_one(
        retention: Retention) -> None:
    executed = await retention.executed([await retention.file()])
    cancelled = await retention.register([await retention.file(household="B-0202")])
    await retention.services.destructions.cancel(person("qian"), cancelled.destruction_id)
    assert executed.status == "executed"
    assert all(ids == [] for ids in (await _awaiting(retention)).values())


@pytest.mark.parametrize(("username", "status", "signers", "valid", "awaited"), [
    ("wang", "awaiting_witnesses", [], [], True),
    ("qian", "awaiting_witnesses", [], [], False),  # the creator
    ("wang", "awaiting_witnesses", ["wang"], ["wang"], False),  # signed already
    ("sun", "witnessed", ["wang", "zhou"], ["wang", "zhou"], False),  # enough hold
    ("wang", "witnessed", ["wang", "zhou"], ["zhou"], True),  # voided: sign again
    ("sun", "witnessed", ["wang", "zhou"], ["zhou"], True),  # one short: anyone
    ("sun", "executing", [], [], False),
    ("sun", "executed", [], [], False),
    ("sun", "cancelled", [], [], False),
])
def test_the_rule(username: str, status: str, signers: list[str], valid: list[str],
                  awaited: bool) -> None:
    assert awaits_signature_from(username, status=status,  # type: ignore[arg-type]
                                 created_by="qian", signers=signers, valid=valid) is awaited
