"""The change feed (变更流): every change appends an event with a gap-free ``seq``.

Consumers (search, ingest for destruction) pull ``read(after=cursor)`` and apply events
idempotently; ``seq`` is strictly increasing in commit order, so a consumer that has seen
``seq`` N has seen every event before it.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.contracts.registry import Change, ChangeEvent, FeedDocument, FeedPage
from services.registry.journal.tables import HEAD_ID, change_feed, journal_head

_decoder: msgspec.json.Decoder[ChangeEvent] = msgspec.json.Decoder(ChangeEvent)


def kind_of(event: ChangeEvent) -> str:
    return str(type(event).__struct_config__.tag)


async def append(conn: AsyncConnection, event: ChangeEvent, *, at: datetime) -> int:
    """Append ``event`` in the caller's open transaction and return its ``seq``.

    Takes the journal head row lock until the transaction ends: call it after the
    change's own writes. Rolled back with the change, so no gap is left behind.
    """
    seq = (await conn.execute(
        journal_head.update().where(journal_head.c.id == HEAD_ID)
        .values(feed_seq=journal_head.c.feed_seq + 1)
        .returning(journal_head.c.feed_seq)
    )).scalar_one()
    document = getattr(event, "document", None)
    await conn.execute(change_feed.insert().values(
        seq=seq, at=at, kind=kind_of(event),
        document_id=document.document_id if isinstance(document, FeedDocument) else None,
        payload=msgspec.json.encode(event).decode(),
    ))
    return int(seq)


async def head(conn: AsyncConnection) -> int:
    """The newest ``seq`` (0 before the first event)."""
    value = (await conn.execute(
        sa.select(journal_head.c.feed_seq).where(journal_head.c.id == HEAD_ID)
    )).scalar_one()
    return int(value)


async def read(conn: AsyncConnection, *, after: int, limit: int) -> FeedPage:
    """Up to ``limit`` events with ``seq > after``, in ``seq`` order."""
    rows = (await conn.execute(
        sa.select(change_feed.c.seq, change_feed.c.at, change_feed.c.payload)
        .where(change_feed.c.seq > after).order_by(change_feed.c.seq).limit(limit)
    )).all()
    changes = [Change(seq=int(row.seq), at=row.at, event=_decoder.decode(row.payload))
               for row in rows]
    last = changes[-1].seq if changes else after
    return FeedPage(changes=changes, last_seq=last, head=max(await head(conn), last))
