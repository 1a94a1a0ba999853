"""D10: lowering protection takes two people. An archivist who lowers a secret document to
ordinary (or clears its personal information) gets a pending correction; until a director
or centre head other than them approves it, the old level holds and an ordinary reader
still finds nothing. Someone holding both roles cannot approve their own."""

from __future__ import annotations

import pytest

from tests.security.conftest import Secured
from tests.security.support import People, file_document

pytestmark = pytest.mark.shared_server
"""One server per backend: each test lowers documents of its own."""


@pytest.mark.parametrize("lowering", [{"security": "ordinary"}, {"personal_info": False}],
                         ids=["security", "personal_info"])
def test_lowering_waits_for_a_second_person(secured: Secured, people: People,
                                            lowering: dict[str, object]) -> None:
    document = file_document(people["wang"], security="secret", personal_info=True)
    url = f"/registry/documents/{document['document_id']}"
    asked = people["wang"].post(f"{url}/corrections",
                                json={"changes": lowering, "reason": "定密有误"})
    assert (asked.status_code, asked.json()["status"]) == (202, "pending")
    held = people["wang"].get(url).json()
    assert (held["security"], held["personal_info"]) == ("secret", True)
    decide = f"/registry/corrections/{asked.json()['correction_id']}/approve"
    refusals = [people[name].post(decide, json={}) for name in ("wang", "zhou")]
    assert [(r.status_code, r.json()["code"]) for r in refusals] == [
        (403, "role_required"), (403, "role_required")]
    if "security" in lowering:
        assert people["ma"].get(url).status_code == 404
    approved = people["zhao"].post(decide, json={})
    assert (approved.status_code, approved.json()["decided_by"]) == (200, "zhao")
    assert {k: people["wang"].get(url).json()[k] for k in lowering} == lowering


def test_a_director_who_asked_cannot_approve_their_own_lowering(secured: Secured,
                                                                people: People) -> None:
    document = file_document(people["wang"], security="secret")
    url = f"/registry/documents/{document['document_id']}"
    asked = people["boss"].post(f"{url}/corrections",
                                json={"changes": {"security": "ordinary"}, "reason": "解密"})
    refused = people["boss"].post(
        f"/registry/corrections/{asked.json()['correction_id']}/approve", json={})
    assert (refused.status_code, refused.json()["code"]) == (403, "own_correction")
    assert people["wang"].get(url).json()["security"] == "secret"
    assert people["ma"].get(url).status_code == 404


def test_the_approved_lowering_reaches_the_change_feed(secured: Secured, people: People
                                                       ) -> None:
    document = file_document(people["wang"], security="confidential")
    asked = people["wang"].post(f"/registry/documents/{document['document_id']}/corrections",
                                json={"changes": {"security": "ordinary"}, "reason": "解密"})
    people["chen"].post(f"/registry/corrections/{asked.json()['correction_id']}/approve",
                        json={})
    with secured.server.client(secured.server.service_token()) as service:
        events = [change["event"] for change in
                  service.get("/registry/changes", params={"limit": 1000}).json()["changes"]]
    lowered = [event for event in events if event["kind"] == "security_changed"
               and event["document"]["document_id"] == document["document_id"]]
    assert [(e["document"]["document_id"], e["previous_security"], e["document"]["security"])
            for e in lowered] == [(document["document_id"], "confidential", "ordinary")]
