"""Forged and stale tokens (reliability.md, lesson "auth that a header or config can
bypass"; issue 14, item 6): each is refused with 401 and a code, on both backends.

Some forgeries are signed with the server's real key, to show that the expiry, issuer
and audience are checked for themselves, not only the signature."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from tests.fixtures.app import PASSWORD
from tests.security.conftest import Secured
from tests.support import loopback

PROTECTED = "/registry/users"
"""An admin's route: what every forgery below claims the right to."""

pytestmark = pytest.mark.shared_server
"""One server per backend: each test signs in users of its own."""


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": "mallory", "roles": ["admin"], "clearance": "secret",
              "department": "it", "ver": 0, "iss": "archive", "aud": "archive",
              "iat": now, "exp": now + 600, "jti": "forged"}
    claims.update(changes)
    return claims


def _tampered(token: str) -> str:
    """``token`` with its claims rewritten to admin and secret, its signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(roles=["admin"], clearance="secret")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _answer(secured: Secured, token: str, path: str = PROTECTED) -> tuple[int, str]:
    with loopback.client(secured.server.url,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        response = client.get(path)
    body = response.json()
    return response.status_code, body.get("code", "") if isinstance(body, dict) else ""


@pytest.mark.filterwarnings("ignore:The HMAC key is")  # the forger's choice of algorithm
def test_forged_tokens_are_refused(secured: Secured) -> None:
    secured.server.add_user("mallory", "admin", clearance="secret", department="it")
    key = secured.server.settings.signing_key()
    staff_token = secured.server.add_user("ma", "staff")
    forgeries = {
        "alg none": jwt.encode(_claims(), key=None, algorithm="none"),
        "wrong key": jwt.encode(_claims(), "another-key-of-32-characters-or-more!", "HS256"),
        "expired": jwt.encode(_claims(iat=1_600_000_000, exp=1_600_000_600), key, "HS256"),
        "wrong issuer": jwt.encode(_claims(iss="elsewhere"), key, "HS256"),
        "wrong audience": jwt.encode(_claims(aud="another-app"), key, "HS256"),
        "tampered claims": _tampered(staff_token),
        "HS512 with the key": jwt.encode(_claims(), key, "HS512"),
    }
    answers = {attack: _answer(secured, token) for attack, token in forgeries.items()}
    assert answers == {
        "alg none": (401, "invalid_token"),
        "wrong key": (401, "invalid_token"),
        "expired": (401, "token_expired"),
        "wrong issuer": (401, "invalid_token"),
        "wrong audience": (401, "invalid_token"),
        "tampered claims": (401, "invalid_token"),
        "HS512 with the key": (401, "invalid_token"),
    }
    assert _answer(secured, jwt.encode(_claims(), key, "HS256")) == (200, "")


def test_a_deactivated_users_token_is_refused(secured: Secured) -> None:
    admin = secured.server.add_user("root", "admin", department="it")
    leaver = secured.server.add_user("wu", "staff", department="customer_service")
    with secured.server.client(admin) as client:
        assert client.post("/registry/users/wu/deactivate").status_code == 200
    assert _answer(secured, leaver, "/registry/auth/whoami") == (401, "account_disabled")
    assert _answer(secured, leaver, "/search/documents?q=维修") == (401, "account_disabled")


def test_a_token_issued_before_the_users_clearance_was_lowered_is_refused(
        secured: Secured) -> None:
    admin = secured.server.add_user("root.lowers", "admin", department="it")
    filer = secured.server.add_user("wang", "archivist", clearance="secret",
                                    department="archive")
    reader = secured.server.add_user("li", "staff", clearance="confidential",
                                     department="customer_service")
    with secured.server.client(filer) as client:
        filed = client.post("/registry/documents", json={
            "sha256": "c" * 64, "household": "A-1201", "category": "correspondence",
            "title": "业主投诉函（机密）", "filed_at": "2024-03-01", "security": "confidential",
            "media_type": "application/pdf", "size_bytes": 10})
    assert filed.status_code == 201, filed.text
    document = f"/registry/documents/{filed.json()['document_id']}"
    assert _answer(secured, reader, document)[0] == 200
    with secured.server.client(admin) as client:
        lowered = client.patch("/registry/users/li", json={"clearance": "ordinary"})
    assert lowered.status_code == 200, lowered.text
    assert _answer(secured, reader, document) == (401, "token_revoked")
    assert _answer(secured, reader, "/search/documents?q=投诉") == (401, "token_revoked")
    fresh = secured.server.login("li", PASSWORD)
    assert _answer(secured, fresh, document) == (404, "unknown_document")
