"""Page previews, thumbnails and boxes end to end, over HTTP, on SQLite with the directory
store and on PostgreSQL with SeaweedFS S3: scans of known text in every format ingest
takes go through real OCR (PP-OCR), and the previews show each page upright with its
boxes on its characters; a digital PDF's pages get theirs on first view; access is the
text's; fixity notices a lost preview and ``archive derive --missing`` makes it again."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageChops

from services.common.migrations import migrate_all
from services.common.objectstore import open_object_store
from services.common.parts import SERVICE_NAMES
from services.ingest.models import page_image_key, page_large_key, pages_key, previews_key
from tests.e2e.ingest.support import finished_fixity_run, ingest, metadata
from tests.fixtures.app import ArchiveServer, launch_archive_server
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.previews import (
    boxes_on_drawn_characters,
    boxes_without_ink,
    ink_outside_boxes,
    scaled,
)
from tests.support.processes import ARCHIVE, clean_environment, run_client, setting_variables
from tests.support.rendering import (
    DPI,
    LINES,
    Box,
    Script,
    character_boxes,
    render_page,
    write_digital_pdf,
    write_heic,
    write_jpeg,
    write_png,
    write_scanned_pdf,
    write_tiff,
)

pytestmark = pytest.mark.ocr

BACKENDS = ["sqlite-directory", "postgresql-seaweedfs"]
SIMPLIFIED, TRADITIONAL = LINES["simplified"], LINES["traditional"]
FIXITY_TIMEOUT_S = 60.0


@dataclass
class Page:
    """What was drawn on one page: its lines, in which script."""

    lines: tuple[str, ...]
    script: Script = "simplified"

    def drawn(self, scale: float) -> list[tuple[str, Box]]:
        """Each character and its ink box, scaled into a preview's pixels."""
        return [(character, scaled(box, scale))
                for character, box in character_boxes(self.lines, script=self.script)]


@dataclass
class Filed:
    document_id: str
    sha256: str
    count: int = 1
    pages: list[Page] = field(default_factory=list)
    """What was drawn on each page (not known for the digital PDF)."""


@dataclass
class Archive:
    server: ArchiveServer
    archivist: httpx.Client
    filed: dict[str, Filed]


def _files(root: Path) -> dict[str, tuple[Path, list[Page]]]:
    """A document per format ingest takes (a phone's HEIC photo stored sideways), and a
    page fed upside down."""
    png, jpeg = Page(SIMPLIFIED[:3]), Page(TRADITIONAL[:3], "traditional")
    heic = Page(SIMPLIFIED[3:6])
    tiff = [Page(SIMPLIFIED[:2]), Page(SIMPLIFIED[2:4])]
    scan, turned = Page(SIMPLIFIED[4:7]), Page(SIMPLIFIED[:4])
    return {
        "png": (write_png(root / "scan.png", render_page(png.lines)), [png]),
        "jpeg": (write_jpeg(root / "scan.jpeg", render_page(jpeg.lines, script="traditional"),
                            quality=90), [jpeg]),
        "heic": (write_heic(root / "IMG_0001.HEIC", render_page(heic.lines),
                            stored_sideways=True), [heic]),
        "tiff": (write_tiff(root / "scan.tiff", [render_page(page.lines) for page in tiff]),
                 tiff),
        "scanned_pdf": (write_scanned_pdf(root / "scan.pdf", [render_page(scan.lines)]),
                        [scan]),
        "digital_pdf": (write_digital_pdf(root / "digital.pdf",
                                          [SIMPLIFIED[:3], SIMPLIFIED[3:6]]), []),
        "turned": (write_png(root / "turned.png", render_page(turned.lines).rotate(180)),
                   [turned]),
    }


