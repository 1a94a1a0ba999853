"""Which originals the restored databases name: a catalogue record (of any status) or an
ingest job. A backup copies whatever the store held after its snapshots, so originals
uploaded later are in it too; restoring them would leave originals nothing accounts for
(the fixity check's ``original_unaccounted``), so the restore leaves them out.

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
    named: set[str] = set()
    for service, column in (("registry", documents.c.sha256), ("ingest", jobs.c.sha256)):
        engine = create_engine(settings.database_url_for(service), pool_size=1)
        try:
            async with connect(engine) as conn:
                named.update(str(sha256) for sha256 in
                             (await conn.execute(sa.select(column).distinct())).scalars())
        finally:
            await engine.dispose()
    return named
