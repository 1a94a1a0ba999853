"""Tables of the journal: the head row, the change feed, the audit log; the migrations
``registry_0002`` and ``registry_0005_accounts_audit_key`` are their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

HEAD_ID = 1
CHAIN_ID = 1

journal_head = sa.Table(
    "journal_head", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("feed_seq", sa.BigInteger, nullable=False),
    sa.Column("audit_seq", sa.BigInteger, nullable=False),
    sa.Column("audit_hash", sa.String(64), nullable=False),
)

change_feed = sa.Table(
    "change_feed", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("document_id", sa.String(36), nullable=True, index=True),
    sa.Column("payload", sa.Text, nullable=False),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("username", sa.String(80), nullable=False, index=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("document_id", sa.String(36), nullable=True, index=True),
    sa.Column("outcome", sa.String(8), nullable=False),
    sa.Column("code", sa.String(40), nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

audit_chain = sa.Table(
    "audit_chain", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("keyed_from", sa.BigInteger, nullable=False),
)
"""One row: the first audit ``seq`` chained with the key (entries before it were written
before the key existed). The services' role may only read it."""
