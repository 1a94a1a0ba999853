"""The search service's own table (the feed cursor) and the bodies of its reindex route.

Search results are the index's structs (``services.search.index.models``): the index
answers in the shape the API promises (interface.md), so they are returned as they are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.common.models import Struct

metadata = sa.MetaData()

# Mirrors migrations/versions/0001_cursor.py, the source of truth.
feed_cursors = sa.Table(
    "feed_cursors", metadata,
    sa.Column("feed", sa.String(32), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

ReindexState = Literal["idle", "running", "done", "failed"]


class ReindexStatus(Struct):
    """Where ``archive reindex`` stands (``GET /search/reindex``).

    ``replayed`` is the feed position the new index has reached and ``head`` the newest
    event seen; ``documents`` is what the index holds once the new one is live. A failed
    reindex leaves the live index as it was; ``error`` says why.
    """

    state: ReindexState
    replayed: int = 0
    head: int = 0
    documents: int | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
