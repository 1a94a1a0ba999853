"""Legal holds listed by the household they bear on (R7, ``GET /registry/holds?household=``),
on each database engine: what the household page says at its head."""

from __future__ import annotations

from services.common.auth import Principal
from services.common.contracts.retention import Hold
from services.registry.holds.models import HoldRequest
from tests.contract.registry.conftest import Registry

COMPLIANCE = Principal(username="qian", roles=("compliance",), clearance="secret")
UNCLEARED = Principal(username="sun", roles=("compliance",), clearance="ordinary")


async def _placed(registry: Registry, request: HoldRequest) -> Hold:
    return await registry.services.holds.place(COMPLIANCE, request)


async def _bearing_on(registry: Registry, reader: Principal, household: str) -> list[str]:
    found = await registry.services.holds.holds(reader, status="active", document_id=None,
                                                household=household, limit=100, offset=0)
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
    assert await _bearing_on(registry, COMPLIANCE, "A-1201") == sorted(
        ["维修类", "投诉类", "指定绝密文件"])
