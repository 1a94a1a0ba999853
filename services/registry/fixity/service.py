"""The registry's half of the fixity check (reliability promise 6): are archive numbers
whole (``rules``), which records should ingest re-hash, and each run's outcome in the
audit log (O4)."""

from __future__ import annotations

from datetime import date

from services.common.contracts.registry import (
    AccessFilter,
    AwaitingScan,
    FixityFinding,
    FixityPage,
    FixityResult,
    NumberingReport,
)
from services.registry.catalogue.rules import awaits_scan
from services.registry.fixity.rules import NumberingCheck
from services.registry.journal.models import AuditEntry, DetailValue
from services.registry.store import FeatureService

MAX_AUDITED_FINDINGS = 1000
"""Findings recorded one audit entry each per run (the run's entry counts them all)."""


class FixityService(FeatureService):
    async def record(self, result: FixityResult) -> None:
        """A fixity run's outcome in the audit log (O4): one ``fixity_check`` entry, and a
        ``fixity_finding`` entry per finding (the first ``MAX_AUDITED_FINDINGS``), on the
        document concerned, so its audit trail shows what was found and when."""
        kinds: list[str] = sorted({finding.kind for finding in result.findings})
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.journal.audit(AuditEntry(
                action="fixity_check", username=result.started_by,
                detail={"run_id": result.run_id, "trigger": result.trigger,
                        "documents_checked": result.documents_checked,
                        "bytes_hashed": result.bytes_hashed,
                        "findings": len(result.findings), "kinds": kinds}), at=now)
            for finding in result.findings[:MAX_AUDITED_FINDINGS]:
                await tx.journal.audit(AuditEntry(
                    action="fixity_finding", username=result.started_by,
                    document_id=finding.document_id,
                    detail={"run_id": result.run_id, **finding_detail(finding)}), at=now)

    async def numbering(self) -> NumberingReport:
        """Every archive number against the counters, read from one snapshot so a filing
        meanwhile is either wholly seen or not at all."""
        check = NumberingCheck()
        async with self.store.snapshot() as view:
            async for archive_no in view.documents.archive_numbers():
                check.add(archive_no)
            counters = await view.documents.counters()
        return check.report(counters)

    async def awaiting_scan(self) -> AwaitingScan:
        """The originals of the records whose scan ingest may hold unattached: an earlier
        release filed the bytes of a record catalogued first without attaching their
        pages (``CatalogueService._attach_scan``)."""
        async with self.store.snapshot() as view:
            records = await view.documents.without_pages()
        return AwaitingScan(sha256s=[record.sha256 for record in records
                                     if awaits_scan(record)])

    async def documents(self, *, after: str | None, limit: int, access: AccessFilter
                        ) -> FixityPage:
        """A page of records for ingest to re-hash (a user sees those ``access`` lets
        them): ``after`` is the last id of the page before; a page shorter than ``limit``
        is the last."""
        async with self.store.snapshot() as view:
            entries = await view.documents.fixity_entries(after=after, limit=limit,
                                                          access=access)
        return FixityPage(entries=entries,
                          next_after=entries[-1].document_id if len(entries) == limit else None)


def finding_detail(finding: FixityFinding) -> dict[str, DetailValue]:
    """What a finding's audit entry records: its kind and, as values the pages word in
    their own language, what the checker's sentence says (which old entries record
    instead, as ``detail``); a missing number as the archive number it would be."""
    detail: dict[str, DetailValue] = {
        "kind": finding.kind, "archive_no": finding.archive_no, "series": finding.series,
        "missing_archive_nos": [f"{finding.series}-{number:04d}"
                                for number in finding.missing_numbers],
        "more_missing": finding.more_missing, "counter": finding.counter,
        "highest": finding.highest, "recorded_bytes": finding.recorded_bytes,
        "stored_bytes": finding.stored_bytes, "stored_sha256": finding.stored_sha256,
        "sha256": finding.sha256, "pages": finding.pages,
        "pages_with_text": finding.pages_with_text, "text_version": finding.text_version,
        "previews_missing": finding.previews_missing,
        "locked_until": _instant(finding.locked_until),
        "lock_needed_until": _instant(finding.lock_needed_until),
        "relocked_until": _instant(finding.relocked_until)}
    return {name: value for name, value in detail.items() if value not in (None, [])}


def _instant(moment: date | None) -> str | None:
    return None if moment is None else moment.isoformat()
