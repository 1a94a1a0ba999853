"""What a reader sees of sweeps, registers and holds that list documents above their
clearance (issue 14, reliability promise 7): registers must stay complete and countable,
so such an item stays in its place as a redacted row (``redacted``: true) that keeps what
counts it (position, category, dates, pages, state, outcome, who decided) and drops what
names the document (id, archive number, title, household, opinions). A hold's list of
documents keeps only those the reader may see, and counts the others.

Visibility is ``access.visible_to`` (``can``'s ``list``), one query per answer.
"""

from __future__ import annotations

import msgspec

from services.common.auth import Principal
from services.registry.access import visible_to
from services.registry.retention.models import (
    Destruction,
    Hold,
    RegisterItem,
    Sweep,
    SweepItem,
)
from services.registry.store import Tx

HIDDEN = ""
"""What a redacted row has in place of an identifier."""


async def sweep_for(tx: Tx, principal: Principal, sweep: Sweep) -> Sweep:
    visible = await visible_to(tx.documents, principal, (item.document_id for item in sweep.items))
    return msgspec.structs.replace(sweep, items=[
        item if item.document_id in visible else _sweep_item(item) for item in sweep.items])


async def register_for(tx: Tx, principal: Principal, register: Destruction) -> Destruction:
    visible = await visible_to(tx.documents, principal,
                               (item.document_id for item in register.items))
    return msgspec.structs.replace(register, items=[
        item if item.document_id in visible else _register_item(item)
        for item in register.items])


async def hold_for(tx: Tx, principal: Principal, hold: Hold) -> Hold:
    visible = await visible_to(tx.documents, principal, hold.documents)
    shown = [document_id for document_id in hold.documents if document_id in visible]
    return msgspec.structs.replace(hold, documents=shown,
                                   documents_withheld=len(hold.documents) - len(shown))


def _sweep_item(item: SweepItem) -> SweepItem:
    return msgspec.structs.replace(
        item, document_id=HIDDEN, archive_no=HIDDEN, redacted=True,
        appraisals=[msgspec.structs.replace(a, opinion=HIDDEN) for a in item.appraisals])


def _register_item(item: RegisterItem) -> RegisterItem:
    return msgspec.structs.replace(item, document_id=HIDDEN, archive_no=HIDDEN, title=HIDDEN,
                                   household=None, redacted=True)
