"""Contract of the relational store: migrations, durability, UTC timestamps.

Each test runs on SQLite, on the session's PostgreSQL cluster, and on PostgreSQL in a
container (skipped, saying why, without Docker), each time on a fresh, empty database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import services.registry.store  # noqa: F401 - declares every registry table on ``metadata``
from services.common.db import UtcDateTime, check_durability, create_engine, migrate, ping
from services.registry.schema import metadata
from tests.fixtures.postgres import DATABASES_WITH_CONTAINER

pytestmark = pytest.mark.parametrize("database_url", DATABASES_WITH_CONTAINER, indirect=True)


async def test_registry_migrations_create_their_tables(database_url: str) -> None:
    await migrate(database_url, "registry")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert {"users", "login_attempts", "alembic_version_registry"} <= set(tables)
    finally:
        await engine.dispose()


async def test_registry_tables_match_their_migrations(database_url: str) -> None:
    """The tables the code declares are the ones the migrations make (the migrations are
    the source of truth; ``services.registry.columns`` must build the same columns)."""
    await migrate(database_url, "registry")
    engine = create_engine(database_url)

    def differences(sync: sa.Connection) -> list[Any]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return [difference for difference in compare_metadata(context, metadata)
                if not _is_version_table(difference)]

    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()


def _is_version_table(difference: Any) -> bool:
    return (isinstance(difference, tuple) and difference[0] == "remove_table"
            and difference[1].name == "alembic_version_registry")


async def test_migrating_twice_changes_nothing(database_url: str) -> None:
    await migrate(database_url, "registry")
    await migrate(database_url, "registry")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            versions = (await conn.execute(sa.text(
                "SELECT count(*) FROM alembic_version_registry"))).scalar_one()
        assert versions >= 1
    finally:
        await engine.dispose()


async def test_durability_settings_are_accepted_on_a_safe_database(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await ping(engine)
        await check_durability(engine)
    finally:
        await engine.dispose()


async def test_timestamps_come_back_timezone_aware_utc(database_url: str) -> None:
    metadata = sa.MetaData()
    table = sa.Table("moments", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("at", UtcDateTime))
    engine = create_engine(database_url)
    moment = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(table.insert().values(id=1, at=moment))
        async with engine.connect() as conn:
            stored = (await conn.execute(sa.select(table.c.at))).scalar_one()
        assert stored == moment
        assert stored.tzinfo is not None
    finally:
        await engine.dispose()
