"""The API reference's parts (``/schema/tags/{tag}/openapi.json``): each is a whole OpenAPI
document of one tag's operations, every component it names included; together they hold
every operation of ``/schema/openapi.json``; an unknown part is a 404 with its code."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fixtures.app import ArchiveServer, module_archive_server

server = module_archive_server()

METHODS = ("get", "put", "post", "patch", "delete")


def operation_ids(document: dict[str, Any]) -> set[str]:
    return {item[method]["operationId"] for item in document["paths"].values()
            for method in METHODS if method in item}


def test_the_parts_together_hold_every_operation_each_with_what_it_names(
        server: ArchiveServer) -> None:
    with server.client() as client:
        whole = client.get("/schema/openapi.json").json()
        landing = client.get("/schema")
        tags = re.findall(r'data-tag="([^"]+)"', landing.text)
        parts = {tag: client.get(f"/schema/tags/{tag}/openapi.json") for tag in tags}
    assert landing.status_code == 200
    assert {"accounts", "ingest", "search", "catalogue"} <= set(tags)
    assert {tag: part.status_code for tag, part in parts.items()} == dict.fromkeys(tags, 200)
    held: set[str] = set()
    for tag, part in parts.items():
        document = part.json()
        assert all(tag in item[method]["tags"] for item in document["paths"].values()
                   for method in METHODS if method in item)
        for kind, name in re.findall(r'"\$ref": ?"#/components/(\w+)/([^"]+)"',
                                     json.dumps(document)):
            assert name in document["components"][kind], (tag, kind, name)
        assert document["components"]["securitySchemes"] == \
            whole["components"]["securitySchemes"]
        held |= operation_ids(document)
    assert held == operation_ids(whole)
    assert len(parts["accounts"].json()["paths"]) < len(whole["paths"]) / 4


def test_an_unknown_part_is_not_found_with_its_code(server: ArchiveServer) -> None:
    with server.client() as client:
        answers = [client.get("/schema/tags/nothing"),
                   client.get("/schema/tags/nothing/openapi.json")]
    assert [answer.status_code for answer in answers] == [404, 404]
    assert [answer.json()["code"] for answer in answers] == ["unknown_api_part"] * 2


def test_the_landing_speaks_chinese_first_and_english_to_a_browser_preferring_it(
        server: ArchiveServer) -> None:
    """As the staff pages do: what each part holds, and what to do to try an operation."""
    with server.client() as client:
        chinese = client.get("/schema").text
        english = client.get("/schema", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert '<html lang="zh-CN">' in chinese
    assert "<h1>archive 接口文档</h1>" in chinese
    assert "登录取得令牌和退出，账号的建立、修改和停用，人员名单" in chinese  # accounts
    assert "借阅：申请、审批、借出、续借、归还、事故和通知" in chinese  # lending
    assert "先在 <a href=\"/schema/tags/accounts\">accounts</a> 部分用" in chinese
    assert re.search(r"<caption>共 13 个部分，\d+ 项操作</caption>", chinese)
    assert '<html lang="en">' in english
    assert "<h1>archive: API reference</h1>" in english
    assert "Loans: requests, approvals, lending out" in english
    assert re.search(r"<caption>\d+ operations in 13 parts</caption>", english)
    assert not re.search("[\u4e00-\u9fff]", english.replace("一户一档", ""))