@contextmanager
def _running(request: pytest.FixtureRequest, root: Path, backend: str
             ) -> Iterator[ArchiveServer]:
    """Embedded, a server extracting in its own processes; scale-out, a server and an
    ``archive worker`` beside it."""
    if backend == "sqlite-directory":
        server = launch_archive_server(root / "server")
        try:
            yield server
        finally:
            server.server.stop()
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    s3: S3Server = request.getfixturevalue("seaweedfs_s3")
    url = cluster.url(cluster.create_database())
    migrate_all(dict.fromkeys(SERVICE_NAMES, url))
    settings = {"database_url": url, "s3_endpoint": s3.endpoint,
                "s3_access_key": s3.access_key, "s3_secret_key": s3.secret_key,
                "s3_bucket": unique_bucket("previews")}
    server = launch_archive_server(root / "server", **settings)
    environment = clean_environment(
        setting_variables(settings), ARCHIVE_REGISTRY_URL=server.url,
        ARCHIVE_SECRET_KEY=server.settings.signing_key(), ARCHIVE_DATA_DIR=str(root / "worker"))
    worker = subprocess.Popen([*ARCHIVE, "worker",
                               "--concurrency", "1"], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield server
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Archive]:
    root = tmp_path_factory.mktemp("previews")
    with _running(request, root, request.param) as server:
        archivist = server.client(server.add_user("li.archivist", "archivist",
                                                  clearance="secret", department="archive"))
        filed = {}
        for name, (path, pages) in _files(root).items():
            job = ingest(archivist, path, metadata(title=name))
            assert job["status"] == "done", job
            filed[name] = Filed(job["document_id"], job["sha256"], job["pages"], pages)
        yield Archive(server=server, archivist=archivist, filed=filed)


def _get(client: httpx.Client, document_id: str, number: int, what: str,
         **headers: str) -> httpx.Response:
    return client.get(f"/ingest/documents/{document_id}/pages/{number}/{what}",
                      headers=headers)


