"""The registry's half of the fixity check (reliability promise 6): are archive numbers
whole, and which records should ingest re-hash.

A correct catalogue holds, in each series (year, category, household), exactly the
numbers 1..``last_no`` of its counter, each once (D8: the counter moves in the filing
transaction, and destroyed documents keep their records). ``NumberingCheck`` compares
what the records hold against the counters; anything else is tampering or a lost write.
The series of a record is read from its archive number, never from its category or
filing date: a correction may change those, the number stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

from services.common.clock import Clock
from services.common.contracts.registry import (
    AccessFilter,
    CounterMismatch,
    FixityPage,
    FixityResult,
    NumberGap,
    NumberingReport,
)
from services.registry.catalogue.numbers import split_archive_no
from services.registry.catalogue.service import MAX_PAGE
from services.registry.journal.audit import AuditEntry
from services.registry.store import RegistryStore

MAX_LISTED_GAPS = 1000
"""Missing numbers listed per series (``NumberGap.unlisted`` counts the rest)."""


class NumberingCheck:
    """Fed every archive number once, in any order; then ``report`` against the counters."""

    def __init__(self) -> None:
        self.documents = 0
        self.numbers: dict[str, list[int]] = {}
        self.malformed: list[str] = []

    def add(self, archive_no: str) -> None:
        self.documents += 1
        parsed = split_archive_no(archive_no)
        if parsed is None:
            self.malformed.append(archive_no)
            return
        series, number = parsed
        self.numbers.setdefault(series, []).append(number)

    def report(self, counters: Mapping[str, int]) -> NumberingReport:
        """``counters``: each series' ``last_no``."""
        gaps: list[NumberGap] = []
        duplicates: list[str] = []
        mismatches: list[CounterMismatch] = []
        names = sorted(self.numbers.keys() | counters.keys())
        for series in names:
            held = Counter(self.numbers.get(series, ()))
            distinct = sorted(held)
            counter, highest = counters.get(series, 0), distinct[-1] if distinct else 0
            if counter < highest or not distinct:
                mismatches.append(CounterMismatch(series=series, counter=counter,
                                                  highest=highest))
            duplicates.extend(f"{series}-{number:04d}" for number in distinct
                              if held[number] > 1)
            top = max(counter, highest)
            if len(distinct) < top:
                listed = list(_missing(distinct, top, MAX_LISTED_GAPS))
                gaps.append(NumberGap(series=series, missing=listed,
                                      unlisted=top - len(distinct) - len(listed)))
        return NumberingReport(series=len(names), documents=self.documents, gaps=gaps,
                               duplicates=duplicates, counter_mismatches=mismatches,
                               malformed=sorted(self.malformed))


def _missing(distinct: list[int], top: int, limit: int) -> Iterator[int]:
    """The lowest ``limit`` numbers of 1..``top`` not in the sorted ``distinct``, walking
    the runs between held numbers (``top`` may be huge)."""
    listed, expected = 0, 1
    for bound in [*distinct, top + 1]:
        for number in range(expected, min(bound, expected + limit - listed)):
            yield number
            listed += 1
        if listed == limit:
            return
        expected = bound + 1


MAX_AUDITED_FINDINGS = 1000
"""Findings recorded one audit entry each per run (the run's entry counts them all)."""


class FixityService:
    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def record(self, result: FixityResult) -> None:
        """A fixity run's outcome in the audit log (O4): one ``fixity_check`` entry, and a
        ``fixity_finding`` entry per finding (the first ``MAX_AUDITED_FINDINGS``), on the
        document concerned, so its audit trail shows what was found and when."""
        kinds: list[str] = sorted({finding.kind for finding in result.findings})
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.audit(AuditEntry(
                action="fixity_check", username=result.started_by,
                detail={"run_id": result.run_id, "trigger": result.trigger,
                        "documents_checked": result.documents_checked,
                        "bytes_hashed": result.bytes_hashed,
                        "findings": len(result.findings), "kinds": kinds}), at=now)
            for finding in result.findings[:MAX_AUDITED_FINDINGS]:
                await tx.audit(AuditEntry(
                    action="fixity_finding", username=result.started_by,
                    document_id=finding.document_id,
                    detail={"run_id": result.run_id, "kind": finding.kind,
                            "archive_no": finding.archive_no, "detail": finding.detail}),
                    at=now)

    async def numbering(self) -> NumberingReport:
        """Every archive number against the counters, read from one snapshot so a filing
        meanwhile is either wholly seen or not at all."""
        check = NumberingCheck()
        async with self.store.snapshot() as view:
            async for archive_no in view.documents.archive_numbers():
                check.add(archive_no)
            counters = await view.documents.counters()
        return check.report(counters)

    async def documents(self, *, after: str | None, limit: int, access: AccessFilter
                        ) -> FixityPage:
        """A page of records for ingest to re-hash (a user sees those ``access`` lets
        them): ``after`` is the last id of the page before; a page shorter than ``limit``
        is the last."""
        limit = min(limit, MAX_PAGE)
        async with self.store.snapshot() as view:
            entries = await view.documents.fixity_entries(after=after, limit=limit,
                                                          access=access)
        return FixityPage(entries=entries,
                          next_after=entries[-1].document_id if len(entries) == limit else None)
