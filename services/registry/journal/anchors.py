"""The audit chain's head, anchored outside the database (reliability.md, promise 8).

Each anchor is a small JSON object in the object store, ``audit/anchors/<seq>.json``:
the newest entry's ``seq`` and hash, where the keyed chain starts, when, and a MAC over
them with the audit key, so an anchor the archive did not write is told apart. It is
written locked until far ahead (S3 Object Lock in COMPLIANCE mode where the bucket has
it), so nobody holding only the database can remove it. ``archive audit verify`` then
finds a truncated tail (the newest anchor names an entry the table no longer has) and a
rewritten one (the anchored entry's hash differs).

The registry anchors its head when it starts, every ``ARCHIVE_AUDIT_ANCHOR_INTERVAL_S``
while the head moves, when it stops, and on request (``POST /registry/audit/anchor``).
An anchor per ``seq``: writing the same head twice is a no-op.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from services.common.errors import ArchiveError, NotFound
from services.common.objectstore import ObjectStore, validate_key
from services.registry.journal.models import Anchored
from services.registry.journal.rules import AuditKey

ANCHOR_PREFIX = "audit/anchors/"
ANCHOR_LOCK = timedelta(days=366 * 100)
"""The audit log is kept for good (O4); its anchors are locked a century ahead."""


class ForgedAnchor(ArchiveError):
    """The newest anchor cannot be read or its MAC does not match: it was not written by
    the archive (or was altered where the store is not write-once)."""

    default_code = "audit_anchor_forged"


class _Stored(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    hash: str
    keyed_from: int
    at: datetime
    mac: str


def anchor_key(seq: int) -> str:
    return validate_key(f"{ANCHOR_PREFIX}{seq:020d}.json")


class AuditAnchors:
    """Anchors of the audit chain in ``store``, made and checked with ``key``."""

    def __init__(self, store: ObjectStore, key: AuditKey) -> None:
        self.store = store
        self.key = key

    async def write(self, head: Anchored) -> bool:
        """Anchor ``head``, locked until far ahead; False if its ``seq`` is anchored."""
        key = anchor_key(head.seq)
        if await self.store.head(key) is not None:
            return False
        stored = _Stored(seq=head.seq, hash=head.hash, keyed_from=head.keyed_from,
                         at=head.at, mac=self._mac(head))
        await self.store.put_bytes(key, msgspec.json.encode(stored),
                                   content_type="application/json",
                                   retain_until=head.at + ANCHOR_LOCK)
        return True

    async def latest(self) -> Anchored | None:
        """The newest anchor (highest ``seq``); ``None`` before the first. Raises
        ``ForgedAnchor`` if it is not the archive's."""
        newest: str | None = None
        async for key in self.store.keys(ANCHOR_PREFIX):
            if newest is None or key > newest:  # zero-padded: names sort as numbers
                newest = key
        if newest is None:
            return None
        try:
            stored = msgspec.json.decode(await self.store.read(newest), type=_Stored)
        except (NotFound, msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ForgedAnchor(f"the audit anchor {newest} cannot be read ({exc})") from exc
        anchored = Anchored(seq=stored.seq, hash=stored.hash, keyed_from=stored.keyed_from,
                            at=stored.at)
        if newest != anchor_key(stored.seq) or stored.mac != self._mac(anchored):
            raise ForgedAnchor(f"the audit anchor {newest} was not written with the audit "
                               "key: it was forged or altered")
        return anchored

    def _mac(self, head: Anchored) -> str:
        return self.key.mac(msgspec.json.encode(
            ["anchor", head.seq, head.hash, head.keyed_from,
             head.at.astimezone(UTC).isoformat()]))
