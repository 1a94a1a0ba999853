"""A fixity run's findings in the audit log (O4, reliability promise 6) as each reader may
read them: an archive-number series names documents of every level."""

from __future__ import annotations

from services.common.auth import Principal
from services.common.contracts.registry import REDACTED_DETAIL, FixityFinding, FixityResult
from services.registry.journal.models import AuditQuery
from tests.unit.registry.retention.conftest import Retention

GAP = FixityFinding(kind="archive_number_gap", series="2030-repair-A-1201",
                    missing_numbers=[2], detail="series 2030-repair-A-1201 has no document "
                                                "numbered 2")


async def test_a_numbering_finding_is_named_only_to_a_reader_cleared_for_secret(
        retention: Retention) -> None:
    """As the run's own report redacts it for them: an administrator cleared for less
    reads the entry counted, not its series and numbers."""
    await retention.services.fixity.record(FixityResult(
        run_id="r1", trigger="manual", started_by="qian", documents_checked=1,
        bytes_hashed=1, findings=[GAP]))

    async def found(clearance: str) -> list[object]:
        reader = Principal(username="root", roles=("admin",), clearance=clearance)
        return [entry.detail for entry in await retention.services.journal.entries(
            reader, AuditQuery(action="fixity_finding", limit=10))]

    assert await found("confidential") == [REDACTED_DETAIL]
    assert await found("secret") == [{"run_id": "r1", "kind": "archive_number_gap",
                                "series": "2030-repair-A-1201",
                                "missing_archive_nos": ["2030-repair-A-1201-0002"]}]
