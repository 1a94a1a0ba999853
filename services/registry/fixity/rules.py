"""The archive-number check (D8), pure: fed every archive number once, it reports the
series' gaps, duplicates and counters behind the numbers in use.

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

from services.common.contracts.registry import CounterMismatch, NumberGap, NumberingReport
from services.registry.catalogue.rules import split_archive_no

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
