"""Role guards of the registry's routes that audit their refusals (O4).

The journal that records a refusal reaches the guard through the router's ``opt``
(Litestar hands a route's merged ``opt`` to its guards); ``bootstrap`` puts a
``RefusalRecorder`` there.
"""

from __future__ import annotations

from typing import Any, NoReturn, Protocol

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from services.common.auth import Principal
from services.common.callers import principal_of, role_required
from services.common.errors import ArchiveError
from services.common.models import Role

JOURNAL_OPT = "registry_journal"

# Bound of feed positions: what the databases' 64-bit integers can hold.
MAX_SEQ = 2**62


class Journal(Protocol):
    """Where refusals are audited (``JournalService``)."""

    async def refuse(self, principal: Principal, action: str, error: ArchiveError
                     ) -> NoReturn: ...


class RefusalRecorder:
    """The journal, as the guards reach it."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def __deepcopy__(self, memo: dict[int, Any]) -> RefusalRecorder:
        # Litestar deep-copies route handlers (and their opt) when it registers routes;
        # the journal holds an engine, which is shared, never copied.
        return self


def allow(*roles: Role | str) -> Any:
    """A guard: the caller holds one of ``roles``; otherwise the refusal is audited, 403."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any],
                    handler: BaseRouteHandler) -> None:
        principal = principal_of(connection)
        if principal.has_role(*roles):
            return
        recorder: RefusalRecorder = handler.opt[JOURNAL_OPT]
        operation = getattr(handler, "operation_id", None)
        action = operation if isinstance(operation, str) else connection.url.path
        await recorder.journal.refuse(principal, action, role_required(principal, roles))

    return guard
