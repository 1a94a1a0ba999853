"""Reading the journal (feed pages, audit entries, the chain's verification), recording
refusals, which happen outside the refused change's transaction so they are kept, and
anchoring the audit chain's head outside the database.

What a person (not one of our services) reads of the feed and the log (issue 14,
reliability promise 7) leaves out what they may not know of: the feed is for our
services; a person reading it (``admin``) gets the page without the events of documents
above their clearance, nor those of a household they may not know of at the event's moment
(D1, as in the audit log below), and loan events list only the documents they may see;
``last_seq`` still moves past what was left out. The audit log must stay complete and countable: an
entry about such a document stays in its place, redacted (``document_id`` null,
``detail`` reduced to ``{"redacted": true}``), and so does a legal hold's own entry (its
reason, its release note) when the hold names only such documents; asked for the entries
of such a document, the log answers none, as for a document that does not exist. An
entry about a household the reader may not know of (D1: made only by filings above their
clearance; or, registered later, before its registration) is redacted in place the same
way: its unit code and occupants are not theirs to learn. Every entry keeps its place (its
``seq`` and hashes are the chain's), so the log counts what it does not name. How many
documents a change of a household placed anew (in the log and the feed) is told only to
those who may know of every document (``knows_every_document``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NoReturn, assert_never

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.registry import (
    NUMBERING_FINDINGS,
    REDACTED_DETAIL,
    AuditRecord,
    AuditTrailEntry,
    ChainReport,
    Change,
    DocumentCorrected,
    DocumentDestroyed,
    DocumentFiled,
    DocumentTransferred,
    FeedPage,
    HouseholdChanged,
    LoanChanged,
    ScheduleChanged,
    SecurityChanged,
    TextRevised,
)
from services.common.errors import ArchiveError, DependencyUnavailable, NotFound
from services.common.operations import AUDIT_READERS
from services.registry.access import (
    Catalogue,
    access_filter,
    hold_withheld,
    knows_every_document,
    visible_to,
)
from services.registry.journal.anchors import AuditAnchors, ForgedAnchor
from services.registry.journal.models import (
    Anchored,
    AuditEntry,
    AuditQuery,
    DetailValue,
)
from services.registry.journal.rules import ChainWalk, RefusalBudget
from services.registry.store import RegistryStore, Tx

MAX_FEED_PAGE = 5000
VERIFY_PAGE = 5000
HOLD_ACTIONS = ("hold_placed", "hold_released")
COUNTED_DETAIL = frozenset({"documents_recomputed", "documents_attached"})
"""What an entry about a household counts of the documents a change placed anew."""
TRAIL_LIMIT = 200

Knows = Callable[[str, datetime], bool]
"""Whether a reader may know of a household (its unit code) at a moment."""
Progress = Callable[[int, int], None]
"""Called with (entries checked, entries to check) after each page."""


REFUSAL_COUNTS = ("clearance_needed", "documents_above")
"""What a refusal's error names beside its sentence (``extra``) that its entry records: the
audit log page says the refusal in words with them (the clearance a step needs)."""

class JournalService:
    def __init__(self, store: RegistryStore, clock: Clock, *,
                 anchors: AuditAnchors | None = None) -> None:
        self.store = store
        self.clock = clock
        self.anchors = anchors
        """Where the chain's head is anchored; ``None`` where there is no object store
        (tests and tools of the database alone)."""
        self.refusals = RefusalBudget()

    async def changes(self, principal: Principal, *, after: int, limit: int) -> FeedPage:
        """A feed page; a person reads it without what they may not know of."""
        async with self.store.transaction() as tx:
            page = await tx.journal.changes(after=after, limit=min(limit, MAX_FEED_PAGE))
            knows = await households_known(tx, principal, {
                change.event.household for change in page.changes
                if isinstance(change.event, HouseholdChanged)})
            return await feed_for(tx.documents, principal, page, knows=knows)

    async def entries(self, principal: Principal, query: AuditQuery) -> list[AuditRecord]:
        """Audit entries, those about documents the reader may not know of redacted.
        ``query.document_id`` names its document by its id or an archive number, now or
        before a renumbering (D11, ``named``); 404 ``unknown_document`` when it names
        none the reader may know exists (one above their clearance is no different)."""
        async with self.store.transaction() as tx:
            if query.document_id is not None:
                typed = query.document_id
                document_id = (await tx.documents.named([typed])).get(typed)
                if document_id is None or \
                        not await visible_to(tx.documents, principal, [document_id]):
                    raise NotFound(f"no document {typed}: name it by its id or its archive "
                                   "number (档号), as its page shows them",
                                   code="unknown_document")
                query = await _with_covering_holds(
                    tx, msgspec.structs.replace(query, document_id=document_id))
            found = numbering_entries_for(principal, await tx.journal.entries(query))
            shown = await hold_entries_for(tx, principal,
                                           await entries_for(tx.documents, principal, found))
            numbers = await tx.documents.archive_nos(list(dict.fromkeys(
                entry.document_id for entry in shown if entry.document_id is not None)))
            return await household_entries_for(tx, principal, [
                msgspec.structs.replace(entry, archive_no=numbers.get(entry.document_id))
                if entry.document_id is not None else entry for entry in shown])

    async def document_trail(self, principal: Principal, document_id: str
                             ) -> list[AuditTrailEntry]:
        """A document's audit entries, newest first, as its reader may see them: every
        entry for those who read the whole log, a reader's own otherwise; 404 as for a
        document that does not exist when the reader may not know it exists."""
        async with self.store.transaction() as tx:
            if not await visible_to(tx.documents, principal, [document_id]):
                raise NotFound("no such document", code="unknown_document")
            whose = None if principal.has_role(*AUDIT_READERS) else principal.username
            found = await tx.journal.entries(await _with_covering_holds(tx, AuditQuery(
                document_id=document_id, username=whose, limit=TRAIL_LIMIT,
                newest_first=True)))
        return [AuditTrailEntry(seq=entry.seq, at=entry.at, username=entry.username,
                                action=entry.action, outcome=entry.outcome, code=entry.code,
                                detail=entry.detail) for entry in found]

    async def verify(self, *, progress: Progress | None = None) -> ChainReport:
        """The chain recomputed with the key up to the head, and checked against its
        newest anchor; the report names the first broken link.

        Reads page by page in short read-only transactions, so writers are not held up;
        entries appended meanwhile are beyond the head read at the start and checked
        next time. The newest anchored head, if any, must be in the chain, holding the
        anchored hash."""
        try:
            anchor = await self.anchors.latest() if self.anchors is not None else None
        except ForgedAnchor as exc:
            return ChainReport(intact=False, entries=0, problem=exc.detail, reason="anchor_forged")
        async with self.store.snapshot() as view:
            head_seq, head_hash = await view.journal.audit_head()
            keyed_from = await view.journal.keyed_from()
        walk = ChainWalk(key=self.store.audit_key, keyed_from=keyed_from,
                         anchored_seq=anchor.seq if anchor is not None else None)
        while walk.last_seq < head_seq:
            async with self.store.snapshot() as view:
                rows = await view.journal.stored_entries(after=walk.last_seq, upto=head_seq,
                                                         limit=VERIFY_PAGE)
            if not rows:
                break
            for row in rows:
                problem = walk.step(row)
                if problem is not None:
                    return walk.broken(problem)
            if progress is not None:
                progress(walk.checked, head_seq)
        report = walk.at_head(head_seq, head_hash)
        if report.intact:
            async with self.store.snapshot() as view:
                now_seq, _ = await view.journal.audit_head()
                beyond = await view.journal.first_beyond(now_seq)
            if beyond is not None:
                return ChainReport(intact=False, entries=walk.checked, broken_at=beyond,
                                   reason="entry_inserted",
                                   problem=f"entry {beyond} was inserted after the newest "
                                           "entry")
        if anchor is None or not report.intact:
            return report
        return walk.against(report, anchor, keyed_from)

    async def anchor(self) -> Anchored:
        """Anchor the chain's head now (idempotent per head)."""
        if self.anchors is None:
            raise DependencyUnavailable("this registry has no object store to anchor its "
                                        "audit chain in", code="no_anchor_store")
        async with self.store.snapshot() as view:
            seq, digest = await view.journal.audit_head()
            keyed_from = await view.journal.keyed_from()
        head = Anchored(seq=seq, hash=digest, keyed_from=keyed_from, at=self.clock.now())
        await self.anchors.write(head)
        return head

    async def append_only_state(self) -> str:
        """Readiness: what keeps this database's audit rows from being rewritten."""
        async with self.store.snapshot() as view:
            rewritable = await view.journal.rewritable()
        if rewritable is None:
            return ("append-only by trigger: whoever can write the database file can "
                    "rewrite it; the keyed chain and its anchors find that")
        if rewritable:
            return ("the services' database role may rewrite audit rows: migrate as the "
                    "tables' owner (ARCHIVE_MIGRATION_DATABASE_URL) and serve as another role")
        return "insert and select only for the services' database role"

    async def refused(self, principal: Principal, action: str, error: ArchiveError, *,
                      document_id: str | None = None, code: str | None = None,
                      detail: dict[str, DetailValue] | None = None) -> None:
        """O4: every authorisation refusal is in the audit log, in its own transaction;
        ``code`` (default: the error's) says why, e.g. a decision's ``not_visible``;
        ``detail`` names what was refused as its success would (``{"user": …}``), beside
        the ``reason`` and what the error counts for its words (``REFUSAL_COUNTS``: the
        clearance it needs, how many documents were above). Past a user's cap a minute,
        refusals are counted into one entry (``refusals``)."""
        now = self.clock.now()
        entries = self.refusals.summaries(now)
        if self.refusals.itemise(principal.username, action, now):
            entries.append(AuditEntry(
                action=action, username=principal.username, document_id=document_id,
                outcome="refused", code=code or error.code,
                detail={**(detail or {}), **{name: error.extra[name] for name in REFUSAL_COUNTS
                                             if name in error.extra},
                        "reason": error.detail}))
        await self._write(entries)

    async def refuse(self, principal: Principal, action: str, error: ArchiveError, *,
                     document_id: str | None = None, code: str | None = None,
                     detail: dict[str, DetailValue] | None = None) -> NoReturn:
        """Record the refusal, then raise ``error``."""
        await self.refused(principal, action, error, document_id=document_id, code=code,
                           detail=detail)
        raise error

    async def record(self, entry: AuditEntry) -> None:
        """Append ``entry`` in a transaction of its own (an event with no change of its
        own, such as a login)."""
        await self._write([entry])

    async def upkeep(self) -> None:
        """Write the counts of refusals not itemised in minutes now over, then anchor the
        chain's head (if it moved); the registry does it at start, every
        ``ARCHIVE_AUDIT_ANCHOR_INTERVAL_S`` and at stop. A store or database that is away
        fails it; the chain itself is whole meanwhile, and the next upkeep anchors it."""
        await self._write(self.refusals.summaries(self.clock.now()))
        if self.anchors is not None:
            await self.anchor()

    async def _write(self, entries: list[AuditEntry]) -> None:
        if not entries:
            return
        async with self.store.transaction() as tx:
            for entry in entries:
                await tx.journal.audit(entry, at=self.clock.now())


