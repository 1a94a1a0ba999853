"""Household routes over HTTP (D1–D3): create, occupant changes, move-out, listing."""

from __future__ import annotations

from tests.fixtures.app import ArchiveServer


def test_a_new_occupant_relabels_the_file_and_keeps_the_history(
        archive_server: ArchiveServer) -> None:
    archivist = archive_server.add_user("wang", "archivist")
    with archive_server.client(archivist) as client:
        created = client.post("/registry/households", json={
            "household": "A-1201", "occupant": "华信贸易有限公司", "moved_in": "2015-03-01"})
        client.post("/registry/households/A-1201/occupants",
                    json={"occupant": "张伟", "moved_in": "2021-07-01"})
        household = client.get("/registry/households/A-1201").json()
    assert created.status_code == 201
    assert (household["building"], household["floor"], household["label"]) == ("A", 12, "张伟")
    assert [(o["occupant"], o["moved_in"], o["moved_out"]) for o in household["occupants"]] == [
        ("华信贸易有限公司", "2015-03-01", "2021-07-01"), ("张伟", "2021-07-01", None)]


def test_a_move_out_closes_the_occupancy_and_clears_the_label(
        archive_server: ArchiveServer) -> None:
    archivist = archive_server.add_user("wang", "archivist")
    with archive_server.client(archivist) as client:
        client.post("/registry/households", json={
            "household": "B-0305", "occupant": "刘洋", "moved_in": "2018-01-01"})
        moved = client.post("/registry/households/B-0305/move-out",
                            json={"moved_out": "2024-04-30"})
        again = client.post("/registry/households/B-0305/move-out",
                            json={"moved_out": "2024-05-01"})
    assert moved.status_code == 200
    assert (moved.json()["label"], moved.json()["occupied"]) == (None, False)
    assert moved.json()["occupants"][0]["moved_out"] == "2024-04-30"
    assert (again.status_code, again.json()["code"]) == (409, "vacant")


def test_households_are_listed_by_building_and_floor_in_cabinet_order(
        archive_server: ArchiveServer) -> None:
    archivist = archive_server.add_user("wang", "archivist")
    with archive_server.client(archivist) as client:
        for code in ("A-1203", "B-1201", "A-0801", "A-1201"):
            client.post("/registry/households", json={"household": code})
        floor = client.get("/registry/households", params={"building": "A", "floor": 12})
        building = client.get("/registry/households", params={"building": "A"})
        unknown = client.get("/registry/households/Z-9999")
    assert [h["household"] for h in floor.json()] == ["A-1201", "A-1203"]
    assert [h["household"] for h in building.json()] == ["A-0801", "A-1201", "A-1203"]
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_household")


def test_only_an_archivist_changes_a_household(archive_server: ArchiveServer) -> None:
    staff = archive_server.add_user("li", "staff")
    with archive_server.client(staff) as client:
        response = client.post("/registry/households", json={"household": "A-1201"})
    assert (response.status_code, response.json()["code"]) == (403, "role_required")
