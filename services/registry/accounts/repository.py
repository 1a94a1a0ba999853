"""Persistence of accounts (SQLAlchemy Core over the registry's engine)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.errors import Conflict
from services.registry.accounts.models import User, login_attempts, users


class AccountsRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, user: User, password_hash: str | None) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(users.insert().values(
                    username=user.username, password_hash=password_hash, roles=user.roles,
                    clearance=user.clearance, department=user.department, active=user.active,
                    created_at=user.created_at,
                ))
        except IntegrityError as exc:
            raise Conflict(f"user {user.username!r} already exists", code="user_exists") from exc

    async def get(self, username: str) -> tuple[User, str | None] | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                sa.select(users).where(users.c.username == username)
            )).mappings().first()
        return None if row is None else (_user(row), row["password_hash"])

    async def list(self) -> list[User]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(sa.select(users).order_by(users.c.username))).mappings()
            return [_user(row) for row in rows]

    async def deactivate(self, username: str, at: datetime) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(users.update().where(users.c.username == username)
                               .values(active=False, deactivated_at=at))

    async def record_attempt(self, username: str, at: datetime, *, succeeded: bool) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(login_attempts.insert().values(
                username=username, at=at, succeeded=succeeded))

    async def failures_since(self, username: str, since: datetime) -> int:
        async with self.engine.connect() as conn:
            count = (await conn.execute(
                sa.select(sa.func.count()).select_from(login_attempts).where(
                    login_attempts.c.username == username,
                    login_attempts.c.at >= since,
                    login_attempts.c.succeeded.is_(False),
                )
            )).scalar_one()
        return int(count)


def _user(row: Any) -> User:
    return User(
        username=row["username"], roles=list(row["roles"]), clearance=row["clearance"],
        department=row["department"], active=bool(row["active"]),
        created_at=row["created_at"], deactivated_at=row["deactivated_at"],
    )
