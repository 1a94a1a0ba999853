"""A person's correction of a page's text (``POST /ingest/documents/{id}/pages/{n}/text``),
as the review page sends it: a new text version with who and why, the OCR's reading kept,
the page out of the review queue, and search finding the corrected word. Two people
correcting one page at once: the second, made from the older text, is refused (409
``page_changed``) and the review page shows the current text beside the typed one.

The server flags every page for review (``low_confidence`` 99.9 is configuration; the
confidences are Tesseract's own), so one small scan makes a queue."""

from __future__ import annotations

import asyncio
import html
import re
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from services.common.objectstore import open_object_store
from services.ingest.models import older_pages_key, text_versions_key
from tests.e2e.ingest.support import digital_pdf, ingest, metadata, scanned_png
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.pages import signed_in
from tests.support.rendering import write_png
from tests.support.waiting import eventually

pytestmark = pytest.mark.ocr

CORRECTED = "业主来函：琥珀色窗帘褪色，请物业处理。"
WORD = "琥珀色窗帘"


server = module_archive_server(ocr_engine="tesseract", low_confidence=99.9)


@pytest.fixture(scope="module")
def token(server: ArchiveServer) -> str:
    return server.add_user("li.archivist", "archivist", clearance="secret")


@pytest.fixture(scope="module")
def filed(server: ArchiveServer, token: str, tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("scans")
    job = ingest(server.client(token), scanned_png(folder, "simplified", lines=2))
    assert job["status"] == "done", job
    return job


def queue(server: ArchiveServer, token: str) -> list[str]:
    answer = server.client(token).get("/registry/documents", params={"needs_review": "true"})
    assert answer.status_code == 200, answer.text
    return [record["document_id"] for record in answer.json()]


def correct(server: ArchiveServer, token: str, document_id: str, number: int,
            body: dict[str, Any]) -> Any:
    return server.client(token).post(
        f"/ingest/documents/{document_id}/pages/{number}/text", json=body)


def current_text(server: ArchiveServer, token: str, document_id: str) -> dict[str, Any]:
    answer = server.client(token).get(f"/ingest/documents/{document_id}/text")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_low_confidence_page_is_in_the_review_queue(
    server: ArchiveServer, token: str, filed: dict[str, Any]
) -> None:
    text = server.client(token).get(f"/ingest/documents/{filed['document_id']}/text").json()
    assert text["pages"][0]["needs_review"] is True
    assert queue(server, token) == [filed["document_id"]]


def test_refusals_are_clean_4xx(server: ArchiveServer, token: str, filed: dict[str, Any],
                                tmp_path: Path) -> None:
    document_id = filed["document_id"]
    unknown = correct(server, token, document_id, 9,
                      {"text": "x", "reason": "校对", "base_version": 1})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_page")
    empty = correct(server, token, document_id, 1, {"text": "x", "reason": "", "base_version": 1})
    assert empty.status_code == 400
    blank = correct(server, token, document_id, 1,
                    {"text": "x", "reason": "\u3000\u200b", "base_version": 1})
    assert (blank.status_code, blank.json()["code"]) == (400, "invalid_request")
    unbased = correct(server, token, document_id, 1, {"text": "x", "reason": "校对"})
    assert unbased.status_code == 400
    assert "base_version" in unbased.json()["detail"]
    staff = server.add_user("wang.staff", "staff")
    assert correct(server, staff, document_id, 1,
                   {"text": "x", "reason": "校对", "base_version": 1}).status_code == 403
    secret = ingest(server.client(token), scanned_png(tmp_path, "traditional", lines=1),
                    metadata(security="secret", title="机密函件"))
    ordinary = server.add_user("zhou.archivist", "archivist")
    hidden = correct(server, ordinary, secret["document_id"], 1,
                     {"text": "x", "reason": "校对", "base_version": 1})
    missing = correct(server, ordinary, "00000000-0000-0000-0000-000000000000", 1,
                      {"text": "x", "reason": "校对", "base_version": 1})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"]
    assert secret["document_id"] not in queue(server, ordinary)
    assert filed["document_id"] in queue(server, ordinary)


def test_a_correction_is_a_new_version_found_by_search_and_leaves_the_queue(
    server: ArchiveServer, token: str, filed: dict[str, Any]
) -> None:
    document_id = filed["document_id"]
    assert current_text(server, token, document_id)["text_version"] == 1
    answer = correct(server, token, document_id, 1,
                     {"text": CORRECTED, "reason": "人工校对", "base_version": 1})

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"document_id": document_id, "number": 1, "text_version": 2,
                             "pages_needing_review": []}
    text = current_text(server, token, document_id)
    page = text["pages"][0]
    assert (page["text"], page["needs_review"], page["confidence"]) == (CORRECTED, False, 100)
    assert text["text_version"] == 2
    assert document_id not in queue(server, token)
    store = open_object_store(server.settings)
    history = asyncio.run(store.read(text_versions_key(filed["sha256"]))).decode().splitlines()
    assert '"recorded_by":"li.archivist"' in history[1]
    assert '"reason":"人工校对"' in history[1]
    kept = asyncio.run(store.read(older_pages_key(filed["sha256"], 1))).decode()
    assert WORD not in kept
    assert '"needs_review":true' in kept
    found = eventually(lambda: server.client(token).get(
        "/search/documents", params={"q": f'"{WORD}"'}).json()["hits"], timeout_s=30,
        interval_s=0.3, what="search did not find the corrected word")
    assert [hit["document_id"] for hit in found] == [document_id]


