"""The yearly statistics' columns per category on both engines (O2): a document counts in
one category, its category now, whether received, held, transferred out or destroyed."""

from __future__ import annotations

from datetime import date

from services.common.contracts.operations import TransferRequest
from services.common.contracts.statistics import YearStatistics
from services.registry.corrections.models import CorrectionRequest, MetadataChanges
from tests.contract.registry.conftest import ARCHIVIST, Registry


async def _transferred_out(registry: Registry, document_id: str) -> None:
    await registry.services.transfers.create(ARCHIVIST, TransferRequest(
        recipient="某区档案馆", reason="移交区档案馆", documents=[document_id]))


def _columns(report: YearStatistics) -> dict[str, tuple[int, int, int, int]]:
    """Per category: (received, held, transferred out, destroyed)."""
    counted = (report.received, report.holdings, report.transferred_out, report.destroyed)
    categories = {category for column in counted for category in column.by_category}
    return {category: tuple(column.by_category.get(category, 0)  # type: ignore[misc]
                            for column in counted)
            for category in categories}


async def test_a_category_corrected_before_its_transfer_counts_in_the_new_one_throughout(
        registry: Registry) -> None:
    misfiled = await registry.file(household="A-1201", category="decoration",
                                   filed_at=date(2024, 3, 1), working=False)
    await registry.file(household="A-1201", category="decoration", filed_at=date(2024, 3, 2))
    await registry.services.corrections.request(ARCHIVIST, misfiled.document_id,
                                                CorrectionRequest(
        changes=MetadataChanges(category="payment"), reason="类别录错：是缴费凭证"))
    await _transferred_out(registry, misfiled.document_id)
    report = await registry.services.statistics.year(2024)
    assert _columns(report) == {"decoration": (1, 1, 0, 0), "payment": (1, 0, 1, 0)}


async def test_a_category_corrected_after_its_transfer_counts_in_the_new_one_throughout(
        registry: Registry) -> None:
    """Corrections no longer change a transferred document's category (409
    ``already_transferred``), but one made before they were refused stays in the
    records: its transfer list's copy names the old category, the document the new."""
    misfiled = await registry.file(household="A-1201", category="decoration",
                                   filed_at=date(2024, 3, 1))
    await registry.file(household="A-1201", category="decoration", filed_at=date(2024, 3, 2))
    await _transferred_out(registry, misfiled.document_id)
    await registry.sql("UPDATE documents SET category = 'payment' WHERE document_id = :id",
                       id=misfiled.document_id)
    report = await registry.services.statistics.year(2024)
    assert _columns(report) == {"decoration": (1, 1, 0, 0), "payment": (1, 0, 1, 0)}
