"""Lending routes: requests and approvals, the loan register, notifications, incidents
(the desk's moves are ``circulation``'s).

Who may do what is decided in the service (and refusals audited there), so each handler
only decodes, calls and returns. Approvals also carry a coarse role guard, checked
before the loan is looked up, so a caller without the role learns nothing about a loan
(not even that it exists).
"""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from services.common.approvals import APPROVERS, REGISTER_READERS
from services.common.auth import Principal
from services.common.contracts.fields import MAX_IDENTIFIER
from services.common.contracts.lending import (
    AwaitingCount,
    Incident,
    Loan,
    LoanRequest,
    LoanStatus,
    MarkRead,
    Notification,
    UnreadCount,
)
from services.common.web import PageLimit, PageOffset
from services.registry.guards import allow
from services.registry.lending.models import (
    ApprovalNote,
    IncidentResolution,
    LoanQuery,
    Rejection,
)
from services.registry.lending.service import LendingService


class LoansController(Controller):
    path = "/loans"
    tags = ("lending",)

    @post("/", operation_id="requestLoan", status_code=HTTP_201_CREATED)
    async def request_loan(self, data: JSONBody[LoanRequest], principal: NamedDependency[Principal],
                           lending: NamedDependency[LendingService]) -> Loan:
        """Ask to borrow (B3): 201 ``requested`` with ``approvals_needed``."""
        return await lending.request(principal, data)

    @get("/", operation_id="listLoans")
    async def list_loans(
        self, principal: NamedDependency[Principal], lending: NamedDependency[LendingService],
        status: Annotated[LoanStatus | None, QueryParameter()] = None,
        borrower: Annotated[str | None, QueryParameter()] = None,
        overdue: Annotated[bool | None, QueryParameter()] = None,
        escalated: Annotated[bool | None, QueryParameter()] = None,
        document_id: Annotated[str | None, QueryParameter(max_length=MAX_IDENTIFIER)] = None,
        awaiting: Annotated[Literal["me"] | None, QueryParameter()] = None,
        limit: PageLimit = 100, offset: PageOffset = 0,
    ) -> list[Loan]:
        """The loan register, newest first: ``overdue`` past ``due_at``, ``escalated``
        held too long without renewal (B4), ``document_id`` the loans of one document;
        ``awaiting=me`` the requests whose next approval step is the caller's to give
        (the rule ``approve`` applies, B3), oldest first."""
        return await lending.loans(principal, LoanQuery(
            status=status, borrower=borrower, overdue=overdue, escalated=escalated,
            document_id=document_id, awaiting=awaiting, limit=limit, offset=offset))

    @get("/awaiting-count", operation_id="countAwaitingLoans")
    async def count_awaiting(self, principal: NamedDependency[Principal],
                             lending: NamedDependency[LendingService]
                             ) -> AwaitingCount:
        """How many requests ``awaiting=me`` would list (the count on every page)."""
        return await lending.awaiting_count(principal)

    @get("/{loan_id:str}", operation_id="getLoan")
    async def get_loan(self, loan_id: FromPath[str], principal: NamedDependency[Principal],
                       lending: NamedDependency[LendingService]) -> Loan:
        return await lending.loan(principal, loan_id)

    @post("/{loan_id:str}/approve", operation_id="approveLoan", status_code=HTTP_200_OK,
          guards=[allow(*APPROVERS)])
    async def approve(self, loan_id: FromPath[str], principal: NamedDependency[Principal],
                      lending: NamedDependency[LendingService],
                      data: JSONBody[ApprovalNote | None] = None) -> Loan:
        """The awaited approval step; 403 for the wrong role or one's own loan."""
        return await lending.approve(principal, loan_id,
                                     note=data.note if data else None)

    @post("/{loan_id:str}/reject", operation_id="rejectLoan", status_code=HTTP_200_OK,
          guards=[allow(*APPROVERS)])
    async def reject(self, loan_id: FromPath[str], data: JSONBody[Rejection],
                     principal: NamedDependency[Principal],
                     lending: NamedDependency[LendingService]) -> Loan:
        return await lending.reject(principal, loan_id, reason=data.reason)

    @post("/{loan_id:str}/withdraw", operation_id="withdrawLoan", status_code=HTTP_200_OK)
    async def withdraw(self, loan_id: FromPath[str], principal: NamedDependency[Principal],
                       lending: NamedDependency[LendingService]) -> Loan:
        """撤回: the borrower, or whoever registered the request, closes it before it is
        out: ``rejected`` with ``rejection.withdrawn``; 403 ``not_applicant``, 409
        ``invalid_transition`` once out or closed."""
        return await lending.withdraw(principal, loan_id)


class NotificationsController(Controller):
    path = "/notifications"
    tags = ("lending",)

    @get("/", operation_id="listNotifications")
    async def list_notifications(
        self, principal: NamedDependency[Principal], lending: NamedDependency[LendingService],
        unread: Annotated[bool | None, QueryParameter()] = None,
        limit: PageLimit = 100, offset: PageOffset = 0,
    ) -> list[Notification]:
        """The caller's notifications (escalated loans, B4), newest first; ``unread=true``
        only those not read yet (``read_at`` null)."""
        return await lending.notifications(principal, unread=unread,
                                           limit=limit, offset=offset)

    @get("/unread", operation_id="countUnreadNotifications")
    async def count_unread(self, principal: NamedDependency[Principal],
                           lending: NamedDependency[LendingService]
                           ) -> UnreadCount:
        """How many of the caller's notifications are unread (the count on every page)."""
        return await lending.unread(principal)

    @post("/read", operation_id="markNotificationsRead", status_code=HTTP_200_OK)
    async def mark_read(self, data: JSONBody[MarkRead], principal: NamedDependency[Principal],
                        lending: NamedDependency[LendingService]) -> UnreadCount:
        """Mark the caller's notifications ``ids`` read, or ``all`` of them; answers the
        unread count left. 422 ``ids_or_all`` for neither or both."""
        return await lending.mark_read(principal, data)


class IncidentsController(Controller):
    path = "/incidents"
    tags = ("lending",)

    @get("/", operation_id="listIncidents", guards=[allow(*REGISTER_READERS)])
    async def list_incidents(
        self, lending: NamedDependency[LendingService],
        open_only: Annotated[bool | None, QueryParameter(name="open")] = None,
        limit: PageLimit = 100, offset: PageOffset = 0,
    ) -> list[Incident]:
        """Loss and damage reports opened at returns (B5), newest first; ``open=true``
        those not resolved yet, ``open=false`` those resolved."""
        return await lending.incidents(open_only=open_only, limit=limit, offset=offset)

    @post("/{incident_id:str}/resolve", operation_id="resolveIncident",
          status_code=HTTP_200_OK)
    async def resolve(self, incident_id: FromPath[str], data: JSONBody[IncidentResolution],
                      principal: NamedDependency[Principal],
                      lending: NamedDependency[LendingService]
                      ) -> Incident:
        """B5: an archivist closes the incident with what was done (``note``): 403
        ``role_required``, 404 ``unknown_incident``, 409 ``incident_resolved``."""
        return await lending.resolve_incident(principal, incident_id, data)
