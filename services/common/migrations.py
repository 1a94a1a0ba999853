"""Start-up step shared by the services: embedded databases migrate themselves; a
configured database must already be at the newest revision (``archive migrate``).

On PostgreSQL, ``archive migrate`` runs as the role that owns the tables
(``ARCHIVE_MIGRATION_DATABASE_URL``) and then grants the services' own role (the user of
``ARCHIVE_DATABASE_URL``) what they need: every table, except those a service's schema
limits (``APP_ROLE_LIMITS`` in ``services/<name>/schema.py``: the registry's audit log,
INSERT and SELECT only). Not owning the tables, the services' role can neither drop
their triggers nor change them (reliability.md, promise 4).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Mapping
from datetime import tzinfo

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.clock import COMPANY_ZONE
from services.common.config import Settings
from services.common.db import (
    Migration,
    check_durability,
    create_engine,
    is_sqlite,
    migrate,
    require_known_revisions,
    revision_scripts,
    transaction,
)
from services.common.errors import DependencyUnavailable
from services.common.parts import SERVICE_NAMES
from services.common.tasks import waited_at_start

log = logging.getLogger("archive.migrations")

async def prepare_database(engine: AsyncEngine, url: str, service: str, *, embedded: bool,
                           wait: bool = False, zone: tzinfo = COMPANY_ZONE) -> None:
    """Migrate an embedded database, or require a configured one to be current.

    With ``wait`` (a server or worker starting), a database that cannot be reached (not up
    yet after a reboot, restarting) is waited for, as every loop of the archive waits for
    it: said once in the log, then tried
    again with ``Backoff`` until it answers; cancelling (Ctrl-C) ends the wait. One that
    refuses the connection (a wrong password, no such database) or is behind the code
    (``migration_needed``) stops the start at once: waiting would not change it. ``zone``
    is the company's (``ARCHIVE_TIME_ZONE``), for the steps that count in its days."""

    async def prepared() -> None:
        if embedded:
            log.info("database migration, %s", (await migrate(url, service, zone=zone)).said)
        else:
            await _require_current(engine, service)
        await check_durability(engine)

    if not wait:
        await prepared()
        return
    await waited_at_start(prepared, away="database_unavailable",
                          waiting=f"waiting for the {service} database",
                          answered=f"the {service} database answers; starting", logger=log)


async def _require_current(engine: AsyncEngine, service: str) -> None:
    heads = set(revision_scripts(service).get_heads())
    if await require_known_revisions(engine, service) != heads:
        raise DependencyUnavailable(
            f"the {service} database is not at the newest schema; run 'archive migrate'",
            code="migration_needed",
        )


def migrate_all(url_for: dict[str, str], *, app_role: str | None = None,
                zone: tzinfo = COMPANY_ZONE) -> list[Migration]:
    """``archive migrate``: every service's chain, in order, at ``url_for[service]`` (the
    tables' owner); then, on PostgreSQL, the grants to ``app_role`` if given. What each
    migration did, in that order."""

    async def run() -> list[Migration]:
        done = [await migrate(url, service, zone=zone) for service, url in url_for.items()]
        if app_role is None:
            return done
        by_url: dict[str, list[str]] = {}
        for service, url in url_for.items():
            by_url.setdefault(url, []).append(service)
        for url, services in by_url.items():
            if not is_sqlite(url):
                await grant_app_role(url, app_role, services)
        return done

    return asyncio.run(run())


def migrate_configured(settings: Settings) -> tuple[list[Migration], str | None]:
    """``archive migrate`` on the configured databases: as the tables' owner
    (``ARCHIVE_MIGRATION_DATABASE_URL``, else ``ARCHIVE_DATABASE_URL``); then the
    services' own role, if it is another, is granted what they need. Returns what each
    migration did, and that role."""
    app_role = None
    if settings.migration_database_url and settings.database_url:
        app_role = make_url(settings.database_url).username
        if app_role == make_url(settings.migration_database_url).username:
            app_role = None
    return migrate_all({name: settings.migration_url_for(name) for name in SERVICE_NAMES},
                       app_role=app_role, zone=settings.time_zone), app_role


def app_role_limits(service: str) -> Mapping[str, tuple[str, ...]]:
    """Tables of ``service`` its role may use only so: table → privileges."""
    try:
        schema = importlib.import_module(f"services.{service}.schema")
    except ModuleNotFoundError:
        return {}
    limits: Mapping[str, tuple[str, ...]] = getattr(schema, "APP_ROLE_LIMITS", {})
    return limits


async def grant_app_role(owner_url: str, role: str, services: list[str]) -> None:
    """Give ``role`` the use of every table in the database at ``owner_url``, as limited by
    the ``services``' schemas; their migration versions it may only read. Idempotent: run
    after every migration, so tables a new revision adds are granted too."""
    engine = create_engine(owner_url, pool_size=1)
    try:
        async with transaction(engine) as conn:
            quote = conn.dialect.identifier_preparer.quote
            schema = quote(str((await conn.execute(text("SELECT current_schema()"))
                                ).scalar_one()))
            grantee = quote(role)
            statements = [
                f"GRANT USAGE ON SCHEMA {schema} TO {grantee}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} "
                f"TO {grantee}",
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
            ]
            for service in services:
                limited = {**app_role_limits(service),
                           f"alembic_version_{service}": ("SELECT",)}
                for table, privileges in limited.items():
                    statements += [f"REVOKE ALL ON TABLE {quote(table)} FROM {grantee}",
                                   f"GRANT {', '.join(privileges)} ON TABLE {quote(table)} "
                                   f"TO {grantee}"]
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()
