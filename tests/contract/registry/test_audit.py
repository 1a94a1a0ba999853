"""The audit log on both engines (O4, reliability promise 4): what is recorded, the hash
chain verifies, and any edited, deleted, inserted or reordered row is found."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from services.common.auth import Principal
from services.common.errors import NotFound
from services.registry.journal.models import AuditEntry, AuditQuery
from services.registry.journal.rules import AuditKey, chain_hash
from services.registry.journal.tables import audit_log
from tests.contract.registry.conftest import ARCHIVIST, STAFF, Registry
from tests.support.registry import INGEST

ENTRIES = 5


async def _five_entries(registry: Registry) -> None:
    for number in range(1, ENTRIES + 1):
        async with registry.services.store.transaction() as tx:
            await tx.journal.audit(AuditEntry(action="read_text", username=f"user{number}",
                                      document_id=f"doc-{number}", detail={"n": number}),
                           at=registry.clock.now())
        registry.clock.advance(timedelta(minutes=1))


async def _unprotect(registry: Registry) -> None:
    """What someone with the database owner's rights could do: drop the guard triggers."""
    if registry.is_postgres:
        await registry.sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_rewrite")
    else:
        await registry.sql("DROP TRIGGER audit_log_no_update")
        await registry.sql("DROP TRIGGER audit_log_no_delete")


async def _row(registry: Registry, seq: int) -> sa.RowMapping:
    async with registry.engine.begin() as conn:
        return (await conn.execute(sa.select(audit_log).where(audit_log.c.seq == seq))
                ).mappings().one()


async def _rewrite(registry: Registry, seq: int, **values: object) -> None:
    async with registry.engine.begin() as conn:
        await conn.execute(audit_log.update().where(audit_log.c.seq == seq).values(**values))


async def _rehash_edit(registry: Registry, key: AuditKey | None) -> None:
    """Edit entry 3 and recompute its own hash with ``key``, as a careful forger would
    (``None``: a plain SHA-256, all one can do without the audit key)."""
    row = await _row(registry, 3)
    forged = AuditEntry(action=row["action"], username="intruder",
                        document_id=row["document_id"], outcome=row["outcome"],
                        code=row["code"])
    await _rewrite(registry, 3, username="intruder", hash=chain_hash(
        3, row["at"], forged, row["detail"], row["prev_hash"], key=key))


async def _swap(registry: Registry) -> None:
    """Exchange entries 2 and 3, each keeping its new position's ``seq``."""
    second, third = await _row(registry, 2), await _row(registry, 3)
    for seq, row in ((2, third), (3, second)):
        await _rewrite(registry, seq, **{k: v for k, v in row.items() if k != "seq"})


INSERT = """INSERT INTO audit_log (seq, at, username, action, document_id, outcome, code,
       detail, prev_hash, hash) SELECT 6, at, 'ghost', action, document_id, outcome, code,
       detail, hash, hash FROM audit_log WHERE seq = 5"""

TAMPERING = {
    "edited": (["UPDATE audit_log SET username = 'intruder' WHERE seq = 3"], 3, "was edited"),
    "deleted": (["DELETE FROM audit_log WHERE seq = 3"], 3, "is missing"),
    "newest deleted": (["DELETE FROM audit_log WHERE seq = 5"], 5, "were deleted"),
    "inserted": ([INSERT], 6, "was inserted"),
}


async def test_an_untouched_audit_chain_verifies(registry: Registry) -> None:
    await _five_entries(registry)
    await registry.file()
    report = await registry.services.journal.verify()
    assert (report.intact, report.entries) == (True, ENTRIES + 2)


@pytest.mark.parametrize("kind", list(TAMPERING))
async def test_a_tampered_audit_row_is_detected_at_the_first_broken_link(
        registry: Registry, kind: str) -> None:
    statements, broken_at, problem = TAMPERING[kind]
    await _five_entries(registry)
    await _unprotect(registry)
    for statement in statements:
        await registry.sql(statement)
    report = await registry.services.journal.verify()
    assert (report.intact, report.broken_at) == (False, broken_at)
    assert problem in (report.problem or "")


async def test_reordered_audit_rows_are_detected(registry: Registry) -> None:
    await _five_entries(registry)
    await _unprotect(registry)
    await _swap(registry)
    report = await registry.services.journal.verify()
    assert (report.intact, report.broken_at) == (False, 2)


