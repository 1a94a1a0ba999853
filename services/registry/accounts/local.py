"""Account commands that work on the local database with no server (``archive user add``)."""

from __future__ import annotations

from services.common.auth import TokenCodec
from services.common.clock import SystemClock
from services.common.config import Settings
from services.common.db import create_engine
from services.common.migrations import prepare_database
from services.registry.accounts.models import NewUser, User
from services.registry.accounts.repository import AccountsRepository
from services.registry.accounts.service import AccountsService
from services.registry.journal.audit import AuditKey


async def add_user(settings: Settings, new: NewUser) -> User:
    url = settings.database_url_for("registry")
    engine = create_engine(url, pool_size=1)
    try:
        await prepare_database(engine, url, "registry", embedded=settings.database_url is None)
        service = AccountsService(
            AccountsRepository(engine, audit_key=AuditKey(settings.audit_key_bytes())),
            TokenCodec(settings.signing_key(), ttl_s=60), SystemClock(),
            attempts_per_minute=settings.login_attempts_per_minute,
        )
        return await service.create_user(new)
    finally:
        await engine.dispose()
