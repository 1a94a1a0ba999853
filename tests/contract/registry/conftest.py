"""A migrated registry on each database engine, with its domain services and a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.db import migrate
from services.registry.access import AccessGrants
from services.registry.bootstrap import RegistryServices
from tests.fixtures.postgres import Seed
from tests.support.registry import LocalRegistry, registry_services

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
class Registry(LocalRegistry):
    """The registry over one database, at ``clock``, its grants set by the test."""

    grants: StaticGrants = field(default_factory=StaticGrants)

    def build(self) -> RegistryServices:
        return registry_services(self.engine, self.clock, grants=self.grants)


async def _migrate(url: str) -> None:
    await migrate(url, "registry")


@pytest.fixture(scope="session")
def database_seed() -> Seed:
    return _migrate


@pytest.fixture
def registry(seeded_engine: AsyncEngine) -> Registry:
    clock = FixedClock(datetime(2024, 6, 1, 9, 0, tzinfo=UTC))
    return Registry(engine=seeded_engine, clock=clock)
