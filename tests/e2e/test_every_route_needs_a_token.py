"""reliability.md promise 1: every route but health, readiness and the schema answers 401
without a token. The test walks the OpenAPI schema, so new routes are covered as they land."""

from __future__ import annotations

import re
from typing import Any

from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support import loopback

server = module_archive_server()

PUBLIC = {("GET", "/health"), ("GET", "/ready"), ("POST", "/registry/auth/token")}


def operations(schema: dict[str, object]) -> list[tuple[str, str]]:
    found = []
    for path, item in schema["paths"].items():  # type: ignore[attr-defined]
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append((method.upper(), path))
    return found


def concrete(path: str, schema: dict[str, Any]) -> str:
    """``path`` with each parameter given a value of its type: an integer (a page
    number) for an integer, an id of the right shape for the rest."""
    integers = {parameter["name"] for operation in schema["paths"][path].values()
                if isinstance(operation, dict)
                for parameter in operation.get("parameters", [])
                if parameter.get("in") == "path"
                and parameter.get("schema", {}).get("type") == "integer"}
    return re.sub(r"\{([^}]+)\}", lambda match: "1" if match.group(1) in integers
                  else "00000000-0000-4000-8000-000000000000", path)


def test_every_operation_but_the_public_ones_answers_401_without_a_token(
        server: ArchiveServer) -> None:
    schema = loopback.get(f"{server.url}/schema/openapi.json").json()
    guarded = [op for op in operations(schema) if op not in PUBLIC]
    assert len(guarded) >= 5
    with server.client() as client:
        answers = {op: client.request(op[0], concrete(op[1], schema)).status_code for op in guarded}
    assert {op: code for op, code in answers.items() if code != 401} == {}


def test_every_operation_answers_401_with_a_garbage_token(server: ArchiveServer) -> None:
    schema = loopback.get(f"{server.url}/schema/openapi.json").json()
    guarded = [op for op in operations(schema) if op not in PUBLIC]
    with server.client("not.a.token") as client:
        answers = {op: client.request(op[0], concrete(op[1], schema)).status_code for op in guarded}
    assert {op: code for op, code in answers.items() if code != 401} == {}


def test_health_ready_and_schema_need_no_token(server: ArchiveServer) -> None:
    with server.client() as client:
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 200
        assert client.get("/schema/openapi.json").status_code == 200
        assert client.get("/schema").status_code == 200


def test_readiness_says_each_dependencys_state_to_anyone_and_what_it_is_to_an_admin(
        server: ArchiveServer) -> None:
    admin_token = server.add_user("root.ready", "admin")
    staff_token = server.add_user("li.ready", "staff")
    with server.client() as anyone, server.client(staff_token) as staff, \
            server.client(admin_token) as admin, \
            server.client("not.a.token") as forged:
        told = {name: client.get("/ready") for name, client in
                (("anyone", anyone), ("staff", staff), ("admin", admin), ("forged", forged))}
    checks = {name: answer.json()["checks"] for name, answer in told.items()
              if answer.status_code == 200}
    assert set(checks["anyone"].values()) == {"ok"}
    assert checks["staff"] == checks["anyone"]
    assert checks["admin"].keys() == checks["anyone"].keys()
    assert "not write-once" in checks["admin"]["ingest.objects"]
    assert str(server.settings.data_dir.resolve()) in checks["admin"]["ingest.objects"]
    assert "documents: " in checks["admin"]["search.index"]
    assert told["forged"].status_code == 401
