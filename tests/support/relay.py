"""A TCP relay between the code under test and a real server (PostgreSQL), which a test
cuts to make the server unreachable as a restart or a network fault does: while cut, new
connections are refused and the open ones are dropped; restored, it relays again on the
same port. The fault is in the network, so everything above it runs as in production."""

from __future__ import annotations

import asyncio
import contextlib

from tests.fixtures.postgres import free_port

CHUNK_BYTES = 65536


class Relay:
    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port,
                                                  reuse_address=True)

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def restore(self) -> None:
        await self.start()

    async def close(self) -> None:
        await self.cut()

    async def _relay(self, client_in: asyncio.StreamReader,
                     client_out: asyncio.StreamWriter) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_out.transport.abort()
            return
        self._open.update((client_out, server_out))
        await asyncio.gather(_pump(client_in, server_out), _pump(server_in, client_out))
        self._open.difference_update((client_out, server_out))


async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while chunk := await source.read(CHUNK_BYTES):
            sink.write(chunk)
            await sink.drain()
    sink.close()
