"""A service's readiness check of its database (``database_check``, on ``/ready`` as
``<service>.database``): "ok" while the database answers; the refusal saying why when it
does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import create_engine, database_check
from services.common.errors import DependencyUnavailable


async def test_a_database_that_answers_is_ready(sqlite_engine: AsyncEngine) -> None:
    assert await database_check(sqlite_engine)() == "ok"


async def test_a_database_that_cannot_be_opened_is_not_ready_and_says_why(
        tmp_path: Path) -> None:
    (tmp_path / "registry.db").mkdir()  # a directory where the file should be
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    try:
        with pytest.raises(DependencyUnavailable) as refused:
            await database_check(engine)()
    finally:
        await engine.dispose()
    assert refused.value.code == "database_unavailable"
    assert "cannot open the database file" in refused.value.detail
