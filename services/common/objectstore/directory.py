"""The embedded object store: files under one local directory (one machine, zero servers).

Layout under ``root``::

    data/<key>        the bytes; originals are made read-only (0444)
    meta/<key>.json   sidecar: content type, SHA-256, retain_until
    tmp/              staging on the same filesystem, so a rename publishes atomically
    .lock             flock'd while an object's metadata is read and rewritten
    changes.log       the journal: every key changed, a line each, appended under the lock
                      before the change and durable before the change returns (``changes``)

Every write is temp file + fsync + rename + fsync of the directory, so a crash leaves the
old object or the new one, never a torn one. A put holds the lock only for its renames:
the file and sidecar are written and fsynced before it, their directories fsynced after
it, and the put returns only then (so concurrent puts overlap their fsyncs, and an
acknowledged put, or one that found the object already stored, is on disk). Keys are
validated before a path is built, so no key can reach outside ``data/``. Retention is
enforced by this code only (anyone with a shell can still remove files): the store is
not write-once, and says so in its readiness check; S3 with Object Lock enforces
retention against everyone.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import stat
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

import msgspec

from services.common.clock import Clock, SystemClock
from services.common.durable import fsync_directory, replace_durably, stage
from services.common.errors import Conflict, DependencyUnavailable, NotFound
from services.common.objectstore import (
    CHUNK_BYTES,
    DEFAULT_CONTENT_TYPE,
    Changes,
    Listed,
    ObjectInfo,
    PutEitherWay,
    file_sha256,
    immutable_original,
    is_original_key,
    is_well_formed_key,
    object_locked,
    original_key,
    require_aware,
    validate_key,
    write_new_file,
)

SETTLE_NS = 2_000_000_000
"""How long before a listing a file must have last changed for its marker to be trusted:
well above the timestamp granularity of the filesystems an archive runs on (ext4, XFS,
Btrfs: a clock tick, a few ms). The filesystem's clock, not the injected one."""
COPY_CHUNK_BYTES = 1024 * 1024
"""Pieces a whole file is copied in (``put_file``, ``download``): read, hashed, written."""
JOURNAL = "changes.log"
JOURNAL_HEADER = b"archive object store changes "
"""The journal's first line: this, then the journal's own id (a new one each time it is
started again, so that a position in an older journal is never read in a newer one)."""
JOURNAL_ROTATE_BYTES = 64 * 1024 * 1024
"""A journal longer than this is started again when its end is asked for: the next
``changes`` given a position in the old one says ``None`` (its caller lists the store
once). About 800 000 changes, years of filing between two such listings."""

Fill = Callable[[BinaryIO], str]
"""Writes an object's bytes into the staging file and returns their hex SHA-256."""


class _Sidecar(msgspec.Struct, frozen=True, kw_only=True):
    content_type: str
    sha256: str
    retain_until: datetime | None = None


