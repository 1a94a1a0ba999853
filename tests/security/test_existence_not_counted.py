"""No count and no list tells someone that a document above their clearance exists: each
answer an uncleared reader gets is the same whether a secret document is there or not.
A household hold's count of what it covers now (R7), the households listed and found
(D1), registered (answered, audited and announced as a new one), given occupants, handed
over and transferred out (O1), the catalogues and labels (D1–D3), the audit log's entries
about such a household (O4: redacted in place, counted as every entry, never named), its
events in the change feed, how many documents a household's change placed (told only to
those cleared for all), and the inventories, their checklist page and PDF, and the boxes
due a condition check (O3), for ``qiu`` (compliance), ``ma`` (staff), ``low`` (archivist)
and ``root`` (admin), all cleared for ``ordinary`` only.

The tests share a server per backend, each with households of its own (reading only its
own from a listing); a test that reads every catalogue or every audit entry about
households (redacted rows, not told apart) has one of its own, and the inventory tests
share one whose only documents are their shelves."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from typing import Any

import httpx
import pypdfium2
import pytest

from tests.security.conftest import Secured
from tests.security.support import People, file_document
from tests.support.pages import signed_in

pytestmark = pytest.mark.shared_server

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


def _own(households: list[str], mine: set[str]) -> list[str]:
    return [household for household in households if household in mine]


def test_a_household_hold_counts_the_same_for_the_uncleared_whether_or_not_it_holds_a_secret(
        secured: Secured, people: People) -> None:
    for household in ("J-1201", "J-1202"):
        file_document(people["wang"], household=household)
    _secret(people, "J-1202")
    _secret(people, "J-1203")  # only a secret document: as a unit with none (J-1204)
    placed = {household: people["qiu"].post("/registry/holds", json={
        "reason": "诉讼保全", "household": household})
        for household in ("J-1201", "J-1202", "J-1203", "J-1204")}
    assert {h: response.status_code for h, response in placed.items()} == dict.fromkeys(
        placed, 201)
    answered = {h: _as_read(response.json()) for h, response in placed.items()}
    assert answered["J-1201"] == answered["J-1202"]
    assert answered["J-1203"] == answered["J-1204"]
    assert [(answered[h]["covers_now"], answered[h]["counted_up_to"])
            for h in ("J-1201", "J-1203")] == [(1, "ordinary"), (0, "ordinary")]
    listed = {hold["household"]: _as_read(hold)
              for hold in people["qiu"].get("/registry/holds").json()}
    assert (listed["J-1201"], listed["J-1203"]) == (listed["J-1202"], listed["J-1204"])
    cleared = {hold["household"]: hold["covers_now"]
               for hold in people["qin"].get("/registry/holds").json()
               if hold["household"] in placed}
    assert cleared == {"J-1201": 1, "J-1202": 2, "J-1203": 1, "J-1204": 0}


def test_a_household_made_by_a_secret_filing_is_as_unknown_as_one_never_used(
        secured: Secured, people: People) -> None:
    """Buildings T and U are this test's alone: a building's listing pages as the whole
    archive's does."""
    file_document(people["wang"], household="T-0101")
    _secret(people, "T-0301")  # first seen on a secret filing: made by it
    _secret(people, "U-0301")  # so made, and building U's only household
    for household in ("T-0501", "T-0502"):
        created = people["wang"].post("/registry/households", json={"household": household})
        assert created.status_code == 201, created.text
    _secret(people, "T-0501")  # registered on purpose: listed, as T-0502 with none
    mine = {"T-0101", "T-0301", "U-0301", "T-0501", "T-0502"}
    assert _own(_households(people["ma"], limit=1000), mine) == ["T-0101", "T-0501", "T-0502"]
    assert _households(people["ma"], building="T") == ["T-0101", "T-0501", "T-0502"]
    assert _households(people["ma"], building="T", limit=2) == [
        "T-0101", "T-0501"]  # kept before paging
    assert _households(people["ma"], building="U") == []
    made, never = (people["ma"].get(f"/registry/households/{h}") for h in ("T-0301", "Z-0101"))
    assert (made.status_code, made.json()["code"]) == (never.status_code, never.json()["code"])
    assert (made.status_code, made.json()["code"]) == (404, "unknown_household")
    assert made.json()["detail"].replace("T-0301", "Z-0101") == never.json()["detail"]
    assert _own(_households(people["wang"], limit=1000), mine) == [
        "T-0101", "T-0301", "T-0501", "T-0502", "U-0301"]
    assert people["wang"].get("/registry/households/T-0301").status_code == 200