async def _with_covering_holds(tx: Tx, query: AuditQuery) -> AuditQuery:
    """A document's entries include those of the household and category holds that
    cover it (R7). Such a hold is audited once, naming its scope, not once per document:
    it may cover thousands, and those filed later too (holds/service.py)."""
    assert query.document_id is not None
    return msgspec.structs.replace(
        query, covering_holds=await tx.holds.scoped_covering(query.document_id))


def _named(change: Change) -> list[str]:
    match change.event:
        case (DocumentFiled() | DocumentCorrected() | SecurityChanged() | DocumentDestroyed()
              | DocumentTransferred() | TextRevised()):
            return [change.event.document.document_id]
        case LoanChanged():
            return list(change.event.documents)
        case HouseholdChanged() | ScheduleChanged():
            return []
        case unknown:
            # A new kind of event must say which documents it names before people see it.
            assert_never(unknown)


async def feed_for(catalogue: Catalogue, principal: Principal, page: FeedPage, *,
                   knows: Knows) -> FeedPage:
    """``page`` as ``principal`` may read it (the module docstring), who ``knows`` of a
    household at a moment or not (``households_known``)."""
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
        elif isinstance(event, HouseholdChanged):
            if knows(event.household, change.at):
                kept.append(msgspec.structs.replace(change, event=_counted_for(
                    principal, event)))
        elif all(d in visible for d in _named(change)):
            kept.append(change)
    return msgspec.structs.replace(page, changes=kept)


