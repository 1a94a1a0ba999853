"""The object store: originals and derived artifacts, keyed only by server-made values.

Two implementations pass one contract suite (``tests/contract/common/test_object_store.py``):

    DirectoryObjectStore  (``directory.py``)  embedded: files under ``<data_dir>/objects``
    S3ObjectStore         (``s3.py``)         scale-out: MinIO / any S3, with Object Lock

The contract, shared by both:

- Keys match ``^[a-z0-9][a-z0-9/_.-]*$`` with no empty, ``.`` or ``..`` segment; anything
  else is refused with ``ValidationFailed`` (code ``invalid_object_key``) before any I/O.
  Keys are built from server-made values (a SHA-256, a page number), never from a filename.
- D6: keys under ``originals/`` are write-once. A second put of identical bytes is a no-op
  (it only extends retention); different bytes are refused with ``Conflict``
  (code ``immutable_original``). Other keys (derived artifacts) may be replaced.
- Retention: an object with ``retain_until`` in the future cannot be deleted
  (``Conflict``, code ``object_locked``); ``set_retention`` only ever extends it.
  ``write_once`` says whether the store itself holds everyone to that (S3 Object Lock in
  COMPLIANCE mode, even its administrators) or only this code does (the directory, a
  bucket without Object Lock: anyone with the machine's or bucket's keys can delete).
- Missing objects raise ``NotFound`` (``head`` returns ``None``; ``delete`` is a no-op so
  that replaying a destruction is idempotent). An unreachable or broken store raises
  ``DependencyUnavailable`` with a message naming the endpoint or directory.
- Every method is a coroutine (``get`` an async generator); blocking I/O runs in threads.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
)
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

import msgspec

from services.common.clock import Clock
from services.common.config import Settings
from services.common.errors import ConfigError, Conflict, PayloadTooLarge, ValidationFailed

STORE_REFUSED = "object_store_refused"
"""The object store answers and refuses the archive's keys: waiting would not change it
(start-up stops, as for a database refusing its password); one that does not answer is
waited for."""

ORIGINALS_PREFIX = "originals/"
CHUNK_BYTES = 256 * 1024
"""Size of the pieces ``get`` yields and uploads are hashed in."""
DEFAULT_CONTENT_TYPE = "application/octet-stream"

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9/_.-]*$")


class ObjectInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What ``head`` knows about a stored object."""

    size: int
    content_type: str
    sha256: str | None
    """Hex SHA-256 recorded at put time; ``None`` for objects written by other tools."""
    retain_until: datetime | None


class Listed(msgspec.Struct, frozen=True, kw_only=True):
    """An object as ``listing`` found it."""

    key: str
    info: ObjectInfo
    marker: str | None = None
    """A value that changes whenever the object's bytes or metadata (content type,
    recorded SHA-256, retention) change, so that a later listing given it back can skip
    reading them; ``None`` where the store cannot promise that for this object yet."""


class Changes(msgspec.Struct, frozen=True, kw_only=True):
    """What ``changes`` says: where the store's change journal ends, and what changed."""

    position: str
    """Where the journal ends now: every change the store made before the call is
    before it. Give it back as ``since`` to learn what changed after."""
    keys: frozenset[str] | None
    """Every key put, given a longer retention or deleted since ``since`` (a key may be
    named though nothing came of it, a refused put say); ``None`` when no ``since`` was
    given or the journal no longer reaches back to it."""


class StoredOriginal(msgspec.Struct, frozen=True, kw_only=True):
    """Result of ``store_original``: ``created`` is False when the bytes were already stored."""

    sha256: str
    size: int
    created: bool

    @property
    def key(self) -> str:
        return original_key(self.sha256)


