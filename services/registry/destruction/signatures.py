"""Witness signatures bound to what was signed (R6, 监销人签字).

A witness signs the register's items as they stand: the ``items_digest`` of the
register's id and, per item in register order, its document id, SHA-256 and archive
number (canonical JSON, SHA-256). The stored signature is ``services.registry.seal``'s
HMAC of the register, the witness, the signing time and that digest: any change to the
items after signing no longer verifies, and execution refuses (409 ``signatures_void``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import msgspec


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
