"""The record of the archive's last backup, kept in its own object store: written by
``archive backup`` (and by ``archive restore``, naming the backup it came from), read by
the ingest service for ``/metrics`` (``archive_backup_last_success_timestamp_seconds``)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from services.common.errors import NotFound
from services.common.models import Struct
from services.common.objectstore import ObjectStore

LAST_BACKUP_KEY = "state/last-backup.json"


class LastBackup(Struct):
    generation: str
    finished_at: datetime
    destination: str
    objects: int
    bytes: int


async def record_backup(store: ObjectStore, backup: LastBackup) -> None:
    await store.put_bytes(LAST_BACKUP_KEY, msgspec.json.encode(backup),
                          content_type="application/json")


async def last_backup(store: ObjectStore) -> LastBackup | None:
    try:
        return msgspec.json.decode(await store.read(LAST_BACKUP_KEY), type=LastBackup)
    except NotFound:
        return None
