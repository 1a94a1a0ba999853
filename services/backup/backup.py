"""``archive backup DEST``: a new generation of the archive's backup, while it serves
(the order of its steps, and why, is in the package docstring)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path

import msgspec

from services.backup.databases import Snapshot, snapshot_databases
from services.backup.models import (
    FORMAT,
    LATEST,
    BackupReport,
    DatabaseDump,
    KeyFile,
    KeyName,
    Latest,
    Manifest,
    Progress,
    Silent,
    key_check,
    manifest_name,
)
from services.backup.objects import ObjectsOut, is_content, use_io_threads
from services.backup.stores import BackupStore, open_backup_store
from services.common.backup_record import LastBackup, record_backup
from services.common.clock import Clock
from services.common.config import Settings
from services.common.durable import write_durably
from services.common.errors import Conflict, NotFound
from services.common.objectstore import Listed, ObjectStore, file_sha256, open_object_store

Pass = tuple[list[DatabaseDump], set[str], set[str]]
"""A pass's database snapshots, the keys of the objects it found, and those it lost
(deleted while it ran, perhaps named by the snapshots: the pass is taken again)."""
MAX_PASSES = 3
"""Passes taken again when objects disappear while they are copied, before giving up."""
KEY_VARIABLES: dict[KeyName, str] = {"audit_key": "ARCHIVE_AUDIT_KEY",
                                     "secret_key": "ARCHIVE_SECRET_KEY"}


async def run_backup(settings: Settings, location: str, *, clock: Clock,
                     progress: Progress | None = None) -> BackupReport:
    """Back the archive up into ``location`` (a directory or ``s3://bucket/prefix``)."""
    use_io_threads()
    store = open_object_store(settings, clock=clock)
    backup = open_backup_store(location, settings)
    try:
        async with backup.exclusive():
            return await _Backup(settings, store, backup, clock, progress or Silent()).run()
    finally:
        await backup.close()


class _Backup:
    def __init__(self, settings: Settings, store: ObjectStore, backup: BackupStore,
                 clock: Clock, progress: Progress) -> None:
        self.settings = settings
        self.store = store
        self.backup = backup
        self.clock = clock
        self.progress = progress

    async def run(self) -> BackupReport:
        started = self.clock.now()
        generation = f"{started:%Y%m%dt%H%M%Sz}-{uuid.uuid4().hex[:6]}"
        self.progress.stage(f"reading the backup at {self.backup.where}", total=None,
                            unit="files")
        previous = await _latest(self.backup)
        older = None if previous is None else await read_manifest(self.backup, previous)
        present = await self.backup.blobs()
        keys = [await self._key_file(name, present) for name in KEY_VARIABLES]
        out = ObjectsOut(self.store, self.backup, present, self.progress)
        for attempt in range(1, MAX_PASSES + 1):
            out.vanished.clear()
            journal = await self.store.changes(None if older is None else older.journal)
            passed = None
            if older is not None and journal is not None and journal.keys is not None:
                passed = await self._pass_from_journal(out, older, journal.keys,
                                                       journal.position)
            if passed is None:
                passed = await self._pass_by_listing(out, older)
            dumps, listed, lost = passed
            if not lost:
                break
            if attempt == MAX_PASSES:
                raise Conflict(f"{len(lost)} objects disappeared while they were copied, "
                               f"{MAX_PASSES} times over (e.g. {min(lost)}); run the backup "
                               "again once no destruction is being carried out",
                               code="objects_disappearing")
            self.progress.note(f"{len(lost)} objects were deleted while they were copied "
                               "(a destruction?); taking the snapshot again")
        manifest = Manifest(
            format=FORMAT, generation=generation, started_at=started,
            finished_at=self.clock.now(), databases=dumps,
            objects=[out.entries[key] for key in sorted(listed) if key in out.entries],
            keys=keys, altered=sorted(out.altered & listed),
            journal=None if journal is None else journal.position)
        pruned = await self._publish(manifest, previous, older, present)
        report = BackupReport(
            generation=generation, destination=self.backup.where,
            finished_at=manifest.finished_at, objects=len(manifest.objects),
            objects_copied=out.objects_copied,
            bytes_total=sum(stored.size for stored in manifest.objects),
            bytes_copied=out.bytes_copied, databases=len(dumps),
            database_bytes=sum(dump.size for dump in dumps), passes=attempt,
            keys_carried=[key.name for key in keys if key.sha256 is not None],
            keys_left_out=[key.name for key in keys if key.sha256 is None],
            altered=manifest.altered, generations_pruned=pruned[0], blobs_pruned=pruned[1])
        await record_backup(self.store, LastBackup(
            generation=generation, finished_at=report.finished_at,
            destination=report.destination, objects=report.objects,
            bytes=report.bytes_total))
        return report

    async def _pass_by_listing(self, out: ObjectsOut, older: Manifest | None) -> Pass:
        """One pass over the whole store: what is there before the snapshots, then one
        listing after them (each object's metadata read again only where its marker
        moved since ``older``)."""
        before = await _listing(self.store)
        pointers = [key for key in before if not is_content(key)]
        await out.copy(await out.describe(pointers, what="anchors and state"),
                       what="anchors and state")
        dumps = await self._snapshot(out.present)
        # One pass over the store, after the snapshots, finds every object they name
        # (each was stored before a database named it) and says what it is (no HEAD
        # of each; no metadata read again where the previous generation's marker
        # still holds). Objects filed later are extra, and need no second pass.
        self.progress.stage("listing stored files", total=None, unit="files")
        found = {listed.key: listed async for listed in self.store.listing(
            "", known=_known(older)) if is_content(listed.key)}
        await out.copy(found, what="stored files")
        lost = {key for key in set(found) | {k for k in before if is_content(k)}
                if key not in out.entries or key in out.vanished}
        return dumps, set(pointers) | set(found), lost

    async def _pass_from_journal(self, out: ObjectsOut, older: Manifest,
                                 changed: frozenset[str], position: str) -> Pass | None:
        """One pass that looks only at the objects the store's journal says ``changed``
        since ``older`` was taken, up to ``position``; every other object is as ``older``
        recorded it, its bytes in the backup already. ``None`` if the journal was started
        again meanwhile."""
        reread = changed | set(older.altered) | {
            stored.key for stored in older.objects if stored.sha256 not in out.present}
        pointers = await out.describe(
            sorted(key for key in reread if not is_content(key)), what="anchors and state")
        await out.copy(pointers, what="anchors and state")
        dumps = await self._snapshot(out.present)
        during = await self.store.changes(position)
        if during is None or during.keys is None:
            return None
        # What changed while the snapshots were taken is looked at too: an object deleted
        # then (a destruction) may be named by them, and the pass is taken again.
        looked_at = sorted(key for key in reread | during.keys if is_content(key))
        found = await out.describe(looked_at, what="changed files")
        await out.copy(found, what="stored files")
        carried = [stored for stored in older.objects if stored.key not in reread
                   and not (is_content(stored.key) and stored.key in during.keys)]
        out.carry(carried)
        lost = ({key for key in during.keys if is_content(key) and key not in found}
                | (set(found) & out.vanished))
        return dumps, {stored.key for stored in carried} | set(pointers) | set(found), lost

    async def _snapshot(self, present: set[str]) -> list[DatabaseDump]:
        self.progress.stage("snapshotting the databases", total=None, unit="files")

        async def keep(snapshot: Snapshot) -> DatabaseDump:
            sha256 = await asyncio.to_thread(file_sha256, snapshot.path)
            size = (await asyncio.to_thread(snapshot.path.stat)).st_size
            await self._keep(sha256, snapshot.path, present)
            self.progress.advance(1)
            return DatabaseDump(name=snapshot.name, kind=snapshot.kind,
                                services=snapshot.services, sha256=sha256, size=size)

        snapshots = await snapshot_databases(self.settings, self.backup.staging_dir)
        return list(await asyncio.gather(*(keep(snapshot) for snapshot in snapshots)))

    async def _key_file(self, name: KeyName, present: set[str]) -> KeyFile:
        """The key's check, and the key itself when it is kept in the data directory
        (where the backup carries it); a key from the environment is left out."""
        configured = (self.settings.audit_key if name == "audit_key"
                      else self.settings.secret_key)
        if configured is not None:
            self.progress.note(f"{KEY_VARIABLES[name]} is set, so this backup does not carry "
                               "it: keep a copy apart from the backups and set it again to "
                               "restore" + (" (without it the audit log cannot be verified)"
                                            if name == "audit_key" else ""))
            return KeyFile(name=name, check=key_check(configured.encode()))
        path = (self.settings.audit_key_file if name == "audit_key"
                else self.settings.secret_key_file)
        try:
            secret = (await asyncio.to_thread(path.read_text)).strip()
        except FileNotFoundError as exc:
            raise NotFound(f"no {name} in {self.settings.data_dir}: start the archive once "
                           f"(it makes one), or set {KEY_VARIABLES[name]}",
                           code="no_key") from exc
        sha256 = _sha256(secret.encode())
        if sha256 not in present:  # the same key as last time is not written again
            staged = self.backup.staging_dir / f"{name}.part"
            await asyncio.to_thread(write_durably, staged, secret.encode())
            await self._keep(sha256, staged, present)
        return KeyFile(name=name, check=key_check(secret.encode()), sha256=sha256,
                       size=len(secret.encode()))

    async def _keep(self, sha256: str, path: Path, present: set[str]) -> None:
        """Adopt the staged file as its blob, unless the backup holds those bytes."""
        if sha256 in present:
            await asyncio.to_thread(path.unlink, missing_ok=True)
            return
        await self.backup.adopt(sha256, path)
        present.add(sha256)

    async def _publish(self, manifest: Manifest, previous: Latest | None,
                       older: Manifest | None, present: set[str]) -> tuple[int, int]:
        """Write the manifest, switch ``latest.json`` to it, then drop what neither it nor
        the generation before names. Returns (generations, blobs) dropped."""
        self.progress.stage("completing the generation", total=None, unit="files")
        encoded = msgspec.json.encode(manifest)
        # The manifest may land before its blobs are durable (nothing reads it until
        # latest.json names it), so their fsyncs overlap.
        await asyncio.gather(self.backup.sync(), self.backup.write_document(
            manifest_name(manifest.generation), encoded))
        await self.backup.write_document(LATEST, msgspec.json.encode(Latest(
            generation=manifest.generation,
            manifest_sha256=_sha256(encoded), finished_at=manifest.finished_at)))
        kept = {manifest_name(manifest.generation)}
        named = manifest.blobs()
        if previous is not None:
            kept.add(manifest_name(previous.generation))
        if older is not None:
            named |= older.blobs()
        stale = [name for name in await self.backup.documents("generations/")
                 if name not in kept]
        for name in stale:
            await self.backup.delete_document(name)
        # What the backup held when this run began and what it added: not listed again
        # (one run at a time holds a backup).
        unnamed = present - named
        for sha256 in unnamed:
            await self.backup.delete_blob(sha256)
        return len(stale), len(unnamed)


def _known(older: Manifest | None) -> dict[str, Listed]:
    """The previous generation's objects with their markers, for the listing to reuse;
    not those whose bytes did not match their record (they are read again each time)."""
    if older is None:
        return {}
    altered = set(older.altered)
    return {stored.key: stored.as_listed() for stored in older.objects
            if stored.marker is not None and stored.key not in altered}


async def _listing(store: ObjectStore) -> list[str]:
    return [key async for key in store.keys("")]


async def _latest(backup: BackupStore) -> Latest | None:
    raw = await backup.read_document(LATEST)
    return None if raw is None else msgspec.json.decode(raw, type=Latest)


async def read_manifest(backup: BackupStore, latest: Latest) -> Manifest | None:
    """The generation ``latest`` names, or ``None`` if its manifest is gone or does not
    hash to what ``latest`` recorded; ``Conflict`` if it is in a format this release
    does not read."""
    raw = await backup.read_document(manifest_name(latest.generation))
    if raw is None or _sha256(raw) != latest.manifest_sha256:
        return None
    written_in = msgspec.json.decode(raw, type=_Format).format
    if written_in != FORMAT:
        raise Conflict(f"the backup at {backup.where} is in format {written_in}; this release "
                       f"of archive reads format {FORMAT} only: use the release that made it "
                       "(and back up this archive to another place)",
                       code="backup_format_unknown")
    return msgspec.json.decode(raw, type=Manifest)


class _Format(msgspec.Struct):
    """A manifest's format alone: read before the rest, which another format may lay out
    otherwise."""

    format: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


