"""What the archive says when PostgreSQL will not take a connection or ends a session: a
server shutting down or restarting is waited for (the archive retries), a refusal names
the settings to check. A real PostgreSQL server of the test's own, shut down while a
session holds it; a session ended mid-query by ``pg_terminate_backend``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import connect, create_engine, ping
from services.common.errors import DependencyUnavailable
from tests.fixtures.postgres import PostgresCluster, pg_ctl, throwaway_cluster
from tests.support.waiting import eventually_async


async def test_a_postgresql_shutting_down_is_said_to_restart_not_to_refuse() -> None:
    with throwaway_cluster() as (cluster, data):
        holder, newcomer = create_engine(cluster.url("postgres")), create_engine(
            cluster.url("postgres"))
        try:
            async with connect(holder) as held:
                await held.execute(text("SELECT 1"))
                # A smart shutdown waits for the held session and turns newcomers away.
                pg_ctl(data, "stop", "-m", "smart", "--no-wait")

                async def refused() -> DependencyUnavailable | None:
                    try:
                        await ping(newcomer)
                    except DependencyUnavailable as exc:
                        return exc
                    return None

                said = await eventually_async(refused, timeout_s=10,
                                              what="new connections were still taken")
        finally:
            await holder.dispose()
            await newcomer.dispose()
    assert said.code == "database_unavailable"
    assert "takes no connections now: it is starting up or shutting down" in said.detail
    assert "the archive retries" in said.detail
    assert "ARCHIVE_DATABASE_URL" not in said.detail


async def test_a_session_ended_mid_query_says_the_server_ended_it_not_that_it_is_unreachable(
        postgres_cluster: PostgresCluster) -> None:
    session = create_engine(postgres_cluster.url("postgres"))
    administrator = create_engine(postgres_cluster.url("postgres"))
    try:
        with pytest.raises(DependencyUnavailable) as raised:
            await _sleep_until_ended(session, administrator)
    finally:
        await session.dispose()
        await administrator.dispose()
    said = raised.value
    assert said.code == "database_unavailable"
    assert "an administrator ended the session" in said.detail
    assert "check that PostgreSQL is running" in said.detail
    assert "cannot reach" not in said.detail


async def _sleep_until_ended(session: AsyncEngine, administrator: AsyncEngine) -> None:
    """A query of 30 s on ``session``, which ``administrator`` ends once it runs."""
    async with connect(session) as held:
        pid = (await held.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        ending = asyncio.create_task(_end_while_sleeping(administrator, pid))
        try:
            await held.execute(text("SELECT pg_sleep(30)"))
        finally:
            await ending


async def _end_while_sleeping(administrator: AsyncEngine, pid: int) -> None:
    """``pg_terminate_backend`` on session ``pid`` once it is in its ``pg_sleep``: the
    server sends it 57P01 admin_shutdown and closes it."""

    async def ended() -> bool:
        async with connect(administrator) as conn:
            return bool((await conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid = :pid AND wait_event = 'PgSleep'"), {"pid": pid})).scalar())

    await eventually_async(ended, timeout_s=10, what="the session never reached pg_sleep")


@pytest.mark.parametrize("database", ["no_such_database", None], ids=["database", "role"])
async def test_a_refused_connection_names_the_settings_to_check(
        postgres_cluster: PostgresCluster, database: str | None) -> None:
    url = postgres_cluster.url(database or "postgres")
    if database is None:
        url = url.replace("postgres@", "nobody@")
    refused = await _ping_refused(url)
    assert refused.code == "database_refused"
    assert "check the user, password and database name in ARCHIVE_DATABASE_URL" in (
        refused.detail)


async def _ping_refused(url: str) -> DependencyUnavailable:
    """What a ping of the database at ``url`` is refused with."""
    engine = create_engine(url)
    try:
        with pytest.raises(DependencyUnavailable) as raised:
            await ping(engine)
    finally:
        await engine.dispose()
    return raised.value


async def test_a_sqlite_file_that_cannot_be_opened_names_the_data_directory(
        tmp_path: Path) -> None:
    """Embedded: a file SQLite cannot open is not "cannot reach" (as root, only a
    read-only mount refuses a write; a directory where the file should be refuses anyone)."""
    (tmp_path / "gone" / "registry.db").mkdir(parents=True)
    refused = await _ping_refused(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'registry.db'}")
    assert refused.code == "database_unavailable"
    assert f"cannot open the database file {tmp_path / 'gone' / 'registry.db'}" in \
        refused.detail
    assert "ARCHIVE_DATA_DIR" in refused.detail
    assert "cannot reach" not in refused.detail
