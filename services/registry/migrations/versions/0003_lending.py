"""Lending (借阅, B1–B9): loans, their documents and approvals, paper files out, escalations,
incidents, approved copies and the notifications escalation sends.

Revision ID: registry_0003
Revises: registry_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0003"
down_revision = "registry_0002"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    _loans()
    _after_issue()
    _escalation()


def _loans() -> None:
    op.create_table(
        "loans",
        sa.Column("loan_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("borrower", sa.String(64), nullable=False),
        sa.Column("borrower_department", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", TIMESTAMP, nullable=False),
        sa.Column("external", sa.JSON, nullable=True),
        sa.Column("approvals_needed", sa.JSON, nullable=False),
        sa.Column("rejected_by", sa.String(64), nullable=True),
        sa.Column("rejected_at", TIMESTAMP, nullable=True),
        sa.Column("rejection_reason", sa.Text, nullable=True),
        sa.Column("issued_by", sa.String(64), nullable=True),
        sa.Column("issued_at", TIMESTAMP, nullable=True),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("escalation_due_at", TIMESTAMP, nullable=True),
        sa.Column("acknowledged_at", TIMESTAMP, nullable=True),
        sa.Column("renewals", sa.Integer, nullable=False),
        sa.Column("renewed_at", TIMESTAMP, nullable=True),
        sa.Column("returned_by", sa.String(64), nullable=True),
        sa.Column("returned_at", TIMESTAMP, nullable=True),
        sa.Column("return_intact", sa.Boolean, nullable=True),
        sa.Column("return_note", sa.Text, nullable=True),
    )
    op.create_index("ix_loans_borrower_status", "loans", ["borrower", "status"])
    op.create_index("ix_loans_status_due", "loans", ["status", "due_at"])
    op.create_index("ix_loans_status_escalation", "loans", ["status", "escalation_due_at"])
    op.create_index("ix_loans_requested_at", "loans", ["requested_at"])
    op.create_table(
        "loan_documents",
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), primary_key=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_loan_documents_document_id", "loan_documents", ["document_id"])
    op.create_table(
        "loan_approvals",
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), primary_key=True),
        sa.Column("step", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("approver", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("approved_at", TIMESTAMP, nullable=False),
    )


def _after_issue() -> None:
    op.create_table(
        "active_paper_loans",
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True),
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False),
    )
    op.create_table(
        "loan_incidents",
        sa.Column("incident_id", sa.String(36), primary_key=True),
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("reported_by", sa.String(64), nullable=False),
        sa.Column("reported_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_loan_incidents_loan_id", "loan_incidents", ["loan_id"])
    op.create_table(
        "loan_copies",
        sa.Column("copy_id", sa.String(36), primary_key=True),
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("approved_by", sa.String(64), nullable=False),
        sa.Column("checked_by", sa.String(64), nullable=False),
        sa.Column("checked_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_loan_copies_loan_id", "loan_copies", ["loan_id"])


def _escalation() -> None:
    op.create_table(
        "loan_escalations",
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("escalated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "loan_notifications",
        sa.Column("notification_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.loan_id"), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("username", "kind", "loan_id", name="uq_loan_notifications_once"),
    )
    op.create_index("ix_loan_notifications_username", "loan_notifications",
                    ["username", "created_at"])


def downgrade() -> None:
    for table in ("loan_notifications", "loan_escalations", "loan_copies", "loan_incidents",
                  "active_paper_loans", "loan_approvals", "loan_documents", "loans"):
        op.drop_table(table)
