"""Column shapes the registry's tables share, so each table says only what is its own.

Each builds exactly the column the migrations create (they stay the source of truth;
``tests/contract/common/test_relational_store.py`` compares the two). Columns are built
fresh on every call: a column belongs to one table.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from services.common.db import UtcDateTime

Column = sa.Column[Any]


def uuid_key(name: str) -> Column:
    """A record's own id, a UUID in text."""
    return sa.Column(name, sa.String(36), primary_key=True)


def reference(target: str, *, primary_key: bool = False, index: bool | None = None,
              unique: bool | None = None) -> Column:
    """A UUID column named after ``target`` ("table.column") that refers to it: part of
    the key (a child row of ``target``) or a required link."""
    return sa.Column(target.split(".")[1], sa.String(36), sa.ForeignKey(target),
                     primary_key=primary_key, nullable=False, index=index, unique=unique)


def actor(name: str, *, nullable: bool = False, width: int = 80) -> Column:
    """Who did something: a username."""
    return sa.Column(name, sa.String(width), nullable=nullable)


def moment(name: str, *, nullable: bool = False, index: bool | None = None) -> Column:
    """When something happened, in UTC."""
    return sa.Column(name, UtcDateTime, nullable=nullable, index=index)


def stamp(verb: str, *, nullable: bool = False, width: int = 80) -> tuple[Column, Column]:
    """Who did ``verb`` and when: ``<verb>_by`` and ``<verb>_at``."""
    return (actor(f"{verb}_by", nullable=nullable, width=width),
            moment(f"{verb}_at", nullable=nullable))


def status(width: int, *, index: bool | None = None) -> Column:
    """Where a record stands in its workflow."""
    return sa.Column("status", sa.String(width), nullable=False, index=index)


def note(name: str = "note") -> Column:
    """Free text a person may add."""
    return sa.Column(name, sa.Text, nullable=True)


def document_snapshot() -> tuple[Column, ...]:
    """A listed document as the list printed it, kept should the record later change:
    its place in the list and the catalogue's words for it."""
    return (
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("archive_no", sa.String(80), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("household", sa.String(10), nullable=True),
        sa.Column("filed_at", sa.Date, nullable=False),
    )


def sealed_signature(*, required: bool) -> tuple[Column, Column, Column]:
    """When a person signed, the digest of what they signed, and the HMAC binding signer,
    time and digest (R6, O1); ``required`` false where rows predate the seal."""
    return (
        moment("signed_at"),
        sa.Column("digest", sa.String(64), nullable=not required),
        sa.Column("signature", sa.String(64), nullable=not required),
    )
