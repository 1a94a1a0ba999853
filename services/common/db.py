"""Relational store: one async SQLAlchemy engine per service, migrated by Alembic.

Each service owns its tables and its migration chain (``services/<name>/migrations``, with
its own version table ``alembic_version_<name>``), so services never read each other's
tables even when they share one PostgreSQL database.
Embedded: SQLite through aiosqlite, WAL with ``synchronous=FULL`` (reliability.md, 5).
Scale-out: PostgreSQL through asyncpg; ``fsync`` and ``synchronous_commit`` must be on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
from sqlalchemy import DateTime, event, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator

from services.common.clock import COMPANY_ZONE
from services.common.errors import Conflict, DependencyUnavailable, ValidationFailed

if TYPE_CHECKING:
    from alembic.migration import MigrationContext, MigrationInfo

SERVICES_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger("archive.db")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, foreign_keys: bool = True) -> AsyncEngine:
    """An engine with the durability pragmas set on every SQLite connection, and its
    foreign keys enforced unless ``foreign_keys`` is false (migrations only: see
    ``run_migrations_online``)."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect",
                     partial(_sqlite_pragmas, foreign_keys=foreign_keys))
        # SQLite's own transaction handling is disabled so BEGIN IMMEDIATE can take the
        # write lock up front; otherwise two readers upgrading to writers deadlock.
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, foreign_keys: bool) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # Set here, outside any transaction: SQLite ignores it inside one.
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


READ_ONLY_OPTION = "archive_read_only"


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """``engine`` for work that only reads (same pool). On SQLite its transactions begin
    DEFERRED: in WAL mode a reader sees the last commit and neither waits for nor blocks a
    writer, where BEGIN IMMEDIATE queues every read behind the write lock and its fsync
    (measured: it doubled an ingest job's commits under polling). Never write through it.
    """
    return engine.execution_options(**{READ_ONLY_OPTION: True})


def _sqlite_begin(connection: Connection) -> None:
    reads_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
    connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")


async def check_durability(engine: AsyncEngine) -> None:
    """Refuse to start on settings that can lose acknowledged writes (reliability.md, 5)."""
    async with connect(engine) as conn:
        if engine.dialect.name == "sqlite":
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            sync = (await conn.execute(text("PRAGMA synchronous"))).scalar_one()
            if str(mode).lower() != "wal" or int(sync) != 2:
                raise DependencyUnavailable(
                    f"SQLite must run in WAL mode with synchronous=FULL (got {mode}, {sync})",
                    code="unsafe_database",
                )
        else:
            for setting in ("fsync", "synchronous_commit"):
                value = (await conn.execute(text(f"SHOW {setting}"))).scalar_one()
                if value != "on":
                    raise DependencyUnavailable(
                        f"PostgreSQL {setting} is {value}; turn it on: acknowledged writes "
                        "could be lost", code="unsafe_database",
                    )


RESTARTING = {
    "57P01": ("ended the session: it is shutting down, or an administrator ended the session",
              "check that PostgreSQL is running"),
    "57P02": ("ended the session: it is restarting after one of its processes crashed",
              "read the PostgreSQL server log for the crash"),
    "57P03": ("takes no connections now: it is starting up or shutting down",
              "check that PostgreSQL is being started, not stopped"),
}
"""A server shutting down (57P01 admin_shutdown, which ``pg_terminate_backend`` sends
too; 57P02 crash_shutdown) or starting up (57P03 cannot_connect_now): it answers again
once it has restarted. SQLSTATE → (what happened, what to check if it lasts)."""
RESTARTING_SQLSTATES = tuple(RESTARTING)
UNAVAILABLE_SQLSTATES = ("08", *RESTARTING_SQLSTATES)
"""A server that cannot take the work now but will again: restarting, or a connection
failure (class 08)."""
REFUSING_SQLSTATES = ("28000", "28P01", "3D000")
"""A server that will refuse until the settings change: no such role or a wrong password
(28000, 28P01), no such database (3D000)."""


