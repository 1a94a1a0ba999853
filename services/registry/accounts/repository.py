"""Persistence of accounts (SQLAlchemy Core over the registry's engine).

Every change of an account is written with its audit entry in one transaction (O4), the
entry chained with the registry's audit key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.common.db import connect
from services.common.errors import Conflict, NotFound
from services.registry.accounts.models import User, login_attempts, users
from services.registry.journal import audit


class Account(NamedTuple):
    user: User
    password_hash: str | None
    token_version: int


class Attempt(NamedTuple):
    attempt_id: int
    failed_before: int
    """Failed attempts on the account in the window, before this one."""
    failed_from_address_before: int


class AccountsRepository:
    def __init__(self, engine: AsyncEngine, *, audit_key: audit.AuditKey | None = None
                 ) -> None:
        """``audit_key`` chains the audit entries (``RegistryStore`` explains the default)."""
        self.engine = engine
        self.audit_key = audit_key or audit.AuditKey.well_known()

    async def add(self, user: User, password_hash: str | None, *,
                  entry: audit.AuditEntry | None = None) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(users.insert().values(
                    username=user.username, password_hash=password_hash, roles=user.roles,
                    clearance=user.clearance, department=user.department, active=user.active,
                    created_at=user.created_at, token_version=0,
                ))
                await self._audit(conn, entry, at=user.created_at)
        except IntegrityError as exc:
            raise Conflict(f"user {user.username!r} already exists", code="user_exists") from exc

    async def get(self, username: str) -> Account | None:
        async with connect(self.engine) as conn:
            row = (await conn.execute(
                sa.select(users).where(users.c.username == username)
            )).mappings().first()
        if row is None:
            return None
        return Account(_user(row), row["password_hash"], int(row["token_version"]))

    async def list(self) -> list[User]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(sa.select(users).order_by(users.c.username))).mappings()
            return [_user(row) for row in rows]

    async def change(self, username: str, values: dict[str, Any], *, entry: audit.AuditEntry,
                     at: datetime, new_token_version: bool) -> None:
        """Change the account's ``values`` (and, if ``new_token_version``, end every token
        issued before), with ``entry`` in the audit log. ``NotFound`` if there is none."""
        if new_token_version:
            values = {**values, "token_version": users.c.token_version + 1}
        async with self.engine.begin() as conn:
            result = await conn.execute(users.update().where(users.c.username == username)
                                        .values(**values))
            if result.rowcount != 1:
                raise NotFound(f"no user {username!r}", code="unknown_user")
            await self._audit(conn, entry, at=at)

    async def record_attempt(self, username: str, address: str | None, at: datetime, *,
                             since: datetime) -> Attempt:
        """Count the failed attempts since ``since`` on the account and from ``address``,
        then write this one, counted as failed until ``succeeded`` says otherwise: one
        transaction, holding the table's lock on PostgreSQL (SQLite's write transactions
        are serial already), so guesses sent at once are counted as if sent in turn."""
        async with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(sa.text("LOCK TABLE login_attempts IN EXCLUSIVE MODE"))
            failed = sa.select(sa.func.count()).select_from(login_attempts).where(
                login_attempts.c.at >= since, login_attempts.c.succeeded.is_(False))
            by_account = (await conn.execute(
                failed.where(login_attempts.c.username == username))).scalar_one()
            by_address = 0 if address is None else (await conn.execute(
                failed.where(login_attempts.c.address == address))).scalar_one()
            attempt_id = (await conn.execute(login_attempts.insert().values(
                username=username, address=address, at=at, succeeded=False)
                .returning(login_attempts.c.id))).scalar_one()
        return Attempt(int(attempt_id), failed_before=int(by_account),
                       failed_from_address_before=int(by_address))

    async def succeeded(self, attempt_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(login_attempts.update()
                               .where(login_attempts.c.id == attempt_id)
                               .values(succeeded=True))

    async def prune_attempts(self, before: datetime) -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(login_attempts.delete()
                                        .where(login_attempts.c.at < before))
        return int(result.rowcount)

    async def _audit(self, conn: AsyncConnection, entry: audit.AuditEntry | None, *,
                     at: datetime) -> None:
        if entry is not None:
            await audit.record(conn, entry, at=at, key=self.audit_key)


def _user(row: Any) -> User:
    return User(
        username=row["username"], roles=list(row["roles"]), clearance=row["clearance"],
        department=row["department"], active=bool(row["active"]),
        created_at=row["created_at"], deactivated_at=row["deactivated_at"],
    )
