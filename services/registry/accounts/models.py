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
)

login_attempts = sa.Table(
    "login_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("succeeded", sa.Boolean, nullable=False),
)

Password = Annotated[str, msgspec.Meta(min_length=8, max_length=256)]


class NewUser(Struct):
    username: Username
    roles: Annotated[list[Role], msgspec.Meta(min_length=1)]
    clearance: SecurityLevel = "ordinary"
    department: Department | None = None
    password: Password | None = None


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

