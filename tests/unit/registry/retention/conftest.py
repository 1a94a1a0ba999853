"""A migrated registry with retention on each engine, its people, and a clock tests move.

People have passwords (witnesses re-enter theirs). A migrated template database is made
once per session and copied for each test, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.config import Settings
from services.common.contracts.lending import Loan, LoanRequest
from services.common.contracts.registry import AuditRecord, DocumentRecord, NewDocument
from services.common.contracts.retention import Destruction, Sweep, SweepRequest
from services.registry.bootstrap import RegistryServices
from services.registry.destruction.models import DestructionRequest, WitnessSignature
from services.registry.households.models import NewHousehold
from services.registry.journal.models import AuditQuery
from services.registry.sweeps.models import AppraisalRequest
from tests.fixtures.postgres import Seed
from tests.support.registry import (
    INGEST,
    LocalRegistry,
    person_in,
    registry_services,
    seed_people,
)

START = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
WAIT_DAYS = 183
PASSWORD = "correct horse battery"

# username: roles, clearance, department
PEOPLE: dict[str, tuple[tuple[str, ...], str, str]] = {
    "qian": (("compliance",), "secret", "archive"),
    "he": (("compliance",), "secret", "customer_service"),
    "zhou": (("manager",), "secret", "customer_service"),
    "gao": (("manager",), "secret", "engineering"),
    "ma": (("manager",), "ordinary", "customer_service"),
    "zhao": (("director",), "secret", "management"),
    "wang": (("archivist",), "secret", "archive"),
    "sun": (("archivist",), "secret", "archive"),
    "li": (("staff",), "ordinary", "customer_service"),
}

def person(username: str) -> Principal:
    return person_in(PEOPLE, username)


SETTINGS = Settings(destruction_wait_days=WAIT_DAYS, login_attempts_per_minute=100,
                    password_hash_memory_kib=1024)
"""argon2 at its least, as test servers run (tests/fixtures/app.py): each witness
re-enters a password, and at the default each check took 64 ms of CPU."""


class Retention(LocalRegistry):
    """The registry over one database, at ``clock``, with the steps to a destruction."""

    def build(self) -> RegistryServices:
        return registry_services(self.engine, self.clock, settings=SETTINGS)

    def new_document(self, **fields: Any) -> NewDocument:
        """A repair record filed in 2012 (long past its retention); ``fields`` override."""
        return super().new_document(**{"category": "repair", "title": "卫生间漏水维修记录",
                                       "filed_at": date(2012, 3, 1), **fields})

    async def occupied(self, household: str) -> None:
        """``household`` registered by wang, occupied by the company 恒通物流有限公司 since
        2005."""
        await self.services.households.create(person("wang"), NewHousehold(
            household=household, occupant="恒通物流有限公司", moved_in=date(2005, 1, 1)))

    async def document(self, document_id: str) -> DocumentRecord:
        async with self.services.store.transaction() as tx:
            found = await tx.documents.get(document_id)
        assert found is not None
        return found

    async def sweep(self, **fields: Any) -> Sweep:
        return await self.services.sweeps.start(person("qian"), SweepRequest(**fields))

    async def appraise(self, sweep: Sweep, document: DocumentRecord, decision: str,
                       *appraisers: str, opinion: str = "已无保存价值", **fields: Any) -> None:
        assert sweep.sweep_id is not None
        for appraiser in appraisers:
            await self.services.sweeps.appraise(person(appraiser), sweep.sweep_id,
                                                 AppraisalRequest(
                document_id=document.document_id, decision=decision,  # type: ignore[arg-type]
                opinion=opinion, **fields))

    async def approved(self, documents: list[DocumentRecord], *, decision: str = "destroy"
                       ) -> Sweep:
        """A sweep of everything due, each item appraised ``decision`` by zhou and qian,
        approved by the director."""
        sweep = await self.sweep()
        for document in documents:
            await self.appraise(sweep, document, decision, "zhou", "qian")
        assert sweep.sweep_id is not None
        return await self.services.sweeps.approve(person("zhao"), sweep.sweep_id, note=None)

    async def register(self, documents: list[DocumentRecord], *,
                       listing: list[DocumentRecord] | None = None) -> Destruction:
        """Approved, waited out (R5), drawn up in a register (of ``listing`` only, when
        given)."""
        sweep = await self.approved(documents)
        assert sweep.destroy_after is not None
        self.clock.set(datetime.combine(sweep.destroy_after, START.timetz()))
        assert sweep.sweep_id is not None
        chosen = None if listing is None else [document.document_id for document in listing]
        return await self.services.destructions.create(
            person("qian"), DestructionRequest(sweep_id=sweep.sweep_id, documents=chosen))

    async def witnessed(self, documents: list[DocumentRecord]) -> Destruction:
        register = await self.register(documents)
        for witness in ("wang", "sun"):
            register = await self.services.destructions.witness(
                person(witness), register.destruction_id,
                WitnessSignature(password=PASSWORD))
        return register

    async def executed(self, documents: list[DocumentRecord]) -> Destruction:
        register = await self.witnessed(documents)
        await self.services.destructions.execute(person("qian"), register.destruction_id)
        await self.services.destructions.executor.wait()
        return await self.services.destructions.get(person("qian"), register.destruction_id)

    async def accepted_for_execution(self, documents: list[DocumentRecord]) -> Destruction:
        """Witnessed and its execution accepted, but not yet under way (the executor is
        stopped), so that a test can change something first; ``run_execution`` runs it."""
        register = await self.witnessed(documents)
        await self.services.destructions.execute(person("qian"), register.destruction_id)
        await self.services.destructions.executor.stop()
        return register

    async def run_execution(self, register: Destruction) -> Destruction:
        """Run an accepted execution to its end; the register as it then reads."""
        await self.services.destructions.executor.run(register.destruction_id)
        return await self.services.destructions.get(person("qian"), register.destruction_id)

    async def tamper_with_items(self, register: Destruction) -> None:
        """Rewrite an item's archive number behind the register's back (in SQL), which
        voids every signature given so far."""
        await self.sql("UPDATE destruction_items SET archive_no = :no WHERE "
                       "destruction_id = :id", no="2010-repair-A-1201-9999",
                       id=register.destruction_id)

    async def out_on_loan(self, documents: list[DocumentRecord]) -> Loan:
        request = LoanRequest(documents=[d.document_id for d in documents],
                              kind="paper", purpose="核对维修记录", reason="业主投诉")
        loan = await self.services.lending.request(person("li"), request)
        for approver in ("zhou", "wang"):
            loan = await self.services.lending.approve(person(approver), loan.loan_id,
                                                       note=None)
        return await self.services.circulation.issue(person("sun"), loan.loan_id)

    async def audit(self, **filters: Any) -> list[AuditRecord]:
        return await self.services.journal.entries(INGEST, AuditQuery(limit=1000, **filters))



async def _prepare(url: str) -> None:
    """Migrate and add ``PEOPLE`` with their passwords: the state every test starts from."""
    await seed_people(url, PEOPLE, FixedClock(START), password=PASSWORD, settings=SETTINGS)


@pytest.fixture(scope="session")
def database_seed() -> Seed:
    return _prepare


@pytest.fixture
async def retention(seeded_engine: AsyncEngine) -> AsyncIterator[Retention]:
    kept = Retention(engine=seeded_engine, clock=FixedClock(START))
    try:
        yield kept
    finally:
        await kept.services.destructions.executor.stop()
