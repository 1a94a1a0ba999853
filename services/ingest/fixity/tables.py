"""The table of fixity runs, in ingest's database; the migrations ``ingest_0002`` and
``ingest_0007`` are its source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.ingest.jobs import metadata

fixity_runs = sa.Table(
    "ingest_fixity_runs", metadata,
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("trigger", sa.String(16), nullable=False),
    sa.Column("started_by", sa.String(128), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("documents_total", sa.Integer, nullable=False),
    sa.Column("documents_checked", sa.Integer, nullable=False),
    sa.Column("bytes_hashed", sa.BigInteger, nullable=False),
    sa.Column("findings", sa.JSON, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("documents_without_previews", sa.Integer, nullable=False, server_default="0"),
    # 1 while running, else NULL; unique, so a second run cannot start beside it.
    sa.Column("running_slot", sa.Integer),
)
