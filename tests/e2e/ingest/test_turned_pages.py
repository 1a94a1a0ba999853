"""Pages scanned turned, filed with Tesseract (which does not turn a page itself): each is
read upright (its orientation told by Tesseract's OSD), so search finds its letter, and
the page says how far it was turned for the viewer to show it upright."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.ingest.support import ingest, metadata
from tests.e2e.ingest.test_reocr import hits
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.rendering import LINES, render_page, write_png
from tests.support.waiting import eventually

pytestmark = pytest.mark.ocr

LETTER = LINES["simplified"][:4]
PHRASE = "漏水严重"

server = module_archive_server(ocr_engine="tesseract")


@pytest.mark.parametrize("turn", [180, 90], ids=["upside down", "a quarter"])
def test_a_page_scanned_turned_is_found_by_its_text(server: ArchiveServer, turn: int,
                                                     tmp_path: Path) -> None:
    token = server.add_user(f"archivist{turn}", "archivist")
    scan = render_page(LETTER, script="simplified", dpi=300).rotate(turn, expand=True)
    job = ingest(server.client(token), write_png(tmp_path / "turned.png", scan),
                 metadata(title=f"turned {turn}"))
    assert job["status"] == "done", job
    [page] = server.client(token).get(f"/ingest/documents/{job['document_id']}/text").json(
    )["pages"]
    assert (page["engine"], page["rotation"]) == ("tesseract", turn)
    assert PHRASE in "".join(page["text"].split())
    eventually(lambda: job["document_id"] in hits(server, token, PHRASE),
               what=f"search did not find {PHRASE} in the turned page")
