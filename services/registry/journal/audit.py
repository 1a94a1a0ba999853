"""The audit log (审计日志, O4): append-only and chained with a key kept outside the database.

Each entry stores the hash of the one before it and its own hash: an HMAC-SHA256, under
the ``AuditKey`` (``ARCHIVE_AUDIT_KEY`` or ``<data_dir>/audit_key``), of its content and
that link; the head row keeps the newest ``seq`` and hash. ``verify`` recomputes the
chain and names the first broken link, so an edited, deleted, inserted or reordered row
is found (reliability.md, promise 4), and a database administrator who rewrites rows
cannot recompute the hashes without the key (promise 8). Entries written before the key
(below ``audit_chain.keyed_from``) keep their plain SHA-256; the first keyed entry's
HMAC covers their last hash, so they cannot be rewritten either. The chain's head is
also anchored in the object store (``anchors``), which finds a truncated tail.

The migration adds triggers that refuse UPDATE and DELETE on ``audit_log`` on both
engines; on PostgreSQL the services' own role may only INSERT and SELECT it
(``services.registry.schema.APP_ROLE_LIMITS``).

What is recorded: filing, reads of confidential or personal documents, content reads and
downloads, corrections, household and schedule changes, and every authorisation refusal;
features add their own actions (borrow, return, appraisal, destruction).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.common.clients.registry import AuditDetail
from services.common.db import connect
from services.common.errors import ValidationFailed
from services.common.models import Struct
from services.registry.journal.tables import (
    CHAIN_ID,
    GENESIS,
    HEAD_ID,
    audit_chain,
    audit_log,
    journal_head,
)

DetailValue = AuditDetail
WELL_KNOWN_KEY = b"archive audit chain: no key configured"
Outcome = Literal["allowed", "refused"]


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """What a feature records; ``seq``, time and hashes are added by ``record``."""

    action: str
    username: str
    document_id: str | None = None
    outcome: Outcome = "allowed"
    code: str | None = None
    """For a refusal, the decision's code (``not_visible``, ``role_required``…)."""
    detail: dict[str, DetailValue] = msgspec.field(default_factory=dict)


class AuditRecord(Struct):
    seq: int
    at: datetime
    username: str
    action: str
    document_id: str | None
    outcome: Outcome
    code: str | None
    detail: dict[str, DetailValue]
    prev_hash: str
    hash: str


class AuditQuery(Struct):
    document_id: str | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int = 0
    limit: int = 200
    newest_first: bool = False


class ChainReport(Struct):
    intact: bool
    entries: int
    broken_at: int | None = None
    """``seq`` of the first entry whose link does not hold."""
    problem: str | None = None
    anchored_seq: int | None = None
    """The newest entry anchored in the object store, when an anchor was checked."""
    anchored_at: datetime | None = None


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


async def record(conn: AsyncConnection, entry: AuditEntry, *, at: datetime,
                 key: AuditKey) -> AuditRecord:
    """Append ``entry`` in the caller's open transaction (after the change's own writes)."""
    seq, prev_hash = (await conn.execute(
        journal_head.update().where(journal_head.c.id == HEAD_ID)
        .values(audit_seq=journal_head.c.audit_seq + 1)
        .returning(journal_head.c.audit_seq, journal_head.c.audit_hash)
    )).one()
    detail_json = msgspec.json.encode(entry.detail, order="sorted").decode()
    digest = chain_hash(seq, at, entry, detail_json, prev_hash, key=key)
    await conn.execute(audit_log.insert().values(
        seq=seq, at=at, username=entry.username, action=entry.action,
        document_id=entry.document_id, outcome=entry.outcome, code=entry.code,
        detail=detail_json, prev_hash=prev_hash, hash=digest,
    ))
    await conn.execute(journal_head.update().where(journal_head.c.id == HEAD_ID)
                       .values(audit_hash=digest))
    return AuditRecord(seq=int(seq), at=at, username=entry.username, action=entry.action,
                       document_id=entry.document_id, outcome=entry.outcome, code=entry.code,
                       detail=dict(entry.detail), prev_hash=prev_hash, hash=digest)


