"""Loans out when upgrading are due, and escalated, at the end of the day they were due on
the company's clocks (B4), as loans issued or renewed since are: an earlier release counted
both to the second from issue (due 17:00 on 10 June), while every list of loans shows only
the day (应还日期 10 June), so a file returned at 18:00 that day read overdue and could no
longer be renewed. Each instant moves later within its own day, never earlier, so no loan
becomes overdue by upgrading; one due earlier today is in time again until the day is over.
Loans no longer out keep their history as it was.

Revision ID: registry_0025_loans_day_end
Revises: registry_0024_user_names
"""

import sqlalchemy as sa
from alembic import context, op

from services.common.clock import COMPANY_ZONE, day_end
from services.common.db import UtcDateTime

revision = "registry_0025_loans_day_end"
down_revision = "registry_0024_user_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    zone = context.config.attributes.get("time_zone", COMPANY_ZONE)
    loans = sa.table("loans", sa.column("loan_id", sa.String), sa.column("status", sa.String),
                     sa.column("due_at", UtcDateTime),
                     sa.column("escalation_due_at", UtcDateTime))
    out = op.get_bind().execute(sa.select(loans.c.loan_id, loans.c.due_at,
                                          loans.c.escalation_due_at)
                                .where(loans.c.status == "out")).all()
    for loan_id, due_at, escalation_due_at in out:
        op.execute(loans.update().where(loans.c.loan_id == loan_id).values(
            due_at=day_end(due_at.astimezone(zone).date(), zone),
            escalation_due_at=day_end(escalation_due_at.astimezone(zone).date(), zone)))


def downgrade() -> None:
    """The earlier instants are not kept: the loans stay due at their day's end."""
