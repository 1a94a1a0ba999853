"""Transfers out (移出): the registry's own struct of a transfer (its request body). A
transfer as answered is ``services.common.contracts.operations``."""

from __future__ import annotations

from services.common.contracts.fields import DocumentId, Name, Text, TypedHousehold
from services.common.models import Struct


class TransferRequest(Struct):
    """Send a household's file and/or the documents named out of the archive to
    ``recipient`` (another archive, or the owner's file to a new manager)."""

    recipient: Name
    reason: Text
    household: TypedHousehold | None = None
    documents: list[DocumentId] | None = None