def _counted_for(principal: Principal, event: HouseholdChanged) -> HouseholdChanged:
    """``event`` without its counts of documents for a reader who may not know of every
    document (``knows_every_document``)."""
    if knows_every_document(principal):
        return event
    return msgspec.structs.replace(event, documents_recomputed=None, documents_attached=None)


def numbering_entries_for(principal: Principal, entries: list[AuditRecord]
                          ) -> list[AuditRecord]:
    """A fixity finding about archive-number series (``NUMBERING_FINDINGS``: about no one
    document, naming series and numbers of every level) redacted in place for a reader
    not cleared for ``secret``, as the fixity run's own report is (counted, not named)."""
    if principal.cleared_for("secret"):
        return entries
    return [msgspec.structs.replace(entry, detail=REDACTED_DETAIL)
            if entry.action == "fixity_finding" and entry.document_id is None
            and entry.detail.get("kind") in NUMBERING_FINDINGS else entry
            for entry in entries]


async def hold_entries_for(tx: Tx, principal: Principal, entries: list[AuditRecord]
                           ) -> list[AuditRecord]:
    """A hold's own entries (about no one document: its reason, its release note) redacted
    in place, as its row is, when the hold is about nothing the reader may know of
    (``hold_withheld``)."""
    named = {entry.detail["hold_id"] for entry in entries if _a_holds_own(entry)}
    withheld: set[object] = set()
    for hold_id in named:
        hold = await tx.holds.get(str(hold_id))
        if hold is not None and hold_withheld(
                hold, await visible_to(tx.documents, principal, hold.documents)):
            withheld.add(hold_id)
    return [msgspec.structs.replace(entry, detail=REDACTED_DETAIL)
            if _a_holds_own(entry) and entry.detail["hold_id"] in withheld else entry
            for entry in entries]


