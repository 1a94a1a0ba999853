"""Tables of the periodic checks (O3); the migrations ``registry_0007_inventory`` and
``registry_0023_inventory_levels`` (what an inventory holds by security level) are their
source of truth.

``clearance``: the starter's, whose view the checklist is; ``unplaced_held`` and an item's
``held``: the documents (and households) by security level, ``{level: count}`` and
``{level: {documents, households}}``; ``unplaced``, ``households`` and ``documents``: all of
them, as the statistics count them."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import actor, moment, note, reference, stamp, status, uuid_key
from services.registry.schema import metadata

inventories = sa.Table(
    "inventories", metadata,
    uuid_key("inventory_id"),
    status(16),
    sa.Column("building", sa.String(64), nullable=True),
    sa.Column("unplaced", sa.Integer, nullable=False),
    sa.Column("unplaced_held", sa.JSON, nullable=False),
    sa.Column("clearance", sa.String(16), nullable=False),
    note(),
    *stamp("started"),
    actor("completed_by", nullable=True),
    moment("completed_at", nullable=True, index=True),
)

inventory_items = sa.Table(
    "inventory_items", metadata,
    reference("inventories.inventory_id", primary_key=True),
    sa.Column("item", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("building", sa.String(64), nullable=False),
    sa.Column("room", sa.String(64), nullable=False),
    sa.Column("cabinet", sa.String(64), nullable=False),
    sa.Column("box", sa.String(64), nullable=False),
    sa.Column("households", sa.JSON, nullable=False),
    sa.Column("documents", sa.Integer, nullable=False),
    sa.Column("held", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=True),
    note(),
    *stamp("checked", nullable=True),
    note("resolution"),
    *stamp("resolved", nullable=True),
    sa.Index("ix_inventory_items_state", "state", "resolved_at"),
)

condition_checks = sa.Table(
    "condition_checks", metadata,
    uuid_key("check_id"),
    sa.Column("building", sa.String(64), nullable=False),
    sa.Column("room", sa.String(64), nullable=False),
    sa.Column("cabinet", sa.String(64), nullable=False),
    sa.Column("box", sa.String(64), nullable=False),
    sa.Column("checked_on", sa.Date, nullable=False, index=True),
    sa.Column("protections", sa.JSON, nullable=False),
    sa.Column("problems", sa.Integer, nullable=False),
    note("repaired"), note("copied"), note(),
    actor("checked_by"),
    moment("recorded_at"),
)
