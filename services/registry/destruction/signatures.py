"""Witness signatures bound to what was signed (R6, 监销人签字).

A witness signs the register's items as they stand: the ``items_digest`` of the
register's id and, per item in register order, its document id, SHA-256 and archive
number (canonical JSON, SHA-256). The stored signature is an HMAC, under a key the
database does not hold, of the register, the witness, the signing time and that digest:
a row written or edited in the database without the key, or any change to the items
after signing, no longer verifies, and execution refuses (409 ``signatures_void``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

SEAL_CONTEXT = b"archive destruction witness signature v1"


@dataclass(frozen=True)
class SignedItem:
    """What a witness checks of one register item (R6)."""

    document_id: str
    sha256: str
    archive_no: str


def items_digest(destruction_id: str, items: Iterable[SignedItem]) -> str:
    """SHA-256 (hex) of the canonical encoding of the register's items, in order."""
    canonical = msgspec.json.encode({
        "destruction_id": destruction_id,
        "items": [[item.document_id, item.sha256, item.archive_no] for item in items],
    })
    return hashlib.sha256(canonical).hexdigest()


class WitnessSeal:
    """Signs and verifies witness signatures with a key kept outside the database
    (derived from the archive's secret key, for this use only)."""

    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), SEAL_CONTEXT, hashlib.sha256).digest()

    def sign(self, destruction_id: str, username: str, signed_at: datetime,
             digest: str) -> str:
        moment = signed_at.astimezone(UTC).isoformat()
        message = "\n".join((destruction_id, username, moment, digest))
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    def verifies(self, destruction_id: str, username: str, signed_at: datetime,
                 digest: str, signature: str) -> bool:
        expected = self.sign(destruction_id, username, signed_at, digest)
        return hmac.compare_digest(expected, signature)
