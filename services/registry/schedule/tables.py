"""Tables of the retention schedule; the migration ``registry_0002`` is their source of
truth (and seeds R1's default schedule)."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

retention_schedule = sa.Table(
    "retention_schedule", metadata,
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("retention_class", sa.String(16), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=True),
    sa.Column("updated_by", sa.String(80), nullable=True),
)

retention_periods = sa.Table(
    "retention_periods", metadata,
    sa.Column("retention_class", sa.String(16), primary_key=True),
    sa.Column("years", sa.Integer, nullable=False),
)