class ObjectStore(Protocol):
    """Where originals and derived artifacts live (see the module docstring for the contract)."""

    @property
    def spool_dir(self) -> Path:
        """A local directory where callers stage uploads for this store (``store_original``)."""
        ...

    async def put_file(
        self,
        key: str,
        path: Path,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        retain_until: datetime | None = None,
    ) -> None:
        """Store the file's bytes under ``key``, atomically: readers see all or nothing.

        Idempotent for originals (identical bytes: no-op apart from extending retention).
        """
        ...

    async def put_bytes(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        retain_until: datetime | None = None,
    ) -> None:
        """``put_file`` for small in-memory artifacts (page text, word boxes, previews)."""
        ...

    def get(self, key: str) -> AsyncIterator[bytes]:
        """Stream the object in chunks of at most ``CHUNK_BYTES``; never whole in memory.

        Lazy: ``NotFound`` is raised on the first iteration. Call ``head`` first to answer
        404 before a response starts.
        """
        ...

    async def read(self, key: str) -> bytes:
        """The whole object; only for small derived artifacts. ``NotFound`` if missing."""
        ...

    async def read_range(self, key: str, start: int, length: int) -> bytes:
        """The ``length`` bytes of the object from offset ``start`` (fewer where it ends
        sooner, none past its end), without reading the rest: one page of a long derived
        file, found by an index of where each starts. ``NotFound`` if missing."""
        ...

    async def download(self, key: str, path: Path) -> tuple[str, int]:
        """Write the object's bytes into the new local file ``path``, fsynced, and return
        their SHA-256 (as read, not as recorded) and size; ``NotFound`` if missing. For
        copying whole objects out (a backup): the directory copies in one thread, with no
        round trip through the event loop per chunk."""
        ...

    async def head(self, key: str) -> ObjectInfo | None:
        """Size, content type, SHA-256 and retention; ``None`` if there is no such object."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object for good (every version); a missing key is a no-op.

        Refused with ``Conflict(object_locked)`` while ``retain_until`` is in the future.
        """
        ...

    async def presign(self, key: str, *, expires_s: int) -> str:
        """A URL that reads the object without our credentials for ``expires_s`` seconds."""
        ...

    async def set_retention(self, key: str, until: datetime) -> None:
        """Keep the object at least until ``until``; never shortens. ``NotFound`` if missing."""
        ...

    async def lock_original(self, sha256: str, until: datetime) -> bool:
        """Keep the original ``originals/<sha256>`` at least until ``until`` (as
        ``set_retention``), only if the bytes stored under it now hash to ``sha256``: they
        are hashed again here, and on S3 only the very version hashed is locked. For an
        original put back by hand (README, "Putting back one original"), which came with
        no lock: nothing but the catalogue's bytes is ever locked. False, and nothing
        locked, if they hash otherwise; ``NotFound`` if there is no such original."""
        ...

    def keys(self, prefix: str) -> AsyncIterator[str]:
        """Every key that starts with ``prefix`` (``originals/``, ``derived/<sha256>/``), in
        no promised order; nothing for a prefix no key has. For audits (the fixity check's
        search for originals nothing accounts for), not for serving requests."""
        ...

    def listing(self, prefix: str, *, known: Mapping[str, Listed] | None = None
                ) -> AsyncIterator[Listed]:
        """Every object under ``prefix`` with what ``head`` would say of it, in no promised
        order; an object deleted while it is listed may be left out. One pass over the
        store for a backup, instead of a ``head`` per key. An object whose change marker
        is still that of ``known[key]`` (a previous listing's) is yielded as it was then,
        its metadata not read again: the directory then reads no sidecar, S3 sends no
        HEAD (see each store for what its marker is)."""
        ...

    async def changes(self, since: str | None) -> Changes | None:
        """The keys changed since the journal position ``since`` (an earlier call's), so
        that a backup reads only those instead of listing the store; ``None`` where the
        store keeps no journal (S3: several servers write a bucket, none appends to one
        file), and the caller lists instead."""
        ...

    async def write_once(self) -> bool:
        """True if the store itself refuses, to everyone, to delete or shorten a retained
        object before its date; False if only this code refuses."""
        ...

    async def check(self) -> str:
        """Readiness: a one-line description of the store, saying whether it is write-once,
        or ``DependencyUnavailable``."""
        ...


def is_well_formed_key(key: str) -> bool:
    return (bool(_KEY_RE.fullmatch(key)) and ".." not in key
            and not any(segment in ("", ".") for segment in key.split("/")))


def validate_key(key: str) -> str:
    """Return ``key`` if it is a well-formed object key, else raise ``ValidationFailed``."""
    if not is_well_formed_key(key):
        raise ValidationFailed(
            f"invalid object key {key!r}: keys are built from server-made values only",
            code="invalid_object_key",
        )
    return key


def is_original_key(key: str) -> bool:
    return key.startswith(ORIGINALS_PREFIX)


def original_key(sha256: str) -> str:
    """Architecture principle 2: an original is stored once, under its SHA-256."""
    return validate_key(ORIGINALS_PREFIX + sha256)


def require_aware(moment: datetime) -> datetime:
    """Retention instants must carry a timezone; a naive one would be read in local time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationFailed(
            f"retention instant {moment.isoformat()} has no timezone; pass an aware UTC datetime",
            code="naive_datetime",
        )
    return moment


def validate_put(key: str, retain_until: datetime | None) -> None:
    """What every store checks of a put before touching anything."""
    validate_key(key)
    if retain_until is not None:
        require_aware(retain_until)


class PutEitherWay(ABC):
    """``put_file`` and ``put_bytes`` of every store: the checks every put makes, then the
    store's own ``_put_source``, which takes a local file or in-memory bytes alike."""

    async def put_file(self, key: str, path: Path, *, content_type: str = DEFAULT_CONTENT_TYPE,
                       retain_until: datetime | None = None) -> None:
        validate_put(key, retain_until)
        await self._put_source(key, path, content_type, retain_until)

    async def put_bytes(self, key: str, data: bytes, *, content_type: str = DEFAULT_CONTENT_TYPE,
                        retain_until: datetime | None = None) -> None:
        validate_put(key, retain_until)
        await self._put_source(key, data, content_type, retain_until)

    @abstractmethod
    async def _put_source(self, key: str, source: Path | bytes, content_type: str,
                          retain_until: datetime | None) -> None: ...


