"""The type of an original is told by its content, never by its name."""

import io
import zipfile
from pathlib import Path

import pytest

from services.common.errors import UnsupportedMediaType
from services.ingest.extraction import read_media_type, sniff_media_type
from tests.support.rendering import SIMPLIFIED_LINES, render_page, write_heic, write_png

ACCEPTED = [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "application/pdf"),
    (b"\xef\xbb\xbf%PDF-1.4\n", "application/pdf"),
    (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
    (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
    (b"\x00\x00\x00\x18ftyphevc\x00\x00\x00\x00msf1hevc", "image/heic"),
    (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf", "image/heic"),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf", "image/heif"),
]


@pytest.mark.parametrize(("head", "media_type"), ACCEPTED)
def test_accepted_types_are_told_by_magic_bytes(head: bytes, media_type: str) -> None:
    assert sniff_media_type(head) == media_type


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scan.pdf", b"%PDF-1.7 not really")
    return buffer.getvalue()


REFUSED = [
    (_zip_bytes(), "ZIP archive", "zip"),
    ("维修申请：卫生间漏水\n".encode(), "plain text", "text"),
    (b"GIF89a\x01\x00\x01\x00", "GIF image", "gif"),
    (b"\x00\x01\x02\x03\xfe\xfd", "unknown type", "unknown"),
    (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "a photo in AVIF format", "avif"),
    (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "a photo in AVIF format", "avif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP image", "webp"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2", "video", "audio_video"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document", "old_office"),
    (b"{\\rtf1\\ansi", "RTF document", "rtf"),
]


@pytest.mark.parametrize(("head", "described_as", "kind"), REFUSED)
def test_other_content_is_refused_saying_what_it_seems_to_be(
    head: bytes, described_as: str, kind: str
) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        sniff_media_type(head)
    assert refused.value.code == "unsupported_media_type"
    assert described_as in refused.value.detail
    assert "not a PDF, TIFF, PNG, JPEG or HEIC photo" in refused.value.detail
    assert refused.value.extra["seems"] == kind


def test_an_empty_file_is_refused_as_empty_not_as_a_wrong_type() -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        sniff_media_type(b"")
    assert refused.value.code == "empty_file"
    assert "the file is empty (0 bytes)" in refused.value.detail
    assert "JPEG" not in refused.value.detail


def test_an_avif_photo_is_refused_saying_to_save_it_as_jpeg() -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        sniff_media_type(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1")
    assert "save it as JPEG" in refused.value.detail


def test_a_png_named_pdf_is_a_png(tmp_path: Path) -> None:
    path = write_png(tmp_path / "scan.pdf", render_page(["维修"]))
    assert read_media_type(path) == "image/png"


def test_a_heic_photo_named_jpg_is_a_heic(tmp_path: Path) -> None:
    path = write_heic(tmp_path / "IMG_0001.jpg", render_page(SIMPLIFIED_LINES[:1]))
    assert read_media_type(path) == "image/heic"


def test_a_text_file_named_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "request.pdf"
    path.write_text("维修申请：卫生间漏水", encoding="utf-8")
    with pytest.raises(UnsupportedMediaType):
        read_media_type(path)
