"""An audit log its database administrator cannot quietly rewrite (reliability.md, promises
4 and 8; issue 14, item 5), on both backends. The administrator holds the database
(SQLite's file; PostgreSQL's owner role), not the audit key nor the object store.

- rows rewritten with a recomputed chain are found, by ``archive audit verify`` too;
- a truncated tail, the head row set back to match, is found by the anchored head;
- the services' own PostgreSQL role may only insert and read audit rows;
- a storm of refusals is counted, not written entry by entry.

A test that rewrites or cuts the log has a server of its own; the others share one per
backend (each refused user is counted apart, and none of them touches the chain).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import chdir, closing
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.exc import DBAPIError

from services.cli import main
from services.common.db import create_engine
from services.registry.journal.models import AuditEntry
from services.registry.journal.rules import AuditKey, chain_hash
from tests.security.conftest import Secured

STORM = 120

pytestmark = pytest.mark.shared_server


@pytest.fixture
def compliance(secured: Secured) -> Iterator[httpx.Client]:
    """The compliance officer, who checks the log; some history for it to hold (made once
    on a shared server)."""
    token = secured.server.tokens.get("qin")
    if token is None:
        token = secured.server.add_user("qin", "compliance", "admin", clearance="secret",
                                        department="archive")
        for username in ("li", "ma", "zhou"):
            secured.server.add_user(username, "staff", department="customer_service")
    with secured.server.client(token) as client:
        yield client


def as_dba(secured: Secured, *statements: str, **params: Any) -> list[Any]:
    """Run ``statements`` (``:name`` parameters from ``params``) as the database's
    administrator, in one transaction; the last one's rows."""
    if secured.owner_url is None:
        path = secured.server.settings.data_dir / "registry.db"
        with closing(sqlite3.connect(path)) as connection, connection:
            rows: list[Any] = []
            for statement in statements:
                rows = connection.execute(statement, params).fetchall()
            return rows

    async def run(url: str) -> list[Any]:
        engine = create_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                found: list[Any] = []
                for statement in statements:
                    result = await conn.execute(sa.text(statement), params)
                    found = list(result.all()) if result.returns_rows else []
                return found
        finally:
            await engine.dispose()

    return asyncio.run(run(secured.owner_url))


