"""The services' databases, snapshotted while they serve and restored into empty ones.

Embedded, each service has its SQLite file; each is copied with SQLite's online backup
API (one step, so the copy is one read transaction: in WAL mode writers go on meanwhile),
ingest first, then search, then the registry: a job the ingest copy calls done names a
document the later registry copy holds, and search's cursor never runs ahead of the feed.
On PostgreSQL every service shares one database: one ``pg_dump`` (custom format, one
transaction) holds them all; ``pg_restore`` loads it as the tables' owner, and ``archive
migrate``'s grants are made again for the services' own role.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from services.backup.models import DatabaseDump, DatabaseKind
from services.common.config import Settings
from services.common.db import connect, create_engine
from services.common.durable import fsync_file, replace_durably
from services.common.errors import ConfigError, Conflict, DependencyUnavailable, NotFound
from services.common.migrations import migrate_configured
from services.common.parts import SERVICE_NAMES

SNAPSHOT_ORDER = ("ingest", "search", "registry")
POSTGRES_DUMP = "archive"
PG_BIN = Path("/usr/lib/postgresql")


@dataclass(frozen=True)
class Snapshot:
    """A database copied to a local file, not yet in the backup."""

    name: str
    kind: DatabaseKind
    services: list[str]
    path: Path


async def snapshot_databases(settings: Settings, staging: Path) -> list[Snapshot]:
    """Copy every service's database into ``staging``, in ``SNAPSHOT_ORDER``."""
    if not settings.embedded:
        path = staging / "archive.pgdump"
        await _pg_tool("pg_dump", settings.migration_url_for("registry"),
                       "--format=custom", "--no-owner", "--no-privileges", f"--file={path}")
        await asyncio.to_thread(fsync_file, path)
        return [Snapshot(name=POSTGRES_DUMP, kind="pg_dump", services=list(SERVICE_NAMES),
                         path=path)]
    snapshots = []
    for service in SNAPSHOT_ORDER:
        source = _sqlite_file(settings, service)
        if not await asyncio.to_thread(source.is_file):
            if service == "registry":
                raise NotFound(f"no archive in {settings.data_dir} (no registry.db); set "
                               "ARCHIVE_DATA_DIR or ARCHIVE_DATABASE_URL to the archive's",
                               code="no_database")
            continue  # a service never started has nothing to keep
        target = staging / f"{service}.db"
        await asyncio.to_thread(_sqlite_snapshot, source, target)
        snapshots.append(Snapshot(name=service, kind="sqlite", services=[service],
                                  path=target))
    # Made durable together, after the copies in SNAPSHOT_ORDER: their fsyncs overlap.
    await asyncio.gather(*(asyncio.to_thread(fsync_file, snapshot.path) for snapshot in snapshots))
    return snapshots


async def check_empty(settings: Settings, dumps: list[DatabaseDump]) -> None:
    """Refuse to restore over anything: the databases must not exist yet (embedded) or
    hold no table (PostgreSQL), and be of the backup's kind, or PostgreSQL for SQLite
    (``onto_postgres``)."""
    postgres = any(dump.kind == "pg_dump" for dump in dumps)
    if postgres and settings.embedded:
        raise ConfigError("this backup holds a PostgreSQL dump: set ARCHIVE_DATABASE_URL "
                          "(and ARCHIVE_MIGRATION_DATABASE_URL) to an empty database")
    if not postgres and settings.embedded:
        taken = [path.name for service in SERVICE_NAMES
                 if (path := _sqlite_file(settings, service)).exists()]
        if taken:
            raise Conflict(f"{settings.data_dir} already holds {', '.join(taken)}: a restore "
                           "fills an empty data directory; choose another ARCHIVE_DATA_DIR",
                           code="restore_target_not_empty")
        return
    url = settings.migration_url_for("registry")
    engine = create_engine(url, pool_size=1)
    try:
        async with connect(engine) as conn:
            tables = (await conn.execute(text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema()"))).scalar_one()
    finally:
        await engine.dispose()
    if tables:
        raise Conflict(f"the database {make_url(url).database} already holds {tables} "
                       "tables: a restore fills an empty database; create a new one",
                       code="restore_target_not_empty")


async def restore_database(settings: Settings, dump: DatabaseDump, path: Path) -> None:
    """Load one database from its checked file."""
    if dump.kind == "pg_dump":
        await _pg_tool("pg_restore", settings.migration_url_for("registry"),
                       "--no-owner", "--no-privileges", "--single-transaction",
                       "--exit-on-error", str(path))
        return
    await asyncio.to_thread(_copy_durably, path, _sqlite_file(settings, dump.name))


async def finish_databases(settings: Settings) -> None:
    """Bring the restored databases to this release's schema, granting the services' role
    what ``archive migrate`` grants it."""
    await asyncio.to_thread(migrate_configured, settings)


def _sqlite_file(settings: Settings, service: str) -> Path:
    return settings.data_dir / f"{service}.db"


def _sqlite_snapshot(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source, timeout=30)) as live, \
            closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def _copy_durably(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".part")
    shutil.copyfile(source, staged)
    fsync_file(staged)
    replace_durably(staged, target)


async def _pg_tool(tool: str, url: str, *arguments: str) -> None:
    conninfo, password = _libpq(url)
    env = {**os.environ, "PGPASSWORD": password} if password else None
    process = await asyncio.create_subprocess_exec(
        _pg_binary(tool), f"--dbname={conninfo}", *arguments,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env)
    _, errors = await process.communicate()
    if process.returncode != 0:
        lines = errors.decode(errors="replace").strip().splitlines()
        raise DependencyUnavailable(f"{tool} failed: {lines[0] if lines else process.returncode}",
                                    code="database_unavailable")


def _libpq(url: str) -> tuple[str, str | None]:
    """The SQLAlchemy URL as a libpq connection string (the password apart, for
    ``PGPASSWORD``, so it never shows in the process list)."""
    parsed = make_url(url)
    parts = {"host": parsed.host, "port": parsed.port, "user": parsed.username,
             "dbname": parsed.database}
    if "ssl" in parsed.query:
        parts["sslmode"] = str(parsed.query["ssl"])
    conninfo = " ".join(f"{name}={_quoted(str(value))}" for name, value in parts.items()
                        if value is not None)
    return conninfo, parsed.password


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _pg_binary(name: str) -> str:
    """The newest installed PostgreSQL client tool (Debian keeps each version apart); a
    ``pg_dump`` must be at least as new as the server."""
    for directory in _versions():
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise DependencyUnavailable(f"{name} is not installed; install the PostgreSQL client "
                                    "(Debian: postgresql-client)", code="pg_tools_missing")
    return found


def _versions() -> Iterator[Path]:
    def version(directory: Path) -> tuple[int, str]:
        name = directory.parent.name
        return (int(name) if name.isdigit() else 0, name)

    yield from sorted(PG_BIN.glob("*/bin"), key=version, reverse=True)