async def household_entries_for(tx: Tx, principal: Principal, entries: list[AuditRecord]
                                ) -> list[AuditRecord]:
    """An entry about a household redacted in place, as a document's is, when the
    reader may not know of the household at the entry's moment (``households_known``);
    one they may know of without its counts of documents (``COUNTED_DETAIL``: None) when
    they may not know of every document (``knows_every_document``)."""
    knows = await households_known(tx, principal, {
        str(entry.detail["household"]) for entry in entries if _a_households_own(entry)})
    counted = knows_every_document(principal)

    def shown(entry: AuditRecord) -> AuditRecord:
        if not _a_households_own(entry):
            return entry
        if not knows(str(entry.detail["household"]), entry.at):
            return msgspec.structs.replace(entry, detail=REDACTED_DETAIL)
        if counted or not COUNTED_DETAIL & entry.detail.keys():
            return entry
        return msgspec.structs.replace(entry, detail={
            **entry.detail, **dict.fromkeys(COUNTED_DETAIL & entry.detail.keys())})

    return [shown(entry) for entry in entries]


async def households_known(tx: Tx, principal: Principal, named: set[str]) -> Knows:
    """Whether ``principal`` may know of a household among ``named`` at a moment (D1,
    ``HouseholdsRepository.known_since``): not one made only by filings above their
    clearance, nor one registered later before its registration."""
    if principal.is_service:
        return lambda household, at: True
    known = await tx.households.known_since(
        named, seen=tx.documents.households_seen(access_filter(principal))) if named else {}

    def knows(household: str, at: datetime) -> bool:
        if household not in known:
            return False
        since = known[household]
        return since is None or at >= since

    return knows


def _a_households_own(entry: AuditRecord) -> bool:
    """An entry about a household, not a document, naming it in ``detail["household"]``:
    its registration, occupant changes, move-outs, and an occupancy's correction asked and
    applied (D12) — but not a hold's (a household hold may name a unit never used: it
    tells nothing)."""
    return (entry.document_id is None and "household" in entry.detail
            and entry.action not in HOLD_ACTIONS)


def _a_holds_own(entry: AuditRecord) -> bool:
    return (entry.action in HOLD_ACTIONS and entry.document_id is None
            and "hold_id" in entry.detail)


async def entries_for(catalogue: Catalogue, principal: Principal,
                      entries: Iterable[AuditRecord]) -> list[AuditRecord]:
    """``entries`` as ``principal`` may read them (the module docstring)."""
    listed = list(entries)
    visible = await visible_to(catalogue, principal,
                               (e.document_id for e in listed if e.document_id is not None))
    return [entry if entry.document_id is None or entry.document_id in visible
            else msgspec.structs.replace(entry, document_id=None, detail=REDACTED_DETAIL)
            for entry in listed]
