"""What registry tests share: the registry's services (alone, or over a test database as
``LocalRegistry``), new documents to file, catalogue records as filed and principals from a
table of people."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal, TokenCodec
from services.common.clock import Clock, FixedClock
from services.common.contracts.registry import AuditRecord, DocumentRecord, NewDocument
from services.common.contracts.retention import Hold, HoldStatus
from services.common.db import create_engine, migrate
from services.registry.accounts.models import NewUser
from services.registry.bootstrap import RegistryServices
from services.registry.seal import WitnessSeal

People = Mapping[str, tuple[tuple[str, ...], str, str | None]]
"""username → (roles, clearance, department)."""

_counter = itertools.count()
TEST_KEY = "k" * 32
"""The secret key of registries built by tests (tokens, witness signatures)."""
INGEST = Principal(username="service:ingest", roles=("service",), clearance="secret")
"""Ingest's service principal: who files documents."""


def registry_services(engine: AsyncEngine, clock: Clock, **options: Any) -> RegistryServices:
    """The registry's services as the server builds them, over ``engine``, with test keys."""
    return RegistryServices(engine, clock, codec=TokenCodec(TEST_KEY, ttl_s=60),
                            seal=WitnessSeal(TEST_KEY), **options)


def sha(text: str | None = None) -> str:
    """The SHA-256 of ``text``, or of a text no other call gives."""
    return hashlib.sha256((text or f"document {next(_counter)}").encode()).hexdigest()


def new_document(**fields: Any) -> NewDocument:
    """A letter to household A-1201 with bytes of its own; ``fields`` override."""
    values: dict[str, Any] = {
        "sha256": sha(), "household": "A-1201", "category": "correspondence",
        "title": "关于空调维修的函", "filed_at": date(2024, 3, 1),
        "media_type": "application/pdf", "size_bytes": 1024, "pages": 2,
    }
    values.update(fields)
    return NewDocument(**values)


def document_record(**fields: Any) -> DocumentRecord:
    """A repair slip of household A-1201 as the catalogue holds it: filed on 1 May 2020,
    short-term (due 2030), one page; ``fields`` override."""
    registered = datetime(2020, 5, 1, 9, 0, tzinfo=UTC)
    values: dict[str, Any] = {
        "document_id": "d1", "archive_no": "2020-repair-A-1201-0001", "sha256": "0" * 64,
        "household": "A-1201", "occupancy_id": None, "category": "repair", "title": "报修单",
        "filed_at": date(2020, 5, 1), "security": "ordinary", "personal_info": False,
        "working": False, "location": None, "is_copy": False, "language": "zh", "pages": 1,
        "extraction": None, "media_type": "application/pdf", "size_bytes": 10,
        "original_filename": None, "retention_class": "short",
        "retention_start": date(2020, 5, 1), "disposal_due": date(2030, 5, 1),
        "status": "active", "version": 1, "filed_by": "wang", "registered_at": registered,
        "updated_at": registered,
    }
    values.update(fields)
    return DocumentRecord(**values)


async def file_document(services: RegistryServices, new: NewDocument) -> DocumentRecord:
    """File ``new`` as ingest does; the record filed."""
    registration = await services.catalogue.register(INGEST, new)
    return registration.document


def named_in(entry: AuditRecord, *documents: DocumentRecord) -> list[str]:
    """The ids, archive numbers and titles of ``documents`` that ``entry`` names anywhere:
    none, for an entry about documents above its reader's clearance."""
    written = msgspec.json.encode(entry).decode()
    return [name for document in documents
            for name in (document.document_id, document.archive_no, document.title)
            if name in written]


def person_in(people: People, username: str) -> Principal:
    roles, clearance, department = people[username]
    return Principal(username=username, roles=roles, clearance=clearance,  # type: ignore[arg-type]
                     department=department)


async def sql(engine: AsyncEngine, statement: str, **params: Any) -> list[Any]:
    """Run ``statement`` in a transaction of its own (what a test checks or sets up
    underneath the services); its rows, if it returns any."""
    async with engine.begin() as conn:
        result = await conn.execute(sa.text(statement), params)
        return list(result.all()) if result.returns_rows else []


async def seed_people(url: str, people: People, clock: Clock, *, password: str | None = None,
                      **options: Any) -> None:
    """Migrate the registry's database at ``url`` and add ``people`` (with ``password``,
    if given): the state every test of a suite starts from."""
    await migrate(url, "registry")
    engine = create_engine(url, pool_size=1)
    try:
        accounts = registry_services(engine, clock, **options).accounts
        for username, (roles, clearance, department) in people.items():
            await accounts.create_user(NewUser(
                username=username, roles=list(roles),  # type: ignore[arg-type]
                clearance=clearance, department=department,  # type: ignore[arg-type]
                password=password))
    finally:
        await engine.dispose()


@dataclass
class LocalRegistry:
    """The registry's services in the test's process over one test database, at a clock
    the test moves: what each registry suite's fixture builds on."""

    engine: AsyncEngine
    clock: FixedClock
    services: RegistryServices = field(init=False)

    def __post_init__(self) -> None:
        self.services = self.build()

    def build(self) -> RegistryServices:
        """The services built afresh over the same database, as a restart does."""
        return registry_services(self.engine, self.clock)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def new_document(self, **fields: Any) -> NewDocument:
        """What ``file`` files unless told otherwise; ``fields`` override."""
        return new_document(**fields)

    async def file(self, **fields: Any) -> DocumentRecord:
        return await file_document(self.services, self.new_document(**fields))

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        return await sql(self.engine, statement, **params)


def household_holds(count: int, *, placed_at: datetime, status: HoldStatus = "active",
                    placed_by: str = "qian") -> list[Hold]:
    """``count`` holds, each on a household of its own (E-0001, E-0002, …), placed a
    second apart from ``placed_at`` on (the last the newest)."""
    return [Hold(hold_id=str(uuid.uuid4()), status=status, reason=f"诉讼保全{number}",
                 documents=[], household=f"E-{number:04d}", category=None,
                 placed_by=placed_by, placed_at=placed_at + timedelta(seconds=number),
                 released_by=placed_by if status == "released" else None,
                 released_at=placed_at + timedelta(days=1) if status == "released" else None)
            for number in range(1, count + 1)]


async def insert_holds(database_url: str, holds: list[Hold]) -> None:
    """Store ``holds`` in one transaction through the registry's repository, unaudited:
    many holds for a test or a benchmark to read (placed one by one through the
    service, each takes the placing lock and writes its audit entries)."""
    engine = create_engine(database_url, pool_size=1)
    try:
        store = registry_services(engine, FixedClock(datetime.now(UTC))).store
        async with store.transaction() as tx:
            for hold in holds:
                await tx.holds.insert(hold)
    finally:
        await engine.dispose()
