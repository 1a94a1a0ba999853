"""Handovers (移交, O1): the registry's own struct of a signature (the request body of a
signing). A handover as answered, and the request that creates one, are
``services.common.contracts.operations``."""

from __future__ import annotations

from services.common.contracts.fields import SigningPassword
from services.common.models import Sha256, Struct


class HandoverSignature(Struct):
    """One side signs by re-entering their own password: a token alone cannot sign.
    ``digest`` is the handover's ``digest`` as the signer checked it (409
    ``handover_changed`` if it no longer is)."""

    password: SigningPassword
    digest: Sha256 | None = None
