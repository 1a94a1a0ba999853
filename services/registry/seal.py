"""Signatures by re-entered password, bound to what was signed: the destruction
witnesses' (监销人, R6) and both sides of a handover (移交, O1).

A person signs a subject (a destruction register, a handover) as its items stand: the
``items_digest`` of the subject's kind and id and, per item in order, its document id,
SHA-256 and archive number (canonical JSON, SHA-256). The stored signature is an HMAC,
under a key the database does not hold, of the subject's id, the signer, the signing time
and that digest: a row written or edited in the database without the key, or any change
to the items after signing, no longer verifies (a register so signed is not executed:
409 ``signatures_void``).

Before signing, the signer re-enters their password (``check_signers_password``): a wrong
one is refused and audited (403 ``wrong_password``) whatever they sign.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, NoReturn, Protocol

import msgspec

from services.common.auth import Principal
from services.common.errors import ArchiveError, Forbidden, Unauthorized

SEAL_CONTEXT = b"archive destruction witness signature v1"
"""Derives the seal's key from the secret key; unchanged since the first witness signed,
so their signatures still verify."""


@dataclass(frozen=True)
class SignedItem:
    """What a signer checks of one item (R6, O1)."""

    document_id: str
    sha256: str
    archive_no: str


def items_digest(subject: Literal["destruction", "handover"], subject_id: str,
                 items: Iterable[SignedItem]) -> str:
    """SHA-256 (hex) of the canonical encoding of the subject's items, in order; the key
    names the kind of subject (``destruction_id``, ``handover_id``), so one kind's digest
    never stands for another's."""
    canonical = msgspec.json.encode({
        f"{subject}_id": subject_id,
        "items": [[item.document_id, item.sha256, item.archive_no] for item in items],
    })
    return hashlib.sha256(canonical).hexdigest()


class PasswordChecker(Protocol):
    async def check_password(self, username: str, password: str) -> object:
        """Return if ``password`` is the active user's; raise ``Unauthorized`` if not
        (``TooManyRequests`` once the login rate limit is reached)."""
        ...


class RefusalJournal(Protocol):
    async def refuse(self, principal: Principal, action: str, error: ArchiveError) -> NoReturn:
        """Record the refusal in the audit log (O4), then raise ``error``."""
        ...


async def check_signers_password(passwords: PasswordChecker, journal: RefusalJournal,
                                 principal: Principal, password: str, *, action: str,
                                 who_signs: str) -> None:
    """Return if ``password``, re-entered to sign, is ``principal``'s own; else refuse
    ``action`` (403 ``wrong_password``, audited) saying ``who_signs`` with their own."""
    try:
        await passwords.check_password(principal.username, password)
    except Unauthorized:
        await journal.refuse(principal, action, Forbidden(
            f"that is not your password: {who_signs} signs with their own",
            code="wrong_password"))


class StoredSignature(msgspec.Struct, kw_only=True):
    """A signature row as stored (a witness's, a handover side's): what ``holds`` checks.
    ``digest`` and ``signature`` are null in witness rows that predate the seal."""

    username: str
    signed_at: datetime
    digest: str | None
    signature: str | None


class WitnessSeal:
    """Signs and verifies signatures with a key kept outside the database (derived from
    the archive's secret key, for this use only)."""

    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), SEAL_CONTEXT, hashlib.sha256).digest()

    def sign(self, subject_id: str, username: str, signed_at: datetime, digest: str) -> str:
        moment = signed_at.astimezone(UTC).isoformat()
        message = "\n".join((subject_id, username, moment, digest))
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    def verifies(self, subject_id: str, username: str, signed_at: datetime,
                 digest: str, signature: str) -> bool:
        expected = self.sign(subject_id, username, signed_at, digest)
        return hmac.compare_digest(expected, signature)

    def holds(self, subject_id: str, stored: StoredSignature, digest: str) -> bool:
        """The stored signature was made with this key over ``digest``, the digest of the
        subject's items as they stand now."""
        return (stored.digest == digest and stored.signature is not None
                and self.verifies(subject_id, stored.username, stored.signed_at, digest,
                                  stored.signature))
