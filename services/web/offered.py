"""The documents a form offers to choose from (a loan request, a handover): a household's
file, or the documents named in the address (from search results or a document page)."""

from __future__ import annotations

import asyncio

from services.common.clients.reader import RegistryReader
from services.common.contracts.registry import DocumentRecord
from services.common.models import HOUSEHOLD_RE
from services.web.failures import no_such_page

MAX_OFFERED = 50
"""Documents named at most (a household's file is offered whole)."""


async def offered_documents(registry: RegistryReader, token: str, *, household: str,
                            named: list[str]) -> list[DocumentRecord]:
    """``household``'s file if one is given (no such page for an ill-formed code), else
    the first ``MAX_OFFERED`` of ``named``, each once."""
    if household:
        if not HOUSEHOLD_RE.match(household):
            raise no_such_page()
        return await registry.household_file(token, household)
    return list(await asyncio.gather(*(registry.get_document(document_id, token=token)
                                       for document_id in dict.fromkeys(named[:MAX_OFFERED]))))
