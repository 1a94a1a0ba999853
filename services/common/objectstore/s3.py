"""The scale-out object store: S3 (MinIO in production) through the official ``minio`` client.

The bucket is checked on first use and, if missing, created with Object Lock, which S3 can
only enable when a bucket is created; by a write or ``check`` only: a bucket that does not
exist holds nothing, so a read or a listing answers so and leaves it not made (``archive
restore`` lists a target it may refuse, and a refused restore leaves no bucket behind).
In a bucket with Object Lock, ``retain_until`` is written as COMPLIANCE-mode retention:
nobody, not even the root account, can delete that version or shorten its retention
before then. A bucket that already exists without Object Lock still works, but retention
is then recorded in object metadata and enforced by this code only; ``check`` says which
of the two a deployment has.

Pitfall (reliability.md): on a versioned, locked bucket a plain DELETE only adds a delete
marker while the locked version stays. ``delete`` removes every version by id, refusing
first if any is retained, and turns the store's own refusal into ``Conflict(object_locked)``.

The minio client blocks: every call runs in a thread. Its errors (``S3Error``,
``ServerError``, urllib3's) are translated into the archive's in ``_translated``.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, ParamSpec, TypeGuard, TypeVar, cast

import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, REPLACE, CopySource
from minio.datatypes import Object
from minio.error import MinioException, S3Error
from minio.helpers import DictType
from minio.retention import Retention
from minio.time import from_iso8601utc

from services.common.clock import Clock, SystemClock
from services.common.config import S3_ENDPOINT_FORM, s3_endpoint
from services.common.errors import (
    ConfigError,
    Conflict,
    DependencyUnavailable,
    NotFound,
    ValidationFailed,
)
from services.common.objectstore import (
    CHUNK_BYTES,
    DEFAULT_CONTENT_TYPE,
    STORE_REFUSED,
    Listed,
    ObjectInfo,
    PutEitherWay,
    file_sha256,
    immutable_original,
    is_original_key,
    object_locked,
    original_key,
    require_aware,
    validate_key,
    write_new_file,
)

P = ParamSpec("P")
T = TypeVar("T")

_META_SHA256 = "sha256"
_META_RETAIN_UNTIL = "retain-until"
_LOCK_UNTIL_HEADER = "x-amz-object-lock-retain-until-date"
_MISSING = frozenset({"NoSuchKey", "NoSuchVersion", "ResourceNotFound"})
_REFUSED = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"})
_MAX_PRESIGN_S = 7 * 24 * 3600  # S3 signature v4 limit
LISTING_SETTLE = timedelta(minutes=2)
"""How long before a LIST an object must have last been written for its listed marker to
be trusted: Last-Modified is in whole seconds, and the server's clock may differ."""
_LISTING_HEADS = 16
"""HEADs in flight at once while ``listing`` asks each listed object's metadata."""
RETENTION_NOTES = "_retention/"
"""In a bucket with Object Lock, where each retention change leaves a note: a small
object named after the key, written again on each change. A retention change shows in
no LIST, but its note's does, so ``listing`` HEADs only objects whose note moved. Outside
the keys ``validate_key`` admits, so it never names an archive object; ``keys`` and
``listing`` leave the notes out."""

Upload = Callable[..., object]
"""A bound ``put_object``/``fput_object`` still missing content type, metadata, retention."""


@dataclass(frozen=True)
class S3Variables:
    """The settings a store was configured by, as its errors name them (a backup's store
    may be set by ``ARCHIVE_BACKUP_S3_*``)."""

    endpoint: str = "ARCHIVE_S3_ENDPOINT"
    access_key: str = "ARCHIVE_S3_ACCESS_KEY"
    secret_key: str = "ARCHIVE_S3_SECRET_KEY"  # noqa: S105 - a variable's name