def _image(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/webp"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "WEBP"
    return image


def _boxes(client: httpx.Client, document_id: str, number: int) -> dict[str, Any]:
    response = _get(client, document_id, number, "boxes")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _texts(client: httpx.Client, document_id: str) -> list[str]:
    response = client.get(f"/ingest/documents/{document_id}/text")
    assert response.status_code == 200, response.text
    return [page["text"] for page in response.json()["pages"]]


def _pages(archive: Archive) -> list[tuple[str, int]]:
    return [(name, number) for name, filed in archive.filed.items()
            for number in range(1, filed.count + 1)]


def _store(archive: Archive, work: Any) -> Any:
    async def run() -> Any:
        return await work(open_object_store(archive.server.settings))

    return asyncio.run(run())


def test_every_page_has_a_webp_preview_1200_wide_and_a_thumbnail(archive: Archive) -> None:
    for name, number in _pages(archive):
        document_id = archive.filed[name].document_id
        preview = _image(_get(archive.archivist, document_id, number, "preview"))
        thumbnail = _image(_get(archive.archivist, document_id, number, "thumbnail"))
        # Scans are 7 inches wide at 300 dpi (2 100 pixels); the digital PDF likewise.
        assert (name, preview.width, thumbnail.width) == (name, 1200, 200)
        assert abs(thumbnail.height - preview.height / 6) <= 1


def test_every_page_has_a_large_image_its_preview_larger_then_stored(archive: Archive) -> None:
    """Enlarged past the preview, a page is shown as its large image: the scan's own 2 100
    pixels (short of 2 400: never enlarged), upright and proportioned as the preview, so
    the preview's boxes scale onto it; made on its first view, then read from the store,
    and sent again only when changed, as the preview."""
    for name, number in _pages(archive):
        filed = archive.filed[name]
        response = _get(archive.archivist, filed.document_id, number, "large")
        large = _image(response)
        shown = _get(archive.archivist, filed.document_id, number, "preview")
        preview = _image(shown)
        assert (name, large.width) == (name, 2100)
        assert abs(large.height - preview.height * large.width / preview.width) <= 1, name
        shrunk = large.convert("L").resize(preview.size)
        assert _difference(shrunk, preview.convert("L")) < 4, name  # the same page, as turned
        assert response.headers["etag"] == f'"{filed.sha256}-{number}-v1"'
        assert response.headers["cache-control"] == shown.headers["cache-control"]
        key = page_large_key(filed.sha256, number, 180 if name == "turned" else 0)
        assert _store(archive, lambda store, key=key: store.read(key)) == response.content
        again = _get(archive.archivist, filed.document_id, number, "large",
                     **{"If-None-Match": response.headers["etag"]})
        assert (again.status_code, again.content) == (304, b"")


def test_boxes_are_in_the_preview_and_spell_the_page_text(archive: Archive) -> None:
    for name, number in _pages(archive):
        document_id = archive.filed[name].document_id
        preview = _image(_get(archive.archivist, document_id, number, "preview"))
        boxes = _boxes(archive.archivist, document_id, number)
        text = _texts(archive.archivist, document_id)[number - 1]
        assert (boxes["number"], boxes["width"], boxes["height"]) == (number, *preview.size)
        assert "".join(box["text"] for box in boxes["boxes"]) == "".join(text.split()), name
        assert all(box["left"] >= 0 and box["left"] + box["width"] <= preview.width
                   and box["top"] >= 0 and box["top"] + box["height"] <= preview.height
                   for box in boxes["boxes"])


@pytest.mark.parametrize("name", ["png", "jpeg", "heic", "tiff", "scanned_pdf", "turned"])
def test_scanned_pages_have_their_boxes_on_the_characters_drawn(archive: Archive,
                                                                name: str) -> None:
    filed = archive.filed[name]
    for number, page in enumerate(filed.pages, start=1):
        boxes = _boxes(archive.archivist, filed.document_id, number)
        drawn = page.drawn(boxes["width"] / (7 * DPI))
        matched, on_it = boxes_on_drawn_characters(boxes["boxes"], drawn)
        assert matched >= 0.9 * len(drawn), (name, number, matched, len(drawn))
        assert on_it >= 0.97 * matched, (name, number, on_it, matched)


def test_digital_pdf_pages_have_a_box_on_every_character(archive: Archive) -> None:
    document_id = archive.filed["digital_pdf"].document_id
    for number in (1, 2):
        preview = _image(_get(archive.archivist, document_id, number, "preview"))
        boxes = _boxes(archive.archivist, document_id, number)["boxes"]
        assert len(boxes) > 40
        assert boxes_without_ink(preview, boxes) == []
        assert ink_outside_boxes(preview, boxes) < 0.02


def test_a_page_fed_upside_down_is_shown_upright(archive: Archive) -> None:
    filed = archive.filed["turned"]
    preview = _image(_get(archive.archivist, filed.document_id, 1, "preview")).convert("L")
    upright = render_page(filed.pages[0].lines).resize(preview.size)
    upside_down = upright.rotate(180)
    assert _difference(preview, upright) < _difference(preview, upside_down) / 3


def test_an_unchanged_preview_is_not_sent_again(archive: Archive) -> None:
    filed = archive.filed["png"]
    first = _get(archive.archivist, filed.document_id, 1, "preview")
    assert first.headers["etag"] == f'"{filed.sha256}-1-v1"'
    assert first.headers["cache-control"].startswith("private")
    again = _get(archive.archivist, filed.document_id, 1, "preview",
                 **{"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")


@pytest.mark.parametrize("what", ["preview", "thumbnail", "large", "boxes"])
def test_a_page_past_the_document_is_unknown(archive: Archive, what: str) -> None:
    document_id = archive.filed["tiff"].document_id
    answers = [_get(archive.archivist, document_id, number, what) for number in (0, 3)]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (404, "unknown_page"), (404, "unknown_page")]


def test_a_page_that_is_not_a_number_is_refused_cleanly(archive: Archive) -> None:
    response = archive.archivist.get(
        f"/ingest/documents/{archive.filed['png'].document_id}/pages/one/preview")
    assert response.status_code in (400, 404)
    assert response.json()["code"]


@pytest.mark.parametrize("what", ["preview", "thumbnail", "large", "boxes"])
def test_a_confidential_page_is_the_404_of_no_document_to_an_ordinary_reader(
        archive: Archive, tmp_path: Path, what: str) -> None:
    document_id = _confidential(archive, tmp_path)
    reader = archive.server.client(archive.server.tokens.get("qian.staff") or
                                   archive.server.add_user("qian.staff", "staff"))
    hidden = _get(reader, document_id, 1, what)
    absent = _get(reader, "00000000-0000-0000-0000-000000000000", 1, what)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "unknown_document")
    assert (hidden.status_code, hidden.json()) == (absent.status_code, absent.json())


