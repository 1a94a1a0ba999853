"""The feed cursor (游标): how far into the registry's change feed the index has come.

One row per feed in the search service's own table (``feed_cursors``, created with its
first row by migration ``search_0001``). The cursor only moves forward, so two search
processes sharing a database never move it back; ``reset`` is the one way back, to
replay the feed from the start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.common.clock import Clock
from services.common.db import connect
from services.common.errors import DependencyUnavailable
from services.search.models import feed_cursors

REGISTRY_FEED = "registry"


class CursorStore:
    def __init__(self, engine: AsyncEngine, clock: Clock, *, feed: str = REGISTRY_FEED) -> None:
        self.engine = engine
        self.clock = clock
        self.feed = feed

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        async with connect(self.engine) as conn:
            try:
                async with conn.begin():
                    yield conn
            except OperationalError as exc:
                raise DependencyUnavailable(
                    f"the search database failed: {str(exc.orig).splitlines()[0]}",
                    code="database_unavailable") from exc

    async def position(self) -> int:
        """The ``seq`` of the last event applied to the index (0: none yet)."""
        async with self._transaction() as conn:
            seq = (await conn.execute(sa.select(feed_cursors.c.seq)
                                      .where(feed_cursors.c.feed == self.feed))).scalar_one()
        return int(seq)

    async def advance(self, seq: int) -> None:
        """Record that every event up to ``seq`` is in the index; never moves back."""
        async with self._transaction() as conn:
            await conn.execute(feed_cursors.update()
                               .where(feed_cursors.c.feed == self.feed,
                                      feed_cursors.c.seq < seq)
                               .values(seq=seq, updated_at=self.clock.now()))

    async def reset(self) -> None:
        """Back to the start of the feed: the next events applied are replayed from 1."""
        async with self._transaction() as conn:
            await conn.execute(feed_cursors.update().where(feed_cursors.c.feed == self.feed)
                               .values(seq=0, updated_at=self.clock.now()))