def test_a_household_made_by_a_secret_filing_is_not_found_by_its_occupant_s_name(
        secured: Secured, people: People) -> None:
    _secret(people, "B-0301")  # made by a secret filing, then given an occupant
    assert people["wang"].post("/registry/households/B-0301/occupants", json={
        "occupant": "郑家豪", "moved_in": "2015-01-01"}).status_code == 200
    created = people["wang"].post("/registry/households", json={
        "household": "C-0101", "occupant": "鄭家豪", "moved_in": "2016-01-01"})
    assert created.status_code == 201, created.text
    assert _households(people["ma"], q="家豪") == ["C-0101"]
    assert _households(people["ma"], q="b0301") == _households(people["ma"], q="0301") == []
    assert _households(people["ma"], q="家豪", limit=1) == ["C-0101"]  # kept before paging
    assert _households(people["wang"], q="家豪") == ["B-0301", "C-0101"]


CATALOGUE_READERS = ("low", "qiu", "root")
"""Who reads the catalogues (archivist, compliance, admin), each cleared for ordinary."""
COUNTED = ("label", "closed", "documents", "pages", "closed_parts", "closed_documents",
           "first_filed", "last_filed")
"""What a catalogue says of a file, apart from where it is."""


def _twin_floors(people: People) -> None:
    """A-1201 and B-1201, the same but for B's secret document; C-0101 made only by a
    secret filing, given an occupant by a cleared archivist, and both moved out in 2025."""
    for household in ("A-1201", "B-1201"):
        created = people["wang"].post("/registry/households", json={
            "household": household, "occupant": "张伟", "moved_in": "2015-01-01"})
        assert created.status_code == 201, created.text
        file_document(people["wang"], household=household, filed_at="2020-05-01")
    file_document(people["wang"], household="B-1201", security="secret",
                  filed_at="2024-06-01", title="诉讼材料（绝密）")
    _secret(people, "C-0101")
    assert people["wang"].post("/registry/households/C-0101/occupants", json={
        "occupant": "刘洋", "moved_in": "2015-01-01"}).status_code == 200
    for household in ("A-1201", "B-1201", "C-0101"):
        moved = people["wang"].post(f"/registry/households/{household}/move-out",
                                    json={"moved_out": "2025-06-30"})
        assert moved.status_code == 200, moved.text


def _counted(file: dict[str, Any]) -> dict[str, Any]:
    return {key: file[key] for key in COUNTED}


def _catalogue(client: httpx.Client, path: str, **params: Any) -> httpx.Response:
    return client.get(f"/registry/catalogues{path}", params=params)


def _text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return "".join(page.get_textpage().get_text_range()
                   for page in pypdfium2.PdfDocument(response.content))


