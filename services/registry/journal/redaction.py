"""What a person (not one of our services) reads of the change feed and the audit log
(issue 14, reliability promise 7): nothing about a document above their clearance.

The feed is for our services; a person reading it (``admin``) gets the page without the
events of documents they may not know exist, and loan events list only the documents
they may; ``last_seq`` still moves past what was left out. The audit log must stay
complete and countable: an entry about such a document stays in its place, redacted
(``document_id`` null, ``detail`` reduced to ``{"redacted": true}``); asked for the
entries of such a document, the log answers none, as for a document that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

import msgspec

from services.common.auth import Principal
from services.common.contracts.registry import (
    Change,
    DocumentCorrected,
    DocumentDestroyed,
    DocumentFiled,
    FeedPage,
    HouseholdChanged,
    LoanChanged,
    ScheduleChanged,
    SecurityChanged,
    TextRevised,
)
from services.registry.access import Catalogue, visible_to
from services.registry.journal.audit import AuditRecord

REDACTED_DETAIL = {"redacted": True}


def _named(change: Change) -> list[str]:
    match change.event:
        case (DocumentFiled() | DocumentCorrected() | SecurityChanged() | DocumentDestroyed()
              | TextRevised()):
            return [change.event.document.document_id]
        case LoanChanged():
            return list(change.event.documents)
        case HouseholdChanged() | ScheduleChanged():
            return []
        case unknown:
            # A new kind of event must say which documents it names before people see it.
            assert_never(unknown)


async def feed_for(catalogue: Catalogue, principal: Principal, page: FeedPage) -> FeedPage:
    if principal.is_service:
        return page
    visible = await visible_to(catalogue, principal,
                               (d for change in page.changes for d in _named(change)))
    kept: list[Change] = []
    for change in page.changes:
        event = change.event
        if isinstance(event, LoanChanged):
            shown = [d for d in event.documents if d in visible]
            kept.append(msgspec.structs.replace(
                change, event=msgspec.structs.replace(event, documents=shown)))
        elif all(d in visible for d in _named(change)):
            kept.append(change)
    return msgspec.structs.replace(page, changes=kept)


async def entries_for(catalogue: Catalogue, principal: Principal,
                      entries: Iterable[AuditRecord]) -> list[AuditRecord]:
    listed = list(entries)
    visible = await visible_to(catalogue, principal,
                               (e.document_id for e in listed if e.document_id is not None))
    return [entry if entry.document_id is None or entry.document_id in visible
            else msgspec.structs.replace(entry, document_id=None, detail=REDACTED_DETAIL)
            for entry in listed]
