"""An embedded archive's SQLite databases, from its backup, loaded into PostgreSQL: how an
archive that began on the embedded defaults moves onto PostgreSQL (``archive restore``
with ``ARCHIVE_DATABASE_URL`` set, from a backup of the embedded archive).

Both engines are brought to this release's schema first (the backup's SQLite copies and
the empty PostgreSQL database, by the same migrations), so their tables are alike; then
every row is copied in one transaction, tables ordered so a row's foreign keys find
their rows, and each value taken as the PostgreSQL column wants it (SQLite keeps times
as UTC text without a zone, booleans as 0 and 1, JSON as text). The audit chain's HMAC
is over the values as the services read them, so a row copied so verifies as before.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.config import Settings
from services.common.db import create_engine, transaction
from services.common.migrations import migrate_configured

BATCH_ROWS = 500
STAGING = "sqlite-to-postgresql"
"""The directory, in the data directory, where the backup's SQLite copies are migrated;
removed once their rows are loaded (and with the rest by a restore that stops)."""


async def load_sqlite_into_postgres(settings: Settings, databases: dict[str, Path]) -> None:
    """Load every service's SQLite database (``databases``: service → checked copy) into
    the empty PostgreSQL database of ``settings``, at this release's schema, granting the
    services' role what ``archive migrate`` grants it."""
    staging = settings.data_dir / STAGING
    await asyncio.to_thread(_stage, databases, staging)
    embedded = msgspec.structs.replace(settings, data_dir=staging, database_url=None,
                                       migration_database_url=None)
    await asyncio.to_thread(migrate_configured, embedded)
    await asyncio.to_thread(migrate_configured, settings)
    engine = create_engine(settings.migration_url_for("registry"), pool_size=1)
    try:
        async with transaction(engine) as conn:
            tables = await conn.run_sync(_reflected)
            await _without_seeds(conn, tables)
            for service in databases:
                with _sqlite(staging / f"{service}.db") as source:
                    for table in tables:
                        await _copy(source, table, conn)
            for table in tables:
                await _continue_sequences(conn, table)
    finally:
        await engine.dispose()
    await asyncio.to_thread(shutil.rmtree, staging)


def _stage(databases: dict[str, Path], staging: Path) -> None:
    staging.mkdir(parents=True)
    for service, path in databases.items():
        shutil.copyfile(path, staging / f"{service}.db")


def _reflected(sync_conn: sa.Connection) -> list[sa.Table]:
    """The PostgreSQL database's tables, each after those its foreign keys point at; the
    migrations' own version tables left out (``archive migrate`` wrote them)."""
    metadata = sa.MetaData()
    metadata.reflect(sync_conn)
    return [table for table in metadata.sorted_tables
            if not table.name.startswith("alembic_version")]


async def _without_seeds(conn: AsyncConnection, tables: list[sa.Table]) -> None:
    """Empty the tables the migrations seeded (counters, the schedule, where the audit
    chain is keyed from): the SQLite copies hold those rows as the archive left them. The
    audit log's triggers, which refuse to empty it, are set aside for this one statement
    of the restore's transaction, as the tables' owner."""
    names = ", ".join(f'"{table.name}"' for table in tables)
    for table in tables:
        await conn.execute(sa.text(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER'))
    await conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY"))
    for table in tables:
        await conn.execute(sa.text(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER'))


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as source:
        yield source


async def _copy(source: sqlite3.Connection, table: sa.Table, conn: AsyncConnection) -> None:
    """Every row of ``table`` held in ``source`` (none if the table is another service's),
    in the order SQLite stored them: a row pointing at another of its table follows it."""
    held = source.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          (table.name,)).fetchone()
    if held is None:
        return
    columns = [column.name for column in table.columns]
    takers = [_taker(column.type) for column in table.columns]
    quoted = ", ".join(f'"{name}"' for name in columns)
    cursor = source.execute(f'SELECT {quoted} FROM "{table.name}" ORDER BY rowid')  # noqa: S608 - names from the schema
    while rows := cursor.fetchmany(BATCH_ROWS):
        await conn.execute(table.insert(), [
            {name: None if value is None else take(value)
             for name, take, value in zip(columns, takers, row, strict=True)}
            for row in rows])


def _taker(kind: sa.types.TypeEngine[Any]) -> Callable[[Any], Any]:
    """How a value SQLite holds becomes the value the PostgreSQL column of ``kind`` takes."""
    if isinstance(kind, sa.DateTime):
        return _utc
    if isinstance(kind, sa.Date):
        return lambda value: date.fromisoformat(str(value))
    if isinstance(kind, sa.Boolean):
        return bool
    if isinstance(kind, sa.JSON):
        return lambda value: json.loads(value) if isinstance(value, str | bytes) else value
    return lambda value: value


def _utc(value: Any) -> datetime:
    """A time as SQLite holds it (UTC, ``services.common.db.UtcDateTime``), zoned."""
    moment = datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


async def _continue_sequences(conn: AsyncConnection, table: sa.Table) -> None:
    """Set each serial column's sequence past the rows copied, so the next row PostgreSQL
    numbers is not one of theirs."""
    for column in table.columns:
        sequence = (await conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                       {"t": table.name, "c": column.name})).scalar_one()
        if sequence is None:
            continue
        highest = f'SELECT max("{column.name}") FROM "{table.name}"'  # noqa: S608 - the schema's names
        await conn.execute(sa.text(f"SELECT setval(:s, coalesce(({highest}), 0) + 1, false)"),
                           {"s": sequence})
