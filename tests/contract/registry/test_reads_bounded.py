"""A sweep's page reads the whole sweep (thousands of items at a company's size, the page
showing a hundred): the registry reads it with as many SQL statements for many items as
for few, no query per item, on both engines (counted with an SQLAlchemy listener on the
real engine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal
from services.common.contracts.retention import SweepRequest
from services.registry.sweeps.models import AppraisalRequest
from tests.contract.registry.conftest import MANAGER, Registry

COMPLIANCE = Principal(username="qian", roles=("compliance",), clearance="secret")


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements ``engine`` runs meanwhile."""
    seen: list[str] = []

    def run(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine.sync_engine, "before_cursor_execute", run)
    try:
        yield seen
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", run)


async def _sweep_of(registry: Registry, count: int, *, first_unit: int) -> str:
    """A sweep of ``count`` documents newly due, each in a household of its own, the
    first of them appraised by two appraisers (appraisals, earlier sweeps and titles are
    each read for every item)."""
    documents = [await registry.file(household=f"A-{1201 + first_unit + n}", category="repair",
                                     filed_at=date(2010, 3, 1)) for n in range(count)]
    sweep = await registry.services.sweeps.start(COMPLIANCE, SweepRequest(as_of=date(2024, 6, 1)))
    assert sweep.sweep_id is not None
    assert len(sweep.items) == count
    for appraiser in (MANAGER, COMPLIANCE):
        await registry.services.sweeps.appraise(appraiser, sweep.sweep_id, AppraisalRequest(
            document_id=documents[0].document_id, decision="keep", opinion="仍有争议"))
    return sweep.sweep_id


async def test_reading_a_sweep_runs_as_many_statements_for_many_items_as_for_few(
        registry: Registry) -> None:
    few = await _sweep_of(registry, 2, first_unit=0)
    many = await _sweep_of(registry, 30, first_unit=2)
    with statements(registry.engine) as for_few:
        read_few = await registry.services.sweeps.get(COMPLIANCE, few)
    with statements(registry.engine) as for_many:
        read_many = await registry.services.sweeps.get(COMPLIANCE, many)
    assert (len(read_few.items), len(read_many.items)) == (2, 30)
    assert for_few
    assert len(for_many) == len(for_few), for_many
