"""Contract of the relational store: migrations, upgrades, durability, UTC timestamps.

Each test runs on SQLite, on the session's PostgreSQL cluster, and on PostgreSQL in a
container (skipped, saying why, without Docker), each time on a fresh, empty database.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

import services.registry.store  # noqa: F401 - declares every registry table on ``metadata``
from services.common.db import (
    UtcDateTime,
    check_durability,
    create_engine,
    migrate,
    migration_config,
    ping,
)
from services.common.parts import SERVICE_NAMES
from services.registry.lending.rules import LoanPeriods
from services.registry.lending.tables import loans
from services.registry.schema import metadata
from tests.fixtures.postgres import DATABASES_WITH_CONTAINER

pytestmark = pytest.mark.parametrize("database_url", DATABASES_WITH_CONTAINER, indirect=True)


async def test_registry_migrations_create_their_tables(database_url: str) -> None:
    await migrate(database_url, "registry")
    async with _opened(database_url) as engine:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert {"users", "login_attempts", "alembic_version_registry"} <= set(tables)


async def test_registry_tables_match_their_migrations(database_url: str) -> None:
    """The tables the code declares are the ones the migrations make (the migrations are
    the source of truth; ``services.registry.columns`` must build the same columns)."""
    await migrate(database_url, "registry")

    def differences(sync: sa.Connection) -> list[Any]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return [difference for difference in compare_metadata(context, metadata)
                if not _is_version_table(difference)]

    async with _opened(database_url) as engine, engine.connect() as conn:
        assert await conn.run_sync(differences) == []


def _is_version_table(difference: Any) -> bool:
    return (isinstance(difference, tuple) and difference[0] == "remove_table"
            and difference[1].name == "alembic_version_registry")


async def test_migrating_twice_changes_nothing(database_url: str) -> None:
    await migrate(database_url, "registry")
    await migrate(database_url, "registry")
    async with _opened(database_url) as engine:
        async with engine.connect() as conn:
            versions = (await conn.execute(sa.text(
                "SELECT count(*) FROM alembic_version_registry"))).scalar_one()
        assert versions >= 1


def _earlier_revisions() -> list[tuple[str, str]]:
    """Every revision of every service's chain but its heads: where a database an earlier
    release wrote may stand."""
    earlier = []
    for service in SERVICE_NAMES:
        script = ScriptDirectory.from_config(migration_config("sqlite://", service))
        heads = set(script.get_heads())
        earlier += [(service, revision.revision) for revision in script.walk_revisions()
                    if revision.revision not in heads]
    return earlier


@pytest.mark.parametrize(("service", "revision"), _earlier_revisions())
async def test_rows_written_at_an_earlier_revision_survive_the_upgrade(
        database_url: str, service: str, revision: str) -> None:
    """A row in every table the revision has, each pointing at the rows of the others its
    foreign keys name (a loan at its documents and approvals, a version at its document,
    a sweep's items at the sweep…), is still there, unchanged, after ``migrate``. On
    SQLite a step that rebuilds a table others point at once failed here
    (``DROP TABLE loans``, registry_0011)."""
    async with _seeded_at(database_url, service, revision) as (engine, tables):
        written = await _read(engine, tables)
        await migrate(database_url, service)
        assert await _read(engine, tables) == written


async def test_a_correction_asked_before_they_were_kept_gets_the_values_it_replaced(
        database_url: str) -> None:
    """registry_0016 takes them from the version the correction was written against."""
    async with _seeded_at(database_url, "registry",
                          "registry_0014_correction_notices") as (engine, tables):
        versions, corrections = (tables.tables[name] for name in ("document_versions",
                                                                   "corrections"))
        async with engine.begin() as conn:
            await conn.execute(versions.update().values(
                metadata={"title": "关于停车位的申请函", "security": "confidential"}))
            await conn.execute(corrections.update().values(changes={"title": "关于车位的函"}))
        await migrate(database_url, "registry")
        async with engine.connect() as conn:
            before = (await conn.execute(sa.text("SELECT * FROM corrections"))
                      ).mappings().one()["before"]
        assert _json(before) == {"title": "关于停车位的申请函"}


async def test_an_occupant_written_before_names_were_folded_is_folded(
        database_url: str) -> None:
    """registry_0018 folds the names written before, so their households are found."""
    async with _seeded_at(database_url, "registry",
                          "registry_0017_former_numbers") as (engine, tables):
        async with engine.begin() as conn:
            await conn.execute(tables.tables["occupancies"].update().values(occupant="鄭嘉豪"))
        await migrate(database_url, "registry")
        async with engine.connect() as conn:
            folded = (await conn.execute(sa.text("SELECT occupant_folded FROM occupancies"))
                      ).scalar_one()
        assert folded == "郑嘉豪"


async def test_a_correction_asked_before_occupancies_were_corrected_keeps_its_document(
        database_url: str) -> None:
    """registry_0019 lets a correction name an occupancy instead of a document (D12);
    one asked before still names its document and version, and names no occupancy."""
    async with _seeded_at(database_url, "registry",
                          "registry_0018_occupant_folded") as (engine, _):
        await migrate(database_url, "registry")
        async with engine.connect() as conn:
            row = (await conn.execute(sa.text(
                "SELECT document_id, base_version, occupancy_id FROM corrections"))).one()
        assert (row.document_id, row.base_version, row.occupancy_id) == (
            "document_id一", 1, None)


async def test_an_inventory_kept_before_levels_were_kept_is_held_at_secret(
        database_url: str) -> None:
    """registry_0023: an inventory started before listed every document whatever its
    level, so it is kept as the view of someone cleared for ``secret``, all it holds at
    that level (shown whole to them, as holding nothing to anyone cleared less)."""
    async with _seeded_at(database_url, "registry",
                          "registry_0022_to_place") as (engine, tables):
        async with engine.begin() as conn:
            await conn.execute(tables.tables["inventories"].update().values(unplaced=2))
            await conn.execute(tables.tables["inventory_items"].update().values(
                households=["A-1201", "K-0909"], documents=3))
        await migrate(database_url, "registry")
        async with engine.connect() as conn:
            inventory = (await conn.execute(sa.text(
                "SELECT clearance, unplaced_held FROM inventories"))).one()
            held = (await conn.execute(sa.text("SELECT held FROM inventory_items"))
                    ).scalar_one()
        assert inventory.clearance == "secret"
        assert _json(inventory.unplaced_held) == {"secret": 2}
        assert _json(held) == {"secret": {"documents": 3, "households": ["A-1201", "K-0909"]}}


async def test_a_loan_out_before_loans_were_due_at_a_days_end_is_due_at_that_days_end(
        database_url: str) -> None:
    """registry_0025: a loan out keeps the day it was due, now to that day's end on the
    company's clocks (the time zone ``migrate`` is given), and its escalation too, as this
    release counts them (B4); a loan no longer out keeps its history."""
    london = ZoneInfo("Europe/London")
    issued = datetime(2024, 6, 3, 16, 0, tzinfo=UTC)  # 17:00 in London
    async with _seeded_at(database_url, "registry",
                          "registry_0024_user_names") as (engine, tables):
        async with engine.begin() as conn:
            await conn.execute(tables.tables["loans"].update().values(
                issued_at=issued, due_at=issued + timedelta(days=7),
                escalation_due_at=issued + timedelta(days=15)))
            seeded = (await conn.execute(sa.select(loans))).mappings().one()
            await conn.execute(sa.insert(loans).values(
                {**seeded, "loan_id": "loan_out", "status": "out"}))
        await migrate(database_url, "registry", zone=london)
        async with engine.connect() as conn:
            moments = {row.status: (row.due_at, row.escalation_due_at) for row in
                       await conn.execute(sa.select(loans.c.status, loans.c.due_at,
                                                    loans.c.escalation_due_at))}
    periods = LoanPeriods()
    due = periods.due(issued, london)
    assert moments == {
        "out": (due, periods.escalation_due(issued, due, london)),
        seeded["status"]: (issued + timedelta(days=7), issued + timedelta(days=15))}
    assert moments["out"] == (datetime(2024, 6, 10, 23, 59, 59, tzinfo=london),
                              datetime(2024, 6, 18, 23, 59, 59, tzinfo=london))


@asynccontextmanager
async def _opened(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the database, disposed of after."""
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def _seeded_at(database_url: str, service: str, revision: str
                     ) -> AsyncIterator[tuple[AsyncEngine, sa.MetaData]]:
    """The database of ``service`` migrated up to ``revision`` only and ``_seeded``: an
    engine on it and its tables, as an earlier release left them."""
    await asyncio.to_thread(command.upgrade, migration_config(database_url, service), revision)
    async with _opened(database_url) as engine:
        yield engine, await _seeded(engine, service)


def _json(value: Any) -> Any:
    """A JSON column read as text (SQLite) or decoded (PostgreSQL)."""
    return json.loads(value) if isinstance(value, str) else value


async def _seeded(engine: Any, service: str) -> sa.MetaData:
    """A row in every table of ``service`` as migrated so far, each pointing at the rows of
    the others its foreign keys name; its tables."""
    async with engine.begin() as conn:
        tables = await conn.run_sync(_tables_of, service)
        rows: dict[str, dict[str, object]] = {}
        for table in tables.sorted_tables:
            seeded = (await conn.execute(sa.select(table).limit(1))).mappings().first()
            row = dict(seeded) if seeded else _row_for(table, rows)
            if seeded is None:  # else the migration's own row (the journal's head…)
                await conn.execute(table.insert().values(row))
            rows[table.name] = row
    return tables


def _tables_of(conn: sa.Connection, service: str) -> sa.MetaData:
    tables = sa.MetaData()
    tables.reflect(conn, only=lambda name, _: name != f"alembic_version_{service}")
    return tables


def _row_for(table: sa.Table, rows: dict[str, dict[str, object]]) -> dict[str, object]:
    """A value in every column: where a foreign key names another table, its row's."""
    row: dict[str, object] = {}
    for column in table.columns:
        for key in column.foreign_keys:
            row[column.name] = rows[key.column.table.name][key.column.name]
        if column.name not in row:
            row[column.name] = _value_for(column)
    return row


def _value_for(column: sa.Column[Any]) -> object:
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2021, 6, 30, 8, 15, tzinfo=UTC if kind.timezone else None)
    if isinstance(kind, sa.Date):
        return date(2021, 6, 30)
    if isinstance(kind, sa.JSON):
        return {"pages_needing_review": [1], "note": "一户一档"}
    if isinstance(kind, sa.String):
        return f"{column.name}一"[:kind.length]
    raise AssertionError(f"no value for {column.table.name}.{column.name} ({kind!r})")


async def _read(engine: Any, tables: sa.MetaData) -> dict[str, list[Any]]:
    async with engine.connect() as conn:
        return {table.name: [tuple(row) for row in await conn.execute(sa.select(table))]
                for table in tables.sorted_tables}


async def test_durability_settings_are_accepted_on_a_safe_database(database_url: str) -> None:
    async with _opened(database_url) as engine:
        await ping(engine)
        await check_durability(engine)


async def test_timestamps_come_back_timezone_aware_utc(database_url: str) -> None:
    metadata = sa.MetaData()
    table = sa.Table("moments", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("at", UtcDateTime))
    async with _opened(database_url) as engine:
        moment = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(table.insert().values(id=1, at=moment))
        async with engine.connect() as conn:
            stored = (await conn.execute(sa.select(table.c.at))).scalar_one()
        assert stored == moment
        assert stored.tzinfo is not None