@pytest.mark.own_server  # lists every file and floor
def test_the_catalogues_and_labels_read_the_same_for_the_uncleared_whether_or_not_a_secret_is_filed(
        secured: Secured, people: People) -> None:
    _twin_floors(people)
    for username in CATALOGUE_READERS:
        reader = people[username]
        general = _catalogue(reader, "/general").json()
        assert [file["household"] for file in general] == ["A-1201", "B-1201"], username
        assert _counted(general[0]) == _counted(general[1])
        assert general[0]["documents"] == 1
        csv_rows = _catalogue(reader, "/general.csv").text.splitlines()
        assert len(csv_rows) == 3
        after_position = [row.split(",", 1)[1].replace("A", "B") for row in csv_rows[1:]]
        assert after_position[0] == after_position[1]
        floors = {building: _catalogue(reader, f"/floors/{building}/12").json()
                  for building in "AB"}
        assert ([_counted(f) for f in floors["A"]["files"]]
                == [_counted(f) for f in floors["B"]["files"]])
        assert ([(box["location"], [_counted(f) for f in box["files"]])
                 for box in floors["A"]["boxes"]]
                == [(box["location"], [_counted(f) for f in box["files"]])
                    for box in floors["B"]["boxes"]])
        made, never = (_catalogue(reader, f"/floors/{b}/1") for b in ("C", "D"))
        assert (made.status_code, made.json()["code"]) == (404, "unknown_floor")
        assert made.json()["code"] == never.json()["code"]
        items = {h: _catalogue(reader, f"/households/{h}/items").json()
                 for h in ("A-1201", "B-1201")}
        assert ([[(i["filed_at"], i["pages"]) for i in part["items"]]
                 for part in items["A-1201"]["parts"]]
                == [[(i["filed_at"], i["pages"]) for i in part["items"]]
                    for part in items["B-1201"]["parts"]])
        made, never = (_catalogue(reader, f"/households/{h}/items") for h in ("C-0101",
                                                                           "Z-0101"))
        assert (made.status_code, made.json()["code"]) == (404, "unknown_household")
        assert made.json()["code"] == never.json()["code"]
        closed = _catalogue(reader, "/closed", year=2025).json()
        assert [(f["building"], f["floor"], f["households"], f["documents"])
                for f in closed] == [("A", 12, 1, 1), ("B", 12, 1, 1)]
        assert "绝密" not in _text(_catalogue(reader, "/floors/B/12/closed.pdf", year=2025))
        labels = {b: _text(_catalogue(reader, "/labels.pdf", kind="folders", building=b))
                  for b in "AB"}
        assert labels["A"].replace("A", "B") == labels["B"].replace("A", "B")
        hidden, unused = (_catalogue(reader, "/labels.pdf", kind="folders", building=b)
                          for b in ("C", "D"))
        assert (hidden.status_code, hidden.json()["code"]) == (404, "nothing_to_label")
        assert hidden.json()["detail"].replace("C", "D") == unused.json()["detail"]
    complete = _catalogue(people["wang"], "/general").json()
    assert [(f["household"], f["documents"]) for f in complete] == [
        ("A-1201", 1), ("B-1201", 2), ("C-0101", 1)]


def test_registering_a_household_made_by_a_secret_filing_answers_as_a_new_one(
        secured: Secured, people: People) -> None:
    _secret(people, "L-0101")
    file_document(people["wang"], household="L-0102")  # made by a filing the caller sees
    secured.clock.advance(timedelta(days=3))
    answers = {household: people["low"].post("/registry/households", json={
        "household": household, "occupant": "张伟", "moved_in": "2025-01-01"})
        for household in ("L-0101", "L-0102", "M-0101")}
    assert {h: r.status_code for h, r in answers.items()} == dict.fromkeys(answers, 201)
    read = {h: {key: value for key, value in r.json().items()
                if key not in ("household", "building", "unit", "floor")}
            for h, r in answers.items()}
    for answer in read.values():
        for occupancy in answer["occupants"]:
            occupancy.pop("occupancy_id")
    assert read["L-0101"] == read["M-0101"] == read["L-0102"]
    again = people["low"].post("/registry/households", json={"household": "L-0101"})
    assert (again.status_code, again.json()["code"]) == (409, "household_exists")
    assert people["low"].get("/registry/households/L-0101").status_code == 200


