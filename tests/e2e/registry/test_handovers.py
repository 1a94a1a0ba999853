"""O1 end to end, on SQLite with the directory store and on PostgreSQL with SeaweedFS S3:
a handover (移交) from a service centre signed by both sides in their own sessions, the
transfer list read back from its PDF (two copies) and CSV; a transfer out (移出) exported
as a BagIt bag the ``bagit`` library validates, its originals' hashes the catalogue's, the
documents ``transferred`` and gone from search; the yearly statistics count both."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tarfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import bagit
import httpx
import msgspec
import pypdfium2
import pytest

from services.cli.client import Api
from services.cli.transfer import export
from services.common.contracts.operations import Transfer
from services.common.objectstore import CHUNK_BYTES, original_key
from tests.e2e.retention.conftest import BACKENDS, served_on
from tests.e2e.retention.support import Archive
from tests.fixtures.app import PASSWORD
from tests.support.pages import signed_in
from tests.support.processes import run_client
from tests.support.waiting import eventually

CENTRE = "第一客户服务中心"
ARCHIVE_ROOM = {"building": "A", "room": "档案室", "cabinet": "C-03", "box": "2030-01"}


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Archive]:
    with served_on(request, tmp_path_factory, "handovers") as opened:
        # The service centre's clerk who hands files over (移交人).
        opened.server.add_user("chen", "staff", clearance="secret",
                               department="customer_service")
        yield opened


def _post(archive: Archive, username: str, path: str, body: dict[str, Any]
          ) -> tuple[int, Any]:
    with archive.as_(username) as client:
        response = client.post(path, json=body)
    return response.status_code, response.json()


def _get(archive: Archive, reader: str, path: str, **params: Any) -> Any:
    with archive.as_(reader) as client:
        response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response


def _year(archive: Archive) -> dict[str, Any]:
    report: dict[str, Any] = _get(archive, "qian", "/registry/statistics", year=2030).json()
    return report


def _handover(archive: Archive, documents: list[dict[str, Any]], household: str
              ) -> dict[str, Any]:
    status, body = _post(archive, "wang", "/registry/handovers", {
        "service_centre": CENTRE, "handed_over_by": "chen", "received_by": "sun",
        "households": [household], "documents": [documents[-1]["document_id"]],
        "location": ARCHIVE_ROOM})
    assert status == 201, body
    return dict(body)


def test_a_handover_signed_by_both_sides_completes_and_moves_the_paper(archive: Archive
                                                                       ) -> None:
    before = _year(archive)
    mine = [archive.file(household="A-1301", title=f"入住资料 {n}") for n in (1, 2)]
    other = archive.file(household="A-1302", title="=HYPERLINK(\"x\") 装修申请")
    created = _handover(archive, [*mine, other], "A-1301")
    assert created["status"] == "awaiting_signatures"
    assert {item["document_id"] for item in created["items"]} == {
        d["document_id"] for d in [*mine, other]}
    handover = f"/registry/handovers/{created['handover_id']}"

    status, refused = _post(archive, "chen", f"{handover}/sign", {"password": "wrong"})
    assert (status, refused["code"]) == (403, "wrong_password")
    status, refused = _post(archive, "wang", f"{handover}/sign", {"password": PASSWORD})
    assert (status, refused["code"]) == (403, "not_a_signer")

    status, signed = _post(archive, "chen", f"{handover}/sign",
                           {"password": PASSWORD, "digest": created["digest"]})
    assert (status, signed["status"]) == (200, "awaiting_signatures"), signed
    listed = {h["handover_id"]: h for h in _get(archive, "qian", "/registry/handovers").json()}
    assert listed[created["handover_id"]]["signed"] == ["handing"]
    status, signed = _post(archive, "sun", f"{handover}/sign", {"password": PASSWORD})
    assert (status, signed["status"]) == (200, "completed"), signed
    assert [(s["username"], s["side"]) for s in signed["signatures"]] == [
        ("chen", "handing"), ("sun", "receiving")]
    status, again = _post(archive, "sun", f"{handover}/sign", {"password": PASSWORD})
    assert (status, again["code"]) == (409, "invalid_transition")

    record = _get(archive, "wang", f"/registry/documents/{other['document_id']}").json()
    assert record["location"] == ARCHIVE_ROOM
    history = _get(archive, "wang", f"/registry/documents/{other['document_id']}/history")
    assert "移交" in history.text
    trail = _get(archive, "qian", "/registry/audit", username="sun").json()
    assert {"handover_signed", "handover_completed"} <= {e["action"] for e in trail}

    after = _year(archive)
    assert after["handed_over"]["handovers"] == before["handed_over"]["handovers"] + 1
    assert after["handed_over"]["documents"] == before["handed_over"]["documents"] + 3


def test_the_transfer_list_prints_two_copies_with_both_signatures(archive: Archive) -> None:
    documents = [archive.file(household="A-1303", title="缴费记录")]
    created = _handover(archive, documents, "A-1303")
    path = f"/registry/handovers/{created['handover_id']}"
    for username in ("chen", "sun"):
        assert _post(archive, username, f"{path}/sign", {"password": PASSWORD})[0] == 200

    # The receiver's account has a full name (姓名); the giver's has none.
    with archive.server.client(archive.server.add_user("root.names", "admin")) as client:
        named = client.patch("/registry/users/sun", json={"full_name": "孙丽"})
    assert named.status_code == 200, named.text

    content = _get(archive, "chen", f"{path}/transfer-list.pdf").content
    pdf = pypdfium2.PdfDocument(content)
    pages = [pdf[n].get_textpage().get_text_range() for n in range(len(pdf))]
    copies = [text for text in pages if "档案移交清单" in text]
    assert len(copies) == 2
    for text in copies:
        assert documents[0]["archive_no"] in text
        assert "移交人：chen" in text
        assert "接收人：孙丽（sun）" in text
        assert text.count("已签字") == 2
    assert "第一联" in copies[0]
    assert "第二联" in copies[1]

    raw = _get(archive, "sun", f"{path}/transfer-list.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "档号", "题名"]
    assert [row[1] for row in rows[1:]] == [documents[0]["archive_no"]]


def test_the_same_handover_drawn_up_twice_at_once_is_drawn_up_once(archive: Archive
                                                                     ) -> None:
    """A double click on the form's button, or a retry: one handover awaits signatures."""
    archive.file(household="A-1306")
    body = {"service_centre": CENTRE, "handed_over_by": "chen", "received_by": "sun",
            "households": ["A-1306"], "location": ARCHIVE_ROOM}
    before = len(_get(archive, "wang", "/registry/handovers").json())
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: _post(archive, "wang", "/registry/handovers", body),
                                range(2)))
    (made,) = [answer for status, answer in answers if status == 201]
    (refused,) = [answer for status, answer in answers if status == 409]
    after = len(_get(archive, "wang", "/registry/handovers").json())
    assert (refused["code"], refused["handover_id"]) == ("handover_exists", made["handover_id"])
    assert after == before + 1


