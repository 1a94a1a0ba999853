"""What a backup holds, as its destination stores it, and what a run reports."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Literal, Protocol

import msgspec

from services.common.contracts.registry import FixityFinding
from services.common.models import Sha256, Struct
from services.common.objectstore import Listed, ObjectInfo

FORMAT = 1
LATEST = "latest.json"
GENERATIONS = "generations/"
KEY_CHECK_MESSAGE = b"archive backup: which key"

KeyName = Literal["audit_key", "secret_key"]
DatabaseKind = Literal["sqlite", "pg_dump"]


class DatabaseDump(Struct):
    """A service's database as of the snapshot: a SQLite file, or a ``pg_dump`` archive
    (custom format) of the one PostgreSQL database every service shares."""

    name: str
    kind: DatabaseKind
    services: list[str]
    sha256: Sha256
    size: int


class StoredObject(Struct):
    """An object of the archive's store, with what restoring it needs."""

    key: str
    sha256: Sha256
    size: int
    content_type: str
    retain_until: datetime | None = None
    marker: str | None = None
    """The archive's store's change marker for the object when it was listed (see
    ``ObjectStore.listing``): the next backup reads the object's metadata again only if
    the store's marker differs."""

    def as_listed(self) -> Listed:
        """The object as the listing found it, for the next listing's ``known``."""
        return Listed(key=self.key, marker=self.marker, info=ObjectInfo(
            size=self.size, content_type=self.content_type, sha256=self.sha256,
            retain_until=self.retain_until))


class KeyFile(Struct):
    """A key kept outside the database (the audit chain's, the signing key).

    ``check`` is an HMAC of a fixed message under the key: a restore tells by it whether
    the key it is given is the backup's, without the backup holding the key. ``sha256``
    names the key's own file in the backup when the backup carries it (the key was kept
    in the data directory); ``None`` when it came from the environment and was left out.
    """

    name: KeyName
    check: str
    sha256: Sha256 | None = None
    size: int = 0


class Manifest(Struct):
    """One generation of a backup: everything a restore needs, each file by SHA-256."""

    format: int
    generation: str
    started_at: datetime
    finished_at: datetime
    databases: list[DatabaseDump]
    objects: list[StoredObject]
    keys: list[KeyFile]
    altered: list[str] = msgspec.field(default_factory=list)
    """Keys of objects whose bytes did not match the SHA-256 recorded when they were
    stored: copied as they are (a fixity run names them)."""
    journal: str | None = None
    """The archive's store's change-journal position taken as this generation's pass
    began (``ObjectStore.changes``): the next backup looks only at the objects changed
    after it, and takes every other one as this generation recorded it."""

    def blobs(self) -> set[str]:
        named = {dump.sha256 for dump in self.databases}
        named.update(stored.sha256 for stored in self.objects)
        named.update(key.sha256 for key in self.keys if key.sha256 is not None)
        return named


class Latest(Struct):
    """``latest.json``: the newest complete generation (the one switch a backup makes)."""

    generation: str
    manifest_sha256: Sha256
    finished_at: datetime


class BackupReport(Struct):
    generation: str
    destination: str
    finished_at: datetime
    objects: int
    objects_copied: int
    bytes_total: int
    bytes_copied: int
    databases: int
    database_bytes: int
    passes: int
    keys_carried: list[KeyName]
    keys_left_out: list[KeyName]
    altered: list[str]
    generations_pruned: int
    blobs_pruned: int


class RestoreReport(Struct):
    generation: str
    source: str
    began_at: datetime
    """When the backup began: what was filed after it may be missing."""
    unfinished_uploads: int
    """Uploads still being read at the snapshot: read and filed when the archive starts."""
    databases: int
    objects: int
    bytes: int
    left_out: int
    """Originals (and their derived files) filed after the snapshot: no restored record
    or job names them."""
    damaged: list[str]
    """Files of the backup whose bytes no longer hash to the manifest's SHA-256."""
    documents_indexed: int | None
    fixity_run: str | None
    fixity_findings: list[FixityFinding]
    fixity_error: str | None


def key_check(secret: bytes) -> str:
    return hmac.new(secret, KEY_CHECK_MESSAGE, hashlib.sha256).hexdigest()


def manifest_name(generation: str) -> str:
    return f"{GENERATIONS}{generation}.json"


class Progress(Protocol):
    """How far a backup or restore has come; the command shows it as progress bars."""

    def stage(self, description: str, *, total: int | None, unit: Literal["bytes", "files"]
              ) -> None:
        """A new stage begins (the previous one is complete)."""
        ...

    def advance(self, amount: int) -> None:
        ...

    def note(self, message: str) -> None:
        """Something the operator should read (a key left out, a pass started again)."""
        ...


class Silent:
    """``Progress`` that shows nothing (tests, benchmarks)."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def stage(self, description: str, *, total: int | None, unit: Literal["bytes", "files"]
              ) -> None:
        return None

    def advance(self, amount: int) -> None:
        return None

    def note(self, message: str) -> None:
        self.notes.append(message)
