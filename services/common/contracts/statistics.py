"""The registry's statistics wire contract: the yearly statistics report (年度统计, O2) as
the registry answers it; one definition for the registry and the staff pages that decode
it (``services.common.clients.loans``)."""

from __future__ import annotations

from datetime import datetime

from services.common.models import Category, Struct


class CategoryCounts(Struct):
    """A number of documents, and how many of them are of each category (D5); a category
    with none is left out."""

    total: int
    by_category: dict[Category, int]


class Appraised(Struct):
    """Appraisals (鉴定) decided in the year: the items of retention sweeps the director
    approved in it (R2), one per document and sweep. ``kept`` were kept with a new due
    date, ``reappraise`` of them to be appraised again in a year (R3);
    ``for_destruction`` wait apart (R5) and count under ``destroyed`` in the year they
    are destroyed. ``total`` is ``kept`` + ``for_destruction``."""

    total: int
    kept: int
    reappraise: int
    for_destruction: int


class LoansOfKind(Struct):
    loans: int
    documents: int
    """Each document of each loan: a document lent twice counts twice (卷次)."""


class Borrowed(Struct):
    """Loans handed over (出借) in the year, by ``issued_at``, and the documents they
    covered, in all and per kind."""

    loans: int
    documents: int
    paper: LoansOfKind
    digital: LoansOfKind


class HandedOver(Struct):
    """Handovers (移交, O1) from service centres completed (both sides signed) in the
    year, and the documents their transfer lists hold. The documents are already in
    ``received`` when they were registered: a handover moves the paper, not the count."""

    handovers: int
    documents: int


class MonthCounts(Struct):
    """One month of the year (1-12, UTC): documents registered and destroyed in it, and
    loans handed over in it (the monthly series of the yearly report's charts)."""

    month: int
    received: int
    destroyed: int
    loans: int


class Checks(Struct):
    """The year's periodic checks (O3). ``inventories``: inventories completed in the
    year; ``organised`` (整理): the files (households) in boxes those inventories found
    in place, each file once; ``discrepancies``: boxes they found missing or misplaced;
    ``unresolved``: discrepancies (of any year) still open at ``as_of``;
    ``condition_checks``: boxes' condition checks (七防) made in the year, and of them
    ``with_problems``, those with a protection found wanting."""

    inventories: int
    organised: int
    discrepancies: int
    unresolved: int
    condition_checks: int
    with_problems: int


class YearStatistics(Struct):
    """A calendar year's statistics (年度统计, O2), counted at ``as_of``: the end of the
    year, or now while the year is not over (the year so far).

    ``received``: documents registered in the year (by ``registered_at``, when the
    registry took them in, not the ``filed_at`` on the paper, which for a digitised
    cabinet may be years before); ``holdings``: documents registered by ``as_of`` and
    neither destroyed nor transferred out by then; ``destroyed``: documents the
    destruction registers (销毁清册) mark destroyed in the year; ``transferred_out``:
    documents transferred out of the archive (移出) in the year; ``handed_over``:
    handovers received from service centres (接收, O1); ``returned``: loans returned in
    the year, ``returned_late`` of them after their due date (B4); ``overdue``: loans out
    and past their due date at ``as_of`` (B4; a loan renewed since counts with its renewed
    due date: so both); ``checks``: inventories, files
    organised (整理) and condition checks (O3).
    """

    year: int
    as_of: datetime
    so_far: bool
    """The year is not over: ``as_of`` is now, and the counts may still change."""
    received: CategoryCounts
    holdings: CategoryCounts
    appraised: Appraised
    destroyed: CategoryCounts
    borrowed: Borrowed
    transferred_out: CategoryCounts
    handed_over: HandedOver
    returned: int
    returned_late: int
    overdue: int
    checks: Checks
    months: list[MonthCounts]
    """The months begun by ``as_of``, January first; their counts add up to the year's
    ``received.total``, ``destroyed.total`` and ``borrowed.loans``."""
