"""Household routes over HTTP (D1–D3): create, occupant changes, move-out, listing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.registry.conftest import opened, registered
from tests.fixtures.app import ArchiveServer, module_archive_server

server = module_archive_server()
"""One archive for the module's tests, each changing households of its own (buildings no
other test uses) under usernames of its own. A listing, search or count reads the whole
archive, so a test reads only its own households from it, or counts what it added."""


def _own(households: list[dict[str, Any]], mine: set[str]) -> list[str]:
    """The codes of ``mine`` among ``households``, in the order listed."""
    return [h["household"] for h in households if h["household"] in mine]


def test_a_new_occupant_relabels_the_file_and_keeps_the_history(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang.relabel", "archivist")
    with server.client(archivist) as client:
        created = client.post("/registry/households", json={
            "household": "A-1211", "occupant": "华信贸易有限公司", "moved_in": "2015-03-01"})
        client.post("/registry/households/A-1211/occupants",
                    json={"occupant": "张伟", "moved_in": "2021-07-01"})
        household = client.get("/registry/households/A-1211").json()
    assert created.status_code == 201
    assert (household["building"], household["floor"], household["label"]) == ("A", 12, "张伟")
    assert [(o["occupant"], o["moved_in"], o["moved_out"]) for o in household["occupants"]] == [
        ("华信贸易有限公司", "2015-03-01", "2021-07-01"), ("张伟", "2021-07-01", None)]


def test_a_move_out_closes_the_occupancy_and_clears_the_label(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang.move_out", "archivist")
    with server.client(archivist) as client:
        opened(client, "B-0305", "刘洋", "2018-01-01")
        moved = client.post("/registry/households/B-0305/move-out",
                            json={"moved_out": "2024-04-30"})
        again = client.post("/registry/households/B-0305/move-out",
                            json={"moved_out": "2024-05-01"})
    assert moved.status_code == 200
    assert (moved.json()["label"], moved.json()["occupied"]) == (None, False)
    assert moved.json()["occupants"][0]["moved_out"] == "2024-04-30"
    assert (again.status_code, again.json()["code"]) == (409, "vacant")


def test_a_change_on_a_day_outside_the_range_a_record_may_name_is_refused(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang.range", "archivist")
    with server.client(archivist) as client:
        opened(client, "B-0306", "刘洋", "2018-01-01")
        refused = [client.post("/registry/households/B-0306/move-out",
                               json={"moved_out": "1800-01-01"}),
                   client.post("/registry/households/B-0306/occupants",
                               json={"occupant": "张伟", "moved_in": "2200-01-01"})]
        household = client.get("/registry/households/B-0306").json()
    assert [(r.status_code, r.json()["code"]) for r in refused] == [
        (422, "date_out_of_range")] * 2
    assert [(o["occupant"], o["moved_out"]) for o in household["occupants"]] == [("刘洋", None)]


def test_households_are_listed_by_building_and_floor_in_cabinet_order(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang.listing", "archivist")
    with server.client(archivist) as client:
        for code in ("G-1203", "H-1201", "G-0801", "G-1201"):
            client.post("/registry/households", json={"household": code})
        floor = client.get("/registry/households", params={"building": "G", "floor": 12})
        building = client.get("/registry/households", params={"building": "G"})
        unknown = client.get("/registry/households/Z-9999")
    assert [h["household"] for h in floor.json()] == ["G-1201", "G-1203"]
    assert [h["household"] for h in building.json()] == ["G-0801", "G-1201", "G-1203"]
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_household")


def test_numbered_buildings_are_buildings_and_stand_in_their_numbers_order(
        server: ArchiveServer) -> None:
    """Estates number their buildings (3栋) as often as they letter them: 3-0501 is
    building 3, floor 5, unit 1, and building 10's cabinets come after building 2's."""
    archivist = server.add_user("wang.numbered", "archivist")
    mine = {"10-0101", "2-0501", "M-0101", "3-0501"}
    with server.client(archivist) as client:
        for code in ("10-0101", "2-0501", "M-0101", "3-0501"):
            assert client.post("/registry/households", json={"household": code}
                               ).status_code == 201, code
        listed = client.get("/registry/households").json()
        third = client.get("/registry/households", params={"building": "3", "floor": 5})
        found = client.get("/registry/households", params={"q": "3栋0501"}).json()
        buildings = {typed: [h["household"] for h in client.get(
            "/registry/households", params={"q": typed}).json()]
            for typed in ("10栋", "M栋", "3号楼")}
    assert _own(listed, mine) == ["2-0501", "3-0501", "10-0101", "M-0101"]
    assert [(h["building"], h["floor"], h["unit"]) for h in third.json()] == [("3", 5, 1)]
    assert [h["household"] for h in found] == ["3-0501"]
    # A building typed alone, by its word, lists its households (it found nothing).
    assert buildings == {"10栋": ["10-0101"], "M栋": ["M-0101"], "3号楼": ["3-0501"]}


def test_a_household_is_found_by_its_unit_code_however_typed(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang.unit_code", "archivist")
    mine = {"N-1201", "P-1201", "N-0801"}
    with server.client(archivist) as client:
        for code in ("N-1201", "P-1201", "N-0801"):
            client.post("/registry/households", json={"household": code})
        found = {typed: _own(client.get("/registry/households", params={"q": typed}).json(),
                             mine)
                 for typed in ("n1201", "N-1201", "N1201", "Ｎ－１２０１", "N栋1201", "1201",
                               "Z-1", " ")}
    assert found == {"n1201": ["N-1201"], "N-1201": ["N-1201"], "N1201": ["N-1201"],
                     "Ｎ－１２０１": ["N-1201"], "N栋1201": ["N-1201"],
                     "1201": ["N-1201", "P-1201"], "Z-1": [],
                     " ": ["N-0801", "N-1201", "P-1201"]}


def test_a_household_is_found_by_part_of_a_current_or_former_occupant_s_name(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang.occupant_name", "archivist")
    mine = {"R-1201", "S-0305", "R-0101"}
    with server.client(archivist) as client:
        opened(client, "R-1201", "郑家豪", "2015-03-01")
        client.post("/registry/households/R-1201/occupants",
                    json={"occupant": "何晶", "moved_in": "2021-07-01"})
        opened(client, "S-0305", "鄭嘉豪", "2018-01-01")
        client.post("/registry/households", json={"household": "R-0101"})
        found = {typed: _own(client.get("/registry/households", params={"q": typed}).json(),
                             mine)
                 for typed in ("郑家豪", "家豪", "何晶", "鄭家豪", "嘉豪", "李")}
        on_floor = client.get("/registry/households", params={"q": "豪", "building": "S"})
    assert found == {"郑家豪": ["R-1201"], "家豪": ["R-1201"], "何晶": ["R-1201"],
                     "鄭家豪": ["R-1201"], "嘉豪": ["S-0305"], "李": []}
    assert [h["household"] for h in on_floor.json()] == ["S-0305"]


def test_only_an_archivist_changes_a_household(server: ArchiveServer) -> None:
    staff = server.add_user("li.staff", "staff")
    with server.client(staff) as client:
        response = client.post("/registry/households", json={"household": "A-1201"})
    assert (response.status_code, response.json()["code"]) == (403, "role_required")


def test_registering_a_household_made_by_a_secret_filing_answers_as_at_one_moment(
        server: ArchiveServer) -> None:
    """On the system clock, as deployed: created and updated at the same moment, as a
    household never used is, though its secret document is placed in the occupant's part."""
    registered(server, household="K-0909", security="secret")
    archivist = server.add_user("li.secret", "archivist")
    with server.client(archivist) as client:
        answers = [client.post("/registry/households", json={
            "household": household, "occupant": "某", "moved_in": "2020-01-01"})
            for household in ("K-0909", "K-0908")]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert [answer.json()["created_at"] == answer.json()["updated_at"]
            for answer in answers] == [True, True]


