"""Catalogue: households, documents, versions and corrections, archive counters, retention
schedule, change feed and audit log (append-only, enforced by triggers on both engines).

Revision ID: registry_0002
Revises: registry_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0002"
down_revision = "registry_0001"
branch_labels = None
depends_on = None

# R1's default schedule, as of this revision.
DEFAULT_CLASSES = {
    "unit_info": "permanent", "contract": "permanent", "engineering": "permanent",
    "policy": "permanent",
    "payment": "long", "decoration": "long", "move_in": "long", "supplement": "long",
    "correspondence": "long", "violation_arrears": "long",
    "contact": "short", "emergency_contact": "short", "repair": "short", "complaint": "short",
    "application": "short", "visit": "short",
}
DEFAULT_YEARS = {"long": 30, "short": 10}
GENESIS = "0" * 64

TIMESTAMP = sa.DateTime(timezone=True)

POSTGRES_APPEND_ONLY = [
    """
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_no_rewrite BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
    """,
]
SQLITE_APPEND_ONLY = [
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END
    """,
]


def upgrade() -> None:
    _households()
    _catalogue()
    _schedule()
    _journal()


def _households() -> None:
    op.create_table(
        "households",
        sa.Column("household", sa.String(10), primary_key=True),
        sa.Column("building", sa.String(4), nullable=False),
        sa.Column("floor", sa.Integer, nullable=False),
        sa.Column("unit", sa.Integer, nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_households_building_floor", "households", ["building", "floor", "unit"])
    op.create_table(
        "occupancies",
        sa.Column("occupancy_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("household", sa.String(10), sa.ForeignKey("households.household"),
                  nullable=False),
        sa.Column("occupant", sa.String(200), nullable=False),
        sa.Column("moved_in", sa.Date, nullable=False),
        sa.Column("moved_out", sa.Date, nullable=True),
    )
    op.create_index("ix_occupancies_household", "occupancies", ["household", "moved_in"])


def _catalogue() -> None:
    op.create_table(
        "documents",
        sa.Column("document_id", sa.String(36), primary_key=True),
        sa.Column("archive_no", sa.String(80), nullable=False, unique=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("household", sa.String(10), sa.ForeignKey("households.household"),
                  nullable=True),
        sa.Column("occupancy_id", sa.Integer, sa.ForeignKey("occupancies.occupancy_id"),
                  nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("filed_at", sa.Date, nullable=False),
        sa.Column("security", sa.String(16), nullable=False),
        sa.Column("personal_info", sa.Boolean, nullable=False),
        sa.Column("working", sa.Boolean, nullable=False),
        sa.Column("location", sa.JSON, nullable=True),
        sa.Column("is_copy", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("extraction", sa.JSON, nullable=True),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("original_filename", sa.String(255), nullable=True),
        sa.Column("retention_class", sa.String(16), nullable=False),
        sa.Column("retention_start", sa.Date, nullable=False),
        sa.Column("disposal_due", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("filed_by", sa.String(80), nullable=False),
        sa.Column("registered_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_documents_occupancy_id", "documents", ["occupancy_id"])
    op.create_index("ix_documents_household_filed", "documents", ["household", "filed_at"])
    op.create_index("ix_documents_filed", "documents", ["filed_at"])
    op.create_index("ix_documents_disposal", "documents", ["status", "disposal_due"])
    op.create_index("ix_documents_category_start", "documents",
                    ["category", "retention_start"])
    op.create_table(
        "document_versions",
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("changed_by", sa.String(80), nullable=False),
        sa.Column("changed_at", TIMESTAMP, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("approved_by", sa.String(80), nullable=True),
        sa.Column("correction_id", sa.String(36), nullable=True),
    )
    op.create_table(
        "corrections",
        sa.Column("correction_id", sa.String(36), primary_key=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("requested_at", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
    )
    op.create_index("ix_corrections_document_id", "corrections", ["document_id"])
    op.create_index("ix_corrections_status", "corrections", ["status"])
    op.create_table(
        "archive_counters",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("household", sa.String(10), primary_key=True),
        sa.Column("last_no", sa.Integer, nullable=False),
    )


def _schedule() -> None:
    schedule = op.create_table(
        "retention_schedule",
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("retention_class", sa.String(16), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.Column("updated_by", sa.String(80), nullable=True),
    )
    periods = op.create_table(
        "retention_periods",
        sa.Column("retention_class", sa.String(16), primary_key=True),
        sa.Column("years", sa.Integer, nullable=False),
    )
    op.bulk_insert(schedule, [{"category": c, "retention_class": k}
                              for c, k in DEFAULT_CLASSES.items()])
    op.bulk_insert(periods, [{"retention_class": k, "years": y}
                             for k, y in DEFAULT_YEARS.items()])


def _journal() -> None:
    head = op.create_table(
        "journal_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("feed_seq", sa.BigInteger, nullable=False),
        sa.Column("audit_seq", sa.BigInteger, nullable=False),
        sa.Column("audit_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "feed_seq": 0, "audit_seq": 0, "audit_hash": GENESIS}])
    op.create_table(
        "change_feed",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_index("ix_change_feed_document_id", "change_feed", ["document_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=True),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("code", sa.String(40), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_username", "audit_log", ["username"])
    op.create_index("ix_audit_log_document_id", "audit_log", ["document_id"])
    statements = (POSTGRES_APPEND_ONLY if op.get_bind().dialect.name == "postgresql"
                  else SQLITE_APPEND_ONLY)
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_rewrite ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "change_feed", "journal_head", "retention_periods",
                  "retention_schedule", "archive_counters", "corrections", "document_versions",
                  "documents", "occupancies", "households"):
        op.drop_table(table)
