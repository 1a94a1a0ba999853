"""A directory object store that counts the bytes it reads out (``get``, ``read``,
``read_range``): what a reader costs the store, measured on the real store."""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.common.objectstore.directory import DirectoryObjectStore


class CountingStore(DirectoryObjectStore):
    """A ``DirectoryObjectStore`` whose ``read_bytes`` grows by every byte read out."""

    read_bytes = 0

    async def get(self, key: str) -> AsyncIterator[bytes]:
        async for chunk in super().get(key):
            self.read_bytes += len(chunk)
            yield chunk

    async def read(self, key: str) -> bytes:
        data = await super().read(key)
        self.read_bytes += len(data)
        return data

    async def read_range(self, key: str, start: int, length: int) -> bytes:
        data = await super().read_range(key, start, length)
        self.read_bytes += len(data)
        return data
