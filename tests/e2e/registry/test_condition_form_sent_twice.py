"""The condition check form (保管状况检查, O3) sent twice, as a double click or a slow
network's retry sends it: the check is recorded once, and the page the archivist lands on
says the second was recorded already, in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fixtures.app import ArchiveServer, Person, module_archive_server
from tests.support.pages import signed_in

server = module_archive_server()
CONDITIONS = "/ui/inventories/conditions"
PROTECTIONS = ("insects", "mould", "dust", "fire", "theft", "damp", "heat")


@pytest.fixture(scope="module")
def api(server: ArchiveServer) -> httpx.Client:
    return server.clients(Person("wang", "archivist", department="archive"))["wang"]


@pytest.fixture(scope="module")
def page(server: ArchiveServer, api: httpx.Client) -> Iterator[httpx.Client]:
    browser = signed_in(server.url, "wang")
    yield browser
    browser.close()


def test_the_condition_form_sent_twice_records_one_check(api: httpx.Client,
                                                          page: httpx.Client) -> None:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.get(CONDITIONS).text)
    assert found is not None
    form = {"_csrf_token": found.group(1), "building": "A栋", "room": "档案室",
            "cabinet": "12", "box": "3", "checked_on": "2024-05-31",
            **{f"{name}_state": "ok" for name in PROTECTIONS},
            **{f"{name}_note": "" for name in PROTECTIONS},
            "mould_state": "problem", "mould_note": "盒底受潮发霉",
            "repaired": "", "copied": "", "note": ""}
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: page.post(CONDITIONS, data=form), range(4)))
    checks = api.get("/registry/condition-checks").json()
    assert len(checks) == 1
    assert sorted(answer.headers["location"] for answer in answers) == [
        f"{CONDITIONS}?done=already_recorded"] * 3 + [f"{CONDITIONS}?done=recorded"]
    said = page.get(f"{CONDITIONS}?done=already_recorded").text
    assert "这次检查已经记录过了" in said
    assert "没有再记一次" in said
