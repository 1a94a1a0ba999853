"""A value the database cannot hold is refused in the archive's words: the driver's
sentence (which names the database and the language the archive is written in) stays in
the log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import unstorable
from services.common.errors import ValidationFailed


async def test_an_integer_past_64_bits_is_refused_without_the_drivers_words(
        sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE notes (number INTEGER)"))
        with pytest.raises((DBAPIError, OverflowError)) as raised:
            await conn.execute(sa.text("INSERT INTO notes VALUES (:number)"),
                               {"number": 2**64})
    refused = unstorable(raised.value)
    assert isinstance(refused, ValidationFailed)
    assert refused.code == "unstorable_value"
    assert "9223372036854775807" in refused.detail
    assert not {"Python", "SQLite", "INTEGER"} & set(refused.detail.replace(";", " ").split())
