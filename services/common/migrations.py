"""Start-up step shared by the services: embedded databases migrate themselves; a
configured database must already be at the newest revision (``archive migrate``)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import check_durability, migrate, migration_config
from services.common.errors import DependencyUnavailable


async def prepare_database(engine: AsyncEngine, url: str, service: str, *, embedded: bool
                           ) -> None:
    if embedded:
        await migrate(url, service)
    else:
        await _require_current(engine, url, service)
    await check_durability(engine)


async def _require_current(engine: AsyncEngine, url: str, service: str) -> None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from services.common.db import connect

    script = ScriptDirectory.from_config(migration_config(url, service))
    heads = set(script.get_heads())
    async with connect(engine) as conn:
        current = await conn.run_sync(lambda sync: set(MigrationContext.configure(
            sync, opts={"version_table": f"alembic_version_{service}"}).get_current_heads()))
    if current != heads:
        raise DependencyUnavailable(
            f"the {service} database is not at the newest schema; run 'archive migrate'",
            code="migration_needed",
        )


def migrate_all(url_for: dict[str, str]) -> None:
    """``archive migrate``: every service's chain, in order."""

    async def run() -> None:
        for service, url in url_for.items():
            await migrate(url, service)

    asyncio.run(run())
