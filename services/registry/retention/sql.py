"""Small helpers the retention repositories share."""

from __future__ import annotations

from collections.abc import Collection


def chunks(ids: Collection[str], size: int = 1000) -> list[list[str]]:
    """``ids`` in pieces small enough for one statement's bound parameters (SQLite and
    asyncpg both cap them near 32 000)."""
    ordered = list(ids)
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]
