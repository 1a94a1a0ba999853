"""``GET /search/documents`` and ``GET /search/households/{household}/documents`` over HTTP,
on each index backend, over letters filed through the real ingest upload."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.e2e.search.support import (
    Letter,
    file_letters,
    found_ids,
    launch_services,
    search,
    wait_until_found,
)
from tests.fixtures.app import ArchiveServer

REPAIR_TRADITIONAL = Letter(
    title="卫生间漏水维修申请", household="A-1201", category="repair", filed_at="2024-05-18",
    lines=["業主維修申請單：A-1201室衛生間漏水嚴重，", "請物業管理處儘快安排工程部人員上門檢查。"],
    script="traditional")
LOCK_SIMPLIFIED = Letter(
    title="门禁申请", household="A-1202", category="application", filed_at="2023-02-10",
    lines=["业主申请更换门锁，请安排师傅上门。"])
ARREARS_CONFIDENTIAL = Letter(
    title="欠费催缴函", household="A-1201", category="violation_arrears",
    filed_at="2022-07-01", security="confidential",
    lines=["业主欠费三个月，另有漏水问题未解决。"])
PAYMENT = Letter(title="物业费收据", household="A-1201", category="payment",
                 filed_at="2023-09-09", lines=["本月物业管理费已缴纳。"])
CONTACT = Letter(title="联系人登记", household="A-1201", category="contact",
                 filed_at="2021-01-05", lines=["紧急联系人陈先生，电话13800138000。"])
INCIDENT_SECRET = Letter(
    title="漏水事故调查", household="B-0301", category="engineering", filed_at="2020-11-11",
    security="secret", lines=["地下室管道爆裂，事故原因待查。"])
CORPUS = {"repair": REPAIR_TRADITIONAL, "lock": LOCK_SIMPLIFIED,
          "arrears": ARREARS_CONFIDENTIAL, "payment": PAYMENT, "contact": CONTACT,
          "incident": INCIDENT_SECRET}


@dataclass
class Archive:
    server: ArchiveServer
    ids: dict[str, str]
    staff: httpx.Client
    manager: httpx.Client
    director: httpx.Client
    archivist: httpx.Client


@pytest.fixture(scope="module")
def archive(backend: str, backend_settings: Callable[[str], dict[str, str]],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    server = launch_services(tmp_path_factory.mktemp("search-api"),
                             ("registry", "ingest", "search"), **backend_settings(backend))
    clients = {name: server.client(server.add_user(name, role, clearance=clearance))
               for name, role, clearance in [("li", "staff", "ordinary"),
                                             ("zhou", "manager", "confidential"),
                                             ("zhao", "director", "secret"),
                                             ("wang", "archivist", "secret")]}
    ids = dict(zip(CORPUS, file_letters(clients["wang"], tmp_path_factory.mktemp("letters"),
                                        list(CORPUS.values())), strict=True))
    wait_until_found(clients["zhao"], set(ids.values()))
    yield Archive(server=server, ids=ids, staff=clients["li"], manager=clients["zhou"],
                  director=clients["zhao"], archivist=clients["wang"])
    for client in clients.values():
        client.close()
    server.server.stop()


# -- Chinese text -------------------------------------------------------------------------


def test_simplified_query_finds_traditional_text(archive: Archive) -> None:
    assert found_ids(archive.staff, q="维修") == {archive.ids["repair"]}


def test_traditional_query_finds_simplified_text(archive: Archive) -> None:
    assert found_ids(archive.staff, q="門鎖") == {archive.ids["lock"]}


def test_highlights_show_the_matched_words_in_the_original_script(archive: Archive) -> None:
    (hit,) = search(archive.staff, q="维修")["hits"]
    assert "<mark>維修</mark>" in hit["highlights"][0]


def test_hit_holding_every_word_is_a_full_match(archive: Archive) -> None:
    assert [hit["match"] for hit in search(archive.staff, q="门锁 上门")["hits"]] == ["all"]


def test_description_in_other_words_finds_the_letter_as_a_partial_match(
        archive: Archive) -> None:
    body = search(archive.staff, q="卫生间漏水上门维修")  # the letter: 衛生間漏水…上門檢查
    assert ([(hit["document_id"], hit["match"]) for hit in body["hits"]], body["total"],
            body["facets"]["category"]) == ([(archive.ids["repair"], "partial")], 1, {"repair": 1})


def test_description_with_nothing_in_common_finds_nothing(archive: Archive) -> None:
    assert search(archive.staff, q="火星探测器发射计划")["total"] == 0


def test_hit_carries_the_catalogue_fields(archive: Archive) -> None:
    (hit,) = search(archive.staff, q="門鎖")["hits"]
    assert {key: hit[key] for key in ("document_id", "title", "household", "category",
                                      "filed_at")} == {
        "document_id": archive.ids["lock"], "title": "门禁申请", "household": "A-1202",
        "category": "application", "filed_at": "2023-02-10"}
    assert hit["archive_no"].startswith("2023-application-A-1202-")


# -- clearance -----------------------------------------------------------------------------


def test_documents_above_clearance_are_not_found(archive: Archive) -> None:
    assert found_ids(archive.staff, q="漏水") == {archive.ids["repair"]}


def test_total_never_counts_documents_above_clearance(archive: Archive) -> None:
    assert search(archive.staff, q="")["total"] == 4  # the confidential and secret left out


def test_facets_never_count_documents_above_clearance(archive: Archive) -> None:
    facets = search(archive.staff, q="")["facets"]
    assert facets == {
        "category": {"repair": 1, "application": 1, "payment": 1, "contact": 1},
        "household": {"A-1201": 3, "A-1202": 1},
        "year": {"2024": 1, "2023": 2, "2021": 1},
    }


def test_clearance_admits_documents_up_to_it(archive: Archive) -> None:
    assert found_ids(archive.director, q="漏水") == {archive.ids["repair"],
                                                       archive.ids["incident"]}


def test_restricted_document_is_found_by_its_title(archive: Archive) -> None:
    assert found_ids(archive.manager, q="催缴") == {archive.ids["arrears"]}


def test_restricted_document_is_not_found_by_its_body_text(archive: Archive) -> None:
    assert found_ids(archive.manager, q="欠费三个月") == set()


# -- filters, sort, pages ------------------------------------------------------------------


def test_household_and_category_filters_narrow_the_hits(archive: Archive) -> None:
    assert found_ids(archive.staff, household="A-1201", category="payment") == {
        archive.ids["payment"]}


def test_date_range_includes_both_ends(archive: Archive) -> None:
    assert found_ids(archive.staff, filed_from="2021-01-05", filed_to="2023-02-10") == {
        archive.ids["contact"], archive.ids["lock"]}


def test_year_filter_keeps_that_year(archive: Archive) -> None:
    assert found_ids(archive.staff, year=2023) == {archive.ids["lock"], archive.ids["payment"]}


def test_security_filter_keeps_that_level(archive: Archive) -> None:
    assert found_ids(archive.director, security="secret") == {archive.ids["incident"]}


def test_sort_newest_lists_latest_filing_first(archive: Archive) -> None:
    hits = search(archive.staff, q="", sort="newest")["hits"]
    assert [hit["filed_at"] for hit in hits] == ["2024-05-18", "2023-09-09", "2023-02-10",
                                                 "2021-01-05"]


def test_pages_split_the_hits(archive: Archive) -> None:
    pages = [search(archive.staff, sort="newest", page=n, size=3)["hits"] for n in (1, 2)]
    assert [len(page) for page in pages] == [3, 1]


def test_household_file_lists_newest_first_within_clearance(archive: Archive) -> None:
    response = archive.staff.get("/search/households/A-1201/documents")
    assert response.status_code == 200
    assert [hit["document_id"] for hit in response.json()["hits"]] == [
        archive.ids["repair"], archive.ids["payment"], archive.ids["contact"]]


def test_household_file_shows_restricted_documents_to_the_cleared(archive: Archive) -> None:
    hits = archive.manager.get("/search/households/A-1201/documents").json()["hits"]
    assert [hit["filed_at"] for hit in hits] == ["2024-05-18", "2023-09-09", "2022-07-01",
                                                 "2021-01-05"]


# -- input validation ----------------------------------------------------------------------


@pytest.mark.parametrize(("params", "code"), [
    ({"q": "维" * 201}, "query_too_long"),
    ({"q": '"维修'}, "unbalanced_query"),
    ({"q": "维修", "size": 101}, "page_size_out_of_range"),
    ({"page": 0}, "page_out_of_range"),
    ({"filed_from": "2024-01-02", "filed_to": "2024-01-01"}, "invalid_date_range"),
    ({"household": "../etc"}, "invalid_household"),
])
def test_bad_query_input_is_refused_with_its_code(archive: Archive, params: dict[str, str | int],
                                                  code: str) -> None:
    response = archive.staff.get("/search/documents", params=params)
    assert (response.status_code, response.json()["code"]) == (422, code)


def test_unknown_category_is_a_bad_request(archive: Archive) -> None:
    assert archive.staff.get("/search/documents",
                             params={"category": "gossip"}).status_code == 400


def test_query_syntax_is_searched_as_plain_text(archive: Archive) -> None:
    response = archive.staff.get("/search/documents", params={"q": 'title:* OR body:(a*'})
    assert (response.status_code, response.json()["total"]) == (200, 0)


def test_bad_household_in_the_file_route_is_refused(archive: Archive) -> None:
    response = archive.staff.get("/search/households/a-1201/documents")
    assert (response.status_code, response.json()["code"]) == (422, "invalid_household")
