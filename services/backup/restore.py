"""``archive restore SRC``: the newest generation of a backup, into an empty archive.

A restore SHALL, in order, checking before it writes anything:
1. read ``latest.json`` and the manifest it names (its SHA-256 checked, its format one
   this release reads);
2. refuse unless the databases, the object store and the search index are empty and the
   databases of the backup's kind, or PostgreSQL for an embedded archive's SQLite
   databases (``onto_postgres.py``: how an archive moves off the embedded defaults; an
   Elasticsearch index is shared by whoever names it:
   filling one that holds documents would take a live archive's alias over);
3. check the keys: one the backup carries is to be written to the data directory
   (unless the environment sets it, which must then be the backup's, by its check); one
   the backup left out must be set in the environment;
4. hash every database file of the backup; then write the keys, load each database and
   migrate it to this release's schema;
5. store every object with its content type and retention, each blob hashed first,
   leaving out originals (and their derived files) no restored record or job names;
6. record the backup as the archive's last, then rebuild the search index and run a
   fixity check in the restored archive (``verify.py``).
A damaged database file stops the restore before it writes; a damaged object is listed
and the rest go on. A restore stopped after it began writing removes what it wrote in the
data directory and names what it cannot remove (a PostgreSQL database's tables, objects
in S3 under Object Lock, an Elasticsearch index) so the next attempt finds an empty place.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Literal

import msgspec
from sqlalchemy.engine import make_url

from services.backup.backup import KEY_VARIABLES, read_manifest
from services.backup.databases import check_empty, finish_databases, restore_database
from services.backup.models import (
    LATEST,
    DatabaseDump,
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
from services.backup.onto_postgres import load_sqlite_into_postgres
from services.backup.stores import BackupStore, open_backup_store
from services.backup.verify import verify_restored
from services.common.backup_record import LastBackup, record_backup
from services.common.clock import Clock
from services.common.config import Settings
from services.common.durable import write_durably
from services.common.errors import ArchiveError, ConfigError, Conflict, NotFound
from services.common.objectstore import ObjectStore, file_sha256, open_object_store
from services.search.bootstrap import open_index


async def run_restore(settings: Settings, location: str, *, clock: Clock,
                      progress: Progress | None = None,
                      before_writing: Callable[[], None] | None = None) -> RestoreReport:
    """Restore the newest generation at ``location`` into the configured, empty archive.

    ``before_writing`` is called once every check has passed, before the first write
    (``archive restore`` makes and holds the data directory then): a refused restore
    leaves the target as it was, with no data directory or bucket made."""
    use_io_threads()
    backup = open_backup_store(location, settings)
    try:
        async with backup.exclusive(existing=True):
            return await _Restore(settings, backup, clock, progress or Silent(),
                                  before_writing or _nothing).run()
    finally:
        await backup.close()


class _Restore:
    def __init__(self, settings: Settings, backup: BackupStore, clock: Clock,
                 progress: Progress, before_writing: Callable[[], None]) -> None:
        self.before_writing = before_writing
        self.written: set[Literal["databases", "objects", "index"]] = set()
        """Which places outside the data directory this restore has begun to fill."""
        self.settings = settings
        self.backup = backup
        self.clock = clock
        self.progress = progress
        self.store: ObjectStore = open_object_store(settings, clock=clock)

    async def run(self) -> RestoreReport:
        self.progress.stage("reading the backup", total=None, unit="files")
        latest, manifest = await self._manifest()
        await self._check_target(manifest)
        secrets = await self._keys(manifest.keys)
        async with AsyncExitStack() as copies:
            dumps = await self._checked_databases(manifest, copies)
            await asyncio.to_thread(self.before_writing)
            before = await asyncio.to_thread(_entries, self.settings.data_dir)
            try:
                return await self._fill(latest, manifest, secrets, dumps)
            except Exception as exc:
                left = await asyncio.to_thread(self._undo, before)
                if not isinstance(exc, ArchiveError):
                    raise
                raise type(exc)(f"{exc.detail}; {left}", code=exc.code) from exc

    async def _fill(self, latest: Latest, manifest: Manifest,
                    secrets: list[tuple[KeyFile, str]],
                    dumps: list[tuple[DatabaseDump, Path]]) -> RestoreReport:
        for key_file, secret in secrets:
            await asyncio.to_thread(write_durably, self._key_path(key_file), secret.encode())
        await self._databases(dumps)
        named = await named_originals(self.settings)
        wanted = [stored for stored in manifest.objects
                  if (sha256 := original_sha256(stored.key)) is None
                  or sha256 in named.originals]
        left_out = {original_sha256(stored.key) for stored in manifest.objects} - {
            original_sha256(stored.key) for stored in wanted}
        objects = ObjectsIn(self.store, self.backup, self.progress)
        self.written.add("objects")
        await objects.restore(wanted)
        await record_backup(self.store, LastBackup(
            generation=manifest.generation, finished_at=manifest.finished_at,
            destination=self.backup.where, objects=len(manifest.objects),
            bytes=sum(stored.size for stored in manifest.objects)))
        self.written.add("index")
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

    async def _check_target(self, manifest: Manifest) -> None:
        """Refuse anything not empty: the databases, the object store, the search index.
        Reads only: a bucket that does not exist is empty, and is not made here."""
        await check_empty(self.settings, manifest.databases)
        async for stored in self.store.keys(""):
            raise Conflict(f"the object store already holds {stored}: a restore fills an empty "
                           "one; choose another ARCHIVE_DATA_DIR or ARCHIVE_S3_BUCKET",
                           code="restore_target_not_empty")
        index = open_index(self.settings)
        try:
            held = await index.held()
        finally:
            await index.close()
        if not held:
            return
        if self.settings.elasticsearch_url:
            raise Conflict(
                f"the Elasticsearch index {self.settings.elasticsearch_index} at "
                f"ARCHIVE_ELASTICSEARCH_URL already holds {held} documents, another "
                "archive's: the restore would take it over; set ARCHIVE_ELASTICSEARCH_INDEX "
                "to a new name (or ARCHIVE_ELASTICSEARCH_URL to another cluster) for the "
                "restored archive, and keep it so when it serves",
                code="restore_target_not_empty")
        raise Conflict(f"{self.settings.data_dir / 'index'} already holds {held} documents: a "
                       "restore fills an empty data directory; choose another ARCHIVE_DATA_DIR",
                       code="restore_target_not_empty")

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

    async def _checked_databases(self, manifest: Manifest, copies: AsyncExitStack
                                 ) -> list[tuple[DatabaseDump, Path]]:
        """Every database file of the backup, local and hashed, kept until the restore
        ends: a damaged one stops the restore before it writes anything."""
        self.progress.stage("checking the database files", total=len(manifest.databases),
                            unit="files")
        checked = []
        for dump in manifest.databases:
            path = await copies.enter_async_context(self.backup.local_copy(dump.sha256))
            if await asyncio.to_thread(file_sha256, path) != dump.sha256:
                raise Conflict(f"the {dump.name} database in the backup is damaged: its "
                               "bytes no longer hash to the manifest's SHA-256; nothing was "
                               "written: restore an older backup", code="backup_damaged")
            checked.append((dump, path))
            self.progress.advance(1)
        return checked

    async def _databases(self, dumps: list[tuple[DatabaseDump, Path]]) -> None:
        self.progress.stage("restoring the databases", total=len(dumps), unit="files")
        self.written.add("databases")
        if not self.settings.embedded and all(dump.kind == "sqlite" for dump, _ in dumps):
            await load_sqlite_into_postgres(self.settings,
                                            {dump.name: path for dump, path in dumps})
            self.progress.advance(len(dumps))
            return
        for dump, path in dumps:
            await restore_database(self.settings, dump, path)
            self.progress.advance(1)
        await finish_databases(self.settings)

    def _undo(self, before: set[str]) -> str:
        """Remove what this restore wrote in the data directory (it began with none of
        it); what it says names what it could not remove, and what to do."""
        data_dir = self.settings.data_dir
        for name in sorted(_entries(data_dir) - before):
            path = data_dir / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        left = []
        if "databases" in self.written and not self.settings.embedded:
            database = make_url(self.settings.migration_url_for("registry")).database
            left.append(f"drop the database {database} and create it again, empty (it holds "
                        "what the restore loaded)")
        if "objects" in self.written and self.settings.s3_endpoint:
            left.append(f"set ARCHIVE_S3_BUCKET to a new bucket (the bucket "
                        f"{self.settings.s3_bucket} holds what the restore stored)")
        if "index" in self.written and self.settings.elasticsearch_url:
            left.append(f"delete the Elasticsearch index {self.settings.elasticsearch_index}"
                        "-v* (or set ARCHIVE_ELASTICSEARCH_INDEX to a new name)")
        said = f"the restore stopped and removed what it had written in {data_dir}"
        if not left:
            return said + "; restore again once the cause is fixed"
        return f"{said}; before restoring again, {'; '.join(left)}"


def _nothing() -> None:
    return None


def _entries(directory: Path) -> set[str]:
    """The names in ``directory`` (none if it does not exist)."""
    return set(os.listdir(directory)) if directory.is_dir() else set()