def test_a_view_only_loan_shows_the_pages_but_never_the_original(
        archive: Archive, tmp_path: Path) -> None:
    document_id = _confidential(archive, tmp_path)
    server = archive.server
    sun = server.client(server.add_user("sun.staff", "staff", clearance="confidential",
                                        department="customer_service"))
    before = _get(sun, document_id, 1, "preview")
    approvers = [server.add_user("zhou.manager", "manager", clearance="secret",
                                 department="customer_service"),
                 server.add_user("zhao.director", "director", clearance="secret",
                                 department="management")]
    loan = sun.post("/registry/loans", json={
        "documents": [document_id], "kind": "digital", "purpose": "核对", "reason": "业主来电"})
    assert loan.status_code == 201, loan.text
    loan_id = loan.json()["loan_id"]
    for token in [*approvers, server.tokens["li.archivist"]]:
        answer = server.client(token).post(f"/registry/loans/{loan_id}/approve", json={})
        assert answer.status_code == 200, answer.text
    assert archive.archivist.post(f"/registry/loans/{loan_id}/issue").status_code == 200
    assert sun.post(f"/registry/loans/{loan_id}/acknowledge").status_code == 200

    preview = _get(sun, document_id, 1, "preview")
    thumbnail = _get(sun, document_id, 1, "thumbnail")
    large = _get(sun, document_id, 1, "large")
    boxes = _get(sun, document_id, 1, "boxes")
    original = sun.get(f"/ingest/documents/{document_id}/original")

    assert (before.status_code, before.json()["code"]) == (403, "needs_grant")
    assert (_image(preview).width, _image(thumbnail).width) == (1200, 200)
    assert _image(large).width == 2100
    assert boxes.status_code == 200
    assert boxes.json()["boxes"]
    assert (original.status_code, original.json()["code"]) == (403, "view_only")


def test_fixity_reports_a_lost_thumbnail(archive: Archive, tmp_path: Path) -> None:
    filed = _scan(archive, tmp_path, "lost-thumbnail")
    _store(archive, lambda store: store.delete(page_image_key(filed.sha256, 1, "thumbnail")))
    run = _fixity(archive.archivist)
    found = [finding for finding in run["findings"] if finding["kind"] == "preview_missing"]
    assert [finding["document_id"] for finding in found] == [filed.document_id]
    assert "archive derive --missing" in found[0]["detail"]


def test_a_digital_pdf_page_is_made_on_first_view_then_served_from_the_store(
        archive: Archive, tmp_path: Path) -> None:
    filed = _fresh_digital(archive, tmp_path, "first-view")
    stored_at_ingest = _stored_images(archive, filed.sha256, 1)
    boxes_before = _boxes(archive.archivist, filed.document_id, 1)

    preview_response = _get(archive.archivist, filed.document_id, 1, "preview")
    stored_after_preview = _stored_images(archive, filed.sha256, 1)
    thumbnail_response = _get(archive.archivist, filed.document_id, 1, "thumbnail")
    preview, thumbnail = _image(preview_response), _image(thumbnail_response)
    etag = preview_response.headers["etag"]
    again = _get(archive.archivist, filed.document_id, 1, "preview")
    unchanged = _get(archive.archivist, filed.document_id, 1, "preview",
                     **{"If-None-Match": etag})
    thumbnail_unchanged = _get(archive.archivist, filed.document_id, 1, "thumbnail",
                               **{"If-None-Match": thumbnail_response.headers["etag"]})

    assert stored_at_ingest == [False, False]
    assert stored_after_preview == [True, True]  # the thumbnail came with it
    assert (preview.width, thumbnail.width) == (1200, 200)
    assert (boxes_before["width"], boxes_before["height"]) == preview.size
    assert _boxes(archive.archivist, filed.document_id, 1) == boxes_before
    assert boxes_without_ink(preview, boxes_before["boxes"]) == []
    assert ink_outside_boxes(preview, boxes_before["boxes"]) < 0.02
    assert etag == f'"{filed.sha256}-1-v1"'
    assert thumbnail_response.headers["etag"] == etag
    assert again.content == preview_response.content
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert (thumbnail_unchanged.status_code, thumbnail_unchanged.content) == (304, b"")


