"""How a page of the change feed collapses to one write per document (``feed.plan``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.common.contracts.registry import (
    Change,
    ChangeEvent,
    DocumentCorrected,
    DocumentDestroyed,
    DocumentFiled,
    DocumentTransferred,
    FeedDocument,
    HouseholdChanged,
    SecurityChanged,
    TextRevised,
)
from services.search.feed import indexed, plan

AT = datetime(2024, 6, 1, tzinfo=UTC)


def document(document_id: str = "d1", **fields: Any) -> FeedDocument:
    values: dict[str, Any] = {
        "document_id": document_id, "archive_no": f"2024-repair-A-1201-{document_id}",
        "sha256": "0" * 64, "household": "A-1201", "category": "repair", "title": "维修申请",
        "filed_at": date(2024, 5, 18), "security": "ordinary", "personal_info": False,
        "status": "active", "version": 1, "language": None, "pages": 1,
    }
    values.update(fields)
    return FeedDocument(**values)


def changes(*events: ChangeEvent) -> list[Change]:
    return [Change(seq=seq, at=AT, event=event) for seq, event in enumerate(events, start=1)]


def test_filed_document_is_upserted_with_its_seq_as_version() -> None:
    batch = plan(changes(DocumentFiled(document=document())))
    assert {key: seq for key, (seq, _) in batch.upserts.items()} == {"d1": 1}


def test_correction_in_the_same_page_wins_over_the_filing() -> None:
    batch = plan(changes(DocumentFiled(document=document()),
                         DocumentCorrected(document=document(title="更正"), fields=["title"])))
    (seq, latest), = batch.upserts.values()
    assert (seq, latest.title) == (2, "更正")


def test_security_change_is_indexed_as_the_new_state() -> None:
    batch = plan(changes(SecurityChanged(
        document=document(security="confidential"), fields=["security"],
        previous_security="ordinary", previous_personal_info=False)))
    assert batch.upserts["d1"][1].security == "confidential"


def test_destroyed_in_the_same_page_is_only_deleted() -> None:
    batch = plan(changes(DocumentFiled(document=document()),
                         DocumentDestroyed(document=document(status="destroyed"),
                                           destroyed_at=AT)))
    assert (batch.upserts, batch.deletions) == ({}, {"d1": 2})


def test_transferred_out_is_deleted_and_a_later_correction_does_not_bring_it_back(
        ) -> None:
    sent = document(status="transferred")
    batch = plan(changes(DocumentFiled(document=document()),
                         DocumentTransferred(document=sent, transfer_id="t1",
                                             recipient="新物业公司", transferred_at=AT),
                         DocumentCorrected(document=sent, fields=["location"])))
    assert (batch.upserts, batch.deletions) == ({}, {"d1": 3})


def test_household_changes_write_nothing() -> None:
    batch = plan(changes(HouseholdChanged(household="A-1201", change="created", label="陈静")))
    assert (batch.upserts, batch.deletions) == ({}, {})


def test_each_document_keeps_its_own_newest_event() -> None:
    batch = plan(changes(DocumentFiled(document=document("d1")),
                         DocumentFiled(document=document("d2")),
                         DocumentCorrected(document=document("d1", title="更正"),
                                           fields=["title"])))
    assert {key: seq for key, (seq, _) in batch.upserts.items()} == {"d1": 3, "d2": 2}


def test_indexed_document_carries_the_catalogue_fields_and_the_text() -> None:
    doc = indexed(document(personal_info=True), "卫生间漏水", version=7)
    assert (doc.document_id, doc.body, doc.version, doc.restricted) == (
        "d1", "卫生间漏水", 7, True)


def test_indexed_document_carries_the_records_language_for_its_hits() -> None:
    assert indexed(document(language="chi_tra"), "", version=1).language == "chi_tra"


def test_revised_text_is_indexed_again_with_its_seq() -> None:
    batch = plan(changes(DocumentFiled(document=document()),
                         TextRevised(document=document(), text_version=2, engine="ppocr",
                                     reason="re-read by archive reocr", revised_by="li")))
    assert {key: seq for key, (seq, _) in batch.upserts.items()} == {"d1": 2}
