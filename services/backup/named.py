"""Which originals the restored databases name: a catalogue record (of any status) or an
ingest job; and how many uploads they hold still unread. A backup copies whatever the
store held after its snapshots, so originals uploaded later are in it too; restoring them
would leave originals nothing accounts for (the fixity check's ``original_unaccounted``),
so the restore leaves them out.

This reads two services' tables directly (``documents``, ``ingest_jobs``), as only a
tool that restores their databases may: the services themselves never do.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.common.config import Settings
from services.common.db import connect, create_engine
from services.ingest.jobs import jobs
from services.registry.catalogue.tables import documents


async def named_originals(settings: Settings) -> set[str]:
    return (await _sha256s(settings, "registry", documents.c.sha256)
            | await _sha256s(settings, "ingest", jobs.c.sha256))


async def unfinished_uploads(settings: Settings) -> int:
    """Uploads whose job the snapshot holds queued or running, not yet filed: the restored
    archive reads and files them when it starts, as the source would have."""
    unread = await _sha256s(settings, "ingest", jobs.c.sha256,
                            jobs.c.status.in_(("queued", "running")))
    return len(unread - await _sha256s(settings, "registry", documents.c.sha256))


async def _sha256s(settings: Settings, service: str, column: sa.Column[str],
                   *where: sa.ColumnElement[bool]) -> set[str]:
    engine = create_engine(settings.database_url_for(service), pool_size=1)
    try:
        async with connect(engine) as conn:
            rows = await conn.execute(sa.select(column).where(*where).distinct())
            return {str(sha256) for sha256 in rows.scalars()}
    finally:
        await engine.dispose()
