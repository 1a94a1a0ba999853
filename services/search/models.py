"""The search service's own table (the feed cursor) and the bodies of its reindex route.

Search results are the index's structs (``services.search.index.models``): the index
answers in the shape the API promises (interface.md), so they are returned as they are.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime

metadata = sa.MetaData()

# Mirrors migrations/versions/0001_cursor.py, the source of truth.
feed_cursors = sa.Table(
    "feed_cursors", metadata,
    sa.Column("feed", sa.String(32), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
