"""No count and no list tells someone that a document above their clearance exists: each
answer an uncleared reader gets is the same whether a secret document is there or not.
A household hold's count of what it covers now (R7), and the households listed and found
(D1), for ``qiu`` (compliance) and ``ma`` (staff), both cleared for ``ordinary`` only."""

from __future__ import annotations

from typing import Any

import httpx

from tests.security.conftest import Secured
from tests.security.support import People, file_document

SAID_APART = ("hold_id", "household")
"""What tells two holds apart whatever the documents: their id and their household."""


def _secret(people: People, household: str) -> dict[str, Any]:
    return file_document(people["wang"], household=household, security="secret",
                         title="诉讼材料（绝密）")


def _as_read(hold: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in hold.items() if key not in SAID_APART}


def _households(client: httpx.Client, **params: Any) -> list[str]:
    response = client.get("/registry/households", params=params)
    assert response.status_code == 200, response.text
    return [household["household"] for household in response.json()]


def test_a_household_hold_counts_the_same_for_the_uncleared_whether_or_not_it_holds_a_secret(
        secured: Secured, people: People) -> None:
    for household in ("A-1201", "B-0301"):
        file_document(people["wang"], household=household)
    _secret(people, "B-0301")
    _secret(people, "C-0101")  # only a secret document: as a unit with none (D-0101)
    placed = {household: people["qiu"].post("/registry/holds", json={
        "reason": "诉讼保全", "household": household})
        for household in ("A-1201", "B-0301", "C-0101", "D-0101")}
    assert {h: response.status_code for h, response in placed.items()} == dict.fromkeys(
        placed, 201)
    answered = {h: _as_read(response.json()) for h, response in placed.items()}
    assert answered["A-1201"] == answered["B-0301"]
    assert answered["C-0101"] == answered["D-0101"]
    assert [(answered[h]["covers_now"], answered[h]["counted_up_to"])
            for h in ("A-1201", "C-0101")] == [(1, "ordinary"), (0, "ordinary")]
    listed = {hold["household"]: _as_read(hold)
              for hold in people["qiu"].get("/registry/holds").json()}
    assert (listed["A-1201"], listed["C-0101"]) == (listed["B-0301"], listed["D-0101"])
    cleared = {hold["household"]: hold["covers_now"]
               for hold in people["qin"].get("/registry/holds").json()}
    assert cleared == {"A-1201": 1, "B-0301": 2, "C-0101": 1, "D-0101": 0}


def test_a_household_made_by_a_secret_filing_is_as_unknown_as_one_never_used(
        secured: Secured, people: People) -> None:
    file_document(people["wang"], household="A-1201")
    _secret(people, "B-0301")  # first seen on a secret filing: made by it
    for household in ("C-0101", "C-0102"):
        created = people["wang"].post("/registry/households", json={"household": household})
        assert created.status_code == 201, created.text
    _secret(people, "C-0101")  # registered on purpose: listed, as C-0102 with none
    assert _households(people["ma"]) == ["A-1201", "C-0101", "C-0102"]
    assert _households(people["ma"], limit=2) == ["A-1201", "C-0101"]  # kept before paging
    assert _households(people["ma"], building="B") == []
    made, never = (people["ma"].get(f"/registry/households/{h}") for h in ("B-0301", "Z-0101"))
    assert (made.status_code, made.json()["code"]) == (never.status_code, never.json()["code"])
    assert (made.status_code, made.json()["code"]) == (404, "unknown_household")
    assert made.json()["detail"].replace("B-0301", "Z-0101") == never.json()["detail"]
    assert _households(people["wang"]) == ["A-1201", "B-0301", "C-0101", "C-0102"]
    assert people["wang"].get("/registry/households/B-0301").status_code == 200
