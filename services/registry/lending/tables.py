"""Tables of lending; the migration ``registry_0003`` is their source of truth.

``active_paper_loans`` holds one row per document that is out on paper: inserted when a
paper loan is issued, deleted when it is returned. Its primary key is what makes B7's
"one paper loan at a time" hold when two archivists hand out the same file at once.
``loan_escalations`` has one row per (loan, kind), so the periodic check can run any
number of times, in any number of processes, and escalate each loan once.
``loan_notifications`` has one row per recipient, so its ``read_at`` (null while unread,
``registry_0009``) is that person's read state.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

loans = sa.Table(
    "loans", metadata,
    sa.Column("loan_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("borrower", sa.String(64), nullable=False),
    sa.Column("borrower_department", sa.String(64), nullable=False),
    sa.Column("requested_by", sa.String(64), nullable=False),
    sa.Column("requested_at", UtcDateTime, nullable=False),
    sa.Column("external", sa.JSON, nullable=True),
    sa.Column("approvals_needed", sa.JSON, nullable=False),
    sa.Column("rejected_by", sa.String(64), nullable=True),
    sa.Column("rejected_at", UtcDateTime, nullable=True),
    sa.Column("rejection_reason", sa.Text, nullable=True),
    sa.Column("issued_by", sa.String(64), nullable=True),
    sa.Column("issued_at", UtcDateTime, nullable=True),
    sa.Column("due_at", UtcDateTime, nullable=True),
    sa.Column("escalation_due_at", UtcDateTime, nullable=True),
    sa.Column("acknowledged_at", UtcDateTime, nullable=True),
    sa.Column("renewals", sa.Integer, nullable=False),
    sa.Column("renewed_at", UtcDateTime, nullable=True),
    sa.Column("returned_by", sa.String(64), nullable=True),
    sa.Column("returned_at", UtcDateTime, nullable=True),
    sa.Column("return_intact", sa.Boolean, nullable=True),
    sa.Column("return_note", sa.Text, nullable=True),
    sa.Index("ix_loans_borrower_status", "borrower", "status"),
    sa.Index("ix_loans_status_due", "status", "due_at"),
    sa.Index("ix_loans_status_escalation", "status", "escalation_due_at"),
    sa.Index("ix_loans_requested_at", "requested_at"),
)

loan_documents = sa.Table(
    "loan_documents", metadata,
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), primary_key=True),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_loan_documents_document_id", "document_id"),
)

loan_approvals = sa.Table(
    "loan_approvals", metadata,
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("approver", sa.String(64), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("approved_at", UtcDateTime, nullable=False),
)

active_paper_loans = sa.Table(
    "active_paper_loans", metadata,
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              primary_key=True),
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False),
)

loan_escalations = sa.Table(
    "loan_escalations", metadata,
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("escalated_at", UtcDateTime, nullable=False),
)

loan_incidents = sa.Table(
    "loan_incidents", metadata,
    sa.Column("incident_id", sa.String(36), primary_key=True),
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False,
              index=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("reported_by", sa.String(64), nullable=False),
    sa.Column("reported_at", UtcDateTime, nullable=False),
)

loan_copies = sa.Table(
    "loan_copies", metadata,
    sa.Column("copy_id", sa.String(36), primary_key=True),
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False,
              index=True),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("approved_by", sa.String(64), nullable=False),
    sa.Column("checked_by", sa.String(64), nullable=False),
    sa.Column("checked_at", UtcDateTime, nullable=False),
)

notifications = sa.Table(
    "loan_notifications", metadata,
    sa.Column("notification_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("read_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("username", "kind", "loan_id", name="uq_loan_notifications_once"),
    sa.Index("ix_loan_notifications_username", "username", "created_at"),
    sa.Index("ix_loan_notifications_unread", "username", "read_at"),
)
