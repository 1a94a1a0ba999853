"""``SearchService`` over a real Tantivy index, with the caller's access given by a seam
(what the registry would answer for their token)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from services.common.errors import ValidationFailed
from services.search.index.models import AccessFilter, IndexedDocument
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery
from services.search.service import SearchService


class StaticAccess:
    """An ``AccessSource`` answering one filter for every token."""

    def __init__(self, access: AccessFilter) -> None:
        self.access = access
        self.asked: list[str] = []

    async def access_for(self, token: str) -> AccessFilter:
        self.asked.append(token)
        return self.access


def letter(document_id: str, **fields: object) -> IndexedDocument:
    values: dict[str, object] = {
        "document_id": document_id, "archive_no": f"2024-correspondence-A-1201-{document_id}",
        "title": "来函", "body": "业主欠费三个月", "household": "A-1201",
        "category": "correspondence", "filed_at": date(2024, 3, 1), "security": "ordinary",
        "personal_info": False, "version": 1, **fields}
    return IndexedDocument(**values)  # type: ignore[arg-type]


@pytest.fixture
async def index(tmp_path: Path) -> AsyncIterator[TantivyIndex]:
    opened = TantivyIndex(tmp_path / "index")
    await opened.ensure()
    await opened.upsert([letter("open"), letter("lent", security="secret"),
                         letter("unlent", security="secret")])
    yield opened
    await opened.close()


async def test_a_document_above_clearance_stays_invisible_whatever_the_loan(
        index: TantivyIndex) -> None:
    access = StaticAccess(AccessFilter(clearance="ordinary", full_text_ids=frozenset({"lent"})))
    result = await SearchService(index, access).search("token", SearchQuery(q="欠费"))
    assert {hit.document_id for hit in result.hits} == {"open"}
    assert result.total == 1


async def test_a_loan_within_clearance_opens_the_body_text(index: TantivyIndex) -> None:
    access = StaticAccess(AccessFilter(clearance="secret", full_text_ids=frozenset({"lent"})))
    result = await SearchService(index, access).search("token", SearchQuery(q="欠费"))
    assert {hit.document_id for hit in result.hits} == {"open", "lent"}


async def test_household_file_asks_for_access_with_the_callers_token(
        index: TantivyIndex) -> None:
    access = StaticAccess(AccessFilter(clearance="secret"))
    await SearchService(index, access).household_file("the-token", "A-1201")
    assert access.asked == ["the-token"]


async def test_bad_household_is_refused_before_asking_the_registry(index: TantivyIndex) -> None:
    access = StaticAccess(AccessFilter(clearance="secret"))
    with pytest.raises(ValidationFailed):
        await SearchService(index, access).household_file("token", "nowhere")
    assert access.asked == []