def test_an_occupant_of_a_household_made_by_a_secret_filing_is_as_unknown_as_one_never_used(
        secured: Secured, people: People) -> None:
    _secret(people, "N-0101")
    for path, body in (("occupants", {"occupant": "张伟", "moved_in": "2025-01-01"}),
                       ("move-out", {"moved_out": "2025-01-01"})):
        made, never = (people["low"].post(f"/registry/households/{h}/{path}", json=body)
                       for h in ("N-0101", "Z-0101"))
        assert (made.status_code, made.json()["code"]) == (404, "unknown_household")
        assert made.json()["detail"].replace("N-0101", "Z-0101") == never.json()["detail"]
    assert people["wang"].get("/registry/households/N-0101").json()["occupants"] == []


AUDIT_READERS = ("qiu", "root")
"""Who reads the whole audit log (compliance, admin), each cleared for ordinary."""
HOUSEHOLD_ACTIONS = ("household_created", "occupant_changed", "moved_out",
                     "correction_requested", "occupancy_corrected")


def _audit_log(client: httpx.Client) -> list[dict[str, Any]]:
    response = client.get("/registry/audit", params={"limit": 1000})
    assert response.status_code == 200, response.text
    return list(response.json())


@pytest.mark.own_server  # reads every household entry of the audit log
def test_the_audit_log_names_no_household_made_by_a_secret_filing_to_the_uncleared(
        secured: Secured, people: People) -> None:
    _secret(people, "C-0101")  # made by the filing, then given an occupant who moved out
    assert people["wang"].post("/registry/households/C-0101/occupants", json={
        "occupant": "刘洋", "moved_in": "2015-01-01"}).status_code == 200
    assert people["wang"].post("/registry/households/C-0101/move-out", json={
        "moved_out": "2020-01-01"}).status_code == 200
    occupancy_id = people["wang"].get(
        "/registry/households/C-0101").json()["occupants"][0]["occupancy_id"]
    asked = people["wang"].post(f"/registry/households/C-0101/occupants/{occupancy_id}/corrections",
                                json={"changes": {"moved_out": "2020-02-01"}, "reason": "录错"})
    assert asked.status_code == 202, asked.text
    approved = people["zhou"].post(
        f"/registry/corrections/{asked.json()['correction_id']}/approve", json={})
    assert approved.status_code == 200, approved.text
    for username in AUDIT_READERS:
        entries = _audit_log(people[username])
        assert "C-0101" not in str(entries), username
        assert "刘洋" not in str(entries), username
        about = [(e["action"], e["detail"]) for e in entries if e["action"] in HOUSEHOLD_ACTIONS]
        assert about == [(action, {"redacted": True}) for action in HOUSEHOLD_ACTIONS]
        seqs = [e["seq"] for e in entries]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # each keeps its place
    secured.clock.advance(timedelta(days=1))
    registered = people["low"].post("/registry/households", json={"household": "C-0101"})
    assert registered.status_code == 201, registered.text
    named = [e for e in _audit_log(people["qiu"]) if e["detail"].get("household") == "C-0101"]
    assert [(e["action"], e["username"]) for e in named] == [("household_created", "low")]
    cleared = [e["detail"] for e in _audit_log(people["qin"]) if e["action"] == "moved_out"]
    assert [(d["household"], d["occupant"]) for d in cleared] == [("C-0101", "刘洋")]


def _placed(people: People, household: str, building: str, box: str, **fields: Any) -> None:
    file_document(people["wang"], household=household, **fields, location={
        "building": building, "room": "档案室", "cabinet": "1", "box": box})


