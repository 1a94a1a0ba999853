"""Where a backup lives: a directory, or an S3 bucket (``s3://bucket/prefix``).

Both hold the same layout::

    blobs/<sha256>              every file of every generation, once, by its SHA-256
                                (the directory splits them as blobs/<first two>/<sha256>)
    generations/<generation>.json   a complete generation's manifest
    latest.json                 names the newest complete generation

A blob is published whole or not at all (the directory: written to ``tmp/``, fsynced,
renamed; S3: a PUT), so a blob that is there is complete and a later run reuses it.
``s3://`` locations use ``ARCHIVE_BACKUP_S3_ENDPOINT``, ``…_ACCESS_KEY`` and
``…_SECRET_KEY``, or, unset, the archive's own ``ARCHIVE_S3_*``: keep backups on another
server than the archive where you can.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from services.common.config import Settings
from services.common.durable import fsync_directory
from services.common.errors import (
    ConfigError,
    Conflict,
    DependencyUnavailable,
    NotFound,
    ValidationFailed,
)
from services.common.models import SHA256_PATTERN
from services.common.objectstore import validate_key

if TYPE_CHECKING:
    from services.common.objectstore.s3 import S3Variables

BLOBS = "blobs/"
_SHA256 = re.compile(SHA256_PATTERN)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class BackupStore(Protocol):
    """The destination of ``archive backup`` and the source of ``archive restore``."""

    @property
    def where(self) -> str:
        """How to name this place to a person (no credentials)."""
        ...

    @property
    def staging_dir(self) -> Path:
        """A local directory for files on their way in (``adopt``) or out (``local_copy``)."""
        ...

    def exclusive(self, *, existing: bool = False) -> AbstractAsyncContextManager[None]:
        """Held for a whole run: ``Conflict`` (``backup_running``) if another run holds it
        (a directory; S3 has no lock: run one backup at a time per location). A backup
        makes a directory that is not there yet; a restore (``existing``) reads one, and
        is answered ``no_backup`` without making it."""
        ...

    async def blobs(self) -> set[str]:
        """The SHA-256 of every blob stored."""
        ...

    async def adopt(self, sha256: str, path: Path) -> None:
        """Store the file at ``path`` (in ``staging_dir``, fsynced, hashing to ``sha256``)
        as that blob, consuming it. Idempotent."""
        ...

    def local_copy(self, sha256: str) -> AbstractAsyncContextManager[Path]:
        """A local file holding the blob, while in the block; ``NotFound`` if missing."""
        ...

    async def delete_blob(self, sha256: str) -> None:
        ...

    async def sync(self) -> None:
        """Make every blob adopted so far durable (before a manifest names them)."""
        ...

    async def write_document(self, name: str, data: bytes) -> None:
        """Replace the small file ``name`` atomically and durably."""
        ...

    async def read_document(self, name: str) -> bytes | None:
        ...

    async def documents(self, prefix: str) -> list[str]:
        """Names of the small files under ``prefix``."""
        ...

    async def delete_document(self, name: str) -> None:
        ...

    async def close(self) -> None:
        ...


def open_backup_store(location: str, settings: Settings) -> BackupStore:
    """``s3://bucket[/prefix]`` or a directory path."""
    if location.startswith("s3://"):
        return _s3_store(location, settings)
    if "://" in location:
        raise ConfigError(f"{location}: a backup goes to a directory or to s3://bucket/prefix")
    return DirectoryBackup(Path(location))


