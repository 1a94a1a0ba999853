"""Persistence of the journal (the change feed and the audit log), inside a registry
transaction: ``tx.journal``.

Both are appended through one head row (``journal_head``) that every appender updates.
That row lock is what makes ``seq`` gap-free and in commit order on PostgreSQL (an
identity column is neither: a later transaction can commit first, and a reader that saw
it would skip the earlier one). Append after the change's own writes, last in the
transaction: the head row is then the last lock any transaction takes, so transactions
never wait on each other in a cycle; rolled back with the change, an append leaves no gap.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.contracts.registry import (
    AuditRecord,
    Change,
    ChangeEvent,
    FeedDocument,
    FeedPage,
)
from services.common.errors import ValidationFailed
from services.registry.journal.actions import current_action, stored_names
from services.registry.journal.models import AuditEntry, AuditQuery, HoldMoment
from services.registry.journal.rules import AuditKey, chain_hash, detail_json
from services.registry.journal.tables import (
    CHAIN_ID,
    HEAD_ID,
    audit_chain,
    audit_log,
    change_feed,
    journal_head,
)
from services.registry.schema import Repository

_decoder: msgspec.json.Decoder[ChangeEvent] = msgspec.json.Decoder(ChangeEvent)


def kind_of(event: ChangeEvent) -> str:
    return str(type(event).__struct_config__.tag)


class JournalRepository(Repository):
    def __init__(self, conn: AsyncConnection, key: AuditKey) -> None:
        super().__init__(conn)
        self.key = key

    # --- the change feed (变更流) --------------------------------------------------------

    async def emit(self, event: ChangeEvent, *, at: datetime) -> int:
        """Append ``event`` to the change feed and return its ``seq``."""
        seq = (await self.conn.execute(
            journal_head.update().where(journal_head.c.id == HEAD_ID)
            .values(feed_seq=journal_head.c.feed_seq + 1)
            .returning(journal_head.c.feed_seq)
        )).scalar_one()
        document = getattr(event, "document", None)
        await self.conn.execute(change_feed.insert().values(
            seq=seq, at=at, kind=kind_of(event),
            document_id=document.document_id if isinstance(document, FeedDocument) else None,
            payload=msgspec.json.encode(event).decode(),
        ))
        return int(seq)

    async def changes(self, *, after: int, limit: int) -> FeedPage:
        """Up to ``limit`` events with ``seq > after``, in ``seq`` order."""
        rows = (await self.conn.execute(
            sa.select(change_feed.c.seq, change_feed.c.at, change_feed.c.payload)
            .where(change_feed.c.seq > after).order_by(change_feed.c.seq).limit(limit)
        )).all()
        changes = [Change(seq=int(row.seq), at=row.at, event=_decoder.decode(row.payload))
                   for row in rows]
        last = changes[-1].seq if changes else after
        head = (await self.conn.execute(
            sa.select(journal_head.c.feed_seq).where(journal_head.c.id == HEAD_ID)
        )).scalar_one()
        return FeedPage(changes=changes, last_seq=last, head=max(int(head), last))

    # --- the audit log (审计日志) --------------------------------------------------------

    async def audit(self, entry: AuditEntry, *, at: datetime) -> AuditRecord:
        """Append ``entry`` to the audit log, chained with the key."""
        seq, prev_hash = (await self.conn.execute(
            journal_head.update().where(journal_head.c.id == HEAD_ID)
            .values(audit_seq=journal_head.c.audit_seq + 1)
            .returning(journal_head.c.audit_seq, journal_head.c.audit_hash)
        )).one()
        detail = detail_json(entry)
        digest = chain_hash(seq, at, entry, detail, prev_hash, key=self.key)
        await self.conn.execute(audit_log.insert().values(
            seq=seq, at=at, username=entry.username, action=entry.action,
            document_id=entry.document_id, outcome=entry.outcome, code=entry.code,
            detail=detail, prev_hash=prev_hash, hash=digest,
        ))
        await self.conn.execute(journal_head.update().where(journal_head.c.id == HEAD_ID)
                                .values(audit_hash=digest))
        return AuditRecord(seq=int(seq), at=at, username=entry.username, action=entry.action,
                           document_id=entry.document_id, outcome=entry.outcome,
                           code=entry.code, detail=dict(entry.detail), prev_hash=prev_hash,
                           hash=digest)

    async def allowed_since(self, *, username: str, document_id: str, action: str,
                            since: datetime) -> bool:
        """Whether ``username`` was allowed ``action`` on the document at or after
        ``since`` (an entry is in the log)."""
        return await self.first_row(
            sa.select(audit_log.c.seq)
            .where(audit_log.c.document_id == document_id, audit_log.c.username == username,
                   audit_log.c.action == action, audit_log.c.outcome == "allowed",
                   audit_log.c.at >= _utc(since))
            .limit(1)) is not None

    async def entries(self, filters: AuditQuery) -> list[AuditRecord]:
        """Entries matching every given filter, from ``after_seq`` (and before
        ``before_seq``), oldest first unless ``newest_first``; each under its action's
        current name (``actions``)."""
        statement = sa.select(audit_log).where(audit_log.c.seq > filters.after_seq)
        if filters.before_seq is not None:
            statement = statement.where(audit_log.c.seq < filters.before_seq)
        if filters.document_id is not None:
            about = audit_log.c.document_id == filters.document_id
            if filters.covering_holds:
                about = sa.or_(about, _entries_of(filters.covering_holds))
            statement = statement.where(about)
        if filters.username is not None:
            statement = statement.where(audit_log.c.username == filters.username)
        if filters.action is not None:
            statement = statement.where(audit_log.c.action.in_(stored_names(filters.action)))
        if filters.outcome is not None:
            statement = statement.where(audit_log.c.outcome == filters.outcome)
        if filters.since is not None:
            statement = statement.where(audit_log.c.at >= _utc(filters.since))
        if filters.until is not None:
            statement = statement.where(audit_log.c.at < _utc(filters.until))
        order = audit_log.c.seq.desc() if filters.newest_first else audit_log.c.seq
        rows = (await self.conn.execute(statement.order_by(order)
                                        .limit(filters.limit))).mappings().all()
        return [AuditRecord(
            seq=int(row["seq"]), at=row["at"], username=row["username"],
            action=current_action(row["action"]), document_id=row["document_id"],
            outcome=row["outcome"],
            code=row["code"], detail=msgspec.json.decode(row["detail"]),
            prev_hash=row["prev_hash"], hash=row["hash"],
        ) for row in rows]

    async def audit_head(self) -> tuple[int, str]:
        """The newest audit entry's ``seq`` and hash, as the head row records them."""
        seq, digest = (await self.conn.execute(
            sa.select(journal_head.c.audit_seq, journal_head.c.audit_hash)
            .where(journal_head.c.id == HEAD_ID)
        )).one()
        return int(seq), str(digest)

    async def keyed_from(self) -> int:
        """The first ``seq`` chained with the key (entries before it were written before)."""
        value = (await self.conn.execute(sa.select(audit_chain.c.keyed_from)
                                         .where(audit_chain.c.id == CHAIN_ID))).scalar_one()
        return int(value)

    async def stored_entries(self, *, after: int, upto: int, limit: int
                             ) -> list[dict[str, Any]]:
        """Stored rows with ``after < seq <= upto``, as they are, to verify the chain."""
        rows = (await self.conn.execute(
            sa.select(audit_log).where(audit_log.c.seq > after, audit_log.c.seq <= upto)
            .order_by(audit_log.c.seq).limit(limit)
        )).mappings()
        return [{str(key): value for key, value in row.items()} for row in rows]

    async def first_beyond(self, seq: int) -> int | None:
        """The lowest stored ``seq`` above ``seq``: an entry inserted past the head."""
        beyond = (await self.conn.execute(
            sa.select(sa.func.min(audit_log.c.seq)).where(audit_log.c.seq > seq)
        )).scalar_one()
        return None if beyond is None else int(beyond)

    async def rewritable(self) -> bool | None:
        """Whether this connection's role may rewrite audit rows on PostgreSQL; None on
        SQLite, where triggers alone refuse it."""
        if self.conn.dialect.name != "postgresql":
            return None
        found: Any = (await self.conn.execute(sa.text(
            "SELECT has_table_privilege(current_user, 'audit_log', 'UPDATE, DELETE, "
            "TRUNCATE') OR pg_has_role(current_user, tableowner, 'USAGE') "
            "FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = current_schema()"
        ))).scalar_one()
        return bool(found)


def _entries_of(holds: list[HoldMoment]) -> sa.ColumnElement[bool]:
    """The holds' own entries: about no document, written at each hold's moment (the
    indexed ``at`` finds them) and naming the hold in their detail."""
    return sa.and_(audit_log.c.document_id.is_(None), sa.or_(*(
        sa.and_(audit_log.c.at == _utc(hold.at),
                audit_log.c.detail.contains(f'"hold_id":"{hold.hold_id}"', autoescape=True))
        for hold in holds)))


def _utc(moment: datetime) -> datetime:
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValidationFailed(f"{moment} is out of range", code="date_out_of_range") from exc
