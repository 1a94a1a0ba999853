"""Tables of lending; the migration ``registry_0003`` is their source of truth.

``active_paper_loans`` holds one row per document that is out on paper: inserted when a
paper loan is issued, deleted when it is returned. Its primary key is what makes B7's
"one paper loan at a time" hold when two archivists hand out the same file at once.
``loan_escalations`` has one row per (loan, kind), so the periodic check can run any
number of times, in any number of processes, and escalate each loan once.
``loan_notifications`` has one row per recipient, so its ``read_at`` (null while unread,
``registry_0009``) is that person's read state. An incident's ``resolved_*`` and
``resolution`` (``registry_0010``) are null while it is open. A loan's ``withdrawn``
(``registry_0011``) tells a request closed before anything was lent from one refused.
A notification is about a loan or, since ``registry_0014``, a correction (``correction_id``:
its proposer told of the decision). ``registry_0025`` moved the loans out then to the end of
their due day (B4).
"""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import actor, moment, note, reference, stamp, status, uuid_key
from services.registry.schema import metadata

loans = sa.Table(
    "loans", metadata,
    uuid_key("loan_id"),
    sa.Column("kind", sa.String(8), nullable=False),
    status(12),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("borrower", sa.String(64), nullable=False),
    sa.Column("borrower_department", sa.String(64), nullable=False),
    *stamp("requested", width=64),
    sa.Column("external", sa.JSON, nullable=True),
    sa.Column("approvals_needed", sa.JSON, nullable=False),
    *stamp("rejected", nullable=True, width=64),
    note("rejection_reason"),
    sa.Column("withdrawn", sa.Boolean, nullable=False, server_default=sa.false()),
    *stamp("issued", nullable=True, width=64),
    moment("due_at", nullable=True),
    moment("escalation_due_at", nullable=True),
    moment("acknowledged_at", nullable=True),
    sa.Column("renewals", sa.Integer, nullable=False),
    moment("renewed_at", nullable=True),
    *stamp("returned", nullable=True, width=64),
    sa.Column("return_intact", sa.Boolean, nullable=True),
    note("return_note"),
    sa.Index("ix_loans_borrower_status", "borrower", "status"),
    sa.Index("ix_loans_status_due", "status", "due_at"),
    sa.Index("ix_loans_status_escalation", "status", "escalation_due_at"),
    sa.Index("ix_loans_requested_at", "requested_at"),
)

loan_documents = sa.Table(
    "loan_documents", metadata,
    reference("loans.loan_id", primary_key=True),
    reference("documents.document_id", primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_loan_documents_document_id", "document_id"),
)

loan_approvals = sa.Table(
    "loan_approvals", metadata,
    reference("loans.loan_id", primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("role", sa.String(16), nullable=False),
    actor("approver", width=64),
    note(),
    moment("approved_at"),
)

active_paper_loans = sa.Table(
    "active_paper_loans", metadata,
    reference("documents.document_id", primary_key=True),
    reference("loans.loan_id"),
)

loan_escalations = sa.Table(
    "loan_escalations", metadata,
    reference("loans.loan_id", primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    moment("escalated_at"),
)

loan_incidents = sa.Table(
    "loan_incidents", metadata,
    uuid_key("incident_id"),
    reference("loans.loan_id", index=True),
    note(),
    *stamp("reported", width=64),
    *stamp("resolved", nullable=True, width=64),
    note("resolution"),
)

loan_copies = sa.Table(
    "loan_copies", metadata,
    uuid_key("copy_id"),
    reference("loans.loan_id", index=True),
    reference("documents.document_id"),
    sa.Column("description", sa.Text, nullable=False),
    actor("approved_by", width=64),
    *stamp("checked", width=64),
)

notifications = sa.Table(
    "loan_notifications", metadata,
    sa.Column("notification_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=True),
    sa.Column("correction_id", sa.String(36),
              sa.ForeignKey("corrections.correction_id",
                            name="fk_loan_notifications_correction_id"), nullable=True),
    sa.Column("message", sa.Text, nullable=False),
    moment("created_at"),
    moment("read_at", nullable=True),
    sa.UniqueConstraint("username", "kind", "loan_id", name="uq_loan_notifications_once"),
    sa.Index("ix_loan_notifications_username", "username", "created_at"),
    sa.Index("ix_loan_notifications_unread", "username", "read_at"),
)
