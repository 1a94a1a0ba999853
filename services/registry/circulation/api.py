"""The archive desk's routes (B3–B6): issue, acknowledge, renew, copies, return.

Who may do what is decided in the service (and refusals audited there). The moves
reserved to the desk also carry a coarse role guard, checked before the loan is looked
up, so a caller without the role learns nothing about a loan (not even that it exists).
"""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from services.common.approvals import DESK
from services.common.auth import Principal
from services.common.contracts.lending import Loan
from services.registry.circulation.service import CirculationService
from services.registry.guards import allow
from services.registry.lending.models import CopyRequest, RenewalSeen, ReturnCheck


class CirculationController(Controller):
    path = "/loans"
    tags = ("lending",)

    @post("/{loan_id:str}/issue", operation_id="issueLoan", status_code=HTTP_200_OK,
          guards=[allow(*DESK)])
    async def issue(self, loan_id: FromPath[str], principal: NamedDependency[Principal],
                    circulation: NamedDependency[CirculationService]) -> Loan:
        """The archivist hands the loan over: ``out`` with ``due_at``."""
        return await circulation.issue(principal, loan_id)

    @post("/{loan_id:str}/acknowledge", operation_id="acknowledgeLoan",
          status_code=HTTP_200_OK)
    async def acknowledge(self, loan_id: FromPath[str], principal: NamedDependency[Principal],
                          circulation: NamedDependency[CirculationService]) -> Loan:
        """The borrower confirms receipt (B3)."""
        return await circulation.acknowledge(principal, loan_id)

    @post("/{loan_id:str}/renew", operation_id="renewLoan", status_code=HTTP_200_OK)
    async def renew(self, loan_id: FromPath[str], principal: NamedDependency[Principal],
                    circulation: NamedDependency[CirculationService],
                    data: JSONBody[RenewalSeen | None] = None) -> Loan:
        """续借: ``due_at`` moves on (B4); with ``renewals`` (the count the caller saw),
        409 ``already_renewed`` if the loan was renewed since."""
        return await circulation.renew(principal, loan_id,
                                       seen=None if data is None else data.renewals)

    @post("/{loan_id:str}/copies", operation_id="recordLoanCopy",
          status_code=HTTP_201_CREATED, guards=[allow(*DESK)])
    async def record_copy(self, loan_id: FromPath[str], data: JSONBody[CopyRequest],
                          principal: NamedDependency[Principal],
                          circulation: NamedDependency[CirculationService]) -> Loan:
        """An approved copy, checked by the archivist (B6)."""
        return await circulation.record_copy(principal, loan_id, data)

    @post("/{loan_id:str}/return", operation_id="returnLoan", status_code=HTTP_200_OK,
          guards=[allow(*DESK)])
    async def return_loan(self, loan_id: FromPath[str], data: JSONBody[ReturnCheck],
                          principal: NamedDependency[Principal],
                          circulation: NamedDependency[CirculationService]) -> Loan:
        """注销 (B5): ``returned``; not ``intact`` opens an incident."""
        return await circulation.return_loan(principal, loan_id, data)
