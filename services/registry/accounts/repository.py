"""Persistence of accounts, login attempts and tokens ended by signing out, inside a
registry transaction: ``tx.accounts``. Every change of an account is written with its
audit entry in the same transaction (O4)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.common.contracts.accounts import User
from services.common.errors import Conflict, NotFound
from services.registry.accounts.tables import ended_tokens, login_attempts, users
from services.registry.schema import Repository


class Account(NamedTuple):
    user: User
    password_hash: str | None
    token_version: int


class Attempt(NamedTuple):
    attempt_id: int
    failed_before: int
    """Failed attempts on the account in the window, before this one."""
    failed_from_address_before: int


class AccountsRepository(Repository):
    async def add(self, user: User, password_hash: str | None) -> None:
        try:
            await self.conn.execute(users.insert().values(
                username=user.username, password_hash=password_hash, roles=user.roles,
                clearance=user.clearance, department=user.department, full_name=user.full_name,
                active=user.active, created_at=user.created_at, token_version=0,
            ))
        except IntegrityError as exc:
            raise Conflict(f"user {user.username!r} already exists", code="user_exists") from exc

    async def get(self, username: str) -> Account | None:
        row = await self.first_row(sa.select(users).where(users.c.username == username))
        if row is None:
            return None
        return Account(_user(row), row["password_hash"], int(row["token_version"]))

    async def every(self) -> list[User]:
        """Every user, by name."""
        rows = (await self.conn.execute(sa.select(users).order_by(users.c.username))).mappings()
        return [_user(row) for row in rows]

    async def change(self, username: str, values: dict[str, Any], *,
                     new_token_version: bool) -> None:
        """Change the account's ``values`` (and, if ``new_token_version``, end every token
        issued before). ``NotFound`` if there is none."""
        if new_token_version:
            values = {**values, "token_version": users.c.token_version + 1}
        result = await self.conn.execute(users.update().where(users.c.username == username)
                                         .values(**values))
        if result.rowcount != 1:
            raise NotFound(f"no user {username!r}", code="unknown_user")

    async def full_names(self, usernames: Collection[str] | None = None) -> dict[str, str]:
        """The full names of those of ``usernames`` (None: of everyone) whose accounts
        have one, by username."""
        query = (sa.select(users.c.username, users.c.full_name)
                 .where(users.c.full_name.is_not(None)).order_by(users.c.username))
        if usernames is not None:
            query = query.where(users.c.username.in_(set(usernames)))
        return {username: full_name for username, full_name in await self.conn.execute(query)}

    async def record_attempt(self, username: str, address: str | None, at: datetime, *,
                             since: datetime) -> Attempt:
        """Count the failed attempts since ``since`` on the account and from ``address``,
        then write this one, counted as failed until ``succeeded`` says otherwise, holding
        the table's lock on PostgreSQL until the transaction ends (SQLite's write
        transactions are serial already), so guesses sent at once are counted as if sent
        in turn."""
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(sa.text("LOCK TABLE login_attempts IN EXCLUSIVE MODE"))
        failed = sa.select(sa.func.count()).select_from(login_attempts).where(
            login_attempts.c.at >= since, login_attempts.c.succeeded.is_(False))
        by_account = (await self.conn.execute(
            failed.where(login_attempts.c.username == username))).scalar_one()
        by_address = 0 if address is None else (await self.conn.execute(
            failed.where(login_attempts.c.address == address))).scalar_one()
        attempt_id = (await self.conn.execute(login_attempts.insert().values(
            username=username, address=address, at=at, succeeded=False)
                                              .returning(login_attempts.c.id))).scalar_one()
        return Attempt(int(attempt_id), failed_before=int(by_account),
                       failed_from_address_before=int(by_address))

    async def failed_at(self, nth: int, *, since: datetime, username: str | None = None,
                        address: str | None = None) -> datetime | None:
        """When the ``nth`` latest failed attempt since ``since`` on the account ``username``
        (or from ``address``) was made; ``None`` if there were fewer."""
        whose = (login_attempts.c.username == username if username is not None
                 else login_attempts.c.address == address)
        return (await self.conn.execute(
            sa.select(login_attempts.c.at)
            .where(whose, login_attempts.c.at >= since, login_attempts.c.succeeded.is_(False))
            .order_by(login_attempts.c.at.desc()).offset(nth - 1).limit(1))).scalar_one_or_none()

    async def succeeded(self, attempt_id: int) -> None:
        await self.conn.execute(login_attempts.update()
                                .where(login_attempts.c.id == attempt_id)
                                .values(succeeded=True))

    async def prune_attempts(self, before: datetime) -> int:
        result = await self.conn.execute(login_attempts.delete()
                                         .where(login_attempts.c.at < before))
        return int(result.rowcount)

    async def end_token(self, token_id: str, username: str, *, at: datetime,
                        expires_at: datetime) -> None:
        """Record the token ``token_id`` as ended (signed out) until ``expires_at``; rows of
        tokens that have run out by ``at`` are pruned. Ending one twice is no change."""
        await self.conn.execute(ended_tokens.delete().where(ended_tokens.c.expires_at <= at))
        if not await self.token_ended(token_id):
            await self.conn.execute(ended_tokens.insert().values(
                token_id=token_id, username=username, ended_at=at, expires_at=expires_at))

    async def token_ended(self, token_id: str) -> bool:
        return await self.first_row(sa.select(ended_tokens.c.token_id)
                                    .where(ended_tokens.c.token_id == token_id)) is not None

    async def active_people(self) -> list[User]:
        """Every active user, by name."""
        rows = (await self.conn.execute(
            sa.select(users).where(users.c.active.is_(True)).order_by(users.c.username)
        )).mappings()
        return [_user(row) for row in rows]

    async def active_holding(self, roles: Collection[str]) -> list[str]:
        """The active users holding any of ``roles``, by name, holding the table against
        other changes until the transaction ends on PostgreSQL (SQLite's write transactions
        are serial already): two admins removing each other at once are checked in turn."""
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(sa.text("LOCK TABLE users IN EXCLUSIVE MODE"))
        return [user.username for user in await self.active_people()
                if any(role in roles for role in user.roles)]


def _user(row: Any) -> User:
    return User(
        username=row["username"], roles=list(row["roles"]), clearance=row["clearance"],
        department=row["department"], active=bool(row["active"]),
        created_at=row["created_at"], deactivated_at=row["deactivated_at"],
        full_name=row["full_name"],
    )
