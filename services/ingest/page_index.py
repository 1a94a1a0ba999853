"""Where each page of a stored text starts (页面索引), so a page turned reads that page alone.

``derived/<sha256>/pages.index.json`` is written beside ``pages.jsonl`` each time that is
written (``DerivedText.save``): every page's number, text and confidence, where its line
starts and how long it is, and the SHA-256 of the ``pages.jsonl`` it describes. The staff
pages read every page's text and one page's boxes at each page turned: with the index
they read it (the texts) and that page's line by a ranged read (``ObjectStore.read_range``),
not the whole file; a contract of 300 pages keeps a box per character, 18 MB, all of it
fetched from S3 at every turn before.

An index that does not describe the stored file is never used: a text stored before
indexes were written has none, and one replaced since (a revision between the index and
the text, a crash between the two writes) has another SHA-256. Then the file is read whole
as before, and an index is written for it as it is read (``Indexing``), so a document
stored before costs one whole read, at its first page turned, and no migration run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec


class PageOutline(msgspec.Struct, frozen=True):
    """A stored page read for its text alone. Its boxes (a box per character: 60 kB of a
    text layer's page, 18 MB for a contract of 300 pages) are skipped unread; read whole,
    they cost a reader 0.12 s of CPU at every page turned, to show one page's boxes."""

    number: int
    text: str
    confidence: float


class IndexedPage(PageOutline, frozen=True):
    """A page's outline, and where its line lies in ``pages.jsonl``."""

    start: int
    length: int
    """The line's bytes, without its newline."""


class PagesIndex(msgspec.Struct, frozen=True):
    pages_sha256: str
    """The SHA-256 of the ``pages.jsonl`` described: one whose stored SHA-256 differs is
    another text, and the index is not used for it."""
    pages: list[IndexedPage]

    def find(self, number: int) -> IndexedPage | None:
        return next((page for page in self.pages if page.number == number), None)


outline_decoder = msgspec.json.Decoder(PageOutline)
index_decoder = msgspec.json.Decoder(PagesIndex)


class Indexing:
    """The index of a ``pages.jsonl`` built from its bytes as they are read, in order:
    ``lines`` of each piece read, then ``last_line`` at its end, each line with its page
    as indexed; ``index`` once all is read."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._pending = b""
        self._pending_start = 0
        self._pages: list[IndexedPage] = []

    def lines(self, piece: bytes) -> list[tuple[IndexedPage, bytes]]:
        self._digest.update(piece)
        *whole, self._pending = (self._pending + piece).split(b"\n")
        found = []
        start = self._pending_start
        for line in whole:
            if line.strip():
                found.append(self._indexed(start, line))
            start += len(line) + 1
        self._pending_start = start
        return found

    def last_line(self) -> list[tuple[IndexedPage, bytes]]:
        if not self._pending.strip():
            return []
        return [self._indexed(self._pending_start, self._pending)]

    def _indexed(self, start: int, line: bytes) -> tuple[IndexedPage, bytes]:
        outline = outline_decoder.decode(line)
        page = IndexedPage(number=outline.number, text=outline.text,
                           confidence=outline.confidence, start=start, length=len(line))
        self._pages.append(page)
        return page, line

    def index(self) -> PagesIndex:
        return PagesIndex(pages_sha256=self._digest.hexdigest(), pages=self._pages)


def index_of_file(path: Path) -> PagesIndex:
    """The index of the local ``pages.jsonl`` at ``path`` (blocking: run it in a thread),
    read in pieces, never whole in memory."""
    indexing = Indexing()
    with path.open("rb") as source:
        while piece := source.read(1024 * 1024):
            indexing.lines(piece)
    indexing.last_line()
    return indexing.index()
