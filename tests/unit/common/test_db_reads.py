"""Reads through ``read_only(engine)`` on SQLite take no lock: they answer at once, with
the last commit, while a writer holds the write lock (WAL)."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import read_only


async def test_read_only_read_answers_with_the_last_commit_while_a_write_is_open(
        sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE notes (body TEXT)"))
        await conn.execute(sa.text("INSERT INTO notes VALUES ('committed')"))
    async with sqlite_engine.begin() as writer:
        await writer.execute(sa.text("INSERT INTO notes VALUES ('pending')"))
        async with asyncio.timeout(2), read_only(sqlite_engine).connect() as reader:
            bodies = (await reader.execute(sa.text("SELECT body FROM notes"))).scalars()
            assert list(bodies) == ["committed"]


async def test_plain_connections_still_take_the_write_lock_up_front(
        sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE notes (body TEXT)"))
    async with sqlite_engine.begin() as writer:
        await writer.execute(sa.text("INSERT INTO notes VALUES ('pending')"))
        second = asyncio.ensure_future(_read_on_a_plain_connection(sqlite_engine))
        done, _ = await asyncio.wait({second}, timeout=0.5)
        assert not done  # BEGIN IMMEDIATE waits for the writer
    assert await second == 1


async def _read_on_a_plain_connection(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT count(*) FROM notes"))).scalar_one())