def _twin_shelves(people: People) -> None:
    """Buildings A and B the same to the uncleared: B's box 1 also holds a secret document
    of B-1201, box 2 only a secret one of B-1202; K's box only a secret one (K-0909, J
    holds none); and a secret document has no location."""
    for building in "AB":
        for box in ("1", "3"):
            _placed(people, f"{building}-1201", building, box)
    _placed(people, "B-1201", "B", "1", security="secret")
    _placed(people, "B-1202", "B", "2", security="secret")
    file_document(people["wang"], household="K-0909", security="secret", location={
        "building": "K", "room": "保密室", "cabinet": "2", "box": "5"})
    _secret(people, "B-1201")


@pytest.fixture(scope="module")
def shelves(start_shared: Callable[[], Secured]) -> Secured:
    """A server of its own whose only documents are ``_twin_shelves``: an inventory lists
    every box, and counts every document without a place. Its tests only start, mark and
    complete inventories of their own."""
    secured = start_shared()
    _twin_shelves(secured.cast)
    return secured


def _started(client: httpx.Client, **body: Any) -> dict[str, Any]:
    response = client.post("/registry/inventories", json=body)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


def _checklist(inventory: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(item["item"], item["location"]["room"], item["location"]["box"],
             item["households"], item["documents"], item["state"])
            for item in inventory["items"]]


def test_an_inventory_reads_the_same_for_the_uncleared_whether_or_not_a_secret_is_filed(
        shelves: Secured) -> None:
    people = shelves.cast
    low = people["low"]
    twins = {building: _started(low, building=building) for building in "AB"}
    assert str(_checklist(twins["A"])).replace("A-", "B-") == str(_checklist(twins["B"]))
    assert _checklist(twins["B"]) == [(1, "档案室", "1", ["B-1201"], 1, None),
                                      (2, "档案室", "3", ["B-1201"], 1, None)]
    assert ((twins["A"]["unplaced"], twins["A"]["tally"])
            == (twins["B"]["unplaced"], twins["B"]["tally"]))
    assert twins["B"]["unplaced"] == 0
    hidden, unused = (low.post("/registry/inventories", json={"building": b}) for b in "KJ")
    assert (hidden.status_code, hidden.json()["code"]) == (409, "no_boxes")
    assert hidden.json()["detail"].replace("K", "J") == unused.json()["detail"]

    whole = _started(people["wang"])  # all buildings, as wang may know of them
    assert [(i["location"]["building"], i["location"]["box"], i["households"],
             i["documents"]) for i in whole["items"]] == [
        ("A", "1", ["A-1201"], 1), ("A", "3", ["A-1201"], 1), ("B", "1", ["B-1201"], 2),
        ("B", "2", ["B-1202"], 1), ("B", "3", ["B-1201"], 1), ("K", "5", ["K-0909"], 1)]
    assert (whole["unplaced"], whole["clearance"]) == (1, "secret")
    own = _started(low)
    read = low.get(f"/registry/inventories/{whole['inventory_id']}")
    assert read.status_code == 200, read.text
    assert _checklist(read.json()) == _checklist(own) == [
        (1, "档案室", "1", ["A-1201"], 1, None), (2, "档案室", "3", ["A-1201"], 1, None),
        (3, "档案室", "1", ["B-1201"], 1, None), (4, "档案室", "3", ["B-1201"], 1, None)]
    assert (read.json()["unplaced"], read.json()["tally"]) == (own["unplaced"], own["tally"])
    listed = {i["inventory_id"]: i["tally"]["boxes"]
              for i in low.get("/registry/inventories").json()}
    assert listed[whole["inventory_id"]] == listed[own["inventory_id"]] == 4
    pdf = _text(low.get(f"/registry/inventories/{whole['inventory_id']}/checklist.pdf"))
    assert "K-0909" not in pdf
    assert "B-1202" not in pdf
    assert "保密室" not in pdf
    assert "共 4 盒" in pdf
    due = low.get("/registry/condition-checks/due").json()
    assert sorted((b["location"]["building"], b["location"]["box"]) for b in due) == [
        ("A", "1"), ("A", "3"), ("B", "1"), ("B", "3")]
    assert len(people["wang"].get("/registry/condition-checks/due").json()) == 6


