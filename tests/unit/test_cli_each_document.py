"""``archive derive`` and ``archive reocr`` ask ingest about each document: one that ingest
refuses is listed with why, and the others are still done."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from services.cli.client import Api
from services.cli.each_document import IN_FLIGHT, ask_each
from services.common.contracts.registry import DocumentRecord
from services.common.errors import Conflict
from tests.support.registry import document_record

NOW = datetime(2030, 3, 1, 9, 30, tzinfo=UTC)
UNREACHABLE = "http://127.0.0.1:9"
"""Nothing is sent: the documents are asked about by the functions the tests give."""


def _record(number: int) -> DocumentRecord:
    return document_record(document_id=f"d{number}",
                           archive_no=f"2020-repair-A-1201-{number:04d}",
                           sha256=f"{number:064x}", title=f"报修单 {number}")


def test_a_refused_document_is_listed_and_the_others_are_still_done() -> None:
    documents = [_record(number) for number in range(1, 6)]

    async def derive(record: DocumentRecord) -> str:
        if record.document_id == "d3":
            raise Conflict("the original cannot be decoded", code="undecodable_original")
        return "derived"

    with Api(UNREACHABLE, "a-token") as api:
        outcomes, failures = ask_each(api, documents, action="derive", doing="making previews",
                                      ask=derive, outcome=lambda status: status)

    assert outcomes == {"derived": 4}
    assert failures == ["2020-repair-A-1201-0003: the original cannot be decoded "
                        "(undecodable_original)"]


@pytest.mark.parametrize("count", [1, IN_FLIGHT + 3])
def test_no_more_than_in_flight_documents_are_asked_about_at_once(count: int) -> None:
    asking = 0
    most = 0

    async def reread(record: DocumentRecord) -> str:
        nonlocal asking, most
        asking += 1
        most = max(most, asking)
        await asyncio.sleep(0.01)
        asking -= 1
        return "reread"

    with Api(UNREACHABLE, "a-token") as api:
        outcomes, failures = ask_each(api, [_record(n) for n in range(count)], action="reocr",
                                      doing="re-reading", ask=reread,
                                      outcome=lambda status: status)

    assert (outcomes, failures) == ({"reread": count}, [])
    assert most == min(count, IN_FLIGHT)
