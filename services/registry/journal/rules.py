"""The audit chain's rules, pure (O4; reliability.md promises 4 and 8), and how many
refusals are itemised.

Each audit entry stores the hash of the one before it and its own hash: an HMAC-SHA256,
under the ``AuditKey`` (``ARCHIVE_AUDIT_KEY`` or ``<data_dir>/audit_key``), of its
content and that link. Recomputing the chain (``ChainWalk``) names the first broken
link, so an edited, deleted, inserted or reordered row is found, and a database
administrator who rewrites rows cannot recompute the hashes without the key. Entries
written before the key (below ``keyed_from``) keep their plain SHA-256; the first keyed
entry's HMAC covers their last hash, so they cannot be rewritten either. The newest
anchored head (``anchors``) must still be in the chain, which finds a truncated tail.

Refusals: every refusal is an audit entry, and every entry takes the journal's head row
lock, so a script hammering a route it may not use would queue every other write behind
its own. Each user's first ``REFUSALS_ITEMISED_PER_MINUTE`` refusals of a minute are
itemised; the rest are counted, and one ``refusals_not_itemised`` entry per user and
minute records how many, of which actions, once the minute is over (``RefusalBudget``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from services.common.contracts.registry import ChainProblem, ChainReport
from services.registry.journal.models import Anchored, AuditEntry

GENESIS = "0" * 64
"""The ``prev_hash`` of the first audit entry."""
WELL_KNOWN_KEY = b"archive audit chain: no key configured"
REFUSALS_ITEMISED_PER_MINUTE = 30


class AuditKey:
    """The secret the chain's HMACs are made with; never stored in the database."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the audit key must be at least 32 bytes")
        self._secret = secret

    @classmethod
    def well_known(cls) -> AuditKey:
        """The key of code built without one (tests, benchmarks, tools over a database
        alone): written in this source, so a chain made with it proves nothing against
        whoever reads it. The services always chain with ``Settings.audit_key_bytes``."""
        return cls(WELL_KNOWN_KEY)

    def mac(self, message: bytes) -> str:
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()


def chain_hash(seq: int, at: datetime, entry: AuditEntry, detail_json: str,
               prev_hash: str, *, key: AuditKey | None) -> str:
    """The entry's hash: an HMAC under ``key``; a plain SHA-256 for entries written before
    the chain was keyed (``key`` None)."""
    canonical = msgspec.json.encode([
        seq, at.astimezone(UTC).isoformat(), entry.username, entry.action, entry.document_id,
        entry.outcome, entry.code, detail_json, prev_hash,
    ])
    return key.mac(canonical) if key is not None else hashlib.sha256(canonical).hexdigest()


def detail_json(entry: AuditEntry) -> str:
    """The entry's detail as the chain hashes and the table stores it."""
    return msgspec.json.encode(entry.detail, order="sorted").decode()