def test_a_correction_made_from_an_older_text_is_refused_naming_who_changed_the_page(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    filed = ingest(server.client(token), scanned_png(tmp_path, "simplified", lines=3))
    document_id = filed["document_id"]
    wang = server.add_user("wang.archivist", "archivist")
    zhao = server.add_user("zhao.archivist", "archivist")
    seen = current_text(server, zhao, document_id)  # both open the page at version 1
    assert seen["text_version"] == current_text(server, wang, document_id)["text_version"] == 1

    saved = correct(server, wang, document_id, 1,
                    {"text": CORRECTED, "reason": "人工校对", "base_version": 1})
    assert saved.status_code == 200, saved.text
    stale = seen["pages"][0]["text"] + "\n补一行"
    refused = correct(server, zhao, document_id, 1,
                      {"text": stale, "reason": "补充", "base_version": 1})

    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert (problem["code"], problem["changed_by"], problem["text_version"]) == (
        "page_changed", "wang.archivist", 2)
    assert problem["changed_at"]
    assert "wang.archivist" in problem["detail"]
    text = current_text(server, zhao, document_id)
    assert (text["pages"][0]["text"], text["text_version"]) == (CORRECTED, 2)
    # Merged and sent from the version now current, it is accepted.
    merged = correct(server, zhao, document_id, 1,
                     {"text": CORRECTED + "\n补一行", "reason": "补充", "base_version": 2})
    assert merged.status_code == 200, merged.text
    assert merged.json()["text_version"] == 3


def test_a_change_to_another_page_meanwhile_is_no_conflict(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    filed = ingest(server.client(token), digital_pdf(tmp_path, pages=2))
    document_id = filed["document_id"]
    first = correct(server, token, document_id, 1,
                    {"text": "第一页", "reason": "人工校对", "base_version": 1})
    second = correct(server, token, document_id, 2,
                     {"text": "第二页", "reason": "人工校对", "base_version": 1})
    assert (first.status_code, second.status_code) == (200, 200), second.text
    text = current_text(server, token, document_id)
    assert [page["text"] for page in text["pages"]] == ["第一页", "第二页"]
    assert text["text_version"] == 3


def _review_form(page: str) -> dict[str, str]:
    """The review page's form fields as the browser would send them back."""
    form = re.search(r'<form method="post" action="/ui/review".*?</form>', page, re.S)
    assert form is not None, page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                             form.group(0)))
    typed = re.search(r'<textarea id="text" name="text"[^>]*>(.*?)</textarea>', form.group(0),
                      re.S)
    assert typed is not None
    return fields | {"text": html.unescape(typed.group(1)), "reason": "人工校对"}