def test_the_handover_form_sent_twice_opens_the_one_drawn_up(archive: Archive) -> None:
    archive.file(household="A-1307")
    form = {"service_centre": CENTRE, "handed_over_by": "chen", "received_by": "sun",
            "households": "A-1307", "note": "", **ARCHIVE_ROOM}
    with closing(signed_in(archive.server.url, "wang")) as browser:
        sent = [browser.post("/ui/handovers", data={
            "_csrf_token": browser.cookies["archive_csrf"], **form}) for _ in range(2)]
    assert [answer.status_code for answer in sent] == [303, 303]
    assert sent[0].headers["location"] == sent[1].headers["location"]
    assert sent[0].headers["location"].endswith("?done=created")


def test_the_handover_form_names_the_unit_code_typed_that_is_no_household(
        archive: Archive) -> None:
    """Of several households typed, the one that is none is named, so the archivist
    knows which line to correct rather than checking them all."""
    archive.file(household="A-1309")
    form = {"service_centre": CENTRE, "handed_over_by": "chen", "received_by": "sun",
            "households": "A-1309\nZ-9909", "note": "", **ARCHIVE_ROOM}
    with closing(signed_in(archive.server.url, "wang")) as browser:
        refused = browser.post("/ui/handovers", data={
            "_csrf_token": browser.cookies["archive_csrf"], **form})
    assert refused.status_code == 422
    assert "户号 Z-9909 不存在" in refused.text
    status, answer = _post(archive, "wang", "/registry/handovers", {
        "service_centre": CENTRE, "handed_over_by": "chen", "received_by": "sun",
        "households": ["A-1309", "Z-9909"]})
    assert (status, answer["code"], answer["household"]) == (404, "unknown_household",
                                                             "Z-9909")


