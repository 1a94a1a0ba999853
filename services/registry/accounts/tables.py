"""Tables of accounts; the migrations ``registry_0001``, ``registry_0005_accounts_audit_key``,
``registry_0012_ended_tokens`` and ``registry_0024_user_names`` are their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
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
    sa.Column("full_name", sa.String(32), nullable=True),
)

login_attempts = sa.Table(
    "login_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("succeeded", sa.Boolean, nullable=False),
    sa.Column("address", sa.String(64), nullable=True),
    sa.Index("ix_login_attempts_username", "username"),
    sa.Index("ix_login_attempts_at", "at"),
    sa.Index("ix_login_attempts_address", "address", "at"),
)

ended_tokens = sa.Table(
    "ended_tokens", metadata,
    sa.Column("token_id", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("ended_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Index("ix_ended_tokens_expires_at", "expires_at"),
)
"""Tokens ended by signing out (退出), each kept until it would have run out anyway."""
