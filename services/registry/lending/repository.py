"""Persistence of loans, inside a registry transaction (``RegistryStore.transaction``).

Moves are conditional UPDATEs (``WHERE status = <the state the move needs>``) on a row
the caller locked first, so two people making the same move at once yield one winner
and one 409 ``invalid_transition``. Paper files that are out sit in
``active_paper_loans``, whose primary key refuses a second issue of the same file
(409 ``already_on_loan``) even when both issues run at the same moment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.common.contracts.lending import (
    Approval,
    CopyRecord,
    Incident,
    LoanStatus,
    Notification,
    NotificationKind,
)
from services.common.contracts.registry import DocumentRecord
from services.common.errors import Conflict
from services.common.models import SecurityLevel
from services.registry.accounts.tables import users
from services.registry.catalogue.repository import record_of
from services.registry.catalogue.tables import documents
from services.registry.lending.models import LoanRow
from services.registry.lending.tables import (
    active_paper_loans,
    loan_approvals,
    loan_copies,
    loan_documents,
    loan_escalations,
    loan_incidents,
    loans,
    notifications,
)
from services.registry.schema import Repository, chunks, dialect_insert

EscalationKind = Literal["unrenewed", "past_due"]
ESCALATION_KIND: EscalationKind = "unrenewed"
"""B4: out more than the escalation period without renewal (问责)."""
PAST_DUE_KIND: EscalationKind = "past_due"
"""B4: out past its due date, the borrower reminded (超期提醒); a row of
``loan_escalations`` as an escalation is, so each loan is reminded once."""


@dataclass(frozen=True)
class Filters:
    status: LoanStatus | None = None
    borrower: str | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    involving: str | None = None
    """Only loans this user borrows or asked for (a reader without a register role)."""
    document_id: str | None = None
    """Only loans of this document."""


def out_at(at: datetime) -> sa.ColumnElement[bool]:
    """Loans out at ``at``: handed over by then and not yet returned (at the present
    moment, the loans whose status is ``out``)."""
    # IS NOT NULL first: a loan never issued is false here, not unknown, so the
    # negation (``overdue=false``) still lists it.
    return sa.and_(loans.c.issued_at.is_not(None), loans.c.issued_at <= at,
                   sa.or_(loans.c.returned_at.is_(None), loans.c.returned_at > at))


def overdue_at(at: datetime) -> sa.ColumnElement[bool]:
    """B4: out at ``at`` and past ``due_at`` (``steps.is_overdue`` of one loan, in SQL).

    Only the latest ``due_at`` is stored: for an ``at`` in the past, a loan renewed
    since counts with its renewed due date.
    """
    return sa.and_(out_at(at), loans.c.due_at < at)


def _escalated(kind: EscalationKind = ESCALATION_KIND) -> sa.ColumnElement[bool]:
    """The loan has been escalated (B4), or its borrower reminded (``PAST_DUE_KIND``), as
    a condition on a row of ``loans``."""
    return sa.exists().where(loan_escalations.c.loan_id == loans.c.loan_id,
                             loan_escalations.c.kind == kind)


def _filtered(query: sa.Select[Any], filters: Filters, *, now: datetime) -> sa.Select[Any]:
    """``query`` (over ``loans``) narrowed to the loans matching every filter."""
    if filters.status is not None:
        query = query.where(loans.c.status == filters.status)
    if filters.borrower is not None:
        query = query.where(loans.c.borrower == filters.borrower)
    if filters.involving is not None:
        query = query.where(sa.or_(loans.c.borrower == filters.involving,
                                   loans.c.requested_by == filters.involving))
    if filters.document_id is not None:
        query = query.where(sa.exists().where(
            loan_documents.c.loan_id == loans.c.loan_id,
            loan_documents.c.document_id == filters.document_id))
    if filters.overdue is not None:
        late = overdue_at(now)
        query = query.where(late if filters.overdue else sa.not_(late))
    if filters.escalated is not None:
        escalated = _escalated()
        query = query.where(escalated if filters.escalated else sa.not_(escalated))
    return query


class LoansRepository(Repository):
    # --- loans ---------------------------------------------------------------------------

    async def insert(self, loan: LoanRow, document_ids: Sequence[str]) -> None:
        values = {name: getattr(loan, name) for name in LoanRow.__dataclass_fields__}
        await self.conn.execute(loans.insert().values(**values))
        await self.conn.execute(loan_documents.insert(), [
            {"loan_id": loan.loan_id, "document_id": document_id, "position": position}
            for position, document_id in enumerate(document_ids)])

    async def same_request_waiting(self, loan: LoanRow, document_ids: Collection[str]
                                   ) -> str | None:
        """The id of a request still waiting (requested or approved, not yet lent) that
        asks what ``loan`` asks: the same borrower, asker, kind, documents, purpose,
        reason and external reader; or None. The borrower's account row is locked first
        (FOR UPDATE on PostgreSQL; SQLite's write lock already serialises), so two of the
        same request sent at once find each other."""
        await self.first_row(sa.select(users.c.username)
                             .where(users.c.username == loan.borrower), lock=True)
        rows = await self.conn.execute(sa.select(loans).where(
            loans.c.borrower == loan.borrower, loans.c.requested_by == loan.requested_by,
            loans.c.kind == loan.kind, loans.c.status.in_(("requested", "approved"))))
        for row in map(_loan_row, rows.mappings()):
            if ((row.purpose, row.reason, row.external)
                    == (loan.purpose, loan.reason, loan.external)
                    and set(await self.document_ids(row.loan_id)) == set(document_ids)):
                return row.loan_id
        return None

    async def get(self, loan_id: str, *, lock: bool = False) -> LoanRow | None:
        query = sa.select(loans).where(loans.c.loan_id == loan_id)
        row = await self.first_row(query, lock=lock)
        return None if row is None else _loan_row(row)

    async def rows(self, loan_ids: Collection[str]) -> list[LoanRow]:
        """The loans ``loan_ids`` that exist, in no particular order."""
        found: list[LoanRow] = []
        for chunk in chunks(loan_ids):
            rows = await self.conn.execute(sa.select(loans).where(loans.c.loan_id.in_(chunk)))
            found.extend(_loan_row(row) for row in rows.mappings())
        return found

    async def move(self, loan_id: str, needed: LoanStatus, **values: Any) -> None:
        """Update the loan only if it is still ``needed``; else 409 ``invalid_transition``."""
        result = await self.conn.execute(
            loans.update().where(loans.c.loan_id == loan_id, loans.c.status == needed)
            .values(**values))
        if result.rowcount != 1:
            raise Conflict(f"the loan is no longer {needed}; reload it",
                           code="invalid_transition")

    async def search(self, filters: Filters, *, now: datetime, limit: int, offset: int
                     ) -> list[LoanRow]:
        """Loans matching every filter, newest request first."""
        query = _filtered(sa.select(loans), filters, now=now)
        query = query.order_by(loans.c.requested_at.desc(), loans.c.loan_id)
        rows = (await self.conn.execute(query.limit(limit).offset(offset))).mappings().all()
        return [_loan_row(row) for row in rows]

    async def requested(self, filters: Filters, *, now: datetime
                        ) -> list[tuple[LoanRow, list[str]]]:
        """Every loan waiting for an approval that matches ``filters``, oldest request
        first, each with who gave its earlier steps (in step order): what decides whose
        turn it is (B3), in one query. A borrower who has left waits for nothing (their
        requests are closed at departure, B9)."""
        query = _filtered(
            sa.select(loans, loan_approvals.c.approver.label("step_approver"))
            .outerjoin(loan_approvals, loan_approvals.c.loan_id == loans.c.loan_id)
            .where(loans.c.status == "requested",
                   loans.c.borrower.in_(sa.select(users.c.username)
                                        .where(users.c.active.is_(True)))),
            filters, now=now)
        rows = (await self.conn.execute(query.order_by(
            loans.c.requested_at, loans.c.loan_id, loan_approvals.c.step))).mappings().all()
        found: dict[str, tuple[LoanRow, list[str]]] = {}
        for row in rows:
            loan_id = row["loan_id"]
            if loan_id not in found:
                found[loan_id] = (_loan_row(row), [])
            if row["step_approver"] is not None:
                found[loan_id][1].append(row["step_approver"])
        return list(found.values())

    async def pending(self, username: str) -> list[LoanRow]:
        """``username``'s requests not yet out (``requested`` or ``approved``), locked
        until the transaction ends, oldest first."""
        rows = (await self.conn.execute(
            sa.select(loans).where(loans.c.borrower == username,
                                   loans.c.status.in_(["requested", "approved"]))
            .order_by(loans.c.requested_at, loans.c.loan_id).with_for_update()
        )).mappings().all()
        return [_loan_row(row) for row in rows]

    async def open_loans(self, username: str) -> list[LoanRow]:
        """B9: the loans ``username`` still holds, first issued first."""
        rows = (await self.conn.execute(
            sa.select(loans).where(loans.c.borrower == username, loans.c.status == "out")
            .order_by(loans.c.issued_at))).mappings().all()
        return [_loan_row(row) for row in rows]

    # --- documents and paper files -------------------------------------------------------

    async def document_ids(self, loan_id: str) -> list[str]:
        rows = await self.conn.execute(
            sa.select(loan_documents.c.document_id).where(loan_documents.c.loan_id == loan_id)
            .order_by(loan_documents.c.position))
        return [str(document_id) for document_id in rows.scalars()]

    async def levels(self, loan_ids: Collection[str]) -> dict[str, list[SecurityLevel]]:
        """Each loan's documents' security levels as they stand (one a document): who may
        decide its steps depends on them (``common.clearance``)."""
        found: dict[str, list[SecurityLevel]] = {loan_id: [] for loan_id in loan_ids}
        for chunk in chunks(loan_ids):
            rows = await self.conn.execute(
                sa.select(loan_documents.c.loan_id, documents.c.security)
                .join(documents, documents.c.document_id == loan_documents.c.document_id)
                .where(loan_documents.c.loan_id.in_(chunk)))
            for loan_id, security in rows:
                found[loan_id].append(security)
        return found

    async def on_loan(self, document_ids: Collection[str]) -> set[str]:
        """Which of ``document_ids`` are out on a loan now, paper or digital: neither
        swept nor destroyed (409 ``on_loan``)."""
        found: set[str] = set()
        for chunk in chunks(document_ids):
            rows = await self.conn.execute(
                sa.select(loan_documents.c.document_id).distinct()
                .join(loans, loans.c.loan_id == loan_documents.c.loan_id)
                .where(loans.c.status == "out", loan_documents.c.document_id.in_(chunk)))
            found.update(row.document_id for row in rows)
        return found

    async def on_paper_loan(self, document_ids: Iterable[str]) -> set[str]:
        """Which of ``document_ids`` are out on a paper loan now."""
        rows = await self.conn.execute(
            sa.select(active_paper_loans.c.document_id)
            .where(active_paper_loans.c.document_id.in_(list(document_ids))))
        return {str(document_id) for document_id in rows.scalars()}

    async def take_paper_files(self, loan_id: str, document_ids: Iterable[str]) -> None:
        """Mark the files out; 409 ``already_on_loan`` if any is out on another loan."""
        # Sorted, so two loans sharing files take them in one order and never deadlock.
        for document_id in sorted(document_ids):
            try:
                await self.conn.execute(active_paper_loans.insert().values(
                    document_id=document_id, loan_id=loan_id))
            except IntegrityError as exc:
                raise Conflict(f"document {document_id} is already out on a paper loan; "
                               "it can be lent again once it is returned",
                               code="already_on_loan",
                               extra={"document_id": document_id}) from exc

    async def release_paper_files(self, loan_id: str) -> None:
        await self.conn.execute(active_paper_loans.delete()
                                .where(active_paper_loans.c.loan_id == loan_id))

    async def granted_documents(self, username: str, *, now: datetime,
                                levels: Sequence[SecurityLevel]) -> list[str]:
        """Documents ``username`` may view through a digital loan that is out and not past
        ``due_at`` (B2), limited to the security ``levels`` their clearance reaches."""
        rows = await self.conn.execute(
            sa.select(loan_documents.c.document_id).distinct()
            .join(loans, loans.c.loan_id == loan_documents.c.loan_id)
            .join(documents, documents.c.document_id == loan_documents.c.document_id)
            .where(loans.c.borrower == username, loans.c.kind == "digital",
                   loans.c.status == "out", loans.c.due_at > now,
                   documents.c.security.in_(list(levels))))
        return sorted(str(document_id) for document_id in rows.scalars())

    # --- approvals, copies, incidents ----------------------------------------------------

    async def approvals(self, loan_id: str) -> list[Approval]:
        return (await self._approvals([loan_id])).get(loan_id, [])

    async def add_approval(self, loan_id: str, approval: Approval) -> None:
        try:
            await self.conn.execute(loan_approvals.insert().values(
                loan_id=loan_id, **msgspec.structs.asdict(approval)))
        except IntegrityError as exc:
            raise Conflict("this approval step was just given by someone else; reload the "
                           "loan", code="invalid_transition") from exc

    async def add_incident(self, incident: Incident) -> None:
        await self.conn.execute(loan_incidents.insert().values(
            **msgspec.structs.asdict(incident)))

    async def add_copy(self, loan_id: str, copy: CopyRecord) -> None:
        await self.conn.execute(loan_copies.insert().values(
            loan_id=loan_id, **msgspec.structs.asdict(copy)))

    async def incidents(self, *, open_only: bool | None, limit: int, offset: int
                        ) -> list[Incident]:
        """Newest first; ``open_only`` true: those not resolved, false: those resolved."""
        query = sa.select(loan_incidents)
        if open_only is not None:
            resolved = loan_incidents.c.resolved_at
            query = query.where(resolved.is_(None) if open_only else resolved.is_not(None))
        rows = (await self.conn.execute(
            query.order_by(loan_incidents.c.reported_at.desc(), loan_incidents.c.incident_id)
            .limit(limit).offset(offset))).mappings().all()
        return [_incident(row) for row in rows]

    async def incident(self, incident_id: str, *, lock: bool = False) -> Incident | None:
        row = await self.first_row(
            sa.select(loan_incidents).where(loan_incidents.c.incident_id == incident_id),
            lock=lock)
        return None if row is None else _incident(row)

    async def resolve_incident(self, incident_id: str, *, by: str, at: datetime,
                               resolution: str) -> None:
        """Resolve the incident only if it is still open; else 409 ``incident_resolved``."""
        result = await self.conn.execute(
            loan_incidents.update().where(loan_incidents.c.incident_id == incident_id,
                                          loan_incidents.c.resolved_at.is_(None))
            .values(resolved_by=by, resolved_at=at, resolution=resolution))
        if result.rowcount != 1:
            raise Conflict("the incident was just resolved by someone else; reload it",
                           code="incident_resolved")

    # --- escalation and notifications ----------------------------------------------------

    async def due_for_escalation(self, now: datetime) -> list[LoanRow]:
        """Loans out past their escalation time and not yet escalated (B4)."""
        rows = (await self.conn.execute(
            sa.select(loans).where(loans.c.status == "out", loans.c.escalation_due_at < now,
                                   sa.not_(_escalated()))
            .order_by(loans.c.escalation_due_at))).mappings().all()
        return [_loan_row(row) for row in rows]

    async def past_due_unreminded(self, now: datetime) -> list[LoanRow]:
        """Loans out past their due date whose borrower was not reminded yet (B4)."""
        rows = (await self.conn.execute(
            sa.select(loans).where(overdue_at(now), sa.not_(_escalated(PAST_DUE_KIND)))
            .order_by(loans.c.due_at))).mappings().all()
        return [_loan_row(row) for row in rows]

    async def count_overdue(self, now: datetime) -> int:
        """Loans out past their due date at ``now`` (B4)."""
        return int((await self.conn.execute(
            sa.select(sa.func.count()).select_from(loans).where(overdue_at(now))
        )).scalar_one())

    async def count_escalated_out(self) -> int:
        """Loans still out that were escalated to management (B4)."""
        return int((await self.conn.execute(
            sa.select(sa.func.count()).select_from(loans)
            .where(loans.c.status == "out", _escalated()))).scalar_one())

    async def escalate(self, loan_id: str, *, at: datetime,
                       kind: EscalationKind = ESCALATION_KIND) -> bool:
        """Record the escalation (or the reminder, ``PAST_DUE_KIND``); False if the loan
        had it already (idempotent)."""
        inserted = (await self.conn.execute(
            dialect_insert(self.conn, loan_escalations)
            .values(loan_id=loan_id, kind=kind, escalated_at=at)
            .on_conflict_do_nothing(index_elements=["loan_id", "kind"])
            .returning(loan_escalations.c.loan_id))).first()
        return inserted is not None

    async def notify(self, usernames: Iterable[str], *, kind: NotificationKind,
                     loan_id: str | None = None, correction_id: str | None = None,
                     message: str, at: datetime) -> None:
        """Tell ``usernames`` about a loan or a correction, once per person and kind."""
        for username in sorted(set(usernames)):
            await self.conn.execute(
                dialect_insert(self.conn, notifications)
                .values(username=username, kind=kind, loan_id=loan_id,
                        correction_id=correction_id, message=message, created_at=at)
                .on_conflict_do_nothing(index_elements=["username", "kind", "loan_id"]))

    async def notifications(self, username: str, *, unread: bool | None, limit: int,
                            offset: int) -> list[Notification]:
        """``username``'s notifications, newest first; ``unread`` True only those not read
        yet, False only those read."""
        query = sa.select(notifications).where(notifications.c.username == username)
        if unread is not None:
            query = query.where(notifications.c.read_at.is_(None) if unread
                                else notifications.c.read_at.is_not(None))
        rows = (await self.conn.execute(
            query.order_by(notifications.c.created_at.desc(),
                           notifications.c.notification_id.desc())
            .limit(limit).offset(offset))).mappings().all()
        return [Notification(notification_id=int(row["notification_id"]), kind=row["kind"],
                             loan_id=row["loan_id"], message=row["message"],
                             created_at=row["created_at"], read_at=row["read_at"],
                             correction_id=row["correction_id"])
                for row in rows]

    async def count_unread(self, username: str) -> int:
        return int((await self.conn.execute(
            sa.select(sa.func.count()).select_from(notifications)
            .where(notifications.c.username == username,
                   notifications.c.read_at.is_(None)))).scalar_one())

    async def mark_read(self, username: str, ids: Collection[int] | None, *, at: datetime
                        ) -> int:
        """Mark ``username``'s unread notifications ``ids`` (all of them for None) read at
        ``at``; how many were marked. Another person's ids are left alone."""
        query = notifications.update().where(notifications.c.username == username,
                                             notifications.c.read_at.is_(None))
        if ids is not None:
            query = query.where(notifications.c.notification_id.in_(list(ids)))
        result = await self.conn.execute(query.values(read_at=at))
        return int(result.rowcount)

    # --- what the register shows ---------------------------------------------------------

    async def details(self, loan_ids: Sequence[str]) -> LoanDetails:
        """Everything about ``loan_ids`` beyond their rows, in one query per table."""
        return LoanDetails(
            documents=await self._documents(loan_ids),
            approvals=await self._approvals(loan_ids),
            copies=await self._grouped(loan_copies, loan_ids, loan_copies.c.checked_at,
                                       _copy),
            incidents=await self._grouped(loan_incidents, loan_ids,
                                          loan_incidents.c.reported_at, _incident),
            escalated_at=await self._escalations(loan_ids),
        )

    async def _documents(self, loan_ids: Sequence[str]) -> dict[str, list[DocumentRecord]]:
        rows = (await self.conn.execute(
            sa.select(loan_documents.c.loan_id.label("lent_on"), documents)
            .join(documents, documents.c.document_id == loan_documents.c.document_id)
            .where(loan_documents.c.loan_id.in_(loan_ids))
            .order_by(loan_documents.c.loan_id, loan_documents.c.position))).mappings().all()
        grouped: dict[str, list[DocumentRecord]] = {}
        for row in rows:
            record = {key: value for key, value in row.items() if key != "lent_on"}
            grouped.setdefault(row["lent_on"], []).append(record_of(record))
        return grouped

    async def _approvals(self, loan_ids: Sequence[str]) -> dict[str, list[Approval]]:
        return await self._grouped(loan_approvals, loan_ids, loan_approvals.c.step, _approval)

    async def _grouped(self, table: sa.Table, loan_ids: Sequence[str], order: Any,
                       build: Any) -> dict[str, list[Any]]:
        rows = (await self.conn.execute(
            sa.select(table).where(table.c.loan_id.in_(loan_ids)).order_by(order)
        )).mappings().all()
        grouped: dict[str, list[Any]] = {}
        for row in rows:
            grouped.setdefault(row["loan_id"], []).append(build(row))
        return grouped

    async def _escalations(self, loan_ids: Sequence[str]) -> dict[str, datetime]:
        rows = await self.conn.execute(
            sa.select(loan_escalations.c.loan_id, loan_escalations.c.escalated_at)
            .where(loan_escalations.c.loan_id.in_(loan_ids),
                   loan_escalations.c.kind == ESCALATION_KIND))
        return {str(row.loan_id): row.escalated_at for row in rows}


@dataclass(frozen=True)
class LoanDetails:
    documents: dict[str, list[DocumentRecord]]
    """Per loan, its documents' catalogue records in the order they were asked for."""
    approvals: dict[str, list[Approval]]
    copies: dict[str, list[CopyRecord]]
    incidents: dict[str, list[Incident]]
    escalated_at: dict[str, datetime]


def _loan_row(row: sa.RowMapping) -> LoanRow:
    return LoanRow(**{name: row[name] for name in LoanRow.__dataclass_fields__})


def _approval(row: sa.RowMapping) -> Approval:
    return Approval(step=int(row["step"]), role=row["role"], approver=row["approver"],
                    note=row["note"], approved_at=row["approved_at"])


def _copy(row: sa.RowMapping) -> CopyRecord:
    return CopyRecord(copy_id=row["copy_id"], document_id=row["document_id"],
                      description=row["description"], approved_by=row["approved_by"],
                      checked_by=row["checked_by"], checked_at=row["checked_at"])


def _incident(row: sa.RowMapping) -> Incident:
    return Incident(incident_id=row["incident_id"], loan_id=row["loan_id"], note=row["note"],
                    reported_by=row["reported_by"], reported_at=row["reported_at"],
                    resolved_by=row["resolved_by"], resolved_at=row["resolved_at"],
                    resolution=row["resolution"])
