"""A person reading the change feed learns nothing of documents above their clearance,
whatever kind of event names them (issue 14; reliability promise 7), nor of a household
they may not know of (D1), nor how many documents a household's change placed unless they
may know of every document."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.common.auth import Principal
from services.common.contracts.registry import (
    AccessFilter,
    Change,
    ChangeEvent,
    DocumentCorrected,
    DocumentDestroyed,
    DocumentFiled,
    FeedDocument,
    FeedPage,
    HouseholdChanged,
    LoanChanged,
    SecurityChanged,
    TextRevised,
)
from services.registry.journal.service import feed_for

AT = datetime(2026, 3, 1, tzinfo=UTC)


class CatalogueOf:
    """The catalogue as listings ask it, holding only the ids an ordinary reader may know."""

    def __init__(self, known: set[str]) -> None:
        self.known = known

    async def visible(self, document_ids: list[str], access: AccessFilter) -> set[str]:
        return {d for d in document_ids if d in self.known}


def _document(document_id: str) -> FeedDocument:
    return FeedDocument(document_id=document_id, archive_no=f"2026-contract-A-1201-{document_id}",
                        sha256="0" * 64, household="A-1201", category="contract",
                        title="和解协议", filed_at=date(2026, 2, 1), security="confidential",
                        personal_info=False, status="active", version=1, language=None,
                        pages=1)


def _events_naming(document_id: str) -> list[ChangeEvent]:
    document = _document(document_id)
    return [
        DocumentFiled(document=document),
        DocumentCorrected(document=document, fields=["title"]),
        SecurityChanged(document=document, fields=["security"],
                        previous_security="ordinary", previous_personal_info=False),
        DocumentDestroyed(document=document, destroyed_at=AT),
        TextRevised(document=document, text_version=2, engine="ppocr", reason="reocr",
                    revised_by="wang"),
    ]


def _page(events: list[ChangeEvent]) -> FeedPage:
    changes = [Change(seq=n, at=AT, event=event) for n, event in enumerate(events, start=1)]
    return FeedPage(changes=changes, last_seq=len(changes), head=len(changes))


ADMIN = Principal(username="root", roles=("admin",))
CLEARED_ADMIN = Principal(username="root2", roles=("admin",), clearance="secret")


def knows_every_household(household: str, at: datetime) -> bool:
    return True


async def test_every_event_naming_a_hidden_document_is_left_out() -> None:
    page = await feed_for(CatalogueOf(set()), ADMIN, _page(_events_naming("d-secret")),
                          knows=knows_every_household)
    assert (page.changes, page.last_seq) == ([], 5)


async def test_events_of_documents_the_reader_may_know_are_kept() -> None:
    page = await feed_for(CatalogueOf({"d-known"}), ADMIN, _page(_events_naming("d-known")),
                          knows=knows_every_household)
    assert len(page.changes) == 5


def _placed(household: str) -> HouseholdChanged:
    return HouseholdChanged(household=household, change="occupant_changed", label="王",
                            occupancy_id=1, documents_recomputed=2, documents_attached=1)


async def test_a_household_event_is_left_out_until_the_reader_may_know_of_the_household(
        ) -> None:
    registered = AT + timedelta(days=1)

    def knows(household: str, at: datetime) -> bool:
        return household == "A-1201" and at >= registered

    changes = [Change(seq=1, at=AT, event=_placed("A-1201")),
               Change(seq=2, at=registered, event=_placed("A-1201")),
               Change(seq=3, at=registered, event=_placed("K-0909"))]
    page = await feed_for(CatalogueOf(set()), ADMIN,
                          FeedPage(changes=changes, last_seq=3, head=3), knows=knows)
    assert ([c.seq for c in page.changes], page.last_seq) == ([2], 3)


async def test_a_household_event_counts_documents_only_for_a_reader_cleared_for_all() -> None:
    counted = {principal.username: [
        (c.event.documents_recomputed, c.event.documents_attached)
        for c in (await feed_for(CatalogueOf(set()), principal, _page([_placed("A-1201")]),
                                 knows=knows_every_household)).changes
        if isinstance(c.event, HouseholdChanged)]
        for principal in (ADMIN, CLEARED_ADMIN)}
    assert counted == {"root": [(None, None)], "root2": [(2, 1)]}


async def test_a_loan_event_lists_only_the_documents_the_reader_may_know() -> None:
    loan = LoanChanged(loan_id="l-1", change="issued", status="out", borrower="ma",
                       documents=["d-known", "d-secret"])
    household = HouseholdChanged(household="A-1201", change="created", label="王")
    page = await feed_for(CatalogueOf({"d-known"}), ADMIN, _page([loan, household]),
                          knows=knows_every_household)
    assert [c.event for c in page.changes] == [
        LoanChanged(loan_id="l-1", change="issued", status="out", borrower="ma",
                    documents=["d-known"]),
        HouseholdChanged(household="A-1201", change="created", label="王",
                         documents_recomputed=None, documents_attached=None),
    ]