def test_a_handover_needs_two_people_and_an_archivist_receiving(archive: Archive) -> None:
    document = archive.file(household="A-1304")
    body = {"service_centre": CENTRE, "documents": [document["document_id"]]}
    status, refused = _post(archive, "wang", "/registry/handovers",
                            {**body, "handed_over_by": "sun", "received_by": "sun"})
    assert (status, refused["code"]) == (422, "same_person")
    status, refused = _post(archive, "wang", "/registry/handovers",
                            {**body, "handed_over_by": "sun", "received_by": "chen"})
    assert (status, refused["code"]) == (422, "receiver_not_archivist")
    status, refused = _post(archive, "li", "/registry/handovers",
                            {**body, "handed_over_by": "chen", "received_by": "sun"})
    assert status == 403


def _archive(archive: Archive, *args: str, cwd: Path, user: str = "wang",
             stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``archive`` as ``user`` (default wang, the archivist) against the server."""
    return run_client(archive.server.url, archive.server.tokens[user], *args, cwd=cwd,
                      stdin=stdin, timeout_s=300)


def test_archive_handover_draws_up_signs_and_prints(archive: Archive, tmp_path: Path
                                                    ) -> None:
    document = archive.file(household="A-1305", title="联络资料")
    # Both sides have full names (姓名): the terminal names them as the papers do (sun
    # is named as the transfer list's test names him; gao is this test's own).
    archive.server.add_user("gao", "staff", clearance="secret", department="customer_service")
    with archive.server.client(archive.server.add_user("root.cli", "admin")) as client:
        for username, name in (("gao", "高明"), ("sun", "孙丽")):
            client.patch(f"/registry/users/{username}",
                         json={"full_name": name}).raise_for_status()
    run = _archive(archive, "handover", "create", "--centre", CENTRE, "--from", "gao",
                   "--to", "sun", "--household", "A-1305", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert ": 1 document, awaiting the signatures of 高明（gao） and 孙丽（sun）" in run.stdout
    handover_id = run.stdout.split()[1].rstrip(":")
    told = []
    for user in ("gao", "gao", "sun"):
        run = _archive(archive, "handover", "sign", handover_id, "--password-stdin",
                       cwd=tmp_path, user=user, stdin=PASSWORD + "\n")
        assert run.returncode == 0, run.stdout + run.stderr
        told.append(run.stdout.strip())
    assert told == [
        "signed; the handover awaits the signature of 孙丽（sun）, receiving (接收人)",
        "you had already signed this handover; your signature is renewed for its items as "
        "they are now; the handover awaits the signature of 孙丽（sun）, receiving (接收人)",
        "signed; the handover is complete (已完成): both sides have signed"]
    run = _archive(archive, "handover", "sign", handover_id, "--password-stdin",
                   cwd=tmp_path, user="sun", stdin=PASSWORD + "\n")
    assert run.returncode == 1
    assert "the handover is complete: both sides have signed it" in run.stderr
    run = _archive(archive, "handover", "print", handover_id, "--out",
                   str(tmp_path / "list.csv"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert document["archive_no"] in (tmp_path / "list.csv").read_text(encoding="utf-8-sig")


def _found(archive: Archive, household: str) -> int:
    total: int = _get(archive, "wang", "/search/documents", q="卫生间漏水",
                      household=household).json()["total"]
    return total


def test_a_transfer_out_is_a_valid_bag_and_leaves_search(archive: Archive, tmp_path: Path
                                                         ) -> None:
    before = _year(archive)
    documents = [archive.file(household="A-1401", title=f"维修记录 {n}") for n in (1, 2)]
    eventually(lambda: _found(archive, "A-1401") == 2, what="search did not index the file")

    bag_dir = tmp_path / "bag"
    run = _archive(archive, "transfer", "--household", "A-1401", "--to", "新物业公司档案室",
                   "--reason", "业主更换物业", "--out", str(bag_dir),
                   "--source-organization", "测试物业", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 documents to 新物业公司档案室" in run.stdout

    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert bag.info["Source-Organization"] == "测试物业"
    assert bag.info["Document-Count"] == "2"
    for document in documents:
        folder = f"data/{document['archive_no']}"
        originals = [path for path in bag.entries if path.startswith(f"{folder}/original")]
        assert [bag.entries[path]["sha256"] for path in originals] == [document["sha256"]]
        assert f"{folder}/metadata.json" in bag.entries
        assert f"{folder}/metadata.csv" in bag.entries
        text = (bag_dir / folder / "pages" / "0001.txt").read_text()
        assert "卫生间漏水" in text
        record = _get(archive, "wang", f"/registry/documents/{document['document_id']}").json()
        assert record["status"] == "transferred"

    eventually(lambda: _found(archive, "A-1401") == 0, what="search still finds them")
    after = _year(archive)
    assert after["transferred_out"]["total"] == before["transferred_out"]["total"] + 2
    assert after["holdings"]["total"] == before["holdings"]["total"]

    run = _archive(archive, "transfer", "--document", documents[0]["document_id"], "--to",
                   "x", "--reason", "y", "--out", str(tmp_path / "again"), cwd=tmp_path)
    assert run.returncode == 1
    assert "already_transferred" in run.stderr
    assert not (tmp_path / "again").exists()


def test_a_document_with_nothing_extracted_goes_into_the_bag_without_page_texts(
        archive: Archive, tmp_path: Path) -> None:
    document = archive.file(household="A-1405", text=None)
    run = _archive(archive, "transfer", "--document", document["document_id"], "--to", "业主",
                   "--reason", "业主自管", "--out", str(tmp_path / "bag"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()
    folder = f"data/{document['archive_no']}"
    [original] = [path for path in bag.entries if path.startswith(f"{folder}/original")]
    assert bag.entries[original]["sha256"] == document["sha256"]
    assert not [path for path in bag.entries if path.startswith(f"{folder}/pages/")]


def test_an_interrupted_export_is_written_again_from_the_recorded_transfer(
        archive: Archive, tmp_path: Path) -> None:
    transfer = _transferred(archive, [archive.file(household="A-1402")])
    bag_dir = _exported(archive, transfer, tmp_path / "bag")
    bagit.Bag(str(bag_dir)).validate()
    run = _archive(archive, "transfer", "--id", transfer["transfer_id"],
                   "--out", str(tmp_path / "again"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    again = bagit.Bag(str(tmp_path / "again"))
    again.validate()
    assert again.payload_entries() == bagit.Bag(str(bag_dir)).payload_entries()


def test_an_original_larger_than_a_download_chunk_is_written_whole(archive: Archive,
                                                                   tmp_path: Path) -> None:
    content = b"%PDF-1.7\n" + os.urandom(4 * CHUNK_BYTES + 12_345)
    document = archive.file(household="A-1403", content=content)
    bag_dir = _exported(archive, _transferred(archive, [document]), tmp_path / "bag")
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    [original] = [path for path in bag.entries
                  if path.startswith(f"data/{document['archive_no']}/original")]
    assert bag.entries[original]["sha256"] == document["sha256"]
    assert (bag_dir / original).read_bytes() == content  # validate() checked Payload-Oxum


def test_a_transfer_out_refuses_unknown_households_and_non_archivists(archive: Archive
                                                                      ) -> None:
    body = {"recipient": "新物业公司档案室", "reason": "业主更换物业"}
    status, refused = _post(archive, "wang", "/registry/transfers",
                            {**body, "household": "Z-9999"})
    assert (status, refused["code"]) == (404, "unknown_household")
    status, _ = _post(archive, "qian", "/registry/transfers", {**body, "household": "A-1301"})
    assert status == 403
    confidential = archive.file(household="A-1403", security="confidential")
    status, refused = _post(archive, "wang", "/registry/transfers",
                            {**body, "household": "A-1403"})
    assert (status, refused["code"]) == (403, "not_downloadable")
    record = _get(archive, "wang", f"/registry/documents/{confidential['document_id']}")
    assert record.json()["status"] == "active"


def test_archive_transfer_names_the_documents_it_must_leave_out(archive: Archive,
                                                                 tmp_path: Path) -> None:
    archive.file(household="A-1406")
    confidential = archive.file(household="A-1406", security="confidential")
    transfer = ("transfer", "--household", "A-1406", "--to", "新物业公司档案室",
                "--reason", "业主更换物业")
    run = _archive(archive, *transfer, "--out", str(tmp_path / "bag"), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"(not_downloadable): {confidential['archive_no']}" in run.stderr
    held = archive.file(household="A-1407")
    status, _ = _post(archive, "qian", "/registry/holds",
                      {"reason": "诉讼保全", "documents": [held["document_id"]]})
    assert status == 201
    run = _archive(archive, "transfer", "--household", "A-1407", *transfer[3:],
                   "--out", str(tmp_path / "bag"), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"(on_hold): {held['archive_no']}" in run.stderr
    assert not (tmp_path / "bag").exists()


def _bag_url(transfer: dict[str, Any]) -> str:
    return f"/ui/handovers/transfers/{transfer['transfer_id']}/bag.tar"


def _transferred(archive: Archive, documents: list[dict[str, Any]]) -> dict[str, Any]:
    status, transfer = _post(archive, "wang", "/registry/transfers", {
        "documents": [document["document_id"] for document in documents],
        "recipient": "新物业公司档案室", "reason": "业主更换物业"})
    assert status == 201, transfer
    return transfer


def _exported(archive: Archive, transfer: dict[str, Any], out: Path) -> Path:
    """The bag of ``transfer`` as the CLI's export writes it for wang, the archivist."""
    with Api(archive.server.url, archive.server.tokens["wang"]) as api:
        return export(api, msgspec.convert(transfer, Transfer), out,
                      source_organization="测试物业")


def test_an_archivist_downloads_the_transfers_bag_from_the_pages(archive: Archive,
                                                                 tmp_path: Path) -> None:
    large = b"%PDF-1.7\n" + os.urandom(4 * CHUNK_BYTES + 12_345)
    documents = [archive.file(household="A-1404", content=large),
                 archive.file(household="A-1404", title="入住资料登记表")]
    transfer = _transferred(archive, documents)
    saved = tmp_path / "bag.tar"
    with closing(signed_in(archive.server.url, "wang")) as browser, \
            browser.stream("GET", _bag_url(transfer)) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"] == "application/x-tar"
        name = f"transfer-{transfer['transfer_id']}"
        assert response.headers["content-disposition"] == f'attachment; filename="{name}.tar"'
        with saved.open("wb") as out:
            for piece in response.iter_raw():
                out.write(piece)
    with tarfile.open(saved) as tar:
        assert {member.split("/")[0] for member in tar.getnames()} == {name}
        tar.extractall(tmp_path, filter="data")
    bag = bagit.Bag(str(tmp_path / name))
    bag.validate()
    assert bag.info["External-Identifier"] == transfer["transfer_id"]
    assert bag.info["Document-Count"] == "2"
    for document in documents:
        folder = f"data/{document['archive_no']}"
        [original] = [path for path in bag.entries if path.startswith(f"{folder}/original")]
        assert bag.entries[original]["sha256"] == document["sha256"]
        assert "卫生间漏水" in (tmp_path / name / folder / "pages" / "0001.txt").read_text()
    [first] = [path for path in bag.entries
               if path.startswith(f"data/{documents[0]['archive_no']}/original")]
    assert (tmp_path / name / first).read_bytes() == large

    # Who may not write a bag gets the pages' not-found, as for a transfer that is not.
    for reader in ("zhao", "li"):  # the director reads transfers; a clerk reads none
        with closing(signed_in(archive.server.url, reader)) as browser:
            refused = browser.get(_bag_url(transfer))
        assert refused.status_code == 404, reader
        assert "没有找到" in refused.text
    with closing(signed_in(archive.server.url, "wang")) as browser:
        assert browser.get(_bag_url({"transfer_id": "no-such-transfer"})).status_code == 404


def test_a_transfer_out_prints_its_list_for_both_sides_to_sign_from_the_pages(
        archive: Archive) -> None:
    """O1: paper that leaves the archive is signed for, as a handover is: the list of a
    transfer out, two copies, each naming the recipient and the reason, listing the
    documents and leaving a line for each side to sign; linked from the handovers page."""
    documents = [archive.file(household="A-1408", title="二装审批表")]
    transfer = _transferred(archive, documents)
    url = f"/ui/handovers/transfers/{transfer['transfer_id']}/transfer-list.pdf"
    with closing(signed_in(archive.server.url, "zhao")) as browser:
        assert url in browser.get("/ui/handovers").text
        printed = browser.get(url)
    assert printed.status_code == 200, printed.text
    assert printed.headers["content-type"] == "application/pdf"
    pages = [" ".join(page.get_textpage().get_text_range().split())
             for page in pypdfium2.PdfDocument(printed.content)]
    assert len(pages) == 2
    for page, copy in zip(pages, ("第一联：档案室留存", "第二联：接收单位留存"), strict=True):
        assert copy in page
        assert "接收单位：新物业公司档案室" in page
        assert "移出原因：业主更换物业" in page
        assert documents[0]["archive_no"] in page
        assert "移出经办人：" in page
        assert "接收单位（新物业公司档案室）接收人：" in page
    with closing(signed_in(archive.server.url, "zhao")) as browser:
        missing = browser.get("/ui/handovers/transfers/no-such-transfer/transfer-list.pdf")
    assert missing.status_code == 404


# Bit rot is simulated in the directory store's files; an S3 bucket with Object Lock lets
# no test alter an original.
@pytest.mark.parametrize("archive", ["sqlite-directory"], indirect=True)
def test_an_original_not_the_catalogues_ends_the_download_unfinished(archive: Archive
                                                                    ) -> None:
    document = archive.file(household="A-1406")
    transfer = _transferred(archive, [document])
    stored = archive.server.settings.data_dir / "objects" / "data" / original_key(
        document["sha256"])
    stored.chmod(0o644)  # the same size, one byte changed: as bit rot leaves it
    stored.write_bytes(stored.read_bytes().replace(b"%PDF", b"%PDX"))
    received: list[bytes] = []
    with closing(signed_in(archive.server.url, "wang")) as browser, \
            browser.stream("GET", _bag_url(transfer)) as response:
        assert response.status_code == 200
        with pytest.raises(httpx.HTTPError):  # the body ends without its last chunk
            received.extend(response.iter_raw())
    assert received  # the original's tar entry had started
    assert b"manifest-sha256.txt" not in b"".join(received)
    assert b"bagit.txt" not in b"".join(received)


def test_an_archivist_cancels_an_unsigned_handover_with_a_reason_audited(archive: Archive
                                                                          ) -> None:
    created = _handover(archive, [archive.file(household="A-1501")], "A-1501")
    path = f"/registry/handovers/{created['handover_id']}"
    assert _post(archive, "chen", f"{path}/sign", {"password": PASSWORD})[0] == 200
    for someone in ("chen", "zhou", "qian"):  # a signer, a creator, an auditor: no archivist
        status, _ = _post(archive, someone, f"{path}/cancel", {"reason": "移交人已离职"})
        assert status == 403, someone
    status, refused = _post(archive, "wang", f"{path}/cancel", {"reason": "   "})
    assert (status, refused["code"]) == (400, "invalid_request")  # as an empty one

    status, cancelled = _post(archive, "wang", f"{path}/cancel", {"reason": "移交人已离职"})
    assert status == 200, cancelled
    assert (cancelled["status"], cancelled["cancelled_by"], cancelled["cancel_reason"]) == (
        "cancelled", "wang", "移交人已离职")
    assert cancelled["cancelled_at"]
    assert _get(archive, "qian", path).json()["status"] == "cancelled"
    listed = {h["handover_id"]: h for h in _get(archive, "qian", "/registry/handovers").json()}
    assert listed[created["handover_id"]]["status"] == "cancelled"
    for move, body in (("cancel", {"reason": "again"}), ("sign", {"password": PASSWORD})):
        status, refused = _post(archive, "sun" if move == "sign" else "wang",
                                f"{path}/{move}", body)
        assert (status, refused["code"]) == (409, "invalid_transition"), move

    trail = _get(archive, "qian", "/registry/audit", username="wang").json()
    [entry] = [e for e in trail if e["action"] == "handover_cancelled"
               and e["detail"]["handover_id"] == created["handover_id"]]
    assert entry["detail"]["reason"] == "移交人已离职"
    assert entry["detail"]["signed"] == ["handing"]


def test_a_completed_handover_is_not_cancelled(archive: Archive) -> None:
    created = _handover(archive, [archive.file(household="A-1502")], "A-1502")
    path = f"/registry/handovers/{created['handover_id']}"
    for username in ("chen", "sun"):
        assert _post(archive, username, f"{path}/sign", {"password": PASSWORD})[0] == 200
    status, refused = _post(archive, "wang", f"{path}/cancel", {"reason": "清单有误"})
    assert (status, refused["code"]) == (409, "invalid_transition")
    assert _get(archive, "qian", path).json()["status"] == "completed"


def test_the_handover_page_cancels_with_a_reason_and_then_shows_who_when_and_why(
        archive: Archive) -> None:
    created = _handover(archive, [archive.file(household="A-1503")], "A-1503")
    page = f"/ui/handovers/{created['handover_id']}"
    with closing(signed_in(archive.server.url, "wang")) as browser:
        assert 'action="' + page + '/cancel"' in browser.get(page).text
        csrf = browser.cookies["archive_csrf"]
        refused = browser.post(f"{page}/cancel", data={"_csrf_token": csrf, "reason": " "})
        assert refused.status_code == 303
        assert refused.headers["location"] == f"{page}?refused=reason_required&at=cancel"
        assert "请写明取消这次移交的原因" in browser.get(refused.headers["location"]).text
        done = browser.post(f"{page}/cancel", data={"_csrf_token": csrf,
                                                    "reason": "接收人调岗"})
        assert done.headers["location"] == f"{page}?done=cancelled"
        shown = browser.get(done.headers["location"]).text
    assert "移交已取消。" in shown
    assert "<dt>取消原因</dt><dd>接收人调岗</dd>" in shown
    assert " · wang</dd>" in shown
    assert "/sign" not in shown
    assert "/cancel" not in shown
