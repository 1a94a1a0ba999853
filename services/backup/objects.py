"""Objects of the archive's store, copied into a backup and back, each checked by SHA-256.

Out (``ObjectsOut``): each object's recorded SHA-256 (an original's is its key) says
whether the backup holds its bytes already; only those it lacks are read, hashed as they
are copied, and stored as blobs. An object that disappears before it is read is
*vanished* (the caller starts its pass again); one whose bytes do not hash to what was
recorded is *altered*, copied as it is and reported. In (``ObjectsIn``): each blob is
hashed again before it is stored under its key with its content type and retention.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import msgspec

from services.backup.models import Progress, StoredObject
from services.backup.stores import BackupStore
from services.common.errors import NotFound
from services.common.objectstore import (
    ORIGINALS_PREFIX,
    Listed,
    ObjectInfo,
    ObjectStore,
    file_sha256,
)

CONTENT_PREFIXES = (ORIGINALS_PREFIX, "derived/")
"""Objects the databases point to (copied after the snapshots); every other prefix points
into the databases (copied before them)."""
CONCURRENT = 16
"""Objects copied at once: most of an object's time is waiting, for a store's round
trip or for a fsync (concurrent fsyncs share the filesystem's journal commits), so
copies overlap; measured in ``bench/backup.py``."""
READS = 3
"""How often an object whose bytes do not hash to what the store recorded is read before
it is reported *altered* (a rewrite in the middle of a read is not an alteration)."""
IO_THREADS = 2 * CONCURRENT
"""Threads for a run's blocking file work (``use_io_threads``); asyncio's default pool
has only the cores + 4, which capped the copies at about 6 at once, however many ran."""

T = TypeVar("T")


def use_io_threads() -> None:
    """Give the running loop a default thread pool wide enough for ``CONCURRENT`` copies,
    each of which may wait on a file's fsync and the store's (``asyncio.to_thread``). The
    loop keeps it; ``asyncio.run`` shuts it down with the loop."""
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(IO_THREADS, thread_name_prefix="backup-io"))


def is_content(key: str) -> bool:
    return key.startswith(CONTENT_PREFIXES)


def original_sha256(key: str) -> str | None:
    """The SHA-256 an object belongs to: an original's own, a derived file's original's."""
    if key.startswith(ORIGINALS_PREFIX):
        return key.removeprefix(ORIGINALS_PREFIX)
    if key.startswith("derived/"):
        return key.split("/", 2)[1]
    return None


async def bounded(items: Iterable[T], work: Callable[[T], Awaitable[None]], *,
                  limit: int = CONCURRENT) -> None:
    """``work`` on every item, at most ``limit`` at once."""
    slots = asyncio.Semaphore(limit)

    async def one(item: T) -> None:
        async with slots:
            await work(item)

    await asyncio.gather(*(one(item) for item in items))


class ObjectsOut:
    """Copies objects into a backup; what it stored accumulates across calls."""

    def __init__(self, store: ObjectStore, backup: BackupStore, present: set[str],
                 progress: Progress) -> None:
        self.store = store
        self.backup = backup
        self.present = present
        """SHA-256 of the blobs the backup holds (updated as blobs are added)."""
        self.progress = progress
        self.entries: dict[str, StoredObject] = {}
        self.vanished: set[str] = set()
        self.altered: set[str] = set()
        self.objects_copied = 0
        self.bytes_copied = 0

    async def describe(self, keys: list[str], *, what: str) -> dict[str, Listed]:
        """What ``head`` says of each key; a key gone meanwhile is *vanished*."""
        infos: dict[str, Listed] = {}

        async def look(key: str) -> None:
            info = await self.store.head(key)
            if info is None:
                self.vanished.add(key)
            else:
                infos[key] = Listed(key=key, info=info)
            self.progress.advance(1)

        self.progress.stage(f"checking {what}", total=len(keys), unit="files")
        await bounded(keys, look, limit=CONCURRENT * 4)
        return infos

    def carry(self, objects: Iterable[StoredObject]) -> None:
        """Record objects as an earlier generation did (unchanged since; their bytes are
        in the backup)."""
        for stored in objects:
            self.entries[stored.key] = stored

    async def copy(self, listed: dict[str, Listed], *, what: str) -> None:
        """Record each object; copy those whose bytes the backup does not hold yet."""
        missing = []
        for key, found in listed.items():
            expected = _expected(key, found.info)
            if expected is not None and expected in self.present:
                self._record(found, expected)
            else:
                missing.append(key)
        self.progress.stage(f"copying {what}",
                            total=sum(listed[key].info.size for key in missing), unit="bytes")
        await bounded(sorted(missing), lambda key: self._copy(listed[key]))

    async def _copy(self, found: Listed) -> None:
        key = found.key
        path = self.backup.staging_dir / f"{uuid.uuid4().hex}.part"
        try:
            read = await self._read_as_recorded(found, path)
        except BaseException:
            await asyncio.to_thread(path.unlink, missing_ok=True)
            raise
        if read is None:
            self.vanished.add(key)
            await asyncio.to_thread(path.unlink, missing_ok=True)
            return
        found, sha256, size = read
        if sha256 in self.present:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        else:
            # Claimed before the await: a twin (same bytes under another key) downloaded
            # meanwhile is then dropped instead of adopted a second time.
            self.present.add(sha256)
            try:
                await self.backup.adopt(sha256, path)
            except BaseException:
                self.present.discard(sha256)
                raise
            self.objects_copied += 1
            self.bytes_copied += size
        self._record(msgspec.structs.replace(
            found, info=msgspec.structs.replace(found.info, size=size)), sha256)

    async def _read_as_recorded(self, found: Listed, path: Path
                                ) -> tuple[Listed, str, int] | None:
        """The object's bytes downloaded into ``path``: the object as last described, their
        SHA-256 and size; None if it is gone. Bytes that do not hash to what the store
        recorded are read again as the store describes the object now: an object rewritten
        meanwhile (the retention follower's cursor, ``state/``, is rewritten as it goes;
        its recorded hash and its bytes are replaced one after the other) is copied as it
        now is; bytes that still differ after ``READS`` reads are *altered*."""
        for read in range(1, READS + 1):
            try:
                sha256, size = await self._download(found.key, path)
            except NotFound:
                return None
            expected = _expected(found.key, found.info)
            if expected is None or sha256 == expected:
                return found, sha256, size
            if read == READS:
                break
            info = await self.store.head(found.key)
            if info is None:
                return None
            found = msgspec.structs.replace(found, info=info)
            await asyncio.to_thread(path.unlink)
        self.altered.add(found.key)
        return found, sha256, size

    async def _download(self, key: str, path: Path) -> tuple[str, int]:
        sha256, size = await self.store.download(key, path)
        self.progress.advance(size)
        return sha256, size

    def _record(self, found: Listed, sha256: str) -> None:
        self.entries[found.key] = StoredObject(
            key=found.key, sha256=sha256, size=found.info.size,
            content_type=found.info.content_type, retain_until=found.info.retain_until,
            marker=found.marker)


class ObjectsIn:
    """Restores objects from a backup into the archive's (empty) store."""

    def __init__(self, store: ObjectStore, backup: BackupStore, progress: Progress) -> None:
        self.store = store
        self.backup = backup
        self.progress = progress
        self.damaged: list[str] = []
        self.restored = 0
        self.bytes = 0

    async def restore(self, objects: list[StoredObject]) -> None:
        self.progress.stage("restoring objects", total=sum(o.size for o in objects),
                            unit="bytes")
        await bounded(objects, self._restore)

    async def _restore(self, stored: StoredObject) -> None:
        try:
            async with self.backup.local_copy(stored.sha256) as path:
                if await asyncio.to_thread(file_sha256, path) != stored.sha256:
                    self.damaged.append(stored.key)
                    return
                await self.store.put_file(stored.key, path, content_type=stored.content_type,
                                          retain_until=stored.retain_until)
        except NotFound:
            self.damaged.append(stored.key)
            return
        finally:
            self.progress.advance(stored.size)
        self.restored += 1
        self.bytes += stored.size


def _expected(key: str, info: ObjectInfo) -> str | None:
    """The SHA-256 the object's bytes should have: an original's key says it."""
    if key.startswith(ORIGINALS_PREFIX):
        return key.removeprefix(ORIGINALS_PREFIX)
    return info.sha256