class DirectoryBackup:
    """A backup in a local (or mounted) directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._dirty: set[Path] = set()

    @property
    def where(self) -> str:
        return f"directory {self.root.resolve()}"

    @property
    def staging_dir(self) -> Path:
        return self.root / "tmp"

    @asynccontextmanager
    async def exclusive(self, *, existing: bool = False) -> AsyncIterator[None]:
        if existing and not await asyncio.to_thread(self.root.is_dir):
            raise NotFound(f"no backup at {self.where} (no such directory)", code="no_backup")
        await asyncio.to_thread(self._make_root)
        lock = await asyncio.to_thread((self.root / ".lock").open, "a")
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise Conflict(f"another backup or restore is using {self.root}; wait for "
                               "it to finish", code="backup_running") from exc
            # What a killed run left half-written; its whole blobs are kept for reuse.
            await asyncio.to_thread(shutil.rmtree, self.staging_dir, True)
            await asyncio.to_thread(self.staging_dir.mkdir, parents=True, exist_ok=True)
            yield
        finally:
            lock.close()

    async def blobs(self) -> set[str]:
        return await asyncio.to_thread(self._blobs)

    async def adopt(self, sha256: str, path: Path) -> None:
        target = self._blob_path(sha256)
        with self._translated():
            await asyncio.to_thread(_move_into, path, target)
        self._dirty.add(target.parent)

    @asynccontextmanager
    async def local_copy(self, sha256: str) -> AsyncIterator[Path]:
        path = self._blob_path(sha256)
        if not await asyncio.to_thread(path.is_file):
            raise NotFound(f"blob {sha256} is missing from the backup at {self.root}",
                           code="backup_blob_missing")
        yield path

    async def delete_blob(self, sha256: str) -> None:
        with self._translated():
            await asyncio.to_thread(self._blob_path(sha256).unlink, missing_ok=True)

    async def sync(self) -> None:
        dirty, self._dirty = self._dirty, set()
        # At once, not one after the other: concurrent fsyncs share the filesystem's
        # journal commits (one a new blob's directory each, for a small backup).
        with self._translated():
            await asyncio.gather(*(asyncio.to_thread(fsync_directory, directory)
                                   for directory in [*sorted(dirty), self.root / "blobs"]
                                   if directory.is_dir()))

    async def write_document(self, name: str, data: bytes) -> None:
        target = self.root / validate_key(name)
        with self._translated():
            await asyncio.to_thread(self._write_document, target, data)

    async def read_document(self, name: str) -> bytes | None:
        path = self.root / validate_key(name)
        with self._translated():
            try:
                return await asyncio.to_thread(path.read_bytes)
            except FileNotFoundError:
                return None

    async def documents(self, prefix: str) -> list[str]:
        directory = self.root / validate_key(prefix.rstrip("/"))
        with self._translated():
            names = await asyncio.to_thread(_names, directory)
        return sorted(prefix + name for name in names)

    async def delete_document(self, name: str) -> None:
        with self._translated():
            await asyncio.to_thread((self.root / validate_key(name)).unlink, missing_ok=True)

    async def close(self) -> None:
        return None

    def _make_root(self) -> None:
        with self._translated():
            self.root.mkdir(parents=True, exist_ok=True)

    def _blobs(self) -> set[str]:
        found: set[str] = set()
        blobs = self.root / "blobs"
        if not blobs.is_dir():
            return found
        with self._translated():
            for group in os.scandir(blobs):
                if group.is_dir():
                    found.update(entry.name for entry in os.scandir(group.path)
                                 if _SHA256.fullmatch(entry.name))
        return found

    def _blob_path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / "blobs" / sha256[:2] / sha256

    def _write_document(self, target: Path, data: bytes) -> None:
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        staged = self.staging_dir / f"{uuid.uuid4().hex}.part"
        with staged.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        _move_into(staged, target)
        fsync_directory(target.parent)

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise DependencyUnavailable(
                f"backup directory {self.root}: {exc.strerror or exc}; check that it is "
                "mounted, writable and has free space", code="backup_unavailable") from exc


def _move_into(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)


def _names(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return [entry.name for entry in os.scandir(directory) if entry.is_file()]


def _s3_store(location: str, settings: Settings) -> S3Backup:
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    if not _BUCKET.fullmatch(bucket):
        raise ConfigError(f"{location}: {bucket!r} is not an S3 bucket name (3 to 63 "
                          "lowercase letters, digits, dots and hyphens)")
    if prefix:
        try:
            validate_key(prefix)
        except ValidationFailed as exc:
            raise ConfigError(f"{location}: the prefix may hold lowercase letters, digits "
                              "and / _ . - only") from exc
    endpoint = settings.backup_s3_endpoint or settings.s3_endpoint
    access_key = settings.backup_s3_access_key or settings.s3_access_key
    secret_key = settings.backup_s3_secret_key or settings.s3_secret_key
    if not endpoint or not access_key or not secret_key:
        raise ConfigError(f"{location}: set ARCHIVE_BACKUP_S3_ENDPOINT, "
                          "ARCHIVE_BACKUP_S3_ACCESS_KEY and ARCHIVE_BACKUP_S3_SECRET_KEY (or "
                          "the archive's own ARCHIVE_S3_*) to reach the bucket")
    from services.common.objectstore.s3 import S3Variables

    variables = S3Variables(**{
        name: f"ARCHIVE_{'BACKUP_' if backup_setting else ''}S3_{name.upper()}"
        for name, backup_setting in (("endpoint", settings.backup_s3_endpoint),
                                     ("access_key", settings.backup_s3_access_key),
                                     ("secret_key", settings.backup_s3_secret_key))})
    return S3Backup(endpoint=endpoint, access_key=access_key, secret_key=secret_key,
                    bucket=bucket, prefix=f"{prefix}/" if prefix else "",
                    region=settings.s3_region, variables=variables)


class S3Backup:
    """A backup in an S3 bucket, under a prefix. The bucket is made if missing."""

    def __init__(self, *, endpoint: str, access_key: str, secret_key: str, bucket: str,
                 prefix: str, region: str, variables: S3Variables) -> None:
        from services.common.objectstore.s3 import S3ObjectStore

        self.location = f"s3://{bucket}/{prefix}".rstrip("/")
        self.endpoint = endpoint
        self.prefix = prefix
        self._staging = Path(tempfile.mkdtemp(prefix="archive-backup-"))
        self.store = S3ObjectStore(endpoint=endpoint, access_key=access_key,
                                   secret_key=secret_key, bucket=bucket, region=region,
                                   spool_dir=self._staging, variables=variables)

    @property
    def where(self) -> str:
        return f"{self.location} at {self.endpoint}"

    @property
    def staging_dir(self) -> Path:
        return self._staging

    @asynccontextmanager
    async def exclusive(self, *, existing: bool = False) -> AsyncIterator[None]:
        yield  # reading a bucket that does not exist makes none: no_backup

    async def blobs(self) -> set[str]:
        start = len(self.prefix + BLOBS)
        return {key[start:] async for key in self.store.keys(self.prefix + BLOBS)
                if _SHA256.fullmatch(key[start:])}

    async def adopt(self, sha256: str, path: Path) -> None:
        try:
            await self.store.put_file(self._blob_key(sha256), path)
        finally:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    @asynccontextmanager
    async def local_copy(self, sha256: str) -> AsyncIterator[Path]:
        path = self._staging / f"{uuid.uuid4().hex}.blob"
        try:
            out = await asyncio.to_thread(path.open, "wb")
            try:
                async for chunk in self.store.get(self._blob_key(sha256)):
                    await asyncio.to_thread(out.write, chunk)
            except NotFound as exc:
                raise NotFound(f"blob {sha256} is missing from the backup at "
                               f"{self.location}", code="backup_blob_missing") from exc
            finally:
                await asyncio.to_thread(out.close)
            yield path
        finally:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    async def delete_blob(self, sha256: str) -> None:
        await self.store.delete(self._blob_key(sha256))

    async def sync(self) -> None:
        return None  # a PUT is durable once it is answered

    async def write_document(self, name: str, data: bytes) -> None:
        await self.store.put_bytes(self.prefix + validate_key(name), data,
                                   content_type="application/json")

    async def read_document(self, name: str) -> bytes | None:
        try:
            return await self.store.read(self.prefix + validate_key(name))
        except NotFound:
            return None

    async def documents(self, prefix: str) -> list[str]:
        start = len(self.prefix)
        return sorted([key[start:] async for key in self.store.keys(self.prefix + prefix)])

    async def delete_document(self, name: str) -> None:
        await self.store.delete(self.prefix + validate_key(name))

    async def close(self) -> None:
        await asyncio.to_thread(shutil.rmtree, self._staging, True)

    def _blob_key(self, sha256: str) -> str:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.prefix + BLOBS + sha256
