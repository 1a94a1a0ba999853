"""The routes ingest's fixity check reads (reliability promise 6), and where it reports."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from services.common.auth import SERVICE_ROLE, Principal
from services.common.contracts.registry import (
    AwaitingScan,
    FixityPage,
    FixityResult,
    NumberingReport,
)
from services.common.errors import Forbidden
from services.common.models import END
from services.common.web import PageLimit
from services.registry.catalogue.service import CatalogueService
from services.registry.fixity.service import FixityService
from services.registry.guards import allow

FIXITY_READERS = (SERVICE_ROLE, "admin", "archivist", "compliance")
# Document ids are UUIDs: a cursor of anything else is refused at decode, so a NUL (which
# PostgreSQL refuses with an error the store does not translate) never reaches it.
PRINTABLE_ASCII = rf"^[!-~]+{END}"


class FixityController(Controller):
    """What the periodic fixity job reads (reliability promise 6); read-only."""

    path = "/fixity"
    tags = ("catalogue",)
    guards = [allow(*FIXITY_READERS)]  # noqa: RUF012 - Litestar's declared layer type

    @get("/numbers", operation_id="checkArchiveNumbers")
    async def numbers(self, principal: NamedDependency[Principal],
                      fixity: NamedDependency[FixityService]) -> NumberingReport:
        """Every archive number against the counters: gaps, duplicates, counters behind
        the numbers in use (D8); ``clean`` when there is nothing to report. The report
        names series and numbers of every security level, so a user needs ``secret``
        clearance (403 ``above_clearance``)."""
        if not principal.cleared_for("secret"):
            raise Forbidden("the archive-number check names documents of every security "
                            "level; it needs secret clearance", code="above_clearance")
        return await fixity.numbering()

    @post("/results", operation_id="recordFixityResult", guards=[allow(SERVICE_ROLE)],
          status_code=HTTP_204_NO_CONTENT)
    async def results(self, data: JSONBody[FixityResult],
                      fixity: NamedDependency[FixityService]) -> None:
        """Ingest reports a finished fixity run; it goes into the audit log (O4)."""
        await fixity.record(data)

    @get("/awaiting-scan", operation_id="listAwaitingScan", guards=[allow(SERVICE_ROLE)])
    async def awaiting_scan(self, fixity: NamedDependency[FixityService]) -> AwaitingScan:
        """The originals of the records catalogued before their scan and still without
        it, for ingest to attach those it holds (``archive derive --missing``)."""
        return await fixity.awaiting_scan()

    @get("/documents", operation_id="listFixityDocuments")
    async def documents(self, principal: NamedDependency[Principal],
                        fixity: NamedDependency[FixityService],
                        catalogue: NamedDependency[CatalogueService],
                        after: Annotated[str | None, QueryParameter(
                            min_length=1, max_length=36, pattern=PRINTABLE_ASCII)] = None,
                        limit: PageLimit = 500) -> FixityPage:
        """Every catalogue record (destroyed ones too) by ``document_id``, with what a
        re-hash checks, as far as the caller may know it exists; continue with
        ``after=next_after`` until it is null."""
        access = await catalogue.access_filter(principal)
        return await fixity.documents(after=after, limit=limit, access=access)
