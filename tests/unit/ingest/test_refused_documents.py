"""Documents that can never be extracted fail cleanly with a stable code and a reason."""

import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

from services.common.config import Settings
from services.common.errors import PermanentJobError, UnsupportedMediaType
from services.ingest.extraction import (
    ExtractionLimits,
    OcrEngine,
    PageText,
    TesseractEngine,
    extract_document,
)
from tests.support.rendering import (
    SIMPLIFIED_LINES,
    render_page,
    write_digital_pdf,
    write_heic,
    write_jpeg,
    write_pixel_bomb_heic,
    write_pixel_bomb_png,
    write_png,
    write_scanned_pdf,
    write_tiff,
)
from tests.unit.ingest.engines import RecordingEngine


def _extract(
    path: Path, limits: ExtractionLimits | None = None, engine: OcrEngine | None = None
) -> list[PageText]:
    pages = extract_document(
        path, limits=limits or ExtractionLimits(), engine=engine or TesseractEngine()
    )
    return list(pages)


def _refusal(path: Path, limits: ExtractionLimits | None = None) -> PermanentJobError:
    with pytest.raises(PermanentJobError) as refused:
        _extract(path, limits)
    return refused.value


def _truncated(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.fixture(scope="module")
def small_page() -> Image.Image:
    return render_page(SIMPLIFIED_LINES[:2])


def test_zip_archive_is_an_unsupported_media_type(tmp_path: Path) -> None:
    path = tmp_path / "scans.pdf"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("page1.png", b"not really")
    with pytest.raises(UnsupportedMediaType) as refused:
        _extract(path)
    assert refused.value.code == "unsupported_media_type"


def test_truncated_pdf_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = _truncated(write_digital_pdf(tmp_path / "request.pdf", [SIMPLIFIED_LINES]))
    refusal = _refusal(path)
    assert refusal.code == "corrupt_pdf"
    assert "corrupt or truncated" in refusal.detail


def test_truncated_png_is_refused_as_corrupt(tmp_path: Path, small_page: Image.Image) -> None:
    path = _truncated(write_png(tmp_path / "request.png", small_page))
    assert _refusal(path).code == "corrupt_image"


def test_truncated_jpeg_is_refused_as_corrupt(tmp_path: Path, small_page: Image.Image) -> None:
    path = _truncated(write_jpeg(tmp_path / "request.jpg", small_page))
    assert _refusal(path).code == "corrupt_image"


def test_truncated_heic_photo_is_refused_as_corrupt_saying_what_to_do(
    tmp_path: Path, small_page: Image.Image
) -> None:
    refusal = _refusal(_truncated(write_heic(tmp_path / "IMG_0001.heic", small_page)))
    assert refusal.code == "corrupt_image"
    assert refusal.detail.startswith("page 1 cannot be decoded, the file is corrupt or truncated")
    assert refusal.detail.endswith("; upload the original scan again")


def test_heic_photo_cut_inside_its_header_is_refused_as_corrupt(
    tmp_path: Path, small_page: Image.Image
) -> None:
    path = write_heic(tmp_path / "IMG_0001.heic", small_page)
    path.write_bytes(path.read_bytes()[:200])
    refusal = _refusal(path)
    assert refusal.code == "corrupt_image"
    assert refusal.detail.startswith("the image cannot be decoded")


def test_png_with_a_corrupted_byte_is_refused_as_corrupt(
    tmp_path: Path, small_page: Image.Image
) -> None:
    path = write_png(tmp_path / "request.png", small_page)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert _refusal(path).code == "corrupt_image"


def test_password_protected_pdf_is_refused_as_encrypted(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.text(20, 20, "Repair request")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.output(str(tmp_path / "locked.pdf"))
    refusal = _refusal(tmp_path / "locked.pdf")
    assert refusal.code == "encrypted_pdf"
    assert "password" in refusal.detail


# A PDF of no pages, as pikepdf.new().save() writes it: PDFium refuses it without
# setting its last error.
_NO_PAGES_PDF = (
    b"%PDF-1.3\n1 0 obj\n<< /Pages 2 0 R /Type /Catalog >>\nendobj\n"
    b"2 0 obj\n<< /Count 0 /Kids [ ] /Type /Pages >>\nendobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"trailer << /Root 1 0 R /Size 3 >>\nstartxref\n111\n%%EOF\n")


def test_a_pdf_of_no_pages_read_after_an_encrypted_one_is_corrupt_not_encrypted(
        tmp_path: Path) -> None:
    """PDFium's last error outlives the document it was about: the worker that refused a
    password-protected PDF must not say the next, unencrypted one needs a password."""
    test_password_protected_pdf_is_refused_as_encrypted(tmp_path)
    path = tmp_path / "empty-binder.pdf"
    path.write_bytes(_NO_PAGES_PDF)
    refusal = _refusal(path)
    assert refusal.code == "corrupt_pdf"
    assert "password" not in refusal.detail


def test_png_declaring_30000_by_30000_pixels_is_a_pixel_bomb(tmp_path: Path) -> None:
    path = write_pixel_bomb_png(tmp_path / "bomb.png")
    assert path.stat().st_size < 10_000
    assert _refusal(path).code == "pixel_bomb"


def test_heic_declaring_30000_by_30000_pixels_is_a_pixel_bomb_before_decoding(
        tmp_path: Path) -> None:
    # Its picture is 64×64: decoding it would fail (corrupt_image), not find a bomb.
    refusal = _refusal(write_pixel_bomb_heic(tmp_path / "IMG_0001.heic"))
    assert (refusal.code, refusal.detail) == ("pixel_bomb", (
        "page 1 is 30000×30000 = 900,000,000 pixels, over the limit of 178,956,970 "
        "(ARCHIVE_MAX_IMAGE_PIXELS); rescan it at a lower resolution"))


@pytest.mark.parametrize("side", [15_000, 30_000])  # over the limit; over twice the limit
def test_a_pixel_bombs_refusal_says_its_size_the_limit_and_what_to_do_in_the_archives_words(
        tmp_path: Path, side: int) -> None:
    refusal = _refusal(write_pixel_bomb_png(tmp_path / "bomb.png", width=side, height=side))
    assert refusal.detail == (
        f"page 1 is {side}×{side} = {side * side:,} pixels, over the limit of 178,956,970 "
        "(ARCHIVE_MAX_IMAGE_PIXELS); rescan it at a lower resolution")


def test_image_over_a_configured_pixel_limit_is_a_pixel_bomb(
    tmp_path: Path, small_page: Image.Image
) -> None:
    path = write_png(tmp_path / "request.png", small_page)
    limit = small_page.width * small_page.height - 1
    refusal = _refusal(path, ExtractionLimits(max_image_pixels=limit))
    assert refusal.code == "pixel_bomb"
    assert "ARCHIVE_MAX_IMAGE_PIXELS" in refusal.detail


def test_pillow_bomb_limit_is_restored_after_a_document(
    tmp_path: Path, small_page: Image.Image
) -> None:
    default_limit = Image.MAX_IMAGE_PIXELS
    path = write_png(tmp_path / "request.png", small_page)
    _refusal(path, ExtractionLimits(max_image_pixels=10))
    limit_afterwards = Image.MAX_IMAGE_PIXELS
    assert limit_afterwards == default_limit


def test_scanned_pdf_page_over_the_pixel_limit_is_a_pixel_bomb(
    tmp_path: Path, small_page: Image.Image
) -> None:
    path = write_scanned_pdf(tmp_path / "scan.pdf", [small_page])
    refusal = _refusal(path, ExtractionLimits(max_image_pixels=1000))
    assert (refusal.code, refusal.extra["page"]) == ("pixel_bomb", 1)


def test_tiff_with_too_many_pages_is_refused_before_any_ocr(
    tmp_path: Path, small_page: Image.Image
) -> None:
    path = write_tiff(tmp_path / "request.tif", [small_page] * 3)
    engine = RecordingEngine(TesseractEngine())
    with pytest.raises(PermanentJobError) as refused:
        _extract(path, ExtractionLimits(max_pages=2), engine)
    assert (refused.value.code, engine.languages) == ("too_many_pages", [])


def test_pdf_with_too_many_pages_is_refused(tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "request.pdf", [SIMPLIFIED_LINES[:1]] * 3)
    refusal = _refusal(path, ExtractionLimits(max_pages=2))
    assert refusal.code == "too_many_pages"
    assert "ARCHIVE_MAX_PAGES" in refusal.detail


@pytest.mark.ocr
def test_oversized_later_page_fails_only_when_it_is_reached(
    tmp_path: Path, small_page: Image.Image
) -> None:
    large_page = render_page(SIMPLIFIED_LINES[:4])
    path = write_tiff(tmp_path / "request.tif", [small_page, large_page])
    limit = small_page.width * small_page.height
    extraction = extract_document(
        path, limits=ExtractionLimits(max_image_pixels=limit), engine=TesseractEngine(),
        language="chi_sim",
    )
    assert next(extraction).number == 1
    with pytest.raises(PermanentJobError) as refused:
        next(extraction)
    assert (refused.value.code, refused.value.extra["page"]) == ("pixel_bomb", 2)


def test_limits_are_taken_from_settings() -> None:
    settings = Settings(max_pages=7, max_image_pixels=1_000, page_timeout_s=9, low_confidence=70)
    assert ExtractionLimits.from_settings(settings) == ExtractionLimits(
        max_pages=7, max_image_pixels=1_000, page_timeout_s=9.0, low_confidence=70.0
    )