class ChainWalk:
    """The chain walked so far: the last entry checked and, once passed, the anchored
    entry's hash. Fed the stored rows in ``seq`` order."""

    def __init__(self, *, key: AuditKey, keyed_from: int, anchored_seq: int | None) -> None:
        self.key = key
        self.keyed_from = keyed_from
        self.anchored_seq = anchored_seq
        self.anchored_hash: str | None = None
        self.checked = 0
        self.last_seq = 0
        self.prev_hash = GENESIS

    def step(self, row: Mapping[str, Any]) -> tuple[ChainProblem, str] | None:
        """The problem with ``row``, the next stored entry; None if its link holds."""
        problem = _link_problem(row, self.last_seq + 1, self.prev_hash,
                                key=self.key if int(row["seq"]) >= self.keyed_from else None)
        if problem is not None:
            return problem
        self.checked, self.last_seq, self.prev_hash = self.checked + 1, int(row["seq"]), \
            row["hash"]
        if self.last_seq == self.anchored_seq:
            self.anchored_hash = row["hash"]
        return None

    def broken(self, problem: tuple[ChainProblem, str]) -> ChainReport:
        return ChainReport(intact=False, entries=self.checked, broken_at=self.last_seq + 1,
                           reason=problem[0], problem=problem[1])

    def at_head(self, head_seq: int, head_hash: str) -> ChainReport:
        """The report once every entry up to the head read at the start was walked."""
        if self.last_seq != head_seq:
            return ChainReport(intact=False, entries=self.checked,
                               broken_at=self.last_seq + 1, reason="newest_deleted",
                               problem=f"the log ends at entry {self.last_seq} but {head_seq} "
                                       "entries were written: the newest entries were deleted")
        if self.prev_hash != head_hash:
            return ChainReport(intact=False, entries=self.checked, broken_at=self.last_seq,
                               reason="head_mismatch",
                               problem=f"entry {self.last_seq} is not the entry the head "
                                       "recorded")
        return ChainReport(intact=True, entries=self.checked)

    def against(self, report: ChainReport, anchor: Anchored, keyed_from: int) -> ChainReport:
        """promise 8: the chain in the database reaches the newest anchored head and holds
        the anchored hash there."""
        when = anchor.at.astimezone(UTC).isoformat(timespec="seconds")
        problem = None
        reason: ChainProblem = "anchor_moved"
        if anchor.keyed_from != keyed_from:
            problem = (f"the keyed chain starts at entry {keyed_from} in the database but at "
                       f"entry {anchor.keyed_from} in the anchor of {when}: it was moved")
        elif anchor.seq > self.last_seq:
            reason = "newest_deleted"
            problem = (f"the log ends at entry {self.last_seq} but entry {anchor.seq} was "
                       f"anchored in the object store at {when}: the newest entries were "
                       "deleted")
        elif anchor.seq > 0 and self.anchored_hash != anchor.hash:
            reason = "log_rewritten"
            problem = (f"entry {anchor.seq} is not the entry anchored at {when}: the log was "
                       "rewritten")
        if problem is not None:
            return ChainReport(intact=False, entries=report.entries,
                               broken_at=min(anchor.seq, self.last_seq + 1), problem=problem,
                               reason=reason,
                               anchored_seq=anchor.seq, anchored_at=anchor.at)
        return msgspec.structs.replace(report, anchored_seq=anchor.seq, anchored_at=anchor.at)


def _link_problem(row: Mapping[str, Any], expected_seq: int, prev_hash: str, *,
                  key: AuditKey | None) -> tuple[ChainProblem, str] | None:
    seq = int(row["seq"])
    if seq != expected_seq:
        return "entry_missing", f"entry {expected_seq} is missing: it was deleted or renumbered"
    if row["prev_hash"] != prev_hash:
        return "entry_unlinked", (f"entry {seq} does not follow entry {seq - 1}: an entry "
                                  "before it was edited, deleted, inserted or moved")
    entry = AuditEntry(action=row["action"], username=row["username"],
                       document_id=row["document_id"], outcome=row["outcome"],
                       code=row["code"])
    if chain_hash(seq, row["at"], entry, row["detail"], prev_hash, key=key) != row["hash"]:
        how = "its keyed hash (HMAC)" if key is not None else "its hash"
        return "entry_edited", f"entry {seq} was edited: its content no longer matches {how}"
    return None


@dataclass
class _Minute:
    start: datetime
    itemised: int = 0
    counted: int = 0
    actions: set[str] = field(default_factory=set)


class RefusalBudget:
    """Per user and minute: itemise up to ``per_minute`` refusals, count the rest."""

    def __init__(self, per_minute: int = REFUSALS_ITEMISED_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._minutes: dict[str, _Minute] = {}

    def itemise(self, username: str, action: str, now: datetime) -> bool:
        """True if this refusal gets its own entry; False if it is only counted. Call
        ``summaries`` first, so a minute that is over is summarised before it is reused."""
        start = now.replace(second=0, microsecond=0)
        minute = self._minutes.get(username)
        if minute is None or minute.start != start:
            minute = self._minutes[username] = _Minute(start=start)
        if minute.itemised < self.per_minute:
            minute.itemised += 1
            return True
        minute.counted += 1
        minute.actions.add(action)
        return False

    def summaries(self, now: datetime) -> list[AuditEntry]:
        """An entry for each user whose refusals were counted in a minute now over; those
        minutes are forgotten."""
        start = now.replace(second=0, microsecond=0)
        entries: list[AuditEntry] = []
        for username, minute in list(self._minutes.items()):
            if minute.start == start:
                continue
            del self._minutes[username]
            if minute.counted:
                entries.append(AuditEntry(
                    action="refusals_not_itemised", username=username, outcome="refused",
                    code="refusal_storm", detail={
                        "count": minute.counted, "minute": minute.start.isoformat(),
                        "actions": sorted(minute.actions)}))
        return entries
