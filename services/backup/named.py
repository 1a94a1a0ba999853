"""Which originals the restored databases name (a catalogue record of any status, or an
ingest job), and how many uploads they hold still unread. A backup copies whatever the
store held after its snapshots, so originals uploaded later are in it too; restoring them
would leave originals nothing accounts for (the fixity check's ``original_unaccounted``),
so the restore leaves them out.

This reads two services' tables directly (``documents``, ``ingest_jobs``), as only a
tool that restores their databases may: the services themselves never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from services.common.config import Settings
from services.common.db import connect, create_engine
from services.ingest.jobs import jobs
from services.registry.catalogue.tables import documents


@dataclass(frozen=True)
class Named:
    originals: set[str]
    """The SHA-256 of every original a catalogue record or an ingest job names."""
    unfinished_uploads: int
    """Uploads whose job is queued or running and which no record files yet: the restored
    archive reads and files them once it runs, as the source would have."""


async def named_originals(settings: Settings) -> Named:
    """Read from the restored databases before the archive first runs (which reads the
    unfinished uploads)."""
    filed = {str(row.sha256) for row in await _rows(settings, "registry",
                                                    sa.select(documents.c.sha256))}
    uploads = await _rows(settings, "ingest", sa.select(jobs.c.sha256, jobs.c.status))
    unread = {str(row.sha256) for row in uploads if row.status in ("queued", "running")}
    return Named(originals=filed | {str(row.sha256) for row in uploads},
                 unfinished_uploads=len(unread - filed))


async def _rows(settings: Settings, service: str, query: sa.Select[Any]
                ) -> list[sa.Row[Any]]:
    engine = create_engine(settings.database_url_for(service), pool_size=1)
    try:
        async with connect(engine) as conn:
            return list(await conn.execute(query))
    finally:
        await engine.dispose()
