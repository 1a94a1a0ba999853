"""The audit log (审计日志, O4): append-only and hash-chained.

Each entry stores the hash of the one before it and its own hash over its content and
that link; the head row keeps the newest ``seq`` and hash. ``verify`` recomputes the
chain and names the first broken link, so an edited, deleted, inserted or reordered row
is found (reliability.md, promise 4). The migration adds triggers that refuse UPDATE and
DELETE on ``audit_log`` on both engines, so the application cannot rewrite history.

What is recorded: filing, reads of confidential or personal documents, content reads and
downloads, corrections, household and schedule changes, and every authorisation refusal;
features add their own actions (borrow, return, appraisal, destruction).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.common.db import connect
from services.common.errors import ValidationFailed
from services.common.models import Struct
from services.registry.journal.tables import GENESIS, HEAD_ID, audit_log, journal_head

DetailValue = str | int | float | bool | None | list[str]
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


class ChainReport(Struct):
    intact: bool
    entries: int
    broken_at: int | None = None
    """``seq`` of the first entry whose link does not hold."""
    problem: str | None = None


def chain_hash(seq: int, at: datetime, entry: AuditEntry, detail_json: str,
               prev_hash: str) -> str:
    canonical = msgspec.json.encode([
        seq, at.astimezone(UTC).isoformat(), entry.username, entry.action, entry.document_id,
        entry.outcome, entry.code, detail_json, prev_hash,
    ])
    return hashlib.sha256(canonical).hexdigest()


async def record(conn: AsyncConnection, entry: AuditEntry, *, at: datetime) -> AuditRecord:
    """Append ``entry`` in the caller's open transaction (after the change's own writes)."""
    seq, prev_hash = (await conn.execute(
        journal_head.update().where(journal_head.c.id == HEAD_ID)
        .values(audit_seq=journal_head.c.audit_seq + 1)
        .returning(journal_head.c.audit_seq, journal_head.c.audit_hash)
    )).one()
    detail_json = msgspec.json.encode(entry.detail, order="sorted").decode()
    digest = chain_hash(seq, at, entry, detail_json, prev_hash)
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
    """Entries matching every given filter, oldest first, from ``after_seq``."""
    statement = sa.select(audit_log).where(audit_log.c.seq > filters.after_seq)
    if filters.document_id is not None:
        statement = statement.where(audit_log.c.document_id == filters.document_id)
    if filters.username is not None:
        statement = statement.where(audit_log.c.username == filters.username)
    if filters.since is not None:
        statement = statement.where(audit_log.c.at >= _utc(filters.since))
    if filters.until is not None:
        statement = statement.where(audit_log.c.at < _utc(filters.until))
    rows = (await conn.execute(statement.order_by(audit_log.c.seq).limit(filters.limit))
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


async def verify(engine: AsyncEngine, *, page_size: int = 5000,
                 progress: Progress | None = None) -> ChainReport:
    """Recompute the chain up to the head; the report names the first broken link.

    Reads page by page in short transactions, so writers are not held up; entries
    appended meanwhile are beyond the head read at the start and checked next time.
    """
    async with connect(engine) as conn:
        head_seq, head_hash = await _head(conn)
        await conn.commit()
    checked, last_seq, prev_hash = 0, 0, GENESIS
    while last_seq < head_seq:
        async with connect(engine) as conn:
            rows = (await conn.execute(
                sa.select(audit_log).where(audit_log.c.seq > last_seq,
                                           audit_log.c.seq <= head_seq)
                .order_by(audit_log.c.seq).limit(page_size)
            )).mappings().all()
            await conn.commit()
        if not rows:
            break
        for row in rows:
            problem = _link_problem(row, last_seq + 1, prev_hash)
            if problem is not None:
                return ChainReport(intact=False, entries=checked, broken_at=last_seq + 1,
                                   problem=problem)
            checked, last_seq, prev_hash = checked + 1, int(row["seq"]), row["hash"]
        if progress is not None:
            progress(checked, int(head_seq))
    return await _check_head(engine, checked, last_seq, prev_hash, int(head_seq), head_hash)


def _link_problem(row: sa.RowMapping, expected_seq: int, prev_hash: str) -> str | None:
    seq = int(row["seq"])
    if seq != expected_seq:
        return f"entry {expected_seq} is missing: it was deleted or renumbered"
    if row["prev_hash"] != prev_hash:
        return (f"entry {seq} does not follow entry {seq - 1}: an entry before it was "
                "edited, deleted, inserted or moved")
    entry = AuditEntry(action=row["action"], username=row["username"],
                       document_id=row["document_id"], outcome=row["outcome"],
                       code=row["code"])
    if chain_hash(seq, row["at"], entry, row["detail"], prev_hash) != row["hash"]:
        return f"entry {seq} was edited: its content no longer matches its hash"
    return None


async def _head(conn: AsyncConnection) -> tuple[int, str]:
    seq, digest = (await conn.execute(
        sa.select(journal_head.c.audit_seq, journal_head.c.audit_hash)
        .where(journal_head.c.id == HEAD_ID)
    )).one()
    return int(seq), str(digest)


async def _check_head(engine: AsyncEngine, checked: int, last_seq: int, last_hash: str,
                      head_seq: int, head_hash: str) -> ChainReport:
    if last_seq != head_seq:
        return ChainReport(intact=False, entries=checked, broken_at=last_seq + 1,
                           problem=f"the log ends at entry {last_seq} but {head_seq} entries "
                                   "were written: the newest entries were deleted")
    if last_hash != head_hash:
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
