"""Bad input stays cheap (issue 14, item 10): a NUL character in any identifier, in a path,
a query or a JSON body, is a clean 4xx with a code on both backends; PostgreSQL cannot
store one in text, and once answered 500 for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.security.conftest import Secured

NUL_ID = "doc%00ument"
EVERY_ROLE = ("admin", "archivist", "manager", "compliance", "director", "center_head")


def _operations(client: httpx.Client) -> list[tuple[str, str, dict[str, Any]]]:
    schema = client.get("/schema/openapi.json").json()
    return [(method.upper(), path, operation) for path, item in schema["paths"].items()
            for method, operation in item.items() if method in ("get", "post", "put")]


def _refused_cleanly(response: httpx.Response) -> str | None:
    """What is wrong with the answer, or None for a 4xx problem with a code."""
    if not 400 <= response.status_code < 500:
        return f"{response.status_code}: {response.text[:200]}"
    if not response.json().get("code"):
        return f"{response.status_code} without a code"
    return None


@pytest.fixture(scope="module")
def client(shared_secured: Secured) -> Iterator[httpx.Client]:
    """Someone holding every role, who may call every route, on one server per backend:
    every request here is refused, so the tests cannot see one another."""
    secured = shared_secured
    token = secured.server.add_user("nul", *EVERY_ROLE, clearance="secret",
                                    department="archive")
    with secured.server.client(token) as client:
        yield client


def test_a_nul_in_any_path_identifier_is_a_clean_4xx(client: httpx.Client) -> None:
    failures: dict[str, str] = {}
    for method, path, _ in _operations(client):
        if "{" not in path:
            continue
        url = re.sub(r"\{[^}]+\}", NUL_ID, path)
        response = client.request(method, url, json={} if method != "GET" else None)
        if (problem := _refused_cleanly(response)) is not None:
            failures[f"{method} {path}"] = problem
    assert failures == {}


def test_a_nul_in_any_query_parameter_is_a_clean_4xx(client: httpx.Client) -> None:
    failures: dict[str, str] = {}
    for method, path, operation in _operations(client):
        names = [parameter["name"] for parameter in operation.get("parameters", [])
                 if parameter["in"] == "query"]
        if method != "GET" or "{" in path or not names:
            continue
        response = client.get(path, params=dict.fromkeys(names, "x\x00y"))
        if (problem := _refused_cleanly(response)) is not None:
            failures[f"{method} {path}"] = problem
    assert len(failures) == 0, failures


BODIES: list[tuple[str, dict[str, Any]]] = [
    ("/registry/auth/token", {"username": "nul\x00", "password": "correct horse battery"}),
    ("/registry/access/decide", {"document_id": "doc\x00ument", "action": "read"}),
    ("/registry/loans", {"documents": ["doc\x00ument"], "kind": "digital",
                         "purpose": "核对", "reason": "核对"}),
    ("/registry/holds", {"reason": "诉讼保全", "documents": ["doc\x00ument"]}),
]


def test_a_nul_in_an_identifier_of_a_json_body_is_answered_without_a_server_error(
        client: httpx.Client) -> None:
    failures: dict[str, str] = {}
    for path, body in BODIES:
        response = client.post(path, json=body)
        if response.status_code < 400 and path == "/registry/access/decide":
            assert response.json()["allowed"] is False
        elif (problem := _refused_cleanly(response)) is not None:
            failures[path] = problem
    assert failures == {}
