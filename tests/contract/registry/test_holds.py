"""Legal holds listed by the household they bear on (R7, ``GET /registry/holds?household=``),
on each database engine: what the household page says at its head."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec

from services.common.auth import Principal
from services.common.contracts.retention import Hold, HoldCount
from services.common.paging import LIST_PAGE
from services.registry.holds.models import HoldFilters, HoldRequest
from tests.contract.registry.conftest import Registry
from tests.support.registry import household_holds, insert_holds

COMPLIANCE = Principal(username="qian", roles=("compliance",), clearance="secret")
UNCLEARED = Principal(username="sun", roles=("compliance",), clearance="ordinary")
PLACED_FROM = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


async def _placed(registry: Registry, request: HoldRequest) -> Hold:
    return await registry.services.holds.place(COMPLIANCE, request)


async def _bearing_on(registry: Registry, reader: Principal, household: str) -> list[str]:
    found = await registry.services.holds.holds(
        reader, HoldFilters(status="active", household=household), limit=100, offset=0)
    return sorted(hold.reason for hold in found)


async def test_the_holds_bearing_on_a_household_are_its_own_its_categories_and_its_documents(
        registry: Registry) -> None:
    """Placed on it (also with a category, also before anything is filed there), on a
    category it holds documents of, or naming one of its documents; not those of other
    households, nor a category it holds nothing of (it bears on every file alike), nor
    released ones."""
    repair = await registry.file(household="A-1201", category="repair")
    elsewhere = await registry.file(household="B-0101", category="contract")
    await _placed(registry, HoldRequest(reason="整户", household="A-1201"))
    await _placed(registry, HoldRequest(reason="整户维修", household="A-1201", category="repair"))
    await _placed(registry, HoldRequest(reason="维修类", category="repair"))
    await _placed(registry, HoldRequest(reason="指定文件", documents=[repair.document_id]))
    await _placed(registry, HoldRequest(reason="未归档的户", household="A-1202"))
    await _placed(registry, HoldRequest(reason="他户", household="B-0101"))
    await _placed(registry, HoldRequest(reason="合同类", category="contract"))
    await _placed(registry, HoldRequest(reason="他户文件", documents=[elsewhere.document_id]))
    released = await _placed(registry, HoldRequest(reason="已解除", household="A-1201"))
    await registry.services.holds.release(COMPLIANCE, released.hold_id, note=None)
    assert await _bearing_on(registry, COMPLIANCE, "A-1201") == sorted(
        ["整户", "整户维修", "维修类", "指定文件"])
    assert await _bearing_on(registry, COMPLIANCE, "A-1202") == ["未归档的户"]


async def test_holds_bearing_only_on_documents_above_the_readers_clearance_are_not_listed(
        registry: Registry) -> None:
    """Counted up to the reader's clearance, as ``covers_now`` is: a category or named hold
    listed for an uncleared reader would tell them the file holds a secret document."""
    await registry.file(household="A-1201", category="repair", security="ordinary")
    secret = await registry.file(household="A-1201", category="complaint", security="secret")
    await _placed(registry, HoldRequest(reason="维修类", category="repair"))
    await _placed(registry, HoldRequest(reason="投诉类", category="complaint"))
    await _placed(registry, HoldRequest(reason="指定绝密文件", documents=[secret.document_id]))
    assert await _bearing_on(registry, UNCLEARED, "A-1201") == ["维修类"]
    assert await registry.services.holds.count(UNCLEARED, HoldFilters(
        status="active", household="A-1201")) == HoldCount(count=1)
    assert await registry.services.holds.count(UNCLEARED, HoldFilters(
        document_id=secret.document_id)) == HoldCount(count=0)
    assert await _bearing_on(registry, COMPLIANCE, "A-1201") == sorted(
        ["维修类", "投诉类", "指定绝密文件"])


async def test_holds_are_counted_and_a_hold_found_in_its_place_however_many_there_are(
        registry: Registry, seeded_database_url: str) -> None:
    """What the holds page pages by (R7: every active hold on a page): each status counted
    on every page, and how many the newest-first list puts before a hold asked for (two
    placed at the same instant, in the order the list gives them), from SQL."""
    active = household_holds(2 * LIST_PAGE + 4, placed_at=PLACED_FROM)
    oldest = active[0]
    twin = msgspec.structs.replace(oldest, hold_id=str(uuid.uuid4()), household="F-0001")
    released = household_holds(LIST_PAGE // 2, placed_at=PLACED_FROM, status="released")
    await insert_holds(seeded_database_url, [*active, twin, *released])
    holds = registry.services.holds
    listed = [hold.hold_id for hold in await holds.holds(
        COMPLIANCE, HoldFilters(status="active"), limit=LIST_PAGE, offset=2 * LIST_PAGE)]
    counts = [await holds.count(COMPLIANCE, HoldFilters(status="active"), hold_id=hold_id)
              for hold_id in listed]
    asked_elsewhere = await holds.count(COMPLIANCE, HoldFilters(status="released"),
                                        hold_id=oldest.hold_id)
    assert sorted(listed[-2:]) == sorted([oldest.hold_id, twin.hold_id])
    assert counts == [HoldCount(count=len(active) + 1, before=2 * LIST_PAGE + number)
                      for number in range(len(listed))]
    assert asked_elsewhere == HoldCount(count=len(released), before=None)