async def test_an_edit_rehashed_without_the_audit_key_is_found_at_the_edited_entry(
        registry: Registry) -> None:
    await _five_entries(registry)
    await _unprotect(registry)
    await _rehash_edit(registry, None)
    report = await registry.services.journal.verify()
    assert (report.intact, report.broken_at) == (False, 3)
    assert "no longer matches its keyed hash (HMAC)" in (report.problem or "")


async def test_an_edit_rehashed_with_the_audit_key_still_breaks_the_next_link(
        registry: Registry) -> None:
    await _five_entries(registry)
    await _unprotect(registry)
    await _rehash_edit(registry, registry.services.store.audit_key)
    report = await registry.services.journal.verify()
    assert (report.intact, report.broken_at) == (False, 4)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET username = 'x' WHERE seq = 1",
                                       "DELETE FROM audit_log WHERE seq = 1"])
async def test_the_database_refuses_to_rewrite_audit_rows(registry: Registry,
                                                          statement: str) -> None:
    await _five_entries(registry)
    with pytest.raises(DBAPIError, match="append-only"):
        await registry.sql(statement)


async def test_a_refused_read_is_audited_with_its_code(registry: Registry) -> None:
    secret = await registry.file(security="secret")
    with pytest.raises(NotFound):
        await registry.services.catalogue.read(STAFF, secret.document_id)
    entries = await registry.services.journal.entries(INGEST, AuditQuery(username="li"))
    assert [(e.action, e.outcome, e.code, e.document_id) for e in entries] == [
        ("read", "refused", "not_visible", secret.document_id)]


async def test_restricted_record_reads_and_content_reads_are_audited(
        registry: Registry) -> None:
    ordinary = await registry.file()
    personal = await registry.file(personal_info=True, category="supplement")
    reader = Principal(username="zhao", roles=("staff",), clearance="ordinary")
    await registry.services.catalogue.read(reader, ordinary.document_id)
    await registry.services.catalogue.read(reader, personal.document_id)
    await registry.services.catalogue.decide(reader, ordinary.document_id, "read_text")
    await registry.services.catalogue.decide(reader, ordinary.document_id, "download")
    entries = await registry.services.journal.entries(INGEST, AuditQuery(username="zhao"))
    assert [(e.action, e.document_id) for e in entries] == [
        ("read", personal.document_id), ("read_text", ordinary.document_id),
        ("download", ordinary.document_id)]


async def test_audit_entries_filter_by_document_user_and_time(registry: Registry) -> None:
    await _five_entries(registry)
    start = registry.clock.now()
    filed = await registry.file()
    await registry.services.catalogue.decide(ARCHIVIST, filed.document_id, "download")
    services = registry.services.journal
    by_document = await services.entries(INGEST, AuditQuery(document_id=filed.document_id))
    by_user = await services.entries(INGEST, AuditQuery(username="user2"))
    by_time = await services.entries(INGEST, AuditQuery(since=start - timedelta(minutes=2),
                                                until=start))
    assert [e.action for e in by_document] == ["filed", "download"]
    assert [e.document_id for e in by_user] == ["doc-2"]
    assert [e.username for e in by_time] == ["user4", "user5"]


async def test_a_documents_entries_are_found_by_its_archive_number_now_or_before(
        registry: Registry) -> None:
    """Staff know a document by its number (档号), and by the one it had before a
    correction renumbered it (原档号, D11), in any case."""
    from services.registry.corrections.models import CorrectionRequest, MetadataChanges

    filed = await registry.file(category="repair")
    await registry.services.corrections.request(ARCHIVIST, filed.document_id,
                                                CorrectionRequest(
        changes=MetadataChanges(category="complaint"), reason="类别录错"))
    services = registry.services.journal
    found = {typed: [(e.action, e.document_id) for e in await services.entries(
        INGEST, AuditQuery(document_id=typed))]
             for typed in (filed.document_id, filed.archive_no.lower(),
                           (await registry.services.catalogue.read(
                               ARCHIVIST, filed.document_id)).archive_no)}
    assert list(found.values()) == [[("filed", filed.document_id),
                                     ("corrected", filed.document_id)]] * 3


async def test_a_document_filter_naming_none_the_reader_may_know_is_not_found(
        registry: Registry) -> None:
    """One above the reader's clearance answers as one that does not exist (D1)."""
    compliance = Principal(username="qian", roles=("compliance",), clearance="ordinary")
    secret = await registry.file(security="confidential")
    refused = []
    for typed in ("2026-complaint-A-1201-0001", secret.document_id, secret.archive_no):
        with pytest.raises(NotFound) as missing:
            await registry.services.journal.entries(compliance, AuditQuery(document_id=typed))
        refused.append(missing.value.code)
    assert refused == ["unknown_document"] * 3
