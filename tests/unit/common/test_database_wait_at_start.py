"""A server or worker started before its PostgreSQL answers (a reboot, a supervisor that
starts everything at once) waits for it, saying so once, instead of exiting; what waiting
would not change (a schema behind the code) still stops the start at once. Real
PostgreSQL, reached through a relay the test cuts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from services.common.db import create_engine, migrate
from services.common.errors import DependencyUnavailable
from services.common.migrations import prepare_database
from tests.fixtures.postgres import PostgresCluster
from tests.support.relay import Relay

OUTAGE_S = 1.5


@pytest.fixture
async def relayed(postgres_cluster: PostgresCluster) -> AsyncIterator[tuple[str, Relay]]:
    """A migrated database's URL through a relay, cut."""
    url = postgres_cluster.url(postgres_cluster.create_database())
    await migrate(url, "ingest")
    relay = Relay(postgres_cluster.host, postgres_cluster.port)
    yield url.replace(f":{postgres_cluster.port}/", f":{relay.port}/"), relay
    await relay.close()


async def test_start_waits_for_a_database_that_is_not_up_yet(
        relayed: tuple[str, Relay], caplog: pytest.LogCaptureFixture) -> None:
    url, relay = relayed
    engine = create_engine(url)
    asyncio.get_running_loop().call_later(OUTAGE_S, lambda: asyncio.ensure_future(
        relay.start()))
    try:
        with caplog.at_level(logging.INFO, logger="archive.migrations"):
            await asyncio.wait_for(prepare_database(engine, url, "ingest", embedded=False,
                                                    wait=True), timeout=30)
    finally:
        await engine.dispose()
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 2, said
    assert said[0].startswith("cannot reach the database at ")
    assert "waiting for the ingest database" in said[0]
    assert said[1] == "the ingest database answers; starting"


async def test_start_without_waiting_stops_at_once(relayed: tuple[str, Relay]) -> None:
    url, _ = relayed
    engine = create_engine(url)
    try:
        with pytest.raises(DependencyUnavailable) as raised:
            await prepare_database(engine, url, "ingest", embedded=False)
    finally:
        await engine.dispose()
    assert raised.value.code == "database_unavailable"


async def test_start_stops_at_once_on_a_schema_behind_the_code(
        postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.url(postgres_cluster.create_database())
    engine = create_engine(url)
    try:
        with pytest.raises(DependencyUnavailable) as raised:
            await asyncio.wait_for(prepare_database(engine, url, "ingest", embedded=False,
                                                    wait=True), timeout=30)
    finally:
        await engine.dispose()
    assert raised.value.code == "migration_needed"