async def query(conn: AsyncConnection, filters: AuditQuery) -> list[AuditRecord]:
    """Entries matching every given filter, from ``after_seq``, oldest first unless
    ``newest_first``."""
    statement = sa.select(audit_log).where(audit_log.c.seq > filters.after_seq)
    if filters.document_id is not None:
        statement = statement.where(audit_log.c.document_id == filters.document_id)
    if filters.username is not None:
        statement = statement.where(audit_log.c.username == filters.username)
    if filters.since is not None:
        statement = statement.where(audit_log.c.at >= _utc(filters.since))
    if filters.until is not None:
        statement = statement.where(audit_log.c.at < _utc(filters.until))
    order = audit_log.c.seq.desc() if filters.newest_first else audit_log.c.seq
    rows = (await conn.execute(statement.order_by(order).limit(filters.limit))
            ).mappings().all()
    return [AuditRecord(
        seq=int(row["seq"]), at=row["at"], username=row["username"], action=row["action"],
        document_id=row["document_id"], outcome=row["outcome"], code=row["code"],
        detail=msgspec.json.decode(row["detail"]), prev_hash=row["prev_hash"],
        hash=row["hash"],
    ) for row in rows]


def _utc(moment: datetime) -> datetime:
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValidationFailed(f"{moment} is out of range", code="date_out_of_range") from exc


Progress = Callable[[int, int], None]
"""Called with (entries checked, entries to check) after each page."""


async def verify(engine: AsyncEngine, *, key: AuditKey, anchor: Anchored | None = None,
                 page_size: int = 5000, progress: Progress | None = None) -> ChainReport:
    """Recompute the chain up to the head; the report names the first broken link.

    Reads page by page in short transactions, so writers are not held up; entries
    appended meanwhile are beyond the head read at the start and checked next time.
    ``anchor`` is the newest head anchored outside the database, if any: the chain must
    reach it and hold the anchored hash there.
    """
    async with connect(engine) as conn:
        head_seq, head_hash = await _head(conn)
        keyed_from = await _keyed_from(conn)
        await conn.commit()
    walk = _Walk(key=key, keyed_from=keyed_from,
                 anchored_seq=anchor.seq if anchor is not None else None)
    while walk.last_seq < head_seq:
        async with connect(engine) as conn:
            rows = (await conn.execute(
                sa.select(audit_log).where(audit_log.c.seq > walk.last_seq,
                                           audit_log.c.seq <= head_seq)
                .order_by(audit_log.c.seq).limit(page_size)
            )).mappings().all()
            await conn.commit()
        if not rows:
            break
        for row in rows:
            problem = walk.step(row)
            if problem is not None:
                return ChainReport(intact=False, entries=walk.checked,
                                   broken_at=walk.last_seq + 1, problem=problem)
        if progress is not None:
            progress(walk.checked, int(head_seq))
    report = await _check_head(engine, walk, int(head_seq), head_hash)
    if anchor is None or not report.intact:
        return report
    return _check_anchor(report, walk, anchor, keyed_from)


class Anchored(msgspec.Struct, frozen=True, kw_only=True):
    """A head of the chain as it was anchored outside the database (``anchors``)."""

    seq: int
    hash: str
    keyed_from: int
    at: datetime


class _Walk:
    """The chain walked so far: the last entry checked and, once passed, the anchored
    entry's hash."""

    def __init__(self, *, key: AuditKey, keyed_from: int, anchored_seq: int | None) -> None:
        self.key = key
        self.keyed_from = keyed_from
        self.anchored_seq = anchored_seq
        self.anchored_hash: str | None = None
        self.checked = 0
        self.last_seq = 0
        self.prev_hash = GENESIS

    def step(self, row: sa.RowMapping) -> str | None:
        problem = _link_problem(row, self.last_seq + 1, self.prev_hash,
                                key=self.key if int(row["seq"]) >= self.keyed_from else None)
        if problem is not None:
            return problem
        self.checked, self.last_seq, self.prev_hash = self.checked + 1, int(row["seq"]), \
            row["hash"]
        if self.last_seq == self.anchored_seq:
            self.anchored_hash = row["hash"]
        return None


def _link_problem(row: sa.RowMapping, expected_seq: int, prev_hash: str, *,
                  key: AuditKey | None) -> str | None:
    seq = int(row["seq"])
    if seq != expected_seq:
        return f"entry {expected_seq} is missing: it was deleted or renumbered"
    if row["prev_hash"] != prev_hash:
        return (f"entry {seq} does not follow entry {seq - 1}: an entry before it was "
                "edited, deleted, inserted or moved")
    entry = AuditEntry(action=row["action"], username=row["username"],
                       document_id=row["document_id"], outcome=row["outcome"],
                       code=row["code"])
    if chain_hash(seq, row["at"], entry, row["detail"], prev_hash, key=key) != row["hash"]:
        how = "its keyed hash (HMAC)" if key is not None else "its hash"
        return f"entry {seq} was edited: its content no longer matches {how}"
    return None