class DirectoryObjectStore(PutEitherWay):
    """``ObjectStore`` over a local directory; see the module docstring for the layout."""

    def __init__(
        self, root: Path, *, spool_dir: Path | None = None, clock: Clock | None = None,
        settle_ns: int = SETTLE_NS, journal_rotate_bytes: int = JOURNAL_ROTATE_BYTES,
    ) -> None:
        self._root = root
        self._journal_rotate_bytes = journal_rotate_bytes
        self._spool_dir = spool_dir or root / "spool"
        self._clock: Clock = clock or SystemClock()
        self._settle_ns = settle_ns

    @property
    def root(self) -> Path:
        return self._root

    @property
    def spool_dir(self) -> Path:
        return self._spool_dir

    async def get(self, key: str) -> AsyncIterator[bytes]:
        validate_key(key)
        with self._translated(key):
            source = await asyncio.to_thread(self._open_for_read, key)
        try:
            while True:
                with self._translated(key):
                    chunk = await asyncio.to_thread(source.read, CHUNK_BYTES)
                if not chunk:
                    return
                yield chunk
        finally:
            await asyncio.to_thread(source.close)

    async def read(self, key: str) -> bytes:
        validate_key(key)
        with self._translated(key):
            return await asyncio.to_thread(self._read, key)

    async def read_range(self, key: str, start: int, length: int) -> bytes:
        validate_key(key)
        if start < 0 or length < 0:
            raise ValueError(f"a range starts and runs at 0 or more, not {start}, {length}")
        with self._translated(key):
            return await asyncio.to_thread(self._read_range, key, start, length)

    async def download(self, key: str, path: Path) -> tuple[str, int]:
        validate_key(key)
        with self._translated(key):
            return await asyncio.to_thread(self._download, key, path)

    async def head(self, key: str) -> ObjectInfo | None:
        validate_key(key)
        with self._translated(key):
            return await asyncio.to_thread(self._head, key)

    async def delete(self, key: str) -> None:
        validate_key(key)
        with self._translated(key):
            await asyncio.to_thread(self._delete, key)

    async def presign(self, key: str, *, expires_s: int) -> str:
        """A ``file://`` URI of the stored file.

        The embedded store has no server to sign for: ``expires_s`` is not enforced and
        the URI is only meaningful to code on this machine.
        """
        if await self.head(key) is None:
            raise NotFound(f"object {key} not found")
        resolved = await asyncio.to_thread(self._data_path(key).resolve)
        return resolved.as_uri()

    async def set_retention(self, key: str, until: datetime) -> None:
        validate_key(key)
        require_aware(until)
        with self._translated(key):
            await asyncio.to_thread(self._set_retention, key, until)

    async def lock_original(self, sha256: str, until: datetime) -> bool:
        key = original_key(sha256)
        require_aware(until)
        with self._translated(key):
            return await asyncio.to_thread(self._lock_original, key, sha256, until)

    async def keys(self, prefix: str) -> AsyncIterator[str]:
        if prefix:
            validate_key(prefix.rstrip("/"))
        with self._translated(prefix):
            found = await asyncio.to_thread(self._keys, prefix)
        for key in found:
            yield key

    async def listing(self, prefix: str, *, known: Mapping[str, Listed] | None = None
                      ) -> AsyncIterator[Listed]:
        if prefix:
            validate_key(prefix.rstrip("/"))
        with self._translated(prefix):
            found = await asyncio.to_thread(self._listing, prefix, known or {})
        for listed in found:
            yield listed

    async def changes(self, since: str | None) -> Changes:
        with self._translated(JOURNAL):
            return await asyncio.to_thread(self._changes, since)

    async def write_once(self) -> bool:
        return False

    async def check(self) -> str:
        with self._translated(""):
            await asyncio.to_thread(self._check)
        return (f"directory {self._root.resolve()} (not write-once: retention is enforced "
                "by the archive only and anyone with a shell can delete files; for "
                "write-once originals use S3 with Object Lock, ARCHIVE_S3_ENDPOINT)")

    async def _put_source(
        self, key: str, source: Path | bytes, content_type: str, retain_until: datetime | None
    ) -> None:
        fill = (partial(_copy_hashing, source) if isinstance(source, Path)
                else partial(_write_hashing, source))
        with self._translated(key):
            await asyncio.to_thread(self._put_sync, key, fill, content_type, retain_until)

    def _put_sync(
        self, key: str, fill: Fill, content_type: str, retain_until: datetime | None
    ) -> None:
        staged, sha256 = self._stage(fill)
        staged_sidecar: Path | None = None
        try:
            incoming = _Sidecar(content_type=content_type, sha256=sha256, retain_until=retain_until)
            staged_sidecar, _ = self._stage(partial(_write_hashing, msgspec.json.encode(incoming)))
            if is_original_key(key):
                staged.chmod(0o444)  # D6: originals are never modified
            target, sidecar = self._data_path(key), self._sidecar_path(key)
            _make_dirs(target.parent)
            _make_dirs(sidecar.parent)
            with self._changing(key):
                if not (is_original_key(key) and self._admit_existing_original(key, incoming)):
                    os.replace(staged_sidecar, sidecar)
                    os.replace(staged, target)
            # Whoever renamed them (this put, or a concurrent one of the same original),
            # the entries are durable before this put returns.
            fsync_directory(sidecar.parent)
            fsync_directory(target.parent)
        finally:
            staged.unlink(missing_ok=True)
            if staged_sidecar is not None:
                staged_sidecar.unlink(missing_ok=True)

    def _admit_existing_original(self, key: str, incoming: _Sidecar) -> bool:
        """True if identical bytes are already stored (their retention is extended)."""
        path = self._data_path(key)
        if not path.is_file():
            return False
        current = self._sidecar_of(key, path)
        if current.sha256 != incoming.sha256:
            raise immutable_original(key)
        if incoming.retain_until is not None:
            self._extend(key, current, incoming.retain_until)
        return True

    def _set_retention(self, key: str, until: datetime) -> None:
        with self._changing(key):
            path = self._data_path(key)
            if not path.is_file():
                raise NotFound(f"object {key} not found")
            self._extend(key, self._sidecar_of(key, path), until)

    def _lock_original(self, key: str, sha256: str, until: datetime) -> bool:
        """Hashed under the lock: no put or delete of the key comes in between."""
        with self._changing(key):
            path = self._data_path(key)
            if not path.is_file():
                raise NotFound(f"object {key} not found")
            if file_sha256(path) != sha256:
                return False
            current = self._sidecar_of(key, path)
            self._extend(key, msgspec.structs.replace(current, sha256=sha256), until)
            return True

    def _extend(self, key: str, current: _Sidecar, until: datetime) -> None:
        if current.retain_until is None or until > current.retain_until:
            self._write_sidecar(key, msgspec.structs.replace(current, retain_until=until))

    def _delete(self, key: str) -> None:
        removed_from: Path | None = None
        with self._changing(key):
            path = self._data_path(key)
            sidecar = self._read_sidecar(key)
            if path.is_file():
                retain_until = sidecar.retain_until if sidecar else None
                if retain_until is not None and retain_until > self._clock.now():
                    raise object_locked(key, retain_until)
                path.unlink()
                removed_from = path.parent
            self._sidecar_path(key).unlink(missing_ok=True)
        # After the note is durable (leaving ``_changing``), as a put's renames are.
        if removed_from is not None:
            fsync_directory(removed_from)

    def _head(self, key: str) -> ObjectInfo | None:
        path = self._data_path(key)
        # One stat, not is_file() then stat(): a delete between the two (the destruction
        # executor's, while the fixity check or a reader looks) raised instead of "none".
        try:
            found = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        sidecar = self._read_sidecar(key)
        return ObjectInfo(
            size=found.st_size,
            content_type=sidecar.content_type if sidecar else DEFAULT_CONTENT_TYPE,
            sha256=sidecar.sha256 if sidecar else None,
            retain_until=sidecar.retain_until if sidecar else None,
        )

    def _read(self, key: str) -> bytes:
        with self._open_for_read(key) as source:
            return source.read()

    def _read_range(self, key: str, start: int, length: int) -> bytes:
        with self._open_for_read(key) as source:
            source.seek(start)
            return source.read(length)

    def _download(self, key: str, path: Path) -> tuple[str, int]:
        with self._open_for_read(key) as source:
            return write_new_file(path, iter(partial(source.read, COPY_CHUNK_BYTES), b""))

    def _open_for_read(self, key: str) -> BinaryIO:
        try:
            return self._data_path(key).open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
            raise NotFound(f"object {key} not found") from exc

    def _check(self) -> None:
        for part in ("data", "meta", "tmp"):
            (self._root / part).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=self._root / "tmp"):
            pass

    def _stage(self, fill: Fill) -> tuple[Path, str]:
        return stage(self._root / "tmp", fill)

    def _publish(self, staged: Path, target: Path) -> None:
        _make_dirs(target.parent)
        replace_durably(staged, target)

    def _sidecar_of(self, key: str, path: Path) -> _Sidecar:
        """The recorded sidecar, or one rebuilt from the file when none was written."""
        return self._read_sidecar(key) or _Sidecar(
            content_type=DEFAULT_CONTENT_TYPE, sha256=file_sha256(path)
        )

    def _read_sidecar(self, key: str) -> _Sidecar | None:
        try:
            raw = self._sidecar_path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return msgspec.json.decode(raw, type=_Sidecar)

    def _write_sidecar(self, key: str, sidecar: _Sidecar) -> None:
        staged, _ = self._stage(partial(_write_hashing, msgspec.json.encode(sidecar)))
        try:
            self._publish(staged, self._sidecar_path(key))
        finally:
            staged.unlink(missing_ok=True)

    def _keys(self, prefix: str) -> list[str]:
        return sorted(key for key, _ in self._walk(prefix))

    def _listing(self, prefix: str, known: Mapping[str, Listed]) -> list[Listed]:
        # Markers trusted from here on are those of files last changed before this.
        settled_ns = time.time_ns() - self._settle_ns
        meta = str(self._root / "meta")
        found = []
        for key, entry in self._walk(prefix):
            # The stat comes before the read: a sidecar replaced between the two is then
            # recorded with the older marker, and read again next time.
            marker = _marker(entry.inode(), os.path.join(meta, key + ".json"), settled_ns)
            previous = known.get(key)
            if marker is not None and previous is not None and previous.marker == marker:
                found.append(previous)
                continue
            size = entry.stat(follow_symlinks=False).st_size
            sidecar = self._read_sidecar(key)
            found.append(Listed(key=key, marker=marker, info=ObjectInfo(
                size=size,
                content_type=sidecar.content_type if sidecar else DEFAULT_CONTENT_TYPE,
                sha256=sidecar.sha256 if sidecar else None,
                retain_until=sidecar.retain_until if sidecar else None)))
        return found

    def _walk(self, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """Each stored key under ``prefix`` with its file's entry. Walks only the
        directory the prefix names (its part up to the last "/"), with ``os.scandir``: a
        backup walks every object more than once, and ``pathlib`` costs several times as
        much."""
        data = str(self._root / "data")
        pending = [prefix.rpartition("/")[0]]
        while pending:
            relative = pending.pop()
            try:
                entries = list(os.scandir(os.path.join(data, relative)))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                key = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(key)
                elif entry.is_file(follow_symlinks=False) and key.startswith(prefix):
                    yield key, entry

    def _data_path(self, key: str) -> Path:
        return self._root / "data" / validate_key(key)

    def _sidecar_path(self, key: str) -> Path:
        return self._root / "meta" / (validate_key(key) + ".json")

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Serialises metadata read-modify-write across threads and processes (flock)."""
        self._root.mkdir(parents=True, exist_ok=True)
        with (self._root / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def _changing(self, key: str) -> Iterator[None]:
        """The lock, held while ``key`` changes, with the key noted in the journal first:
        whoever reads the journal's end under the lock (``changes``) finds every change
        made before it noted there. The note is made durable once the lock is left,
        before the change's own directories are fsynced, so no change outlives a crash
        without its note (a note without its change, a refused put's, costs a look)."""
        journal = -1
        try:
            with self._exclusive():
                journal = self._open_journal()
                os.write(journal, key.encode() + b"\n")
                yield
            os.fdatasync(journal)
        finally:
            if journal >= 0:
                os.close(journal)

    def _changes(self, since: str | None) -> Changes:
        with self._exclusive():
            journal_id, end = self._journal_end()
            keys = None if since is None else self._changed_between(since, journal_id, end)
            if end > self._journal_rotate_bytes:
                journal_id, end = self._start_journal()
        return Changes(position=f"{journal_id}:{end}", keys=keys)

    def _changed_between(self, since: str, journal_id: str, end: int) -> frozenset[str] | None:
        since_id, _, offset = since.rpartition(":")
        if since_id != journal_id or not offset.isdigit() or int(offset) > end:
            return None
        with (self._root / JOURNAL).open("rb") as journal:
            journal.seek(int(offset))
            noted = journal.read(end - int(offset))
        # A line torn by a crash while it was appended is no key: left out.
        return frozenset(key for key in noted.decode(errors="replace").split()
                         if is_well_formed_key(key))

    def _journal_end(self) -> tuple[str, int]:
        """The journal's id and length, started if there is none (under the lock)."""
        try:
            with (self._root / JOURNAL).open("rb") as journal:
                header = journal.readline()
                end = os.fstat(journal.fileno()).st_size
        except FileNotFoundError:
            return self._start_journal()
        if not header.startswith(JOURNAL_HEADER) or not header.endswith(b"\n"):
            return self._start_journal()  # torn by a crash while it was started
        return header.removeprefix(JOURNAL_HEADER).strip().decode(), end

    def _start_journal(self) -> tuple[str, int]:
        """A new, empty journal with a new id in place of the old one (under the lock)."""
        journal_id = uuid.uuid4().hex
        header = JOURNAL_HEADER + journal_id.encode() + b"\n"
        self._root.mkdir(parents=True, exist_ok=True)
        staged, _ = self._stage(partial(_write_hashing, header))
        os.replace(staged, self._root / JOURNAL)
        fsync_directory(self._root)
        return journal_id, len(header)

    def _open_journal(self) -> int:
        """The journal open for appending (under the lock), started if there is none."""
        try:
            return os.open(self._root / JOURNAL, os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:
            self._start_journal()
            return os.open(self._root / JOURNAL, os.O_WRONLY | os.O_APPEND)

    @contextmanager
    def _translated(self, key: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            if self._is_key_collision(exc):
                raise Conflict(
                    f"object key {key} collides with another key's path ({exc.filename})",
                    code="key_collision",
                ) from exc
            raise DependencyUnavailable(
                f"object directory {self._root}: {exc.strerror or exc}; check that it exists, "
                "is writable and has free space"
            ) from exc


    def _is_key_collision(self, exc: OSError) -> bool:
        """``a`` and ``a/b`` cannot both be files; S3 allows it, a filesystem does not."""
        if not isinstance(exc, NotADirectoryError | FileExistsError) or not exc.filename:
            return False
        path = Path(exc.filename)
        trees = (self._root / "data", self._root / "meta")
        return any(path != tree and path.is_relative_to(tree) for tree in trees)


def _marker(inode: int, sidecar_path: str, settled_ns: int) -> str | None:
    """The object's change marker: its file's inode (which the directory entry gives
    without a stat) and its sidecar's inode, change time and size. Every put writes both
    and every retention change the sidecar, each a new file renamed into place (a new
    inode, a new ctime, which nobody can set back), so a change shows in the marker,
    unless it fell in the same clock tick as the marker was taken: a sidecar changed less
    than ``SETTLE_NS`` before the listing began gives none (it is read next time too), as
    git does for files as new as its index. A put renames the sidecar first: one listed
    between the two renames has the old file's inode, which the next listing sees move."""
    try:
        sidecar = os.stat(sidecar_path)
    except (FileNotFoundError, NotADirectoryError):
        return None  # no sidecar: nothing to skip reading
    if sidecar.st_ctime_ns >= settled_ns:
        return None
    return f"{inode}.{sidecar.st_ino}.{sidecar.st_ctime_ns}.{sidecar.st_size}"


def _copy_hashing(path: Path, out: BinaryIO) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(COPY_CHUNK_BYTES):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _write_hashing(data: bytes, out: BinaryIO) -> str:
    out.write(data)
    return hashlib.sha256(data).hexdigest()


def _make_dirs(directory: Path) -> None:
    """``mkdir -p`` that also fsyncs each new directory's parent, so the entry survives."""
    missing: list[Path] = []
    while not directory.is_dir():
        missing.append(directory)
        directory = directory.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
        fsync_directory(created.parent)
