"""An original's bytes checked against its catalogue record (D6: the SHA-256 it was filed
under, and its size), one way wherever they are read: by a fixity run, by a download
(``GET /ingest/documents/{id}/original``, before a byte is sent) and by a transfer's bag
(as it is written).

    OriginalAltered (409 ``original_altered``)  the stored bytes are not the record's
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncGenerator, AsyncIterator

from services.common.errors import Conflict

PUT_BACK = ("put it back from a backup as README's 'Putting back one original' says, then "
            "run 'archive fixity' again")
"""What an archivist does about a missing or altered original."""


class OriginalAltered(Conflict):
    """A stored original whose bytes no longer hash to its record's SHA-256 and size:
    never served, never transferred."""

    default_code = "original_altered"

    def __init__(self, detail: str, *, stored_bytes: int, stored_sha256: str | None = None
                 ) -> None:
        super().__init__(detail)
        self.stored_bytes = stored_bytes
        """The stored bytes read: all of them, or as far as they passed the record's size."""
        self.stored_sha256 = stored_sha256
        """What they hash to, when all were read."""


async def checked_original(pieces: AsyncIterator[bytes], *, sha256: str, size_bytes: int,
                           name: str) -> AsyncGenerator[bytes]:
    """``pieces`` of the stored original of ``name`` (its archive number), passed on as
    they come and checked against its record: ``OriginalAltered`` before a byte past
    ``size_bytes`` is passed on, or after the last piece if they hash to another SHA-256
    or are fewer."""
    digest, size = hashlib.sha256(), 0
    async for piece in pieces:
        size += len(piece)
        if size > size_bytes:
            raise OriginalAltered(f"the stored original of {name} holds more than the "
                                  f"{size_bytes} bytes its record says; {PUT_BACK}",
                                  stored_bytes=size)
        # hashlib lets go of the GIL on large buffers: hash beside the event loop.
        await asyncio.to_thread(digest.update, piece)
        yield piece
    if size != size_bytes or digest.hexdigest() != sha256:
        raise OriginalAltered(f"the stored original of {name} ({size} bytes) hashes to "
                              f"{digest.hexdigest()}; its record says {sha256} "
                              f"({size_bytes} bytes); {PUT_BACK}",
                              stored_bytes=size, stored_sha256=digest.hexdigest())
