"""A migrated registry with lending on each engine, its people, and a clock tests move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.contracts.lending import Loan, LoanRequest
from services.common.contracts.registry import DocumentRecord
from services.common.db import create_engine
from services.registry.bootstrap import RegistryServices
from tests.fixtures.postgres import Seed
from tests.support.registry import (
    file_document,
    new_document,
    person_in,
    registry_services,
    seed_people,
    sql,
)

START = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)

# username: roles, clearance, department
PEOPLE: dict[str, tuple[tuple[str, ...], str, str]] = {
    "li": (("staff",), "confidential", "customer_service"),
    "ma": (("staff",), "ordinary", "customer_service"),
    "zhou": (("manager",), "secret", "customer_service"),
    "qian": (("manager",), "secret", "engineering"),
    "he": (("manager",), "secret", "archive"),
    "chen": (("center_head",), "secret", "customer_service"),
    "zhao": (("director",), "secret", "management"),
    "wang": (("archivist",), "secret", "archive"),
    "sun": (("archivist",), "secret", "archive"),
    "hu": (("manager", "archivist"), "secret", "customer_service"),
}

def person(username: str) -> Principal:
    return person_in(PEOPLE, username)


@dataclass
class Lending:
    engine: AsyncEngine
    clock: FixedClock
    services: RegistryServices = field(init=False)

    def __post_init__(self) -> None:
        self.services = registry_services(self.engine, self.clock)

    def restarted(self) -> RegistryServices:
        """The registry's services built again over the same database (a restart)."""
        return registry_services(self.engine, self.clock)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def file(self, **fields: Any) -> DocumentRecord:
        return await file_document(self.services, new_document(**fields))

    async def request(self, caller: str, documents: list[DocumentRecord], *,
                      kind: str = "paper", **fields: Any) -> Loan:
        request = LoanRequest(documents=[d.document_id for d in documents],
                              kind=kind, purpose="核对装修押金",  # type: ignore[arg-type]
                              reason="客户来电查询", **fields)
        return await self.services.lending.request(person(caller), request)

    async def approve_all(self, loan: Loan, *approvers: str) -> Loan:
        for approver in approvers:
            loan = await self.services.lending.approve(person(approver), loan.loan_id,
                                                       note=None)
        return loan

    async def approved(self, borrower: str, documents: list[DocumentRecord], *,
                       kind: str = "paper") -> Loan:
        """A loan of ordinary documents, through its two approvals."""
        loan = await self.request(borrower, documents, kind=kind)
        return await self.approve_all(loan, *_approvers(loan, borrower))

    async def out(self, borrower: str, documents: list[DocumentRecord], *,
                  kind: str = "paper") -> Loan:
        loan = await self.approved(borrower, documents, kind=kind)
        return await self.services.circulation.issue(person("wang"), loan.loan_id)

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        return await sql(self.engine, statement, **params)


APPROVER_FOR = {"manager": "zhou", "center_head": "chen", "director": "zhao",
                "archivist": "wang"}


def _approvers(loan: Loan, borrower: str) -> list[str]:
    """Who approves each step: the borrower's department head, never the borrower."""
    chosen = {**APPROVER_FOR, "manager": "he" if PEOPLE[borrower][2] == "archive" else "zhou"}
    if borrower == "wang":
        chosen["archivist"] = "sun"
    return [chosen[role] for role in loan.approvals_needed]


async def _prepare(url: str) -> None:
    """Migrate and add ``PEOPLE``: the state every test starts from."""
    await seed_people(url, PEOPLE, FixedClock(START))


@pytest.fixture(scope="session")
def database_seed() -> Seed:
    return _prepare


@pytest.fixture
async def lending(seeded_database_url: str) -> AsyncIterator[Lending]:
    engine = create_engine(seeded_database_url)
    try:
        yield Lending(engine=engine, clock=FixedClock(START))
    finally:
        await engine.dispose()
