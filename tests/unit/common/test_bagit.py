"""The BagIt writer the staff pages stream (``services.common.bagit.tar_stream``): the tar
it sends, extracted, is one bag the ``bagit`` library validates, its originals' hashes
the catalogue's; an original that is not the catalogue's ends the stream before any
manifest is sent; a reader not cleared for every document gets no bag at all."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tarfile
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import bagit
import msgspec
import pytest

from services.common.bagit import (
    Bag,
    BagInfo,
    bag_info,
    tar_stream,
)
from services.common.contracts.ingest import TextPage
from services.common.contracts.operations import Transfer
from services.common.contracts.registry import DocumentRecord, PaperLocation
from services.common.errors import Forbidden
from services.common.fixity import OriginalAltered
from tests.support.registry import document_record

NOW = datetime(2030, 3, 1, 9, 30, tzinfo=UTC)
PIECE = 1024 * 1024


def _record(number: int, content: bytes, **fields: object) -> DocumentRecord:
    return document_record(**{
        "document_id": f"d{number}", "archive_no": f"2020-repair-A-1201-{number:04d}",
        "sha256": hashlib.sha256(content).hexdigest(), "title": f"报修单 {number}",
        "pages": 2, "size_bytes": len(content), "original_filename": f"报修单{number}.PDF",
        "status": "transferred", **fields})


def _transfer(*documents: DocumentRecord, items: int | None = None) -> Transfer:
    return Transfer(transfer_id="t-1", recipient="新物业公司档案室", reason="业主更换物业\n第二行",
                    transferred_by="wang", transferred_at=NOW,
                    items=len(documents) if items is None else items,
                    documents=list(documents))


@dataclass
class Shelf:
    """Originals and page texts held in memory, given in pieces as ingest streams them."""

    originals: dict[str, bytes]

    async def original(self, record: DocumentRecord) -> AsyncGenerator[bytes]:
        content = self.originals[record.document_id]
        for start in range(0, len(content), PIECE):
            yield content[start:start + PIECE]

    async def pages(self, record: DocumentRecord) -> list[TextPage]:
        return [TextPage(number=n, text=f"{record.title} 第 {n} 页：卫生间漏水")
                for n in (1, 2)]


async def _sent(info: BagInfo, shelf: Shelf) -> list[bytes]:
    return await _collect(info, shelf, [])


async def _collect(info: BagInfo, shelf: Shelf, sent: list[bytes]) -> list[bytes]:
    """What the stream sent, kept in ``sent`` even if it raises."""
    async for piece in tar_stream(info, shelf):
        sent.append(piece)
    return sent


async def test_the_streamed_tar_is_one_bag_any_bagit_tool_validates(tmp_path: Path) -> None:
    large = b"%PDF-1.7\n" + os.urandom(2 * PIECE + 12_345)  # streamed in three pieces
    small = b"%PDF-1.7\nsmall"
    shelf = PaperLocation(building="A", room="档案室", cabinet="12", box="3")
    documents = (_record(1, large, location=shelf), _record(2, small, original_filename=None))
    info = bag_info(_transfer(*documents), date(2030, 3, 2), source_organization="测试物业")
    pieces = await _sent(info, Shelf({"d1": large, "d2": small}))
    assert max(len(piece) for piece in pieces) <= PIECE

    with tarfile.open(fileobj=io.BytesIO(b"".join(pieces))) as tar:
        assert {name.split("/")[0] for name in tar.getnames()} == {"transfer-t-1"}
        tar.extractall(tmp_path, filter="data")
    bag = bagit.Bag(str(tmp_path / "transfer-t-1"))
    bag.validate()
    assert bag.info["Source-Organization"] == "测试物业"
    assert bag.info["External-Description"] == \
        "transfer out (移出) to 新物业公司档案室: 业主更换物业 第二行"
    assert bag.info["Document-Count"] == "2"
    folder = "data/2020-repair-A-1201-0001"
    assert bag.entries[f"{folder}/original.pdf"]["sha256"] == documents[0].sha256
    assert bag.entries["data/2020-repair-A-1201-0002/original.pdf"]["sha256"] == \
        documents[1].sha256
    assert (tmp_path / "transfer-t-1" / folder / "original.pdf").read_bytes() == large
    page = (tmp_path / "transfer-t-1" / folder / "pages" / "0002.txt").read_text()
    assert page == "报修单 1 第 2 页：卫生间漏水"
    metadata = json.loads((tmp_path / "transfer-t-1" / folder / "metadata.json").read_text())
    assert metadata["archive_no"] == "2020-repair-A-1201-0001"
    assert metadata["status"] == "transferred"
    assert metadata["filed_at"] == "2020-05-01"
    csv_text = (tmp_path / "transfer-t-1" / folder / "metadata.csv").read_text(
        encoding="utf-8-sig")
    [row] = csv.DictReader(io.StringIO(csv_text))
    assert (row["title"], row["archive_no"]) == ("报修单 1", "2020-repair-A-1201-0001")
    # The paper location a column a part, as a spreadsheet reads it (it was one JSON cell).
    assert "location" not in row
    assert [row[f"location_{part}"] for part in ("building", "room", "cabinet", "box")] == [
        "A", "档案室", "12", "3"]


@pytest.mark.parametrize("stored", [b"%PDF-1.7\nsmall, changed", b"%PDF-1.7\nsmalL",
                                    b"%PDF-1.7\nsma"])
async def test_an_original_not_the_catalogues_ends_the_stream_before_any_manifest(
        stored: bytes) -> None:
    good = b"%PDF-1.7\nfirst"
    catalogued = _record(2, b"%PDF-1.7\nsmall")
    info = bag_info(_transfer(_record(1, good), catalogued), date(2030, 3, 2))
    sent: list[bytes] = []
    with pytest.raises(OriginalAltered) as refused:
        await _collect(info, Shelf({"d1": good, "d2": stored}), sent)
    assert refused.value.code == "original_altered"
    assert catalogued.archive_no in refused.value.detail
    sent_bytes = b"".join(sent)
    assert good in sent_bytes
    for tag_file in (b"bagit.txt", b"manifest-sha256.txt", b"bag-info.txt"):
        assert tag_file not in sent_bytes


def test_no_bag_for_a_reader_not_cleared_for_every_document() -> None:
    with pytest.raises(Forbidden) as refused:
        bag_info(_transfer(_record(1, b"x"), items=3), date(2030, 3, 2))
    assert refused.value.code == "above_clearance"
    assert refused.value.detail.startswith("2 document(s) of this transfer")


def test_a_bags_name_and_paths_come_from_server_made_values_only() -> None:
    record = _record(1, b"x", archive_no="../2020/甲", original_filename="a.p/../df")
    info = BagInfo(source_organization="x", transfer=msgspec.structs.replace(
        _transfer(record), transfer_id="../t 1"), bagging_date=date(2030, 3, 2))
    assert Bag(info).name == "transfer-.._t_1"
    assert str(Bag.original_path(record)) == "data/.._2020__/original.pdf"
