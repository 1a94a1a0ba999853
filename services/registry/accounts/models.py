"""Accounts: API structs and tables."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.common.models import Department, Role, SecurityLevel, Struct, Username
from services.registry.schema import metadata

users = sa.Table(
    "users", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=True),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("clearance", sa.String(16), nullable=False),
    sa.Column("department", sa.String(64), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("deactivated_at", UtcDateTime, nullable=True),
    sa.Column("token_version", sa.Integer, nullable=False, server_default="0"),
)

login_attempts = sa.Table(
    "login_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("succeeded", sa.Boolean, nullable=False),
    sa.Column("address", sa.String(64), nullable=True),
)

Password = Annotated[str, msgspec.Meta(min_length=8, max_length=256)]
RESERVED_USERNAMES = frozenset({"me"})
"""``/registry/users/me/…`` is the caller's own account."""


class NewUser(Struct):
    username: Username
    roles: Annotated[list[Role], msgspec.Meta(min_length=1)]
    clearance: SecurityLevel = "ordinary"
    department: Department | None = None
    password: Password | None = None


class UserChange(Struct):
    """What an admin changes of an account; what is not given stays. Every token the user
    holds stops working (the new roles, clearance or department are in new tokens)."""

    roles: Annotated[list[Role], msgspec.Meta(min_length=1)] | msgspec.UnsetType = msgspec.UNSET
    clearance: SecurityLevel | msgspec.UnsetType = msgspec.UNSET
    department: Department | msgspec.UnsetType | None = msgspec.UNSET


class PasswordChange(Struct):
    """A user's own new password, with the current one (``/registry/users/me/password``)."""

    current_password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    new_password: Password


class PasswordReset(Struct):
    """An admin's reset of someone's password (``/registry/users/{username}/password``)."""

    new_password: Password


class Identity(Struct):
    """The caller as their token describes them (``/registry/auth/whoami``)."""

    username: str
    roles: tuple[str, ...]
    clearance: SecurityLevel
    department: str | None


class User(Struct):
    """An employee with an account (用户)."""

    username: str
    roles: list[str]
    clearance: SecurityLevel
    department: str | None
    active: bool
    created_at: datetime
    deactivated_at: datetime | None = None


class TokenRequest(Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class TokenResponse(Struct):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int

