"""``archive restore SRC``: the newest generation of a backup, into an empty archive.

A restore SHALL, in order:
1. read ``latest.json`` and the manifest it names (its SHA-256 checked);
2. refuse unless the databases and the object store are empty and of the backup's kind;
3. check the keys: one the backup carries is written to the data directory (unless the
   environment sets it, which must then be the backup's, by its check); one the backup
   left out must be set in the environment;
4. load each database from its file, hashed first; migrate to this release's schema;
5. store every object with its content type and retention, each blob hashed first,
   leaving out originals (and their derived files) no restored record or job names;
6. record the backup as the archive's last, then rebuild the search index and run a
   fixity check in the restored archive (``verify.py``).
A damaged blob stops a database's restore; a damaged object is listed and the rest go on.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec

from services.backup.backup import KEY_VARIABLES, read_manifest
from services.backup.databases import check_empty, finish_databases, restore_database
from services.backup.models import (
    LATEST,
    KeyFile,
    Latest,
    Manifest,
    Progress,
    RestoreReport,
    Silent,
    key_check,
)
from services.backup.named import named_originals
from services.backup.objects import ObjectsIn, original_sha256, use_io_threads
from services.backup.stores import BackupStore, open_backup_store
from services.backup.verify import verify_restored
from services.common.backup_record import LastBackup, record_backup
from services.common.clock import Clock
from services.common.config import Settings
from services.common.durable import write_durably
from services.common.errors import ConfigError, Conflict, NotFound
from services.common.objectstore import ObjectStore, file_sha256, open_object_store


async def run_restore(settings: Settings, location: str, *, clock: Clock,
                      progress: Progress | None = None) -> RestoreReport:
    """Restore the newest generation at ``location`` into the configured, empty archive."""
    use_io_threads()
    backup = open_backup_store(location, settings)
    try:
        async with backup.exclusive():
            return await _Restore(settings, backup, clock, progress or Silent()).run()
    finally:
        await backup.close()


class _Restore:
    def __init__(self, settings: Settings, backup: BackupStore, clock: Clock,
                 progress: Progress) -> None:
        self.settings = settings
        self.backup = backup
        self.clock = clock
        self.progress = progress
        self.store: ObjectStore = open_object_store(settings, clock=clock)

    async def run(self) -> RestoreReport:
        self.progress.stage(f"reading the backup at {self.backup.where}", total=None,
                            unit="files")
        latest, manifest = await self._manifest()
        await check_empty(self.settings, manifest.databases)
        async for stored in self.store.keys(""):
            raise Conflict(f"the object store already holds {stored}: a restore fills an empty "
                           "one; choose another ARCHIVE_DATA_DIR or ARCHIVE_S3_BUCKET",
                           code="restore_target_not_empty")
        secrets = await self._keys(manifest.keys)
        for key_file, secret in secrets:
            await asyncio.to_thread(write_durably, self._key_path(key_file), secret.encode())
        await self._databases(manifest)
        named = await named_originals(self.settings)
        wanted = [stored for stored in manifest.objects
                  if (sha256 := original_sha256(stored.key)) is None
                  or sha256 in named.originals]
        left_out = {original_sha256(stored.key) for stored in manifest.objects} - {
            original_sha256(stored.key) for stored in wanted}
        objects = ObjectsIn(self.store, self.backup, self.progress)
        await objects.restore(wanted)
        await record_backup(self.store, LastBackup(
            generation=manifest.generation, finished_at=manifest.finished_at,
            destination=self.backup.where, objects=len(manifest.objects),
            bytes=sum(stored.size for stored in manifest.objects)))
        checked = await verify_restored(self.settings, clock=self.clock,
                                        progress=self.progress)
        return RestoreReport(
            generation=latest.generation, source=self.backup.where,
            began_at=manifest.started_at,
            unfinished_uploads=named.unfinished_uploads,
            databases=len(manifest.databases), objects=objects.restored, bytes=objects.bytes,
            left_out=len(left_out), damaged=sorted(objects.damaged),
            documents_indexed=checked.documents_indexed, fixity_run=checked.fixity_run,
            fixity_findings=checked.fixity_findings, fixity_error=checked.error)

    async def _manifest(self) -> tuple[Latest, Manifest]:
        raw = await self.backup.read_document(LATEST)
        if raw is None:
            raise NotFound(f"no backup at {self.backup.where} (no {LATEST})",
                           code="no_backup")
        latest = msgspec.json.decode(raw, type=Latest)
        manifest = await read_manifest(self.backup, latest)
        if manifest is None:
            raise Conflict(f"the manifest of generation {latest.generation} at "
                           f"{self.backup.where} is missing or damaged",
                           code="backup_damaged")
        return latest, manifest

    async def _keys(self, keys: list[KeyFile]) -> list[tuple[KeyFile, str]]:
        """Check every key before anything is written; the keys to write, with their
        secrets."""
        to_write = []
        for key in keys:
            variable = KEY_VARIABLES[key.name]
            configured = (self.settings.audit_key if key.name == "audit_key"
                          else self.settings.secret_key)
            if configured is not None:
                if key_check(configured.encode()) != key.check:
                    raise ConfigError(f"{variable} is not the key this backup was made with; "
                                      "set it to the archive's own")
                continue
            if key.sha256 is None:
                raise ConfigError(f"this backup was made with {variable} set and does not "
                                  f"carry it; set {variable} to the archive's key to restore")
            async with self.backup.local_copy(key.sha256) as path:
                secret = (await asyncio.to_thread(path.read_text)).strip()
            if key_check(secret.encode()) != key.check:
                raise Conflict(f"the {key.name} in the backup is damaged",
                               code="backup_damaged")
            path = self._key_path(key)
            if path.exists() and path.read_text().strip() != secret:
                raise Conflict(f"{path} holds another key: a restore fills an empty data "
                               "directory", code="restore_target_not_empty")
            to_write.append((key, secret))
        return to_write

    def _key_path(self, key: KeyFile) -> Path:
        return (self.settings.audit_key_file if key.name == "audit_key"
                else self.settings.secret_key_file)

    async def _databases(self, manifest: Manifest) -> None:
        self.progress.stage("restoring the databases", total=len(manifest.databases),
                            unit="files")
        for dump in manifest.databases:
            async with self.backup.local_copy(dump.sha256) as path:
                if await asyncio.to_thread(file_sha256, path) != dump.sha256:
                    raise Conflict(f"the {dump.name} database in the backup is damaged: its "
                                   "bytes no longer hash to the manifest's SHA-256",
                                   code="backup_damaged")
                await restore_database(self.settings, dump, path)
            self.progress.advance(1)
        await finish_databases(self.settings)