def test_concurrent_first_views_of_a_page_give_the_same_image(archive: Archive,
                                                              tmp_path: Path) -> None:
    filed = _fresh_digital(archive, tmp_path, "concurrent")
    token = archive.server.tokens["li.archivist"]
    asks = ["preview", "thumbnail", "large"] * 3

    def view(what: str) -> tuple[str, bytes]:
        with archive.server.client(token) as client:
            response = _get(client, filed.document_id, 1, what)
            _image(response)
            return what, response.content

    with ThreadPoolExecutor(len(asks)) as views:
        answers = list(views.map(view, asks))

    assert {what: {data for asked, data in answers if asked == what} for what in asks} == {
        what: {data} for what, data in answers[:3]}
    stored = _store(archive, lambda store: asyncio.gather(
        store.read(page_image_key(filed.sha256, 1, "preview")),
        store.read(page_large_key(filed.sha256, 1, 0))))
    assert stored == [answers[0][1], answers[2][1]]


def test_a_hidden_digital_pdf_is_not_rendered_for_who_may_not_see_it(
        archive: Archive, tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "secret.pdf", [["机密电子档：", *SIMPLIFIED[:2]]])
    job = ingest(archive.archivist, path, metadata(security="confidential", title="机密电子"))
    assert job["status"] == "done", job
    reader = archive.server.client(archive.server.tokens.get("qian.staff") or
                                   archive.server.add_user("qian.staff", "staff"))
    hidden = _get(reader, job["document_id"], 1, "preview")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "unknown_document")
    assert _stored_images(archive, job["sha256"], 1) == [False, False]


def test_fixity_does_not_report_a_digital_page_not_viewed_yet(archive: Archive,
                                                             tmp_path: Path) -> None:
    digital = _fresh_digital(archive, tmp_path, "not-viewed")
    scan = _scan(archive, tmp_path, "lost-preview")
    _store(archive, lambda store: store.delete(page_image_key(scan.sha256, 1, "preview")))
    run = _fixity(archive.archivist)
    assert _stored_images(archive, digital.sha256, 1) == [False, False]
    assert not [f for f in run["findings"] if f["document_id"] == digital.document_id]
    assert [f["kind"] for f in run["findings"] if f["document_id"] == scan.document_id] == [
        "preview_missing"]
    lost = _get(archive.archivist, scan.document_id, 1, "preview")  # not made on view: a scan's
    assert (lost.status_code, lost.json()["code"]) == (404, "preview_missing")
    assert "archive derive --missing" in lost.json()["detail"]
    assert _stored_images(archive, scan.sha256, 1) == [False, True]
    run = archive.server.client(archive.server.tokens["li.archivist"])
    derived = run.post(f"/ingest/documents/{scan.document_id}/derive", json={"missing": True})
    assert (derived.status_code, derived.json()["status"]) == (200, "derived"), derived.text
    assert _stored_images(archive, scan.sha256, 1) == [True, True]


