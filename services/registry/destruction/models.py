"""Destruction: the registry's own structs of destruction registers (销毁清册): the
request bodies of a register and a witness's signature (监销人). A register as answered,
and what remains of a destroyed document, are ``services.common.contracts.retention``."""

from __future__ import annotations

from services.common.contracts.fields import DocumentId, SigningPassword
from services.common.models import Sha256, Struct


class DestructionRequest(Struct):
    """A register of the sweep's approved items past ``destroy_after``; ``documents``
    picks some of them (e.g. leaving out one that is held)."""

    sweep_id: DocumentId
    documents: list[DocumentId] | None = None


class WitnessSignature(Struct):
    """A witness (监销人) re-enters their own password: a token alone cannot sign.
    ``digest`` is the register's ``digest`` as the witness checked it: if the items
    changed since, the signature is refused (409 ``register_changed``)."""

    password: SigningPassword
    digest: Sha256 | None = None