def test_the_review_page_refused_shows_the_current_text_and_keeps_the_typed_one(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    filed = ingest(server.client(token), scanned_png(tmp_path, "traditional", lines=2))
    document_id = filed["document_id"]
    server.add_user("sun.archivist", "archivist")
    server.add_user("qian.archivist", "archivist")
    address = f"/ui/review?document={document_id}&page=1"
    with closing(signed_in(server.url, "sun.archivist")) as sun, \
            closing(signed_in(server.url, "qian.archivist")) as qian:
        sun_form, qian_form = _review_form(sun.get(address).text), \
            _review_form(qian.get(address).text)
        assert sun_form["base_version"] == qian_form["base_version"] == "1"
        saved = sun.post("/ui/review", data=sun_form | {"text": CORRECTED})
        assert saved.status_code == 303, saved.text
        typed = qian_form["text"] + "\n钱的补充"
        refused = qian.post("/ui/review", data=qian_form | {"text": typed})

    assert refused.status_code == 422
    page = refused.text
    alert = re.search(r'<p class="refusal" role="alert" id="problem">(.*?)</p>', page, re.S)
    assert alert is not None
    assert "你编辑期间，sun.archivist 于" in alert.group(1)
    assert "你的文字没有保存" in alert.group(1)
    current = re.search(r'<textarea id="current-text" rows="8" readonly>(.*?)</textarea>',
                        page, re.S)
    assert current is not None
    assert html.unescape(current.group(1)) == CORRECTED
    assert _review_form(page)["text"] == typed
    assert _review_form(page)["base_version"] == "2"  # saving the merge again is accepted


def test_a_corrected_page_keeps_the_boxes_of_its_unchanged_words(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    filed = ingest(server.client(token), scanned_png(tmp_path, "simplified", lines=4))
    client = server.client(token)
    page = f"/ingest/documents/{filed['document_id']}/pages/1"
    read = client.get(f"{page}/boxes").json()["boxes"]
    text = current_text(server, token, filed["document_id"])["pages"][0]["text"].rstrip()
    assert len(read) >= 2, read
    # One character corrected, the page's last: the Tesseract word it is in loses its box.
    answer = correct(server, token, filed["document_id"], 1,
                     {"text": text[:-1] + "Ж", "reason": "人工校对", "base_version": 1})
    assert answer.status_code == 200, answer.text

    kept = client.get(f"{page}/boxes").json()["boxes"]
    assert kept == read[:-1]
    assert kept[0]["start"] == 0


def test_a_correction_that_empties_a_read_page_is_refused_saying_what_to_write(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    """Deleting a page's reading would leave it looking unread (the document page calls a
    page without text possibly blank) and unfindable: 422 ``empty_text``, and the review
    page says to write what the page says, 空白页 for a blank one."""
    filed = ingest(server.client(token), scanned_png(tmp_path, "simplified", lines=1))
    document_id = filed["document_id"]
    read = current_text(server, token, document_id)["pages"][0]["text"]
    assert read.strip()

    emptied = correct(server, token, document_id, 1,
                      {"text": "  \n ", "reason": "校对", "base_version": 1})
    with closing(signed_in(server.url, "li.archivist")) as browser:
        form = _review_form(browser.get("/ui/review", params={"document": document_id,
                                                              "page": 1}).text)
        refused = browser.post("/ui/review", data=form | {"text": "\r\n  "})

    assert (emptied.status_code, emptied.json()["code"]) == (422, "empty_text")
    assert refused.status_code == 422
    assert "页面文字不能删空" in refused.text
    assert "空白页" in refused.text
    assert _review_form(refused.text)["text"] == read
    text = current_text(server, token, document_id)
    assert (text["text_version"], text["pages"][0]["text"]) == (1, read)


def test_a_page_the_ocr_read_nothing_on_may_be_confirmed_empty(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    blank = write_png(tmp_path / "blank.png", Image.new("RGB", (1240, 1754), "white"))
    filed = ingest(server.client(token), blank)
    assert filed["status"] == "done", filed
    assert current_text(server, token, filed["document_id"])["pages"][0]["text"] == ""

    confirmed = correct(server, token, filed["document_id"], 1,
                        {"text": "", "reason": "空白页，已核对", "base_version": 1})

    assert confirmed.status_code == 200, confirmed.text
    assert filed["document_id"] not in queue(server, token)


def test_every_reader_of_the_text_sees_its_versions_and_reads_the_ocrs_own(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    """D6: a correction leaves the OCR's reading as it was; another archivist (who sees
    only their own audit entries) lists both versions, the second by the corrector and
    why, and reads the first as the OCR read it."""
    filed = ingest(server.client(token), scanned_png(tmp_path, "traditional", lines=3))
    document_id = filed["document_id"]
    read = current_text(server, token, document_id)["pages"][0]["text"]
    saved = correct(server, token, document_id, 1,
                    {"text": CORRECTED, "reason": "窗帘二字识别错误", "base_version": 1})
    assert saved.status_code == 200, saved.text
    other = server.client(server.add_user("he.archivist", "archivist"))

    listed = other.get(f"/ingest/documents/{document_id}/text/versions")

    assert listed.status_code == 200, listed.text
    first, second = listed.json()["versions"]
    assert (first["version"], first["made_by"], first["engine"], first["current"]) == (
        1, "filing", "tesseract", False)
    assert first["recorded_by"] == "li.archivist"  # who filed it: the filing's reading
    assert first["recorded_at"]
    assert (second["version"], second["made_by"], second["engine"], second["recorded_by"],
            second["reason"], second["current"]) == (
        2, "correction", None, "li.archivist", "窗帘二字识别错误", True)
    assert second["recorded_at"]
    older = other.get(f"/ingest/documents/{document_id}/text", params={"version": 1})
    assert older.status_code == 200, older.text
    assert (older.json()["text_version"], older.json()["pages"][0]["text"]) == (1, read)
    now = other.get(f"/ingest/documents/{document_id}/text", params={"version": 2}).json()
    assert now["pages"][0]["text"] == CORRECTED
    never = other.get(f"/ingest/documents/{document_id}/text", params={"version": 3})
    assert (never.status_code, never.json()["code"]) == (404, "unknown_text_version")


def test_a_text_version_stored_with_a_blank_reason_before_the_rule_is_still_listed(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    """A correction's reason of blanks alone could be kept before such reasons were
    refused: the text's versions still list, on the API and the document's history."""
    filed = ingest(server.client(token), digital_pdf(tmp_path, pages=1))
    saved = correct(server, token, filed["document_id"], 1,
                    {"text": CORRECTED, "reason": "人工校对", "base_version": 1})
    assert saved.status_code == 200, saved.text
    store = open_object_store(server.settings)
    key = text_versions_key(filed["sha256"])
    kept = asyncio.run(store.read(key)).replace('"人工校对"'.encode(), b'"\\u3000"')
    asyncio.run(store.put_bytes(key, kept))

    listed = server.client(token).get(f"/ingest/documents/{filed['document_id']}/text/versions")
    with closing(signed_in(server.url, "li.archivist")) as page:
        history = page.get(f"/ui/documents/{filed['document_id']}/history")

    assert listed.status_code == 200, listed.text
    assert [v["reason"] for v in listed.json()["versions"]][1:] == ["\u3000"]
    assert history.status_code == 200, history.text


def test_a_text_never_revised_has_one_version_the_filings_reading(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    filed = ingest(server.client(token), digital_pdf(tmp_path, pages=3))
    listed = server.client(token).get(f"/ingest/documents/{filed['document_id']}/text/versions")
    assert listed.status_code == 200, listed.text
    [only] = listed.json()["versions"]
    assert (only["version"], only["made_by"], only["engine"], only["current"]) == (
        1, "filing", None, True)


def test_who_may_not_read_the_text_is_refused_its_versions_as_the_text(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    secret = ingest(server.client(token), scanned_png(tmp_path, "traditional", lines=4),
                    metadata(security="secret", title="机密来函"))
    document_id = secret["document_id"]
    ordinary = server.client(server.add_user("feng.archivist", "archivist"))

    text = ordinary.get(f"/ingest/documents/{document_id}/text")
    versions = ordinary.get(f"/ingest/documents/{document_id}/text/versions")
    older = ordinary.get(f"/ingest/documents/{document_id}/text", params={"version": 1})

    assert text.status_code == versions.status_code == older.status_code == 404
    assert versions.json()["code"] == older.json()["code"] == text.json()["code"]
    assert "机密" not in versions.text


def test_the_document_pages_history_shows_a_correction_to_another_reader_and_the_ocrs_text(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    """The tester's case: corrected on the review page, the document page's history shows
    another archivist the correction (who, why) and the OCR's first reading, read-only."""
    filed = ingest(server.client(token), scanned_png(tmp_path, "simplified", lines=5))
    document_id = filed["document_id"]
    read = current_text(server, token, document_id)["pages"][0]["text"]
    server.add_user("shen.archivist", "archivist")
    server.add_user("tang.archivist", "archivist")
    review = f"/ui/review?document={document_id}&page=1"
    with closing(signed_in(server.url, "shen.archivist")) as shen, \
            closing(signed_in(server.url, "tang.archivist")) as tang:
        form = _review_form(shen.get(review).text)
        saved = shen.post("/ui/review", data=form | {"text": CORRECTED,
                                                     "reason": "窗帘二字识别错误"})
        assert saved.status_code == 303, saved.text
        history = tang.get(f"/ui/documents/{document_id}/history")
        older = tang.get(f"/ui/documents/{document_id}/text/versions/1")
        current = tang.get(f"/ui/documents/{document_id}/text/versions/2",
                           follow_redirects=False)
        never = tang.get(f"/ui/documents/{document_id}/text/versions/9")
        zeroth = tang.get(f"/ui/documents/{document_id}/text/versions/0")

    assert history.status_code == 200, history.text
    rows = re.search(r'id="text-versions">.*?<tbody[^>]*>(.*?)</tbody>', history.text, re.S)
    assert rows is not None, history.text
    cells = [[re.sub(r"<[^>]+>", "", cell).strip()
              for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in re.findall(r"<tr[^>]*>(.*?)</tr>", rows.group(1), re.S)]
    assert [[row[0], row[1], row[3], row[4], row[5]] for row in cells] == [
        ["2", "人工校对", "shen.archivist", "窗帘二字识别错误", "当前文字"],
        ["1", "归档时识别（Tesseract）", "li.archivist", "归档时自动识别", "查看第 1 版文字"]]
    assert older.status_code == 200, older.text
    assert "是旧版本，只供查看；现在的文字是第 2 版" in older.text
    shown = re.findall(r'<p class="text"[^>]*>(.*?)</p>', older.text, re.S)
    assert [html.unescape(re.sub(r"<[^>]+>", "", text)) for text in shown] == [read]
    assert CORRECTED not in older.text
    assert (current.status_code, current.headers["location"]) == (
        302, f"/ui/documents/{document_id}")
    assert never.status_code == 404
    assert zeroth.status_code == 404  # versions count from 1 (it answered 400)
