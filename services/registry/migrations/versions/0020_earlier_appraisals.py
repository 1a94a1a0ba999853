"""A document's appraisals are found by the document (``ix_appraisals_document_id``): a
sweep's page shows each item's appraisals in earlier sweeps (``SweepItem.earlier``), read
for all its items at once, without reading every appraisal ever made.

Revision ID: registry_0020_earlier_appraisals
Revises: registry_0019_occupancy_fixes
"""

from alembic import op

revision = "registry_0020_earlier_appraisals"
down_revision = "registry_0019_occupancy_fixes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_appraisals_document_id", "appraisals", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_appraisals_document_id", table_name="appraisals")
