"""A migrated registry with lending on each engine, its people, and a clock tests move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.contracts.lending import Loan, LoanRequest
from services.common.contracts.registry import DocumentRecord
from tests.fixtures.postgres import Seed
from tests.support.registry import (
    LocalRegistry,
    person_in,
    seed_people,
)

START = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
"""17:00 on 3 June 2024 on the company's clocks (Shanghai, UTC+8)."""


def end_of_day(days: int) -> datetime:
    """The last second of the company's day ``days`` after START's (23:59:59 in Shanghai
    is 15:59:59 UTC): when a loan issued at START for ``days`` days is due."""
    return datetime(2024, 6, 3, 15, 59, 59, tzinfo=UTC) + timedelta(days=days)

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


class Lending(LocalRegistry):
    """The registry over one database, at ``clock``, with the loans' steps."""

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
def lending(seeded_engine: AsyncEngine) -> Lending:
    return Lending(engine=seeded_engine, clock=FixedClock(START))
