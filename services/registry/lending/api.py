"""Lending routes: the loan register and its moves, notifications, incidents.

Who may do what is decided in the services (and refusals audited there), so each
handler only decodes, calls and returns. The moves reserved to roles also carry a coarse
role guard, checked before the loan is looked up, so a caller without the role learns
nothing about a loan (not even that it exists).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from services.common.approvals import APPROVERS, DESK, REGISTER_READERS
from services.common.auth import principal_of
from services.common.web import PageLimit, PageOffset
from services.registry.guards import allow
from services.registry.lending.handover import HandoverService
from services.registry.lending.models import (
    ApprovalNote,
    CopyRequest,
    Incident,
    Loan,
    LoanQuery,
    LoanRequest,
    Notification,
    Rejection,
    ReturnCheck,
)
from services.registry.lending.rules import LoanStatus
from services.registry.lending.service import LendingService

"""Bounded: a larger value would overflow SQLite's integer (a 500, not a refusal)."""
Request_ = Request[Any, Any, Any]


class LoansController(Controller):
    path = "/loans"
    tags = ("lending",)

    @post("/", operation_id="requestLoan", status_code=HTTP_201_CREATED)
    async def request_loan(self, data: JSONBody[LoanRequest], request: Request_,
                           lending: NamedDependency[LendingService]) -> Loan:
        """Ask to borrow (B3): 201 ``requested`` with ``approvals_needed``."""
        return await lending.request(principal_of(request), data)

    @get("/", operation_id="listLoans")
    async def list_loans(
        self, request: Request_, lending: NamedDependency[LendingService],
        status: Annotated[LoanStatus | None, QueryParameter()] = None,
        borrower: Annotated[str | None, QueryParameter()] = None,
        overdue: Annotated[bool | None, QueryParameter()] = None,
        escalated: Annotated[bool | None, QueryParameter()] = None,
        document_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
        limit: PageLimit = 100, offset: PageOffset = 0,
    ) -> list[Loan]:
        """The loan register, newest first: ``overdue`` past ``due_at``, ``escalated``
        held too long without renewal (B4), ``document_id`` the loans of one document."""
        return await lending.loans(principal_of(request), LoanQuery(
            status=status, borrower=borrower, overdue=overdue, escalated=escalated,
            document_id=document_id, limit=limit, offset=offset))

    @get("/{loan_id:str}", operation_id="getLoan")
    async def get_loan(self, loan_id: FromPath[str], request: Request_,
                       lending: NamedDependency[LendingService]) -> Loan:
        return await lending.loan(principal_of(request), loan_id)

    @post("/{loan_id:str}/approve", operation_id="approveLoan", status_code=HTTP_200_OK,
          guards=[allow(*APPROVERS)])
    async def approve(self, loan_id: FromPath[str], request: Request_,
                      lending: NamedDependency[LendingService],
                      data: JSONBody[ApprovalNote | None] = None) -> Loan:
        """The awaited approval step; 403 for the wrong role or one's own loan."""
        return await lending.approve(principal_of(request), loan_id,
                                     note=data.note if data else None)

    @post("/{loan_id:str}/reject", operation_id="rejectLoan", status_code=HTTP_200_OK,
          guards=[allow(*APPROVERS)])
    async def reject(self, loan_id: FromPath[str], data: JSONBody[Rejection],
                     request: Request_, lending: NamedDependency[LendingService]) -> Loan:
        return await lending.reject(principal_of(request), loan_id, reason=data.reason)

    @post("/{loan_id:str}/issue", operation_id="issueLoan", status_code=HTTP_200_OK,
          guards=[allow(*DESK)])
    async def issue(self, loan_id: FromPath[str], request: Request_,
                    handover: NamedDependency[HandoverService]) -> Loan:
        """The archivist hands the loan over: ``out`` with ``due_at``."""
        return await handover.issue(principal_of(request), loan_id)

    @post("/{loan_id:str}/acknowledge", operation_id="acknowledgeLoan",
          status_code=HTTP_200_OK)
    async def acknowledge(self, loan_id: FromPath[str], request: Request_,
                          handover: NamedDependency[HandoverService]) -> Loan:
        """The borrower confirms receipt (B3)."""
        return await handover.acknowledge(principal_of(request), loan_id)

    @post("/{loan_id:str}/renew", operation_id="renewLoan", status_code=HTTP_200_OK)
    async def renew(self, loan_id: FromPath[str], request: Request_,
                    handover: NamedDependency[HandoverService]) -> Loan:
        """续借: ``due_at`` moves on (B4)."""
        return await handover.renew(principal_of(request), loan_id)

    @post("/{loan_id:str}/copies", operation_id="recordLoanCopy",
          status_code=HTTP_201_CREATED, guards=[allow(*DESK)])
    async def record_copy(self, loan_id: FromPath[str], data: JSONBody[CopyRequest],
                          request: Request_,
                          handover: NamedDependency[HandoverService]) -> Loan:
        """An approved copy, checked by the archivist (B6)."""
        return await handover.record_copy(principal_of(request), loan_id, data)

    @post("/{loan_id:str}/return", operation_id="returnLoan", status_code=HTTP_200_OK,
          guards=[allow(*DESK)])
    async def return_loan(self, loan_id: FromPath[str], data: JSONBody[ReturnCheck],
                          request: Request_,
                          handover: NamedDependency[HandoverService]) -> Loan:
        """注销 (B5): ``returned``; not ``intact`` opens an incident."""
        return await handover.return_loan(principal_of(request), loan_id, data)


class NotificationsController(Controller):
    path = "/notifications"
    tags = ("lending",)

    @get("/", operation_id="listNotifications")
    async def list_notifications(self, request: Request_,
                                 lending: NamedDependency[LendingService],
                                 limit: PageLimit = 100, offset: PageOffset = 0
                                 ) -> list[Notification]:
        """The caller's notifications (escalated loans, B4), newest first."""
        return await lending.notifications(principal_of(request), limit=limit, offset=offset)


class IncidentsController(Controller):
    path = "/incidents"
    tags = ("lending",)

    @get("/", operation_id="listIncidents", guards=[allow(*REGISTER_READERS)])
    async def list_incidents(self, lending: NamedDependency[LendingService],
                             limit: PageLimit = 100, offset: PageOffset = 0) -> list[Incident]:
        """Loss and damage reports opened at returns (B5), newest first."""
        return await lending.incidents(limit=limit, offset=offset)
