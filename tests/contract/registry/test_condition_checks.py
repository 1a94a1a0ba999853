"""A box's condition check (七防, O3) sent more than once, on each registry store: the same
form sent many times at once (real concurrent transactions) is recorded once."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from services.common.contracts.inventory import (
    ConditionCheck,
    NewConditionCheck,
    ProtectionCheck,
    Protections,
)
from services.common.contracts.registry import PaperLocation
from services.common.errors import Conflict
from tests.contract.registry.conftest import ARCHIVIST, Registry

OK = ProtectionCheck(state="ok")


def _check(*, box: str = "3", checked_on: date = date(2024, 5, 31),
           note: str | None = None, building: str = "A") -> NewConditionCheck:
    return NewConditionCheck(
        location=PaperLocation(building=building, room="档案室", cabinet="12", box=box),
        checked_on=checked_on,
        protections=Protections(insects=OK, mould=ProtectionCheck(state="problem",
                                                                  note="盒底受潮发霉"),
                                dust=OK, fire=OK, theft=OK, damp=OK, heat=OK),
        repaired="更换档案盒", note=note)


async def test_the_same_check_sent_many_times_at_once_is_recorded_once(registry: Registry
                                                                        ) -> None:
    inventory = registry.services.inventory
    results = await asyncio.gather(*(inventory.record_check(ARCHIVIST, _check())
                                     for _ in range(6)), return_exceptions=True)
    (recorded,) = [result for result in results if isinstance(result, ConditionCheck)]
    refused = [result for result in results if isinstance(result, Conflict)]
    assert len(refused) == 5
    assert {(r.code, r.extra["check_id"]) for r in refused} == {
        ("already_recorded", recorded.check_id)}
    assert await registry.sql("SELECT check_id FROM condition_checks") == [
        (recorded.check_id,)]
    audited = await registry.sql(
        "SELECT count(*) FROM audit_log WHERE action = 'condition_checked'")
    assert audited == [(1,)]


async def test_the_same_check_sent_again_later_names_the_one_recorded(registry: Registry
                                                                      ) -> None:
    inventory = registry.services.inventory
    first = await inventory.record_check(ARCHIVIST, _check())
    again = _check(building="A栋")  # the same box, typed as staff write it
    with pytest.raises(Conflict) as refused:
        await inventory.record_check(ARCHIVIST, again)
    assert (refused.value.code, refused.value.extra["check_id"]) == ("already_recorded",
                                                                     first.check_id)


async def test_another_box_day_or_finding_is_a_check_of_its_own(registry: Registry) -> None:
    inventory = registry.services.inventory
    checks = [await inventory.record_check(ARCHIVIST, new) for new in (
        _check(), _check(box="4"), _check(checked_on=date(2024, 5, 30)),
        _check(note="柜门锁坏，已报修"))]
    assert len({check.check_id for check in checks}) == 4
