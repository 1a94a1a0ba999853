"""Notifications' read state on both engines: each recipient reads their own copy; the
unread ones are listed and counted apart; marking names ids or all, and never touches
another person's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.contracts.lending import MarkRead, UnreadCount
from services.common.errors import ValidationFailed
from tests.unit.registry.lending.conftest import Lending, person

SIXTEEN_DAYS = timedelta(days=16)


async def _escalated(lending: Lending, borrowers: tuple[str, ...]) -> list[str]:
    """Loans of ``borrowers`` out 16 days and escalated: zhou and wang are told of each."""
    loans = [await lending.out(borrower, [await lending.file()]) for borrower in borrowers]
    lending.clock.advance(SIXTEEN_DAYS)
    await lending.services.circulation.escalate_due()
    return [loan.loan_id for loan in loans]


async def test_a_new_notification_is_unread_until_its_recipient_marks_it(
        lending: Lending) -> None:
    first, second = await _escalated(lending, ("li", "ma"))
    zhou, wang = person("zhou"), person("wang")
    notices = lending.services.lending
    unread = await notices.notifications(zhou, unread=True, limit=10, offset=0)
    assert sorted(n.loan_id for n in unread) == sorted([first, second])
    assert all(n.read_at is None for n in unread)
    assert await notices.unread(zhou) == UnreadCount(unread=2)

    marked_at = lending.clock.now()
    one = next(n.notification_id for n in unread if n.loan_id == first)
    assert await notices.mark_read(zhou, MarkRead(ids=[one])) == UnreadCount(unread=1)
    read = await notices.notifications(zhou, unread=False, limit=10, offset=0)
    assert [(n.loan_id, n.read_at) for n in read] == [(first, marked_at)]
    assert [n.loan_id for n in await notices.notifications(zhou, unread=True, limit=10,
                                                           offset=0)] == [second]
    # wang's copies of the same notices are wang's: still unread.
    assert await notices.unread(wang) == UnreadCount(unread=2)


async def test_all_marks_every_one_and_marking_again_changes_nothing(
        lending: Lending) -> None:
    await _escalated(lending, ("li", "ma"))
    wang, notices = person("wang"), lending.services.lending
    assert await notices.mark_read(wang, MarkRead(all=True)) == UnreadCount(unread=0)
    first_read = [n.read_at for n in await notices.notifications(wang, unread=None, limit=10,
                                                                offset=0)]
    lending.clock.advance(timedelta(hours=1))
    assert await notices.mark_read(wang, MarkRead(all=True)) == UnreadCount(unread=0)
    again = [n.read_at for n in await notices.notifications(wang, unread=None, limit=10,
                                                           offset=0)]
    assert again == first_read  # read once, at the first reading
    assert await notices.unread(person("zhou")) == UnreadCount(unread=2)


async def test_another_persons_ids_are_left_unread(lending: Lending) -> None:
    await _escalated(lending, ("li",))
    notices = lending.services.lending
    zhous = await notices.notifications(person("zhou"), unread=True, limit=10, offset=0)
    answer = await notices.mark_read(person("wang"),
                                     MarkRead(ids=[n.notification_id for n in zhous]))
    assert answer == UnreadCount(unread=1)  # wang's own copy, untouched
    assert await notices.unread(person("zhou")) == UnreadCount(unread=1)


@pytest.mark.parametrize("marked", [MarkRead(), MarkRead(ids=[1], all=True)])
async def test_neither_or_both_of_ids_and_all_is_refused(lending: Lending,
                                                         marked: MarkRead) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await lending.services.lending.mark_read(person("zhou"), marked)
    assert refused.value.code == "ids_or_all"
