"""A server in this process (the restore's check, the tests) binds its port before anything
else runs: a port found free and bound later was taken in between once a full run (another
worker's server, or a connection's own port), and that server never started."""

from __future__ import annotations

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
