"""Tables of the periodic checks (O3); the migration ``registry_0007_inventory`` is their
source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

inventories = sa.Table(
    "inventories", metadata,
    sa.Column("inventory_id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("building", sa.String(64), nullable=True),
    sa.Column("unplaced", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("started_by", sa.String(80), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("completed_by", sa.String(80), nullable=True),
    sa.Column("completed_at", UtcDateTime, nullable=True, index=True),
)

inventory_items = sa.Table(
    "inventory_items", metadata,
    sa.Column("inventory_id", sa.String(36), sa.ForeignKey("inventories.inventory_id"),
              primary_key=True),
    sa.Column("item", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("building", sa.String(64), nullable=False),
    sa.Column("room", sa.String(64), nullable=False),
    sa.Column("cabinet", sa.String(64), nullable=False),
    sa.Column("box", sa.String(64), nullable=False),
    sa.Column("households", sa.JSON, nullable=False),
    sa.Column("documents", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("checked_by", sa.String(80), nullable=True),
    sa.Column("checked_at", UtcDateTime, nullable=True),
    sa.Column("resolution", sa.Text, nullable=True),
    sa.Column("resolved_by", sa.String(80), nullable=True),
    sa.Column("resolved_at", UtcDateTime, nullable=True),
    sa.Index("ix_inventory_items_state", "state", "resolved_at"),
)

condition_checks = sa.Table(
    "condition_checks", metadata,
    sa.Column("check_id", sa.String(36), primary_key=True),
    sa.Column("building", sa.String(64), nullable=False),
    sa.Column("room", sa.String(64), nullable=False),
    sa.Column("cabinet", sa.String(64), nullable=False),
    sa.Column("box", sa.String(64), nullable=False),
    sa.Column("checked_on", sa.Date, nullable=False, index=True),
    sa.Column("protections", sa.JSON, nullable=False),
    sa.Column("problems", sa.Integer, nullable=False),
    sa.Column("repaired", sa.Text, nullable=True),
    sa.Column("copied", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("checked_by", sa.String(80), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)
