"""A correction keeps the values it replaces (``before``), as the record had them when it
was asked for: the corrections page says "old → new" as asked, not the record's value now
(which, once the correction applied, is its own new value). Corrections asked before take
them from the version they were written against (``document_versions.metadata``).

Revision ID: registry_0016_correction_before
Revises: registry_0015_registered
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "registry_0016_correction_before"
down_revision = "registry_0015_registered"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("corrections") as table:
        table.add_column(sa.Column("before", sa.JSON, nullable=True))
    corrections = sa.table("corrections", sa.column("correction_id", sa.String),
                           sa.column("document_id", sa.String),
                           sa.column("base_version", sa.Integer),
                           sa.column("changes", sa.JSON), sa.column("before", sa.JSON))
    versions = sa.table("document_versions", sa.column("document_id", sa.String),
                        sa.column("version", sa.Integer), sa.column("metadata", sa.JSON))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(corrections.c.correction_id, corrections.c.changes, versions.c.metadata)
        .join(versions, sa.and_(versions.c.document_id == corrections.c.document_id,
                                versions.c.version == corrections.c.base_version))).all()
    for correction_id, changes, metadata in rows:
        changed = _json(changes)
        recorded = _json(metadata)
        connection.execute(corrections.update()
                           .where(corrections.c.correction_id == correction_id)
                           .values(before={name: recorded.get(name) for name in changed}))


def _json(value: object) -> dict[str, object]:
    """A JSON column's value, which a raw row may give as text."""
    loaded = json.loads(value) if isinstance(value, str) else value
    return loaded if isinstance(loaded, dict) else {}


def downgrade() -> None:
    with op.batch_alter_table("corrections") as table:
        table.drop_column("before")