class S3ObjectStore(PutEitherWay):
    """``ObjectStore`` over one S3 bucket; see the module docstring for locking."""

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        region: str = "us-east-1",
        spool_dir: Path,
        clock: Clock | None = None,
        listing_settle: timedelta = LISTING_SETTLE,
        variables: S3Variables = S3Variables(),
    ) -> None:
        self._variables = variables
        try:
            host, secure = s3_endpoint(endpoint)
        except ValueError:
            raise ConfigError(
                f"{variables.endpoint} {endpoint!r}: expected {S3_ENDPOINT_FORM}") from None
        self._endpoint = f"{'https' if secure else 'http'}://{host}"
        self._client = Minio(
            host,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(),
        )
        self._bucket = bucket
        self._spool_dir = spool_dir
        self._clock: Clock = clock or SystemClock()
        self._listing_settle = listing_settle
        self._object_lock: bool | None = None
        self._opening = asyncio.Lock()

    @property
    def spool_dir(self) -> Path:
        return self._spool_dir

    async def get(self, key: str) -> AsyncIterator[bytes]:
        validate_key(key)
        if await self._existing() is None:
            raise NotFound(f"object {key} not found")
        response = await self._call(key, self._client.get_object, self._bucket, key)
        try:
            while chunk := await self._call(key, response.read, CHUNK_BYTES):
                yield chunk
        finally:
            await asyncio.to_thread(_release, response)

    async def download(self, key: str, path: Path) -> tuple[str, int]:
        validate_key(key)
        if await self._existing() is None:
            raise NotFound(f"object {key} not found")
        return await self._call(key, self._download_sync, key, path)

    async def read(self, key: str) -> bytes:
        validate_key(key)
        if await self._existing() is None:
            raise NotFound(f"object {key} not found")
        return await self._call(key, self._read_sync, key)

    async def read_range(self, key: str, start: int, length: int) -> bytes:
        validate_key(key)
        if start < 0 or length < 0:
            raise ValueError(f"a range starts and runs at 0 or more, not {start}, {length}")
        if await self._existing() is None:
            raise NotFound(f"object {key} not found")
        return await self._call(key, self._read_range_sync, key, start, length)

    async def head(self, key: str) -> ObjectInfo | None:
        validate_key(key)
        if await self._existing() is None:
            return None
        return await self._call(key, self._head_sync, key)

    async def delete(self, key: str) -> None:
        validate_key(key)
        await self._ready()
        await self._call(key, self._delete_sync, key)

    async def presign(self, key: str, *, expires_s: int) -> str:
        if not 1 <= expires_s <= _MAX_PRESIGN_S:
            raise ValidationFailed(
                f"presign expiry {expires_s}s is outside 1..{_MAX_PRESIGN_S}s",
                code="invalid_expiry",
            )
        if await self.head(key) is None:
            raise NotFound(f"object {key} not found")
        expires = timedelta(seconds=expires_s)
        url: str = await self._call(
            key, self._client.presigned_get_object, self._bucket, key, expires=expires
        )
        return url

    async def set_retention(self, key: str, until: datetime) -> None:
        validate_key(key)
        require_aware(until)
        locked = await self._ready()
        await self._call(key, self._set_retention_sync, key, until, locked)

    async def lock_original(self, sha256: str, until: datetime) -> bool:
        key = original_key(sha256)
        require_aware(until)
        locked = await self._ready()
        return await self._call(key, self._lock_original_sync, key, sha256, until, locked)

    async def keys(self, prefix: str) -> AsyncIterator[str]:
        if prefix:
            validate_key(prefix.rstrip("/"))
        if await self._existing() is None:
            return
        found = await self._call(prefix, self._keys_sync, prefix)
        for key in found:
            yield key

    async def listing(self, prefix: str, *, known: Mapping[str, Listed] | None = None
                      ) -> AsyncIterator[Listed]:
        """One LIST, asking for each object's metadata too (MinIO's ``metadata=true``;
        other servers, SeaweedFS among them, ignore it). An object is the ``known`` one
        while its marker holds: its ETag, Last-Modified and size (without Object Lock a
        retention change rewrites the object, so Last-Modified moves), with Object Lock
        also its retention note's (``RETENTION_NOTES``; the bucket's notes are listed
        too). Otherwise, without Object Lock, it is described by the LIST alone when
        that carried the metadata; any other object gets a HEAD."""
        if prefix:
            validate_key(prefix.rstrip("/"))
        locked = await self._existing()
        if locked is None:
            return
        # Markers trusted are of objects last written well before the LIST (its dates
        # are in whole seconds, by the server's clock).
        settled = datetime.now(UTC) - self._listing_settle
        items, notes = await self._call(prefix, self._list_sync, prefix, locked)
        known = known or {}
        unknown: list[tuple[str, str | None]] = []
        for item in items:
            key = cast(str, item.object_name)
            marker = _marker(item, settled)
            if locked and marker is not None:
                note = notes.get(key)
                noted = "-" if note is None else _marker(note, settled)
                marker = None if noted is None else f"{marker}.{noted}"
            previous = known.get(key)
            if marker is not None and previous is not None and previous.marker == marker:
                yield previous
                continue
            info = None if locked else _listed_info(item)
            if info is not None:
                yield Listed(key=key, info=info, marker=marker)
            else:
                unknown.append((key, marker))
        for start in range(0, len(unknown), _LISTING_HEADS):
            batch = unknown[start:start + _LISTING_HEADS]
            infos = await asyncio.gather(*(self.head(key) for key, _ in batch))
            for (key, marker), info in zip(batch, infos, strict=True):
                if info is not None:
                    yield Listed(key=key, info=info, marker=marker)

    async def changes(self, since: str | None) -> None:
        """No journal: several servers write a bucket and none appends to one object;
        ``listing`` with the previous markers is how a backup finds what changed."""
        return None

    async def write_once(self) -> bool:
        return await self._ready()

    async def check(self) -> str:
        locked = await self._ready()
        await self._call("", self._client.bucket_exists, self._bucket)
        lock = ("write-once: object lock, compliance mode" if locked else
                "not write-once: no object lock on the bucket, retention enforced by the "
                "archive only; create a bucket with object lock")
        return f"s3 {self._endpoint}/{self._bucket} ({lock})"

    async def _put_source(
        self, key: str, source: Path | bytes, content_type: str, retain_until: datetime | None
    ) -> None:
        upload: Upload
        if isinstance(source, Path):
            sha256 = await asyncio.to_thread(file_sha256, source)
            upload = partial(self._client.fput_object, self._bucket, key, str(source))
        else:
            sha256 = hashlib.sha256(source).hexdigest()
            upload = partial(
                self._client.put_object, self._bucket, key, io.BytesIO(source), len(source)
            )
        locked = await self._ready()
        await self._call(
            key, self._put_sync, key, sha256, upload, content_type, retain_until, locked
        )

    def _put_sync(
        self,
        key: str,
        sha256: str,
        upload: Upload,
        content_type: str,
        retain_until: datetime | None,
        locked: bool,
    ) -> None:
        if is_original_key(key) and self._admit_existing_original(
            key, sha256, retain_until, locked
        ):
            return
        metadata = {_META_SHA256: sha256}
        retention = None
        if locked:
            if _lockable(retain_until):
                retention = Retention(COMPLIANCE, _utc(retain_until))
        elif retain_until is not None:
            metadata[_META_RETAIN_UNTIL] = _utc(retain_until).isoformat()
        upload(content_type=content_type, metadata=metadata, retention=retention)

    def _admit_existing_original(
        self, key: str, sha256: str, retain_until: datetime | None, locked: bool
    ) -> bool:
        """True if identical bytes are already stored (their retention is extended)."""
        current = self._head_sync(key)
        if current is None:
            return False
        if (current.sha256 or self._stored_sha256(key)) != sha256:
            raise immutable_original(key)
        if retain_until is not None:
            self._set_retention_sync(key, retain_until, locked)
        return True

    def _set_retention_sync(self, key: str, until: datetime, locked: bool) -> None:
        if not locked:
            self._record_retention(key, until)
            return
        if not _lockable(until):
            return
        live = [version for version, marker in self._versions(key) if not marker]
        if not live:
            raise NotFound(f"object {key} not found")
        shorter = [version for version in live
                   if (current := _info(self._stat(key, version)).retain_until) is None
                   or until > current]
        if not shorter:
            return
        # Noted before (a listing in between HEADs the object, as one after a crash
        # here does) and after (one that read the old retention sees the note move).
        self._note_retention(key, until)
        for version in shorter:
            self._client.set_object_retention(
                self._bucket, key, Retention(COMPLIANCE, _utc(until)), version_id=version
            )
        self._note_retention(key, until)

    def _lock_original_sync(self, key: str, sha256: str, until: datetime, locked: bool
                            ) -> bool:
        """The newest version is hashed and that version alone locked: an older one (the
        altered bytes a put-back covered, say) is left as it is, and a version put after
        the hash is not locked by it."""
        version = _version_id(self._stat(key, None).version_id)
        if self._stored_sha256(key, version) != sha256:
            return False
        if not locked:
            self._record_retention(key, until)
            return True
        held = _info(self._stat(key, version)).retain_until
        if not _lockable(until) or (held is not None and held >= until):
            return True
        self._note_retention(key, until)  # before and after, as _set_retention_sync
        self._client.set_object_retention(
            self._bucket, key, Retention(COMPLIANCE, _utc(until)), version_id=version)
        self._note_retention(key, until)
        return True

    def _note_retention(self, key: str, until: datetime) -> None:
        note = _utc(until).isoformat().encode()
        self._client.put_object(self._bucket, RETENTION_NOTES + key, io.BytesIO(note),
                                len(note), content_type="text/plain")

    def _record_retention(self, key: str, until: datetime) -> None:
        """Without Object Lock, retention lives in metadata, rewritten by a self-copy."""
        current = self._head_sync(key)
        if current is None:
            raise NotFound(f"object {key} not found")
        if current.retain_until is not None and until <= current.retain_until:
            return
        metadata: DictType = {"Content-Type": current.content_type}
        metadata[_META_RETAIN_UNTIL] = _utc(until).isoformat()
        if current.sha256:
            metadata[_META_SHA256] = current.sha256
        self._client.copy_object(
            self._bucket,
            key,
            CopySource(self._bucket, key),
            metadata=metadata,
            metadata_directive=REPLACE,
        )

    def _delete_sync(self, key: str) -> None:
        versions = self._versions(key)
        now = self._clock.now()
        for version, marker in versions:
            retain_until = None if marker else _info(self._stat(key, version)).retain_until
            if retain_until is not None and retain_until > now:
                raise object_locked(key, retain_until)
        for version, _ in versions:
            try:
                self._client.remove_object(self._bucket, key, version_id=version)
            except S3Error as exc:
                if exc.code != "AccessDenied":
                    raise
                raise Conflict(
                    f"the store refused to delete object {key} (version {version}): "
                    f"it is under retention ({exc.message})",
                    code="object_locked",
                ) from exc
        if self._object_lock:
            self._delete_notes(key)

    def _delete_notes(self, key: str) -> None:
        """Remove ``key``'s retention notes; one a bucket's default retention keeps is
        left (harmless: an object put again under the key has a marker of its own)."""
        note = RETENTION_NOTES + key
        for version, _ in self._versions(note):
            try:
                self._client.remove_object(self._bucket, note, version_id=version)
            except S3Error as exc:
                if exc.code != "AccessDenied":
                    raise

    def _versions(self, key: str) -> list[tuple[str | None, bool]]:
        """(version id, is delete marker) of every version of ``key``, newest first."""
        listing = self._client.list_objects(self._bucket, prefix=key, include_version=True)
        return [
            (_version_id(item.version_id), bool(item.is_delete_marker))
            for item in listing
            if item.object_name == key
        ]

    def _head_sync(self, key: str) -> ObjectInfo | None:
        try:
            return _info(self._stat(key, None))
        except S3Error as exc:
            if exc.code in _MISSING:
                return None
            raise

    def _stat(self, key: str, version: str | None) -> Object:
        return self._client.stat_object(self._bucket, key, version_id=version)

    def _read_sync(self, key: str) -> bytes:
        response = self._client.get_object(self._bucket, key)
        try:
            data: bytes = response.read()
            return data
        finally:
            _release(response)

    def _read_range_sync(self, key: str, start: int, length: int) -> bytes:
        if length == 0:
            if self._head_sync(key) is None:
                raise NotFound(f"object {key} not found")
            return b""
        try:
            response = self._client.get_object(self._bucket, key, offset=start, length=length)
        except S3Error as exc:
            if exc.code == "InvalidRange":  # S3 answers 416 for a start past the end
                return b""
            raise
        try:
            data: bytes = response.read()
            return data
        finally:
            _release(response)

    def _download_sync(self, key: str, path: Path) -> tuple[str, int]:
        response = self._client.get_object(self._bucket, key)
        try:
            return write_new_file(path, response.stream(CHUNK_BYTES))
        finally:
            _release(response)

    def _stored_sha256(self, key: str, version: str | None = None) -> str:
        """Hash the stored bytes (of ``version``, else the newest): an object written by
        another tool carries no recorded SHA-256, nor one to trust."""
        digest = hashlib.sha256()
        response = self._client.get_object(self._bucket, key, version_id=version)
        try:
            for chunk in response.stream(CHUNK_BYTES):
                digest.update(chunk)
        finally:
            _release(response)
        return digest.hexdigest()

    def _list_sync(self, prefix: str, locked: bool) -> tuple[list[Object], dict[str, Object]]:
        """The objects under ``prefix``, and (with Object Lock) their retention notes by
        key: in the same LIST for the whole bucket, else in one of their own."""
        items: list[Object] = []
        notes: dict[str, Object] = {}
        listed = self._client.list_objects(self._bucket, prefix=prefix, recursive=True,
                                           include_user_meta=True)
        if locked and prefix:
            listed = itertools.chain(listed, self._client.list_objects(
                self._bucket, prefix=RETENTION_NOTES + prefix, recursive=True))
        for item in listed:
            name = item.object_name
            if name is None:
                continue
            if name.startswith(RETENTION_NOTES):
                notes[name.removeprefix(RETENTION_NOTES)] = item
            else:
                items.append(item)
        return items, notes

    def _keys_sync(self, prefix: str) -> list[str]:
        listed = self._client.list_objects(self._bucket, prefix=prefix, recursive=True)
        return [item.object_name for item in listed if item.object_name is not None
                and not item.object_name.startswith(RETENTION_NOTES)]

    async def _ready(self) -> bool:
        """Open the bucket once (creating it with Object Lock); True if it has Object Lock."""
        if self._object_lock is None:
            async with self._opening:
                if self._object_lock is None:
                    self._object_lock = await self._call("", self._open_bucket)
        return self._object_lock

    async def _existing(self) -> bool | None:
        """``_ready`` for a read: ``None`` while the bucket does not exist (it holds
        nothing), which is not made then; asked again on the next call."""
        if self._object_lock is None and not await self._call(
                "", self._client.bucket_exists, self._bucket):
            return None
        return await self._ready()

    def _open_bucket(self) -> bool:
        if not self._client.bucket_exists(self._bucket):
            try:
                self._client.make_bucket(self._bucket, object_lock=True)
            except S3Error as exc:
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise
        try:
            self._client.get_object_lock_config(self._bucket)
        except S3Error as exc:
            if exc.code == "ObjectLockConfigurationNotFoundError":
                return False
            raise
        return True

    async def _call(
        self, key: str, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        with self._translated(key):
            return await asyncio.to_thread(fn, *args, **kwargs)

    @contextmanager
    def _translated(self, key: str) -> Iterator[None]:
        where = f"S3 at {self._endpoint} (bucket {self._bucket})"
        named = self._variables
        try:
            yield
        except S3Error as exc:
            if exc.code in _MISSING:
                raise NotFound(f"object {key} not found") from exc
            if exc.code in _REFUSED:
                raise DependencyUnavailable(
                    f"{where} refused access ({exc.code}); check {named.access_key}, "
                    f"{named.secret_key} and the bucket policy", code=STORE_REFUSED
                ) from exc
            raise DependencyUnavailable(f"{where} answered {exc.code}: {exc.message}") from exc
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise DependencyUnavailable(
                f"{where} cannot be reached ({type(exc).__name__}); check "
                f"{named.endpoint} and that the server is running"
            ) from exc


def _http_client() -> urllib3.PoolManager:
    """Short timeouts and few retries, so an unreachable store fails within seconds."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=60),
        maxsize=10,
        retries=urllib3.Retry(
            total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]
        ),
    )


def _info(stat: Object) -> ObjectInfo:
    headers = stat.metadata or {}
    locked_until = headers.get(_LOCK_UNTIL_HEADER)
    recorded_until = headers.get(f"x-amz-meta-{_META_RETAIN_UNTIL}")
    retain_until = None
    if locked_until:
        retain_until = from_iso8601utc(locked_until)
    elif recorded_until:
        retain_until = datetime.fromisoformat(recorded_until)
    return ObjectInfo(
        size=int(stat.size or 0),
        content_type=stat.content_type or DEFAULT_CONTENT_TYPE,
        sha256=headers.get(f"x-amz-meta-{_META_SHA256}"),
        retain_until=retain_until,
    )


def _listed_info(item: Object) -> ObjectInfo | None:
    """What a HEAD would say, from a LIST that carried the object's metadata (MinIO's
    ``metadata=true``); ``None`` when it did not (the recorded SHA-256 is missing)."""
    listed = {name.lower(): value for name, value in (item.metadata or {}).items()}
    sha256 = listed.get(f"x-amz-meta-{_META_SHA256}")
    if not sha256:
        return None
    recorded_until = listed.get(f"x-amz-meta-{_META_RETAIN_UNTIL}")
    return ObjectInfo(
        size=int(item.size or 0),
        content_type=listed.get("content-type") or DEFAULT_CONTENT_TYPE,
        sha256=sha256,
        retain_until=datetime.fromisoformat(recorded_until) if recorded_until else None,
    )


def _marker(item: Object, settled: datetime) -> str | None:
    """The listed object's change marker, once it was last written before ``settled``."""
    if item.last_modified is None or item.last_modified >= settled:
        return None
    return f"{item.etag}.{item.last_modified.isoformat()}.{item.size}"


def _lockable(until: datetime | None) -> TypeGuard[datetime]:
    """Whether S3 takes ``until`` as a lock: a date still to come by the wall clock, the
    one the store enforces its locks by (it refuses a date already past, which would lock
    nothing). Not the injected clock: the store does not run on it."""
    return until is not None and until > datetime.now(UTC)


def _version_id(version: str | None) -> str | None:
    """Unversioned buckets list the version ``null``; requests then carry no version id."""
    return None if version in (None, "null") else version


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _release(response: Any) -> None:  # Any: urllib3's response, whose type minio hides
    response.close()
    response.release_conn()
