"""The documents a form offers to choose from (a loan request, a handover): a household's
file, or the documents named in the address (from search results or a document page),
only those still held in their file (``in_file``): one destroyed or transferred out is
neither lent nor handed over, and the registry refuses it (``document_destroyed``,
``already_transferred``)."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request

from services.common.clients.reader import RegistryReader
from services.common.contracts.registry import DocumentRecord, in_file
from services.common.models import HOUSEHOLD_RE
from services.web.failures import no_such_page

MAX_OFFERED = 50
"""Documents named at most (a household's file is offered whole)."""


def named_in(request: Request[Any, Any, Any]) -> list[str]:
    """The documents named in the address (``?document=``, repeated)."""
    return [value for value in request.query_params.getall("document", []) if value]


async def offered_documents(registry: RegistryReader, token: str, *, household: str,
                            named: list[str]) -> list[DocumentRecord]:
    """``household``'s file if one is given (no such page for an ill-formed code), else
    the first ``MAX_OFFERED`` of ``named``, each once; of either, those still in the file."""
    if household:
        if not HOUSEHOLD_RE.match(household):
            raise no_such_page()
        records = await registry.household_file(token, household)
    else:
        records = list(await asyncio.gather(
            *(registry.get_document(document_id, token=token)
              for document_id in dict.fromkeys(named[:MAX_OFFERED]))))
    return [record for record in records if in_file(record)]