def immutable_original(key: str) -> Conflict:
    """The refusal of other bytes under an original's key (D6), raised by every store."""
    return Conflict(
        f"original {key} is already stored with different bytes; originals are "
        "never modified (D6): store the new bytes under their own hash",
        code="immutable_original",
    )


def object_locked(key: str, retain_until: datetime) -> Conflict:
    """The refusal to delete an object still retained, raised by every store."""
    return Conflict(
        f"object {key} is retained until {retain_until.isoformat()}; "
        "it can be deleted after that",
        code="object_locked",
    )


Admit = Callable[[str], Awaitable[None]]
"""Called with an upload's SHA-256 before it is stored; raises to refuse it."""


async def store_original(
    store: ObjectStore,
    chunks: AsyncIterable[bytes],
    *,
    max_bytes: int,
    spool_dir: Path,
    content_type: str = DEFAULT_CONTENT_TYPE,
    retain_until: datetime | None = None,
    admit: Admit | None = None,
) -> StoredOriginal:
    """Spool an upload to ``spool_dir`` while hashing it, then store it as an original,
    retained until ``retain_until``: locked from the moment it is written.

    Holds at most one chunk in memory. Over ``max_bytes`` raises ``PayloadTooLarge`` and
    nothing is stored; ``admit`` may refuse the bytes by their hash before they are
    stored (once locked, they could not be taken back). The spooled file is removed in
    every case. ``created`` is False when ``originals/<sha256>`` already existed; two
    concurrent uploads of the same bytes may both see ``created=True`` (the store keeps
    one copy; the catalogue dedupes by hash).
    """
    spooled, out = await asyncio.to_thread(_open_spool_file, spool_dir)
    try:
        try:
            sha256, size = await _spool(chunks, out, max_bytes=max_bytes)
        finally:
            await asyncio.to_thread(out.close)
        if admit is not None:
            await admit(sha256)
        key = original_key(sha256)
        if await store.head(key) is not None:
            return StoredOriginal(sha256=sha256, size=size, created=False)
        await store.put_file(key, spooled, content_type=content_type,
                             retain_until=retain_until)
        return StoredOriginal(sha256=sha256, size=size, created=True)
    finally:
        await asyncio.to_thread(spooled.unlink, missing_ok=True)


async def _spool(
    chunks: AsyncIterable[bytes], out: BinaryIO, *, max_bytes: int
) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(
                f"upload is larger than {max_bytes} bytes; split the scan or raise "
                "ARCHIVE_MAX_UPLOAD_MB",
                extra={"max_bytes": max_bytes},
            )
        await asyncio.to_thread(_write_hashing, out, digest, chunk)
    return digest.hexdigest(), size


def _open_spool_file(spool_dir: Path) -> tuple[Path, BinaryIO]:
    spool_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=spool_dir, prefix="upload-", suffix=".part")
    return Path(name), os.fdopen(fd, "wb")


def _write_hashing(out: BinaryIO, digest: hashlib._Hash, chunk: bytes) -> None:
    digest.update(chunk)
    out.write(chunk)


def write_new_file(path: Path, chunks: Iterable[bytes]) -> tuple[str, int]:
    """``chunks`` written to a file made at ``path`` (``FileExistsError`` if one is there)
    and fsynced: their hex SHA-256 and size. Blocking: call it in a thread."""
    digest = hashlib.sha256()
    size = 0
    with path.open("xb") as out:
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks. Blocking: call it in a thread."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def open_object_store(settings: Settings, *, spool_dir: Path | None = None,
                      clock: Clock | None = None) -> ObjectStore:
    """Pick the implementation from settings: ``s3_endpoint`` set → S3, else a directory.

    ``spool_dir`` defaults to ``<data_dir>/spool``; ``clock`` tells when a retention has
    passed (the directory's own check, and S3's before it asks the store). Opens no
    connection: the S3 bucket is checked (and created, with Object Lock) on first use.
    """
    spool = spool_dir or settings.data_dir / "spool"
    if settings.s3_endpoint:
        from services.common.objectstore.s3 import S3ObjectStore

        if not settings.s3_access_key or not settings.s3_secret_key:
            raise ConfigError(
                "ARCHIVE_S3_ENDPOINT is set but ARCHIVE_S3_ACCESS_KEY or "
                "ARCHIVE_S3_SECRET_KEY is missing; set both"
            )
        return S3ObjectStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            spool_dir=spool,
            clock=clock,
        )
    from services.common.objectstore.directory import DirectoryObjectStore

    return DirectoryObjectStore(settings.data_dir / "objects", spool_dir=spool, clock=clock)
