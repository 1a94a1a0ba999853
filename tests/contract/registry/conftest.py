"""A migrated registry on each database engine, with its domain services and a clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.contracts.registry import DocumentRecord
from services.common.db import create_engine, migrate
from services.registry.access import AccessGrants
from services.registry.bootstrap import RegistryServices
from tests.fixtures.postgres import Seed
from tests.support.registry import file_document, new_document, registry_services, sql

ARCHIVIST = Principal(username="wang", roles=("archivist",), clearance="secret")
MANAGER = Principal(username="zhou", roles=("manager",), clearance="secret")
STAFF = Principal(username="li", roles=("staff",), clearance="ordinary")

class StaticGrants:
    """A ``GrantSource`` whose grants the test sets (what approved loans will supply)."""

    def __init__(self) -> None:
        self.by_user: dict[str, set[str]] = {}

    def grant(self, username: str, document_id: str) -> None:
        self.by_user.setdefault(username, set()).add(document_id)

    async def grants_for(self, principal: Principal) -> AccessGrants:
        return AccessGrants.of(self.by_user.get(principal.username, ()))


@dataclass
class Registry:
    engine: AsyncEngine
    clock: FixedClock
    grants: StaticGrants
    services: RegistryServices = field(init=False)

    def __post_init__(self) -> None:
        self.services = registry_services(self.engine, self.clock, grants=self.grants)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def file(self, **fields: Any) -> DocumentRecord:
        return await file_document(self.services, new_document(**fields))

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        return await sql(self.engine, statement, **params)


async def _migrate(url: str) -> None:
    await migrate(url, "registry")


@pytest.fixture(scope="session")
def database_seed() -> Seed:
    return _migrate


@pytest.fixture
async def registry(seeded_database_url: str) -> AsyncIterator[Registry]:
    engine = create_engine(seeded_database_url)
    clock = FixedClock(datetime(2024, 6, 1, 9, 0, tzinfo=UTC))
    try:
        yield Registry(engine=engine, clock=clock, grants=StaticGrants())
    finally:
        await engine.dispose()
