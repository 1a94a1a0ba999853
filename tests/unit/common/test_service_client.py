"""A peer that closes a pooled connection as a request goes out (a keep-alive race).

The server is a real socket server: it answers the first request on each connection with a
keep-alive response, then reads the next one and hangs up without answering, which is what
a client sees when the server's idle timer fires as it reuses the connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import msgspec
import pytest

from services.common.clients import ServiceClient, segment
from services.common.clients.ingest import IngestClient
from services.common.contracts.ingest import FixityRun
from services.common.contracts.registry import FixityFinding
from services.common.errors import DependencyUnavailable, Forbidden, PeerFailed

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


async def _answer_once_then_hang_up(reader: asyncio.StreamReader,
                                    writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(OK)
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    writer.close()


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def _client_of(handle: Handler, *, name: str) -> AsyncIterator[ServiceClient]:
    """A client named ``name`` of a socket server that answers each connection with
    ``handle``; both closed at the end."""
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = ServiceClient(f"http://127.0.0.1:{port}", service_token=lambda: "t", name=name)
    try:
        yield client
    finally:
        await client.close()
        server.close()
        await server.wait_closed()


def _answering(status: bytes, content_type: bytes, body: bytes) -> Handler:
    """A peer that answers a request with ``status`` and ``body``, then hangs up."""
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
                     % (status, content_type, len(body), body))
        await writer.drain()
        writer.close()
    return answer


@pytest.fixture
async def flaky_peer() -> AsyncIterator[ServiceClient]:
    async with _client_of(_answer_once_then_hang_up, name="registry") as client:
        yield client


async def test_a_read_on_a_connection_the_peer_dropped_is_sent_again(
        flaky_peer: ServiceClient) -> None:
    for _ in range(3):
        assert (await flaky_peer.request("GET", "/registry/x")).json() == {}


async def test_a_write_is_not_sent_twice_and_the_error_names_what_happened(
        flaky_peer: ServiceClient) -> None:
    await flaky_peer.request("GET", "/registry/x")
    with pytest.raises(DependencyUnavailable) as raised:
        await flaky_peer.request("POST", "/registry/x", json={})
    assert raised.value.code == "registry_unavailable"
    assert "RemoteProtocolError" in raised.value.detail


async def test_a_streamed_read_is_sent_again_too_and_read_by_its_caller(
        flaky_peer: ServiceClient) -> None:
    for _ in range(3):
        response = await flaky_peer.request("GET", "/ingest/x/original", stream=True)
        assert not response.is_stream_consumed
        assert await response.aread() == b"{}"
        await response.aclose()


async def test_a_streamed_refusal_is_read_and_raised_with_its_code() -> None:
    refusal = (b'{"status":403,"code":"view_only","detail":"this loan lets you view it only"}')
    refuse = _answering(b"403 Forbidden", b"application/problem+json", refusal)
    async with _client_of(refuse, name="ingest") as client:
        with pytest.raises(Forbidden) as raised:
            await client.request("GET", "/ingest/x/original", token="person", stream=True)
    assert raised.value.code == "view_only"
    assert raised.value.detail == "this loan lets you view it only"


async def test_a_peer_that_answers_with_its_own_failure_is_a_peer_failure_not_unreachable(
        ) -> None:
    fail = _answering(b"500 Internal Server Error", b"text/plain", b"Internal Server Error")
    async with _client_of(fail, name="registry") as client:
        with pytest.raises(PeerFailed) as raised:
            await client.request("PUT", "/registry/retention/schedule", json={})
    assert raised.value.code == "registry_failed"
    assert isinstance(raised.value, DependencyUnavailable)


def test_an_identifier_in_a_path_is_one_segment_whatever_it_holds() -> None:
    assert segment("3f2a-91") == "3f2a-91"
    assert segment("A-1201") == "A-1201"
    assert segment("../registry/users?x=1#y") == "..%2Fregistry%2Fusers%3Fx%3D1%23y"
    assert segment("黄 1/2") == "%E9%BB%84%201%2F2"


async def test_a_peer_that_answers_not_ready_fails_the_readiness_check() -> None:
    readiness = b'{"status":"not_ready","checks":{"registry.database":"down: gone"}}'
    not_ready = _answering(b"503 Service Unavailable", b"application/json", readiness)
    async with _client_of(not_ready, name="registry") as client:
        with pytest.raises(DependencyUnavailable) as raised:
            await client.ready()
    assert raised.value.code == "registry_not_ready"
    assert "is not ready (503)" in raised.value.detail
    assert "registry.database" not in raised.value.detail  # its checks stay its own


async def test_a_reply_with_fields_a_newer_release_added_is_read_without_them() -> None:
    """During a rolling upgrade an older command line or service reads a newer one's
    replies: a field it does not know (here a fixity finding's, and the run's) is left
    out, where it failed the whole answer (``forbid_unknown_fields``)."""
    at = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    run = FixityRun(run_id="r1", status="done", trigger="manual", started_by="li",
                    started_at=at, updated_at=at, finished_at=at, documents_total=1,
                    documents_checked=1, bytes_hashed=10, error=None, findings=[
                        FixityFinding(kind="original_altered", detail="altered",
                                      document_id="d1", recorded_bytes=10)])
    newer = msgspec.json.decode(msgspec.json.encode(run))
    newer["quarantined"] = 1
    newer["findings"][0]["quarantined_at"] = "2026-12-07T09:31:00Z"
    body = msgspec.json.encode(newer)
    async with _client_of(_answering(b"200 OK", b"application/json", body),
                          name="ingest") as peer:
        client = IngestClient(str(peer.http.base_url), service_token=lambda: "t",
                              name="ingest")
        try:
            assert await client.fixity_run("token", "r1") == run
        finally:
            await client.close()
