"""The feed cursor on both database engines: starts at zero, only moves forward, resets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from services.common.clock import FixedClock
from services.common.db import create_engine, migrate
from services.search.store import CursorStore


@pytest.fixture
async def cursors(database_url: str) -> AsyncIterator[CursorStore]:
    await migrate(database_url, "search")
    engine = create_engine(database_url)
    yield CursorStore(engine, FixedClock(datetime(2024, 6, 1, tzinfo=UTC)))
    await engine.dispose()


async def test_a_new_cursor_is_at_the_start_of_the_feed(cursors: CursorStore) -> None:
    assert await cursors.position() == 0


async def test_advance_moves_the_cursor(cursors: CursorStore) -> None:
    await cursors.advance(42)
    assert await cursors.position() == 42


async def test_the_cursor_never_moves_back(cursors: CursorStore) -> None:
    await cursors.advance(42)
    await cursors.advance(17)
    assert await cursors.position() == 42


async def test_reset_goes_back_to_the_start(cursors: CursorStore) -> None:
    await cursors.advance(42)
    await cursors.reset()
    assert await cursors.position() == 0
