"""The inventory form (帐物相符, O3) sent more than once, on each registry store: the same
start sent many times at once (a double click, a retry) starts one inventory, whose id the
others are told; a start of another scope, or once a box is marked, is a new one."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from services.common.contracts.inventory import Inventory, NewInventory
from services.common.contracts.registry import PaperLocation
from services.common.errors import Conflict
from services.registry.inventory.models import ItemMark
from tests.contract.registry.conftest import ARCHIVIST, Registry

BOX = PaperLocation(building="A", room="档案室", cabinet="12", box="3")


async def test_the_same_inventory_started_many_times_at_once_is_started_once(
        registry: Registry) -> None:
    await registry.file(location=BOX)
    inventory = registry.services.inventory
    results = await asyncio.gather(*(inventory.start(ARCHIVIST, NewInventory(building="a"))
                                     for _ in range(4)), return_exceptions=True)
    (started,) = [result for result in results if isinstance(result, Inventory)]
    refused = [result for result in results if isinstance(result, Conflict)]
    assert {(r.code, r.extra["inventory_id"]) for r in refused} == {
        ("inventory_exists", started.inventory_id)}
    assert len(refused) == 3
    assert await registry.sql("SELECT count(*) FROM inventories") == [(1,)]


@pytest.mark.parametrize("again", ["other_note", "marked", "tomorrow"])
async def test_an_inventory_of_another_note_or_after_a_mark_or_a_day_is_a_new_one(
        registry: Registry, again: str) -> None:
    await registry.file(location=BOX)
    inventory = registry.services.inventory
    first = await inventory.start(ARCHIVIST, NewInventory(note="一月盘点"))
    note = "一月盘点"
    if again == "other_note":
        note = "复盘"
    elif again == "marked":
        await inventory.mark(ARCHIVIST, first.inventory_id, 1,
                             ItemMark(state="present"))
    else:
        registry.clock.set(registry.clock.now() + timedelta(days=1))
    second = await inventory.start(ARCHIVIST, NewInventory(note=note))
    assert second.inventory_id != first.inventory_id