@asynccontextmanager
async def connect(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection, with 'cannot reach the database' translated at the edge: opening it,
    and anything done with it that fails because the server went away (restarted, shut
    down, the network cut), raises ``DependencyUnavailable``; other errors pass as they
    are (a unique key refused, a value the database cannot hold)."""
    try:
        conn = await engine.connect()
    except (OSError, DBAPIError) as exc:
        raise _unavailable(engine, exc) from exc
    try:
        yield conn
    except (DBAPIError, ConnectionError) as exc:
        if not _lost(exc):
            raise
        raise _unavailable(engine, exc) from exc
    finally:
        await conn.close()


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection through ``connect`` in a transaction, committed when the block ends
    (rolled back if it raises)."""
    async with connect(engine) as conn, conn.begin():
        yield conn


def _lost(exc: BaseException) -> bool:
    """Whether ``exc``, raised while a connection was in use, says the server is away."""
    if isinstance(exc, ConnectionError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return _sqlstate(exc).startswith(UNAVAILABLE_SQLSTATES)


def _unavailable(engine: AsyncEngine, exc: BaseException) -> DependencyUnavailable:
    sqlstate = _sqlstate(exc)
    if sqlstate.startswith(REFUSING_SQLSTATES):
        # asyncpg's refusals (a wrong password, a database that does not exist) reach
        # SQLAlchemy as a bare ``DBAPIError``.
        return DependencyUnavailable(
            f"the database at {_safe(engine)} refused the connection: {_first_line(exc)}; "
            "check the user, password and database name in ARCHIVE_DATABASE_URL (and "
            "ARCHIVE_MIGRATION_DATABASE_URL)", code="database_refused")
    if sqlstate in RESTARTING:
        happened, check = RESTARTING[sqlstate]
        return DependencyUnavailable(
            f"PostgreSQL at {_safe(engine)} {happened} ({_first_line(exc)}); the archive "
            f"retries: try again in a moment, and if it lasts, {check}",
            code="database_unavailable")
    if engine.dialect.name == "sqlite":
        return DependencyUnavailable(
            f"cannot open the database file {engine.url.database}: {_first_line(exc)}; its "
            "directory (ARCHIVE_DATA_DIR) must exist and be one this user may write to",
            code="database_unavailable")
    return DependencyUnavailable(
        f"cannot reach the database at {_safe(engine)}: {_first_line(exc)}",
        code="database_unavailable")


def _sqlstate(exc: BaseException) -> str:
    """The SQLSTATE the server gave, the innermost one of the driver's error chain: a
    session the server closes mid-query reaches asyncpg as 08003 ('connection was closed
    in the middle of operation') caused by the server's reason (57P01…)."""
    found = ""
    cause: BaseException | None = getattr(exc, "orig", None)
    while cause is not None:
        found = str(getattr(cause, "sqlstate", None) or found)
        cause = cause.__cause__
    return found


async def ping(engine: AsyncEngine) -> None:
    async with connect(engine) as conn:
        await conn.execute(text("SELECT 1"))


def database_check(engine: AsyncEngine) -> Callable[[], Awaitable[str]]:
    """A service's readiness check of its database (``ReadinessCheck``): "ok" once it
    answers; ``ping``'s ``DependencyUnavailable`` when it does not."""

    async def check() -> str:
        await ping(engine)
        return "ok"

    return check


def unstorable(exc: DBAPIError | OverflowError) -> ValidationFailed | None:
    """The refusal to answer when the database would not hold a value it was given: a NUL
    character in text or an integer beyond 64 bits (SQLSTATE class 22, "data exception",
    on PostgreSQL; ``OverflowError`` from SQLite's driver). ``None`` for any other error.

    asyncpg's refusals reach SQLAlchemy as a bare ``DBAPIError``, not ``DataError``, so
    the SQLSTATE is what tells them apart. The refusal is in the archive's words; the
    driver's (which names the database and the language it is written in) goes to the
    log only.
    """
    if isinstance(exc, DBAPIError) and not (isinstance(exc, DataError)
                                            or _sqlstate(exc).startswith("22")):
        return None
    log.info("a value the database cannot hold was refused: %s", _first_line(exc))
    return ValidationFailed("a value is beyond what the archive stores (a whole number "
                            "past 9223372036854775807, or a NUL character in text); "
                            "correct it and send again", code="unstorable_value")


def _safe(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]


# --- migrations -------------------------------------------------------------------------


def migration_config(url: str, service: str, *, zone: tzinfo = COMPANY_ZONE) -> Any:
    """Alembic's configuration for ``service``'s chain at ``url``; a step that counts in
    the company's days reads ``zone`` (``ARCHIVE_TIME_ZONE``) from its ``attributes``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("version_table", f"alembic_version_{service}")
    config.attributes["database_url"] = url
    config.attributes["time_zone"] = zone
    return config


@functools.cache
def revision_scripts(service: str) -> Any:
    """``service``'s migration scripts (alembic's ``ScriptDirectory``), read once a
    process: they are this release's files, and reading them is most of what checking a
    database that is already at the newest revision costs."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migration_config("", service))


class Migration(msgspec.Struct, frozen=True):
    """What ``migrate`` did to one service's database: its revisions before (none: it was
    empty) and after, and the steps applied between them."""

    service: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    steps: int

    @property
    def said(self) -> str:
        """``registry: registry_0010_… → registry_0023_… (13 steps)``, or ``registry:
        already at registry_0023_…``: what the operator reads."""
        after = ", ".join(self.after)
        if not self.steps:
            return f"{self.service}: already at {after}"
        plural = "" if self.steps == 1 else "s"
        return (f"{self.service}: {', '.join(self.before) or 'empty'} → {after} "
                f"({self.steps} step{plural})")


async def migrate(url: str, service: str, *, zone: tzinfo = COMPANY_ZONE) -> Migration:
    """Bring ``service``'s tables to the newest revision (every head; feature chains may fork).
    ``Conflict`` if a newer release wrote the database (a revision this one does not know);
    ``DependencyUnavailable`` (``migration_failed``) if a step fails: each step is one
    transaction, so the failed one is undone and the database stays at the revision
    before it. ``zone`` is the company's (``migration_config``)."""
    from alembic import command
    from alembic.util.exc import CommandError

    script = revision_scripts(service)
    engine = create_engine(url, pool_size=1)
    try:
        before = await require_known_revisions(engine, service)
        if before == set(script.get_heads()):
            return Migration(service=service, before=tuple(sorted(before)),
                             after=tuple(sorted(before)), steps=0)
        config = migration_config(url, service, zone=zone)
        try:
            await asyncio.to_thread(command.upgrade, config, "heads")
        except OSError as exc:
            raise DependencyUnavailable(
                f"cannot migrate the {service} database: {_first_line(exc)}",
                code="database_unavailable",
            ) from exc
        except CommandError as exc:
            raise DependencyUnavailable(f"cannot migrate the {service} database: {exc}",
                                        code="migration_failed") from exc
        except (DBAPIError, ForeignKeysBroken) as exc:
            after = await current_revisions(engine, service)
            raise DependencyUnavailable(_failed_step(service, exc, before, after),
                                        code="migration_failed") from exc
        after = await current_revisions(engine, service)
    finally:
        await engine.dispose()
    return Migration(service=service, before=tuple(sorted(before)),
                     after=tuple(sorted(after)),
                     steps=len(_ancestry(script, after) - _ancestry(script, before)))


def _ancestry(script: Any, heads: set[str]) -> set[str]:
    """``heads`` and every revision below them."""
    if not heads:
        return set()
    return {revision.revision for revision in script.iterate_revisions(tuple(heads), "base")}


def _failed_step(service: str, exc: Exception, before: set[str], after: set[str]) -> str:
    """What the operator reads when a migration step fails: what failed, that nothing was
    lost, and what to do."""
    def named(revisions: set[str]) -> str:
        return ("revision" + ("s " if len(revisions) > 1 else " ") + ", ".join(sorted(revisions)))

    said = (f"upgrading the {service} database "
            f"{f'past {named(after)}' if after else 'from empty'} failed: {_first_line(exc)}; "
            "that step was undone and no data was lost")
    if not before:
        return f"{said}; report this message"
    if after == before:
        return (f"{said} (the database is as it was); keep running the release that wrote "
                "it and report this message")
    return (f"{said} (the steps before it were applied: the release that wrote the "
            f"database, at {named(before)}, no longer opens it); restore the backup made "
            "before upgrading to run that release again, and report this message")


async def current_revisions(engine: AsyncEngine, service: str) -> set[str]:
    """The revisions ``service``'s version table holds (none in an empty database)."""
    from alembic.runtime.migration import MigrationContext

    async with connect(engine) as conn:
        return await conn.run_sync(lambda sync: set(MigrationContext.configure(
            sync, opts={"version_table": f"alembic_version_{service}"}).get_current_heads()))


async def require_known_revisions(engine: AsyncEngine, service: str) -> set[str]:
    """The database's revisions of ``service``; ``Conflict`` if this release does not know
    one (a newer release migrated the database: its schema is not this release's)."""
    known = {revision.revision for revision in revision_scripts(service).walk_revisions()}
    current = await current_revisions(engine, service)
    unknown = sorted(current - known)
    if unknown:
        raise Conflict(
            f"the {service} database was written by a newer release of archive (revision "
            f"{', '.join(unknown)}); run that release or restore a backup made by this one",
            code="database_from_newer_release")
    return current


class ForeignKeysBroken(Exception):
    """A migration step on SQLite left rows that point at rows that do not exist; raised
    inside the step's transaction, so the step is undone. ``migrate`` translates it."""


def run_migrations_online() -> None:
    """Body of every service's ``migrations/env.py``: run with the engine in a fresh loop.

    On SQLite, foreign keys are off while migrating. A batch step rebuilds a table (a copy
    under a new name, then the old dropped and the copy renamed), and dropping a table
    that other tables' rows point at fails while they are on (``DROP TABLE loans``, with
    its loans' documents and approvals). SQLite's own recipe for such changes
    (sqlite.org/lang_altertable.html, "other kinds of table schema changes") turns them
    off and runs ``PRAGMA foreign_key_check`` before each step commits instead.
    """
    from alembic import context

    config = context.config
    url: str = config.attributes["database_url"]
    version_table = config.get_main_option("version_table") or "alembic_version"

    def do_run(connection: Connection) -> None:
        sqlite = connection.dialect.name == "sqlite"
        context.configure(
            connection=connection,
            target_metadata=None,
            version_table=version_table,
            render_as_batch=sqlite,
            transaction_per_migration=True,
            on_version_apply=_check_foreign_keys if sqlite else None,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_engine(url, pool_size=1, foreign_keys=False)
        try:
            async with connect(engine) as conn:
                await conn.run_sync(do_run)
                await conn.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())


def _check_foreign_keys(ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any],
                        run_args: Mapping[str, Any]) -> None:
    """After each step on SQLite, inside its transaction: ``ForeignKeysBroken`` if a row
    points nowhere."""
    assert ctx.connection is not None  # online migrations only
    broken = Counter((str(table), str(parent)) for table, _rowid, parent, _key
                     in ctx.connection.exec_driver_sql("PRAGMA foreign_key_check"))
    if broken:
        said = "; ".join(f"1 row of {table} pointing at a missing row of {parent}"
                         if count == 1 else
                         f"{count} rows of {table} pointing at missing rows of {parent}"
                         for (table, parent), count in sorted(broken.items()))
        raise ForeignKeysBroken(f"{step.up_revision_id} would leave {said}")


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass timezone-aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


S = TypeVar("S", bound=msgspec.Struct)


def struct_of(row: Any, kind: type[S], *, omit: Collection[str] = (), **extra: object) -> S:
    """A row (a ``RowMapping``) as the struct ``kind``, validated: without the columns in
    ``omit`` (a parent's key the struct does not repeat), with the fields in ``extra``
    (read from other tables) added or replaced."""
    # Column keys are SQLAlchemy's ``quoted_name``, a str subclass msgspec refuses as a key.
    values = {str(key): value for key, value in row.items() if key not in omit}
    return msgspec.convert({**values, **extra}, kind)
