"""What signers sign is computed one way for both kinds of subject, and the same way as
when the first signatures were made: a stored signature's digest must keep verifying."""

from __future__ import annotations

from services.registry.seal import SignedItem, items_digest

SUBJECT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ITEMS = [
    SignedItem("0d5f6c3e-8a6b-4d8e-9a3c-6f1e2b7a9c01",
               "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
               "2016-move_in-A-1301-0001"),
    SignedItem("5b7e2a90-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
               "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
               "2019-repair-A-1301-0003"),
]


def test_the_digest_of_a_register_and_of_a_handover_are_those_signed_before() -> None:
    assert items_digest("destruction", SUBJECT, ITEMS) == \
        "338963b76c686dc58f20cbaa4c75fb3683d9ea451cc0291a1509fcbbba23e5ea"
    assert items_digest("handover", SUBJECT, ITEMS) == \
        "8aa20f5fe8a63edebb12914738b88a0a82f1b4239e3761b5f0eeb8da3315064a"


def test_the_digest_changes_with_an_items_order_or_any_of_its_three_fields() -> None:
    signed = items_digest("destruction", SUBJECT, ITEMS)
    first, second = ITEMS
    changed = [
        [second, first],
        [SignedItem(first.document_id, "0" * 64, first.archive_no), second],
        [SignedItem(first.document_id, first.sha256, "2016-move_in-A-1301-0002"), second],
        [SignedItem(second.document_id, first.sha256, first.archive_no), second],
        [first],
    ]
    assert all(items_digest("destruction", SUBJECT, items) != signed for items in changed)
