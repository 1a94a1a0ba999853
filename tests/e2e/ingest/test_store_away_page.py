"""The document page while the object store is away: the record (from the registry)
still shows, and the parts that need the store (the text, the page images, 下载原件)
each say they are unavailable for now and to try again, instead of a whole-page 503."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from tests.e2e.ingest.support import ingest, metadata
from tests.fixtures.app import Person, launch_archive_server
from tests.fixtures.s3 import running_seaweedfs, unique_bucket
from tests.support.pages import signed_in
from tests.support.rendering import write_digital_pdf


def test_the_document_page_shows_the_record_and_says_what_waits_for_the_store(
        tmp_path: Path) -> None:
    with running_seaweedfs() as s3:
        server = launch_archive_server(
            tmp_path / "data", s3_endpoint=s3.endpoint, s3_access_key=s3.access_key,
            s3_secret_key=s3.secret_key, s3_bucket=unique_bucket("away"))
        try:
            people = server.clients(Person("wang", "archivist", department="archive"))
            pdf = tmp_path / "letter.pdf"
            write_digital_pdf(pdf, [["业主来函：车库渗漏"]])
            job = ingest(people["wang"], pdf, metadata(title="业主来函（车库渗漏）"))
            assert job["status"] == "done", job
            document = f"/ui/documents/{job['document_id']}"
            with closing(signed_in(server.url, "wang")) as wang:
                before = wang.get(document)
                s3.stop()
                during = wang.get(document)
                history = wang.get(f"{document}/history")
                wang.cookies.set("archive_language", "en")
                english = wang.get(document)
        finally:
            server.server.stop()
    assert before.status_code == 200
    assert "业主来函：车库渗漏" in before.text
    assert during.status_code == 200, during.text[:500]
    assert "业主来函（车库渗漏）" in during.text  # the record, from the registry
    assert "业主来函：车库渗漏" not in during.text
    assert "文字和页面图像暂时无法显示" in during.text
    assert "原件暂时无法下载" in during.text
    assert '" download>下载原件</a>' not in during.text
    assert english.status_code == 200
    assert "The text and page images cannot be shown for now" in english.text
    assert "The original cannot be downloaded for now" in english.text
    assert history.status_code == 200
    assert "文字版本暂时无法显示" in history.text
    assert "首次归档" in history.text  # the record's versions, from the registry
