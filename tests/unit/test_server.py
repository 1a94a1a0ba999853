"""A server in this process (the restore's check, the tests) binds its port before anything
else runs: a port found free and bound later was taken in between once a full run (another
worker's server, or a connection's own port), and that server never started."""

from __future__ import annotations

import asyncio
import socket

import pytest

from services.server import loopback_listener, url_of


def test_a_loopback_listener_holds_its_port_from_the_start() -> None:
    listener = loopback_listener()
    try:
        host, port = listener.getsockname()
        assert host == "127.0.0.1"
        assert url_of(listener) == f"http://127.0.0.1:{port}"
        with socket.socket() as other, pytest.raises(OSError, match="in use"):
            other.bind(("127.0.0.1", port))
    finally:
        listener.close()


async def test_a_server_on_it_answers_without_waiting_for_acknowledgements() -> None:
    """Nagle's algorithm off on each accepted connection, as on a server that binds its
    own port: with it on, every answer on a kept-alive connection took 44 ms."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(record, sock=loopback_listener())
    try:
        host, port = server.sockets[0].getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