async def _head(conn: AsyncConnection) -> tuple[int, str]:
    seq, digest = (await conn.execute(
        sa.select(journal_head.c.audit_seq, journal_head.c.audit_hash)
        .where(journal_head.c.id == HEAD_ID)
    )).one()
    return int(seq), str(digest)


async def _keyed_from(conn: AsyncConnection) -> int:
    """The first ``seq`` chained with the key (entries before it were written before)."""
    value = (await conn.execute(sa.select(audit_chain.c.keyed_from)
                                .where(audit_chain.c.id == CHAIN_ID))).scalar_one()
    return int(value)


async def append_only_state(engine: AsyncEngine) -> str:
    """Readiness: what keeps this database's audit rows from being rewritten."""
    async with connect(engine) as conn:
        if conn.dialect.name != "postgresql":
            return ("append-only by trigger: whoever can write the database file can "
                    "rewrite it; the keyed chain and its anchors find that")
        may_rewrite = (await conn.execute(sa.text(
            "SELECT has_table_privilege(current_user, 'audit_log', 'UPDATE, DELETE, "
            "TRUNCATE') OR pg_has_role(current_user, tableowner, 'USAGE') "
            "FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = current_schema()"
        ))).scalar_one()
        await conn.commit()
    if may_rewrite:
        return ("the services' database role may rewrite audit rows: migrate as the "
                "tables' owner (ARCHIVE_MIGRATION_DATABASE_URL) and serve as another role")
    return "insert and select only for the services' database role"


async def head(engine: AsyncEngine, *, at: datetime) -> Anchored:
    """The chain's head as it stands ``at``, to anchor."""
    async with connect(engine) as conn:
        seq, digest = await _head(conn)
        keyed_from = await _keyed_from(conn)
        await conn.commit()
    return Anchored(seq=seq, hash=digest, keyed_from=keyed_from, at=at)


async def _check_head(engine: AsyncEngine, walk: _Walk, head_seq: int, head_hash: str
                      ) -> ChainReport:
    checked, last_seq = walk.checked, walk.last_seq
    if last_seq != head_seq:
        return ChainReport(intact=False, entries=checked, broken_at=last_seq + 1,
                           problem=f"the log ends at entry {last_seq} but {head_seq} entries "
                                   "were written: the newest entries were deleted")
    if walk.prev_hash != head_hash:
        return ChainReport(intact=False, entries=checked, broken_at=last_seq,
                           problem=f"entry {last_seq} is not the entry the head recorded")
    async with connect(engine) as conn:
        now_seq, _ = await _head(conn)
        beyond = (await conn.execute(
            sa.select(sa.func.min(audit_log.c.seq)).where(audit_log.c.seq > now_seq)
        )).scalar_one()
        await conn.commit()
    if beyond is not None:
        return ChainReport(intact=False, entries=checked, broken_at=int(beyond),
                           problem=f"entry {beyond} was inserted after the newest entry")
    return ChainReport(intact=True, entries=checked)


def _check_anchor(report: ChainReport, walk: _Walk, anchor: Anchored, keyed_from: int
                  ) -> ChainReport:
    """promise 8: the chain in the database reaches the newest anchored head and holds
    the anchored hash there."""
    when = anchor.at.astimezone(UTC).isoformat(timespec="seconds")
    problem = None
    if anchor.keyed_from != keyed_from:
        problem = (f"the keyed chain starts at entry {keyed_from} in the database but at "
                   f"entry {anchor.keyed_from} in the anchor of {when}: it was moved")
    elif anchor.seq > walk.last_seq:
        problem = (f"the log ends at entry {walk.last_seq} but entry {anchor.seq} was "
                   f"anchored in the object store at {when}: the newest entries were "
                   "deleted")
    elif anchor.seq > 0 and walk.anchored_hash != anchor.hash:
        problem = (f"entry {anchor.seq} is not the entry anchored at {when}: the log was "
                   "rewritten")
    if problem is not None:
        return ChainReport(intact=False, entries=report.entries,
                           broken_at=min(anchor.seq, walk.last_seq + 1), problem=problem,
                           anchored_seq=anchor.seq, anchored_at=anchor.at)
    return msgspec.structs.replace(report, anchored_seq=anchor.seq, anchored_at=anchor.at)