def _filed(server: ArchiveServer, title: str, filed_at: str, household: str = "F-0201"
           ) -> dict[str, Any]:
    return registered(server, household=household, category="payment", title=title,
                      filed_at=filed_at)


def _occupants_entered(client: httpx.Client, household: str = "F-0201") -> None:
    """甲公司 2018-01-01 → 2020-12-31, then 乙公司 from 2021-01-01 (D2, D3)."""
    for path, body in (("occupants", {"occupant": "甲公司", "moved_in": "2018-01-01"}),
                       ("move-out", {"moved_out": "2020-12-31"}),
                       ("occupants", {"occupant": "乙公司", "moved_in": "2021-01-01"})):
        response = client.post(f"/registry/households/{household}/{path}", json=body)
        assert response.status_code == 200, response.text


def test_a_document_filed_before_the_occupants_history_joins_its_occupant_s_part(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang", "archivist")
    early = _filed(server, "2019年6月物业费收据", "2019-06-01")
    with server.client(archivist) as client:
        _occupants_entered(client)
    _filed(server, "2019年7月物业费收据", "2019-07-01")
    with server.client(archivist) as client:
        household = client.get("/registry/households/F-0201").json()
        documents = client.get("/registry/documents", params={"household": "F-0201"}).json()
        items = client.get("/registry/catalogues/households/F-0201/items").json()
        general = client.get("/registry/catalogues/general").json()
        history = client.get(f"/registry/documents/{early['document_id']}/history").json()
        trail = client.get(f"/registry/documents/{early['document_id']}/audit").json()
    first = household["occupants"][0]
    assert first["occupant"] == "甲公司"
    assert [(d["title"], d["occupancy_id"], d["retention_start"], d["disposal_due"])
            for d in documents] == [
        ("2019年7月物业费收据", first["occupancy_id"], "2020-12-31", "2050-12-31"),
        ("2019年6月物业费收据", first["occupancy_id"], "2020-12-31", "2050-12-31")]
    assert [(p["occupant"], p["closed"], [i["title"] for i in p["items"]])
            for p in items["parts"]] == [
        ("乙公司", False, []),
        ("甲公司", True, ["2019年7月物业费收据", "2019年6月物业费收据"])]
    assert [(f["closed_parts"], f["closed_documents"]) for f in general
            if f["household"] == "F-0201"] == [(1, 2)]
    moved, restarted = history[1:]
    assert (moved["version"], moved["changed_by"], moved["changes"]) == (2, "wang", {
        "occupancy_id": [None, first["occupancy_id"]]})
    assert "甲公司" in moved["reason"]
    assert (restarted["version"], restarted["changed_by"], restarted["changes"]) == (3, "wang", {
        "retention_start": ["2019-06-01", "2020-12-31"],
        "disposal_due": ["2049-06-01", "2050-12-31"]})
    assert "退租" in restarted["reason"]
    assert [e["action"] for e in trail if e["action"] != "read"] == [
        "retention_restarted", "attached_to_part", "filed"]


def test_a_corrected_filing_date_moves_the_document_into_its_occupant_s_part(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang.corrected", "archivist")
    with server.client(archivist) as client:
        client.post("/registry/households", json={"household": "F-0202"})
        _occupants_entered(client, "F-0202")
    filed = _filed(server, "2023年3月物业费收据", "2023-03-03", "F-0202")
    with server.client(archivist) as client:
        corrected = client.post(f"/registry/documents/{filed['document_id']}/corrections",
                                json={"changes": {"filed_at": "2019-06-01"},
                                      "reason": "日期录错，应为2019年"})
        household = client.get("/registry/households/F-0202").json()
        record = client.get(f"/registry/documents/{filed['document_id']}").json()
        history = client.get(f"/registry/documents/{filed['document_id']}/history").json()
    first, second = household["occupants"]
    assert corrected.status_code == 201, corrected.text
    assert (record["occupancy_id"], record["retention_start"], record["disposal_due"]) == (
        first["occupancy_id"], "2020-12-31", "2050-12-31")
    assert history[-1]["changes"] == {
        "filed_at": ["2023-03-03", "2019-06-01"],
        "occupancy_id": [second["occupancy_id"], first["occupancy_id"]],
        "retention_start": ["2023-03-03", "2020-12-31"],
        "disposal_due": ["2053-03-03", "2050-12-31"],
        # D11: another year, another number in that year's series
        "archive_no": ["2023-payment-F-0202-0001", "2019-payment-F-0202-0001"]}



def test_an_occupancy_correction_waits_for_a_manager_then_relabels_the_household(
        server: ArchiveServer) -> None:
    """D12 over HTTP: 202 pending; the manager approves it from the one corrections queue."""
    archivist = server.add_user("wang.occupancy_correction", "archivist")
    manager = server.add_user("zhou.occupancy_correction", "manager")
    with server.client(manager) as client:
        awaiting_before = client.get("/registry/corrections/awaiting-count").json()["awaiting"]
    with server.client(archivist) as client:
        created = client.post("/registry/households", json={
            "household": "C-0101", "occupant": "张伟", "moved_in": "2020-03-01"}).json()
        occupancy_id = created["occupants"][0]["occupancy_id"]
        asked = client.post(
            f"/registry/households/C-0101/occupants/{occupancy_id}/corrections",
            json={"changes": {"occupant": "张玮"}, "reason": "名字录错，按租约更正",
                  "shown": {"occupant": "张伟", "moved_in": "2020-03-01",
                            "moved_out": None}})
        hidden = client.post("/registry/households/C-0999/occupants/1/corrections",
                             json={"changes": {"occupant": "张玮"}, "reason": "录错"})
        refused = client.post(
            f"/registry/households/C-0101/occupants/{occupancy_id}/corrections",
            json={"changes": {"moved_in": "2099-01-01"}, "reason": "录错"})
    with server.client(manager) as client:
        count = client.get("/registry/corrections/awaiting-count").json()
        approved = client.post(f"/registry/corrections/{asked.json()['correction_id']}/approve",
                               json={})
        household = client.get("/registry/households/C-0101").json()
    assert asked.status_code == 202, asked.text
    assert (asked.json()["status"], asked.json()["occupancy_id"]) == ("pending", occupancy_id)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "unknown_household")
    assert (refused.status_code, refused.json()["code"]) == (422, "date_in_future")
    assert count == {"awaiting": awaiting_before + 1}
    assert approved.status_code == 200, approved.text
    assert household["label"] == "张玮"


def test_one_household_s_corrections_are_listed_and_counted_alone(
        server: ArchiveServer) -> None:
    """``household=``: the corrections of its occupancies and of its documents, none of
    another household's (the household page reads only its own)."""
    archivist = server.add_user("wang.household_corrections", "archivist")
    occupancy_ids = {}
    with server.client(archivist) as client:
        everyone_before = client.get("/registry/corrections/count").json()["count"]
        for household, occupant in (("C-0201", "赵敏"), ("C-0202", "钱进")):
            created = client.post("/registry/households", json={
                "household": household, "occupant": occupant, "moved_in": "2020-03-01"})
            occupancy_ids[household] = created.json()["occupants"][0]["occupancy_id"]
            asked = client.post(
                f"/registry/households/{household}/occupants/{occupancy_ids[household]}"
                "/corrections", json={"changes": {"moved_in": "2020-04-01"},
                                      "reason": "入住日期录错，按交房单更正"})
            assert asked.status_code == 202, asked.text
    filed = registered(server, household="C-0201", category="payment",
                       title="物业费收据", filed_at="2021-05-06")
    with server.client(archivist) as client:
        document = client.post(f"/registry/documents/{filed['document_id']}/corrections",
                               json={"changes": {"household": "C-0202"}, "reason": "归错户"})
        assert document.status_code == 202, document.text
        listed = client.get("/registry/corrections",
                            params={"household": "C-0201", "status": "pending"}).json()
        counted = client.get("/registry/corrections/count",
                             params={"household": "C-0201", "status": "pending"}).json()
        everyone = client.get("/registry/corrections/count").json()
        unknown = client.get("/registry/corrections", params={"household": "Z-9999"}).json()
    assert {(c["occupancy_id"], c["document_id"]) for c in listed} == {
        (occupancy_ids["C-0201"], None), (None, filed["document_id"])}
    assert (counted, everyone, unknown) == (
        {"count": 2}, {"count": everyone_before + 3}, [])
