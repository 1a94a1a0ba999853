"""The review queue: each record counts the pages of its current text that need a person
(``review_pages``, from ``extraction.pages_needing_review``), indexed with the filing
time so the queue (oldest first) is one query on either engine.

Revision ID: registry_0008_review_queue
Revises: registry_0007_inventory
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "registry_0008_review_queue"
down_revision = "registry_0007_inventory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as table:
        table.add_column(sa.Column("review_pages", sa.Integer, nullable=False,
                                   server_default="0"))
        table.create_index("ix_documents_review", ["review_pages", "registered_at"])
    documents = sa.table("documents", sa.column("document_id", sa.String),
                         sa.column("extraction", sa.JSON), sa.column("review_pages", sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(sa.select(documents.c.document_id, documents.c.extraction)
                              .where(documents.c.extraction.is_not(None))).all()
    for document_id, extraction in rows:
        summary = json.loads(extraction) if isinstance(extraction, str) else extraction
        count = len((summary or {}).get("pages_needing_review") or [])
        if count:
            connection.execute(documents.update()
                               .where(documents.c.document_id == document_id)
                               .values(review_pages=count))


def downgrade() -> None:
    with op.batch_alter_table("documents") as table:
        table.drop_index("ix_documents_review")
        table.drop_column("review_pages")
