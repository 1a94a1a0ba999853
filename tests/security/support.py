"""The cast of the attack tests and the steps they share, over HTTP on a ``Secured`` server.

Everyone has the password ``tests.fixtures.app.PASSWORD``. ``low`` is the attacker of
most tests: an archivist cleared for ``ordinary`` only; ``wang`` is an archivist cleared
for everything, who files what ``low`` must not learn about.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from services.common.db import create_engine
from tests.e2e.ingest.support import wait_for_job
from tests.fixtures.app import PASSWORD
from tests.support.rendering import write_digital_pdf

if TYPE_CHECKING:
    from tests.security.conftest import Secured

CAST: dict[str, tuple[tuple[str, ...], str, str]] = {
    # username: (roles, clearance, department)
    "wang": (("archivist",), "secret", "archive"),
    "sun": (("archivist",), "secret", "archive"),
    "low": (("archivist",), "ordinary", "archive"),
    "li": (("staff",), "confidential", "customer_service"),
    "ma": (("staff",), "ordinary", "customer_service"),
    "zhou": (("manager",), "secret", "customer_service"),
    "he": (("manager",), "secret", "archive"),
    "chen": (("center_head",), "secret", "customer_service"),
    "zhao": (("director",), "secret", "management"),
    "boss": (("archivist", "director"), "secret", "management"),
    "qin": (("compliance",), "secret", "archive"),
    "hu": (("compliance",), "secret", "archive"),
    "qiu": (("compliance",), "ordinary", "archive"),
    "root": (("admin",), "ordinary", "it"),
    "root2": (("admin",), "secret", "it"),
    "lo": (("manager",), "ordinary", "customer_service"),
    "gao": (("staff",), "confidential", "engineering"),
    "tian": (("manager",), "ordinary", "engineering"),
}

_serial = itertools.count(1)


class People:
    """A client per member of the cast, created on first use."""

    def __init__(self, secured: Secured) -> None:
        self.secured = secured
        self._clients: dict[str, httpx.Client] = {}

    def __getitem__(self, username: str) -> httpx.Client:
        if username not in self._clients:
            roles, clearance, department = CAST[username]
            token = self.secured.server.add_user(username, *roles, clearance=clearance,
                                                 department=department)
            self._clients[username] = self.secured.server.client(token)
        return self._clients[username]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def document_body(**fields: Any) -> dict[str, Any]:
    """A registration with fresh bytes (a new ``sha256``) unless ``sha256`` is given."""
    serial = next(_serial)
    body: dict[str, Any] = {
        "sha256": hashlib.sha256(f"security document {serial}".encode()).hexdigest(),
        "household": "A-1201", "category": "correspondence",
        "title": f"业主来函 {serial}", "filed_at": "2024-03-01", "security": "ordinary",
        "media_type": "application/pdf", "size_bytes": 2048,
    }
    body.update(fields)
    return body


def file_document(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    """File a document directly in the registry (201) and return its record."""
    response = client.post("/registry/documents", json=document_body(**fields))
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


def leaked(text: str, record: dict[str, Any]) -> list[str]:
    """Which identifying values of ``record`` appear in ``text``."""
    values = [record["document_id"], record["sha256"], record["archive_no"], record["title"]]
    return [value for value in values if value in text]


DUE = {"category": "repair", "filed_at": "2010-03-01"}
"""Fields of a document past retention at the fixture's start (short: 10 years, R1)."""


def approved_sweep(people: People, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """A sweep of what is due, ``documents`` appraised for destruction by a manager and
    the compliance officer, approved by the director (R2)."""
    sweep = people["qin"].post("/registry/sweeps", json={}).json()
    for document in documents:
        for appraiser in ("zhou", "qin"):
            response = people[appraiser].post(
                f"/registry/sweeps/{sweep['sweep_id']}/appraisals",
                json={"document_id": document["document_id"], "decision": "destroy",
                      "opinion": "经鉴定，同意销毁"})
            assert response.status_code == 200, response.text
    response = people["zhao"].post(f"/registry/sweeps/{sweep['sweep_id']}/approve", json={})
    assert response.status_code == 200, response.text
    approved: dict[str, Any] = response.json()
    return approved


def destruction_register(secured: Secured, people: People,
                         documents: list[dict[str, Any]]) -> dict[str, Any]:
    """A destruction register of ``documents``, drawn up by ``qin`` once the six months
    apart have passed (R5)."""
    sweep = approved_sweep(people, documents)
    secured.clock.advance(timedelta(days=200))
    response = people["qin"].post("/registry/destructions", json={
        "sweep_id": sweep["sweep_id"],
        "documents": [document["document_id"] for document in documents]})
    assert response.status_code == 201, response.text
    register: dict[str, Any] = response.json()
    return register


def run_sql(secured: Secured, statement: str, **params: Any) -> None:
    """What an insider with the database's credentials does, behind the archive's back."""

    async def run() -> None:
        engine = create_engine(secured.server.settings.database_url_for("registry"))
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.text(statement), params)
        finally:
            await engine.dispose()

    asyncio.run(run())


def witness(people: People, username: str, register: dict[str, Any]) -> httpx.Response:
    return people[username].post(
        f"/registry/destructions/{register['destruction_id']}/witness",
        json={"password": PASSWORD, "digest": register["digest"]})


def upload(client: httpx.Client, content: bytes, **meta: Any) -> httpx.Response:
    metadata = {"household": "A-1201", "category": "correspondence",
                "title": "和解协议（机密）", "filed_at": "2024-05-18", **meta}
    return client.post("/ingest/documents", data={"metadata": json.dumps(metadata)},
                       files={"file": ("scan.pdf", content, "application/octet-stream")})


def uploaded(client: httpx.Client, content: bytes, **meta: Any) -> dict[str, Any]:
    """Upload ``content`` and wait for its job to finish."""
    response = upload(client, content, **meta)
    assert response.status_code == 202, response.text
    return wait_for_job(client, response.json()["job_id"])


def digital_pdf(directory: Path, text: str) -> bytes:
    """A one-page PDF with a text layer (no OCR needed): ``text`` on it."""
    return write_digital_pdf(directory / f"{hashlib.sha256(text.encode()).hexdigest()}.pdf",
                             [[text]]).read_bytes()


BROKEN_PDF = b"%PDF-1.7\n% a scan whose bytes were cut off in transfer\n"
"""Sniffed as PDF, unreadable: its job fails (a document never filed)."""
