"""Tables of households and their occupancies; the migrations ``registry_0002`` and
``registry_0015`` (``registered``), ``registry_0018`` (``occupant_folded``) and
``registry_0022`` (``households_to_place``) are their source of truth.

``registered``: the household was registered on purpose (开户), not only made by filing a
document under a new unit code; one that was not is shown only to those who may see one
of its documents (``HouseholdsRepository``).

``occupant_folded``: the occupant's name folded as search folds text
(``services.common.text.fold``), which finding a household by a name matches.

``households_to_place``: households whose documents the registry places by filing date
at its next start, once (``HouseholdsService.place_after_upgrade``): those an earlier
release wrote, which placed a document only when it was filed."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import moment
from services.registry.schema import metadata

households = sa.Table(
    "households", metadata,
    sa.Column("household", sa.String(10), primary_key=True),
    sa.Column("building", sa.String(4), nullable=False),
    sa.Column("floor", sa.Integer, nullable=False),
    sa.Column("unit", sa.Integer, nullable=False),
    sa.Column("label", sa.String(200), nullable=True),
    sa.Column("registered", sa.Boolean, nullable=False, server_default=sa.true()),
    moment("created_at"),
    moment("updated_at"),
    sa.Index("ix_households_building_floor", "building", "floor", "unit"),
)

occupancies = sa.Table(
    "occupancies", metadata,
    sa.Column("occupancy_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("household", sa.String(10), sa.ForeignKey("households.household"),
              nullable=False),
    sa.Column("occupant", sa.String(200), nullable=False),
    sa.Column("occupant_folded", sa.Text, nullable=False, server_default=""),
    sa.Column("moved_in", sa.Date, nullable=False),
    sa.Column("moved_out", sa.Date, nullable=True),
    sa.Index("ix_occupancies_household", "household", "moved_in"),
)

households_to_place = sa.Table(
    "households_to_place", metadata,
    sa.Column("household", sa.String(10), sa.ForeignKey("households.household"),
              primary_key=True),
)