def test_an_inventory_is_marked_by_those_cleared_for_what_its_starter_may_know_of(
        shelves: Secured) -> None:
    people = shelves.cast
    whole = _started(people["wang"], building="K")
    path = f"/registry/inventories/{whole['inventory_id']}"
    refused = people["low"].post(f"{path}/items/1", json={"state": "present"})
    assert (refused.status_code, refused.json()["code"]) == (403, "inventory_above_clearance")
    missing = people["wang"].post(f"{path}/items/1", json={"state": "missing"})
    assert missing.status_code == 200, missing.text
    completed = people["wang"].post(f"{path}/complete")
    assert completed.status_code == 200, completed.text
    assert people["low"].get(path).json()["tally"] == {
        "boxes": 0, "checked": 0, "missing": 0, "misplaced": 0}
    assert people["low"].get("/registry/discrepancies").json() == []
    assert [d["item"]["households"] for d in
            people["wang"].get("/registry/discrepancies").json()] == [["K-0909"]]


def test_the_checklist_page_shows_the_uncleared_only_what_they_may_know_of(
        shelves: Secured) -> None:
    people = shelves.cast
    whole = _started(people["wang"], building="B")
    page = f"/ui/inventories/{whole['inventory_id']}"
    with closing(signed_in(shelves.server.url, "wang")) as browser:
        cleared = browser.get(page)
    people["low"]  # a user to sign in as
    with closing(signed_in(shelves.server.url, "low")) as browser:
        uncleared = browser.get(page)
    assert cleared.status_code == uncleared.status_code == 200
    assert "B-1202" in cleared.text
    assert "B-1202" not in uncleared.text
    assert "2盒</th>" not in uncleared.text
    assert "2 份文件" in cleared.text
    assert "2 份文件" not in uncleared.text
    assert "密级权限高于您的人开始" in uncleared.text
    assert "密级权限高于您的人开始" not in cleared.text
    assert 'name="state"' not in uncleared.text  # nothing to mark


def _handover(household: str, *, sides: tuple[str, str] = ("ma", "low")) -> dict[str, Any]:
    return {"service_centre": "第一客户服务中心", "handed_over_by": sides[0],
            "received_by": sides[1], "households": [household]}


def _transfer(household: str) -> dict[str, Any]:
    return {"recipient": "新物业公司档案室", "reason": "业主更换物业", "household": household}


def test_a_handover_or_transfer_of_a_household_made_by_a_secret_filing_answers_as_one_never_used(
        secured: Secured, people: People) -> None:
    _secret(people, "P-0101")
    for username in ("ma", "sun"):  # sides of a handover: one cleared as low, one for all
        people[username]
    asked = {"handover": ("/registry/handovers", _handover),
             "handover between cleared sides": (
                 "/registry/handovers", lambda h: _handover(h, sides=("wang", "sun"))),
             "transfer": ("/registry/transfers", _transfer)}
    for what, (path, body) in asked.items():
        made, never = (people["low"].post(path, json=body(h)) for h in ("P-0101", "Z-0101"))
        assert (made.status_code, made.json()["code"]) == (404, "unknown_household"), what
        assert made.text.replace("P-0101", "Z-0101") == never.text, what
    drawn_up = people["wang"].post("/registry/handovers",
                                   json=_handover("P-0101", sides=("wang", "sun")))
    assert drawn_up.status_code == 201, drawn_up.text


def _feed(client: httpx.Client) -> list[dict[str, Any]]:
    response = client.get("/registry/changes", params={"limit": 1000})
    assert response.status_code == 200, response.text
    return list(response.json()["changes"])


def _household_events(changes: list[dict[str, Any]], household: str) -> list[dict[str, Any]]:
    """The household's own events, told apart from another's only by its unit code and
    occupancy id."""
    return [{**change["event"], "household": "?", "occupancy_id": "?"} for change in changes
            if change["event"]["kind"] == "household_changed"
            and change["event"]["household"] == household]