# ``archive derive --missing`` is an HTTP client of ``POST …/derive``, which the fixity test
# above drives on each backend: the command's drill runs on the embedded one.
@pytest.mark.parametrize("archive", ["sqlite-directory"], indirect=True)
def test_derive_missing_makes_the_previews_of_a_document_filed_before_them(
        archive: Archive, tmp_path: Path) -> None:
    filed = _as_if_filed_before_previews(archive, _digital(archive, tmp_path))
    before = _get(archive.archivist, filed.document_id, 1, "preview")
    large_before = _get(archive.archivist, filed.document_id, 1, "large")
    assert (before.status_code, before.json()["code"]) == (404, "no_preview")
    assert "archive derive --missing" in before.json()["detail"]
    assert (large_before.status_code, large_before.json()) == (404, before.json())
    token = archive.server.tokens["li.archivist"]

    run = run_client(archive.server.url, token, "derive", "--missing", cwd=tmp_path)
    again = run_client(archive.server.url, token, "derive", "--missing", cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    assert "0 failed" in run.stdout
    preview = _image(_get(archive.archivist, filed.document_id, 1, "preview"))
    boxes = _boxes(archive.archivist, filed.document_id, 1)["boxes"]
    assert boxes_without_ink(preview, boxes) == []
    assert ink_outside_boxes(preview, boxes) < 0.02
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("0 derived, "), again.stdout


def test_staff_may_not_derive(archive: Archive) -> None:
    staff = archive.server.client(archive.server.tokens.get("qian.staff") or
                                  archive.server.add_user("qian.staff", "staff"))
    response = staff.post(f"/ingest/documents/{archive.filed['png'].document_id}/derive",
                          json={"missing": True})
    assert (response.status_code, response.json()["code"]) == (403, "role_required")


def _confidential(archive: Archive, directory: Path) -> str:
    """A confidential one-page scan, filed once per server."""
    path = write_png(directory / "confidential.png", render_page(TRADITIONAL[3:5],
                                                                 script="traditional"))
    job = ingest(archive.archivist, path, metadata(security="confidential", title="机密"))
    assert job["status"] == "done", job
    return str(job["document_id"])


def _scan(archive: Archive, directory: Path, label: str) -> Filed:
    page = render_page([f"{label}编号{hashlib.sha256(label.encode()).hexdigest()[:6]}",
                        *SIMPLIFIED[:1]])
    job = ingest(archive.archivist, write_png(directory / f"{label}.png", page),
                 metadata(title=label))
    assert job["status"] == "done", job
    return Filed(job["document_id"], job["sha256"])


def _digital(archive: Archive, directory: Path) -> Filed:
    path = write_digital_pdf(directory / "old.pdf", [["旧档案：", *SIMPLIFIED[5:7]]])
    job = ingest(archive.archivist, path, metadata(title="旧档案"))
    assert job["status"] == "done", job
    return Filed(job["document_id"], job["sha256"])


def _fresh_digital(archive: Archive, directory: Path, label: str) -> Filed:
    """A one-page digital PDF of its own (no one has viewed its page)."""
    mark = hashlib.sha256(label.encode()).hexdigest()[:6]
    path = write_digital_pdf(directory / f"{label}.pdf",
                             [[f"电子档{mark}：", *SIMPLIFIED[:3]]])
    job = ingest(archive.archivist, path, metadata(title=label))
    assert job["status"] == "done", job
    return Filed(job["document_id"], job["sha256"])


def _stored_images(archive: Archive, sha256: str, number: int) -> list[bool]:
    """Whether page ``number``'s preview and thumbnail are in the store."""

    async def heads(store: Any) -> list[bool]:
        return [await store.head(page_image_key(sha256, number, size)) is not None
                for size in ("preview", "thumbnail")]

    return list(_store(archive, heads))


def _as_if_filed_before_previews(archive: Archive, filed: Filed) -> Filed:
    """Remove the document's previews, and its text layer's boxes, as before they were
    made."""

    async def undo(store: Any) -> None:
        for key in [previews_key(filed.sha256), page_image_key(filed.sha256, 1, "preview"),
                    page_image_key(filed.sha256, 1, "thumbnail")]:
            await store.delete(key)
        lines = (await store.read(pages_key(filed.sha256))).decode().splitlines()
        old = [json.dumps({**json.loads(line), "words": []}, ensure_ascii=False)
               for line in lines]
        await store.put_bytes(pages_key(filed.sha256), ("\n".join(old) + "\n").encode())

    _store(archive, undo)
    return filed


def _fixity(client: httpx.Client) -> dict[str, Any]:
    run = finished_fixity_run(client, client.post("/ingest/fixity").json()["run_id"],
                              timeout_s=FIXITY_TIMEOUT_S)
    assert run["status"] == "done", run
    return run


def _difference(one: Image.Image, other: Image.Image) -> float:
    histogram = ImageChops.difference(one, other).histogram()
    return sum(level * count for level, count in enumerate(histogram)) / (one.width *
                                                                          one.height)