def unprotect(secured: Secured) -> None:
    """What the database's owner can do: take the append-only triggers off."""
    if secured.owner_url is None:
        as_dba(secured, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")
    else:
        as_dba(secured, "ALTER TABLE audit_log DISABLE TRIGGER USER")


def verify(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/registry/audit/verify")
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def verify_with_the_cli(secured: Secured) -> tuple[int, str]:
    settings = secured.server.settings
    env = {"ARCHIVE_DATA_DIR": str(settings.data_dir),
           "ARCHIVE_DATABASE_URL": settings.database_url or "",
           "ARCHIVE_S3_ENDPOINT": settings.s3_endpoint or "",
           "ARCHIVE_S3_ACCESS_KEY": settings.s3_access_key or "",
           "ARCHIVE_S3_SECRET_KEY": settings.s3_secret_key or "",
           "ARCHIVE_S3_BUCKET": settings.s3_bucket}
    with chdir(settings.data_dir):  # no stray .env file is read
        result = CliRunner().invoke(main, ["audit", "verify"], env=env)
    return result.exit_code, result.stdout + result.stderr


def _rows(secured: Secured, since: int) -> list[Any]:
    return as_dba(secured, "SELECT seq, at, username, action, document_id, outcome, code, "
                           f"detail, prev_hash, hash FROM audit_log WHERE seq >= {since} "
                           "ORDER BY seq")


@pytest.mark.own_server  # rewrites the log
@pytest.mark.parametrize("forger_key", ["sha256", "well-known key"])
def test_a_chain_rewritten_without_the_key_is_found(
        secured: Secured, compliance: httpx.Client, forger_key: str) -> None:
    assert len(compliance.get("/registry/audit").json()) >= 4
    unprotect(secured)
    key = None if forger_key == "sha256" else AuditKey.well_known()
    [(prev_hash,)] = as_dba(secured, "SELECT prev_hash FROM audit_log WHERE seq = 2")
    rows = as_dba(secured, "SELECT seq, at, username, action, document_id, outcome, code, "
                           "detail FROM audit_log WHERE seq >= 2 ORDER BY seq")
    for seq, at, username, action, document_id, outcome, code, detail in rows:
        # Entry 2 made someone else's, every later entry chained to it again.
        forged = AuditEntry(action=action, username="intruder" if seq == 2 else username,
                            document_id=document_id, outcome=outcome, code=code)
        digest = chain_hash(seq, _aware(at), forged, detail, prev_hash, key=key)
        as_dba(secured, "UPDATE audit_log SET username = :u, prev_hash = :p, hash = :h "
                        "WHERE seq = :s", u=forged.username, p=prev_hash, h=digest, s=seq)
        prev_hash = digest
    as_dba(secured, "UPDATE journal_head SET audit_hash = :h WHERE id = 1", h=prev_hash)
    report = verify(compliance)
    code, output = verify_with_the_cli(secured)
    assert (report["intact"], report["broken_at"]) == (False, 2)
    assert "keyed hash (HMAC)" in report["problem"]
    assert code == 1
    assert "BROKEN at entry 2" in output


@pytest.mark.own_server  # cuts the log
def test_a_truncated_tail_is_found_by_the_anchored_head(
        secured: Secured, compliance: httpx.Client) -> None:
    anchored = compliance.post("/registry/audit/anchor")
    assert anchored.status_code == 200, anchored.text
    newest = anchored.json()["seq"]
    keep = newest - 2
    [(kept_hash,)] = as_dba(secured, "SELECT hash FROM audit_log WHERE seq = :s", s=keep)
    unprotect(secured)
    as_dba(secured, "DELETE FROM audit_log WHERE seq > :s",
           "UPDATE journal_head SET audit_seq = :s, audit_hash = :h WHERE id = 1",
           s=keep, h=kept_hash)
    report = verify(compliance)
    code, output = verify_with_the_cli(secured)
    assert (report["intact"], report["broken_at"], report["anchored_seq"]) == (
        False, keep + 1, newest)
    assert "newest entries were deleted" in report["problem"]
    assert code == 1
    assert f"entry {newest} was anchored" in output


def test_an_untouched_chain_verifies_against_its_anchor(
        secured: Secured, compliance: httpx.Client) -> None:
    newest = compliance.post("/registry/audit/anchor").json()["seq"]
    report = verify(compliance)
    code, output = verify_with_the_cli(secured)
    assert (report["intact"], report["anchored_seq"]) == (True, newest)
    assert (code, f"entry {newest} matches its anchor" in output) == (0, True), output


def test_the_services_database_role_may_only_insert_and_read_audit_rows(
        secured: Secured, compliance: httpx.Client) -> None:
    url = secured.server.settings.database_url
    if url is None:  # SQLite: one file, one owner; the triggers are all there is
        path = secured.server.settings.data_dir / "registry.db"
        with closing(sqlite3.connect(path)) as connection, pytest.raises(
                sqlite3.IntegrityError, match="append-only"):
            connection.execute("UPDATE audit_log SET username = 'x' WHERE seq = 1")
        return

    async def attempt(statement: str) -> str:
        engine = create_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.text(statement))
        except DBAPIError as exc:
            return str(exc.orig)
        finally:
            await engine.dispose()
        return "allowed"

    attempts = ["UPDATE audit_log SET username = 'x' WHERE seq = 1",
                "DELETE FROM audit_log WHERE seq = 1", "TRUNCATE audit_log",
                "ALTER TABLE audit_log DISABLE TRIGGER USER",
                "UPDATE audit_chain SET keyed_from = 1000000"]
    answers = {statement: asyncio.run(attempt(statement)) for statement in attempts}
    assert all("permission denied" in answer or "must be owner" in answer
               for answer in answers.values()), answers
    checks = compliance.get("/ready").json()["checks"]
    assert checks["registry.audit"] == "insert and select only for the services' database role"


def test_a_storm_of_refusals_is_counted_not_written_one_by_one(
        secured: Secured, compliance: httpx.Client) -> None:
    attacker = secured.server.login("li", "correct horse battery")

    def refused() -> int:
        with secured.server.client(attacker) as client:
            return client.get("/registry/users").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: refused(), range(STORM)))
    itemised = [entry for entry in compliance.get("/registry/audit", params={
        "username": "li"}).json() if entry["action"] == "list_users"]
    secured.clock.advance(timedelta(minutes=1))
    assert refused() == 403  # the next minute's first refusal writes the last one's count
    after = compliance.get("/registry/audit", params={"username": "li"}).json()
    [summary] = [entry for entry in after if entry["action"] == "refusals_not_itemised"]
    assert answers == [403] * STORM
    assert len(itemised) == 30
    assert summary["detail"]["count"] == STORM - 30
    assert summary["detail"]["actions"] == ["list_users"]
    assert verify(compliance)["intact"]


def _aware(at: Any) -> datetime:
    """A timestamp as the registry hashed it: UTC (SQLite hands back text without zone)."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