def _household_entries(entries: list[dict[str, Any]], household: str
                       ) -> list[tuple[str, str, dict[str, Any]]]:
    """The entries naming the household, told apart from another's only by its unit code
    and occupancy id."""
    return [(e["username"], e["action"], {
        key: "?" if key in ("household", "occupancy_id") else value
        for key, value in e["detail"].items()})
        for e in entries if e["detail"].get("household") == household]


def test_registering_a_household_made_by_a_secret_filing_is_logged_and_announced_as_a_new_one(
        secured: Secured, people: People) -> None:
    _secret(people, "K-0909")  # filed 2024-03-01: in the part of the occupant registered
    assert "K-0909" not in str(_feed(people["root"]))  # not before anyone registers it
    secured.clock.advance(timedelta(days=1))
    for household in ("K-0909", "K-0908"):
        registered = people["low"].post("/registry/households", json={
            "household": household, "occupant": "某", "moved_in": "2020-01-01"})
        assert registered.status_code == 201, registered.text
    for username in AUDIT_READERS:
        entries = _audit_log(people[username])
        assert (_household_entries(entries, "K-0909") == _household_entries(entries, "K-0908")
                == [("low", "household_created", {"household": "?"})]), username
    feed = _feed(people["root"])
    assert _household_events(feed, "K-0909") == _household_events(feed, "K-0908") == [{
        "kind": "household_changed", "household": "?", "change": "created", "label": "某",
        "occupancy_id": "?", "documents_recomputed": None, "documents_attached": None}]
    with secured.server.client(secured.server.service_token()) as service:
        everything = _feed(service)
    assert [(e["change"], e["label"]) for e in _household_events(everything, "K-0909")] == [
        ("created", None), ("created", "某")]
    assert [c["event"]["kind"] for c in everything if c["event"]["kind"] != "household_changed"
            and c["event"].get("document", {}).get("household") == "K-0909"] == [
        "document_filed", "document_corrected"]  # the secret filing, moved into 某's part


def test_how_many_documents_a_household_change_placed_is_told_only_to_those_cleared_for_all(
        secured: Secured, people: People) -> None:
    for household in ("A-1201", "B-1201"):
        created = people["wang"].post("/registry/households", json={"household": household})
        assert created.status_code == 201, created.text
    _secret(people, "B-1201")  # filed 2024-03-01: placed in the occupant's part below
    for household in ("A-1201", "B-1201"):
        changed = people["low"].post(f"/registry/households/{household}/occupants", json={
            "occupant": "张伟", "moved_in": "2020-01-01"})
        assert changed.status_code == 200, changed.text
    for username in AUDIT_READERS:
        entries = _audit_log(people[username])
        assert _household_entries(entries, "A-1201") == _household_entries(
            entries, "B-1201"), username
        [_, (_, action, detail)] = _household_entries(entries, "B-1201")
        assert (action, detail["documents_recomputed"], detail["documents_attached"]) == (
            "occupant_changed", None, None)
    feed = _feed(people["root"])
    assert _household_events(feed, "A-1201") == _household_events(feed, "B-1201")
    assert [(e["documents_recomputed"], e["documents_attached"])
            for e in _household_events(feed, "B-1201")] == [(None, None)] * 2
    cleared = [e["detail"] for e in _audit_log(people["qin"]) if e["action"] == "occupant_changed"
               and e["detail"]["household"] in ("A-1201", "B-1201")]
    assert [(d["household"], d["documents_recomputed"], d["documents_attached"])
            for d in cleared] == [("A-1201", 0, 0), ("B-1201", 1, 1)]
    assert [(e["documents_recomputed"], e["documents_attached"])
            for e in _household_events(_feed(people["root2"]), "B-1201")] == [(0, 0), (1, 1)]
