"""Page previews made in the extraction process, or on first view for PDF text-layer
pages: their size, their turn, and boxes that follow the page into the preview's pixels
(scans turned every way, PDF text layers, pages rotated by the PDF itself)."""

from __future__ import annotations

import io
from pathlib import Path

import msgspec
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw

from services.common.errors import NotFound, PermanentJobError
from services.common.objectstore.directory import DirectoryObjectStore
from services.ingest.extraction import (
    ExtractionLimits,
    PageBox,
    PagePreview,
    PageText,
    PreviewWriter,
    Rotation,
    TesseractEngine,
    WordBox,
    boxes_in_preview,
    derive_pages,
    extract_document,
    page_large_file,
    page_preview_files,
)
from services.ingest.extraction.previews import (
    LARGE_WIDTH,
    MANIFEST_NAME,
    WEBP_MAX_SIDE,
    preview_name,
    thumbnail_name,
)
from services.ingest.models import page_image_key, previews_key
from services.ingest.previews import DerivedPreviews
from tests.support.previews import boxes_without_ink, ink_outside_boxes
from tests.support.rendering import (
    NOTO_SANS_CJK,
    SIMPLIFIED_LINES,
    render_page,
    write_digital_pdf,
    write_png,
    write_tiff,
)

LIMITS = ExtractionLimits()
INK = 128


def _write(directory: Path, image: Image.Image, rotation: Rotation = 0) -> PagePreview:
    with PreviewWriter(directory) as previews:
        return previews.write(1, image, rotation=rotation)


def _manifest(directory: Path) -> list[PagePreview]:
    return [msgspec.json.decode(line, type=PagePreview)
            for line in (directory / MANIFEST_NAME).read_bytes().splitlines()]


def _digital_page(tmp_path: Path) -> tuple[Path, PageText, PagePreview]:
    """A one-page digital PDF of four lines, its page as extracted and its preview entry."""
    path = write_digital_pdf(tmp_path / "digital.pdf", [SIMPLIFIED_LINES[:4]])
    with PreviewWriter(tmp_path / "previews") as previews:
        [page] = list(extract_document(path, limits=LIMITS, engine=TesseractEngine(),
                                       previews=previews))
    [entry] = _manifest(tmp_path / "previews")
    return path, page, entry


def _opened(path: Path) -> Image.Image:
    image = Image.open(path)
    assert image.format == "WEBP"
    return image.convert("L")


@pytest.mark.parametrize(("scan", "preview", "thumbnail"), [
    ((2100, 2970), (1200, 1697), (200, 283)),   # A4-ish at 300 dpi: scaled down
    ((800, 600), (800, 600), (200, 150)),       # small: never scaled up
    ((150, 90), (150, 90), (150, 90)),          # smaller than a thumbnail
])
def test_preview_is_at_most_1200_wide_never_upscaled_with_a_200_wide_thumbnail(
        tmp_path: Path, scan: tuple[int, int], preview: tuple[int, int],
        thumbnail: tuple[int, int]) -> None:
    entry = _write(tmp_path, Image.new("L", scan, 255))
    assert (entry.width, entry.height) == preview
    assert (entry.source_width, entry.source_height) == scan
    assert Image.open(tmp_path / "0001.webp").size == preview
    assert Image.open(tmp_path / "0001.thumb.webp").size == thumbnail
    assert _manifest(tmp_path) == [entry]


def test_a_long_receipt_stays_within_what_webp_can_hold(tmp_path: Path) -> None:
    entry = _write(tmp_path, Image.new("1", (1000, 40_000), 1))
    assert entry.height <= WEBP_MAX_SIDE
    assert _opened(tmp_path / "0001.webp").size == (entry.width, entry.height)


def test_a_page_turned_90_degrees_has_its_preview_the_other_way_round(tmp_path: Path) -> None:
    entry = _write(tmp_path, Image.new("L", (2970, 2100), 255), rotation=90)
    assert (entry.width, entry.height, entry.rotation) == (1200, 1697, 90)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_box_lands_on_its_mark_in_the_upright_preview(tmp_path: Path,
                                                        rotation: Rotation) -> None:
    """A mark drawn on an upright page, the page turned as a scanner would have fed it,
    the mark's box measured on the scan: in the preview the box is on the mark."""
    upright = Image.new("L", (2400, 1600), 255)
    ImageDraw.Draw(upright).rectangle((1700, 200, 1899, 359), fill=0)
    scan = upright.rotate(rotation, expand=True)  # Pillow turns counter-clockwise
    left, top, right, bottom = _ink(scan)
    word = WordBox(text="印", confidence=90.0, left=left, top=top, width=right - left,
                   height=bottom - top)
    entry = _write(tmp_path, scan, rotation)
    [box] = boxes_in_preview([word], entry)
    assert (entry.width, entry.height) == (1200, 800)
    assert _close(_edges(box), (850, 100, 950, 180))
    assert _close(_ink(_opened(tmp_path / preview_name(1))), (850, 100, 950, 180))


def test_boxes_never_leave_the_preview() -> None:
    preview = PagePreview(number=1, width=600, height=400, source_width=1200,
                          source_height=800)
    [box] = boxes_in_preview([WordBox(text="字", confidence=50.0, left=1150, top=790,
                                      width=200, height=100)], preview)
    assert (box.left, box.top, box.left + box.width, box.top + box.height) == (575, 395, 600,
                                                                                400)


def test_digital_pdf_characters_have_boxes_that_spell_the_text_and_cover_its_ink(
        tmp_path: Path) -> None:
    path, page, entry = _digital_page(tmp_path)
    assert "".join(word.text for word in page.words) == "".join(page.text.split())
    assert (entry.source_width, entry.rotation, entry.on_view) == (2100, 0, True)
    _assert_boxes_cover_ink(_on_view(path, entry), boxes_in_preview(page.words, entry))


def test_a_text_layer_page_gets_no_images_at_ingest_only_its_listing(tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf",
                             [SIMPLIFIED_LINES[:2], SIMPLIFIED_LINES[2:4]])
    with PreviewWriter(tmp_path / "previews") as previews:
        list(extract_document(path, limits=LIMITS, engine=TesseractEngine(),
                              previews=previews))
    assert sorted(p.name for p in (tmp_path / "previews").iterdir()) == [MANIFEST_NAME]
    assert [(e.number, e.width, e.on_view) for e in _manifest(tmp_path / "previews")] == [
        (1, 1200, True), (2, 1200, True)]


@pytest.mark.parametrize("points", [
    (595.28, 841.89),   # A4
    (612.0, 792.0),     # US letter
    (841.89, 595.28),   # A4 landscape
    (333.3, 1000.7),    # a sliver whose sides do not scale to whole pixels
    (200.0, 150.0),     # smaller than a preview at 300 dpi: not enlarged past it
])
def test_a_page_rendered_on_view_has_the_size_listed_for_it_at_ingest(
        tmp_path: Path, points: tuple[float, float]) -> None:
    path = _pdf_of_one_page(tmp_path / "page.pdf", points)
    with PreviewWriter(tmp_path / "previews") as previews:
        list(extract_document(path, limits=LIMITS, engine=TesseractEngine(),
                              previews=previews))
    [entry] = _manifest(tmp_path / "previews")
    files = page_preview_files(path, 1, limits=LIMITS)
    preview, thumbnail = _webp(files.preview), _webp(files.thumbnail)
    assert preview.size == (entry.width, entry.height)
    assert entry.width == min(1200, round(points[0] * 300 / 72))
    assert thumbnail.width == min(200, entry.width)
    assert abs(thumbnail.height - preview.height * thumbnail.width / preview.width) <= 1


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_pdf_page_turned_by_its_rotate_key_has_its_boxes_turned_with_it(
        tmp_path: Path, rotate: int) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf", [SIMPLIFIED_LINES[:3]])
    pdf = pdfium.PdfDocument(path)
    pdf[0].set_rotation(rotate)
    pdf.save(tmp_path / "turned.pdf")
    pdf.close()
    with PreviewWriter(tmp_path / "previews") as previews:
        [page] = list(extract_document(tmp_path / "turned.pdf", limits=LIMITS,
                                       engine=TesseractEngine(), previews=previews))
    [entry] = _manifest(tmp_path / "previews")
    # shown as the PDF shows it: turned
    assert (entry.height > entry.width) == (rotate != 180)
    assert len(page.words) == len("".join(page.text.split()))
    preview = _on_view(tmp_path / "turned.pdf", entry)
    assert preview.size == (entry.width, entry.height)
    _assert_boxes_cover_ink(preview, boxes_in_preview(page.words, entry))


def test_rendering_on_view_keeps_the_pixel_cap(tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf", [SIMPLIFIED_LINES[:1]])
    tight = msgspec.structs.replace(LIMITS, max_image_pixels=1000)
    with pytest.raises(PermanentJobError) as refused:
        page_preview_files(path, 1, limits=tight)
    assert refused.value.code == "pixel_bomb"


def test_rendering_a_page_the_pdf_does_not_have_fails_cleanly(tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf", [SIMPLIFIED_LINES[:1]])
    with pytest.raises(PermanentJobError) as refused:
        page_preview_files(path, 2, limits=LIMITS)
    assert refused.value.code == "corrupt_pdf"


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_large_image_is_its_preview_larger_with_the_boxes_scaled_on_their_marks(
        tmp_path: Path, rotation: Rotation) -> None:
    """A 600-dpi scan fed turned: its large image is 2 400 pixels wide, upright, the
    preview's proportions, and the mark's box (in the preview's pixels) scaled onto it
    lands on the mark, as the staff pages' zoom draws it."""
    upright = Image.new("L", (4800, 3200), 255)
    ImageDraw.Draw(upright).rectangle((3400, 400, 3799, 719), fill=0)
    scan = upright.rotate(rotation, expand=True)
    left, top, right, bottom = _ink(scan)
    word = WordBox(text="印", confidence=90.0, left=left, top=top, width=right - left,
                   height=bottom - top)
    entry = _write(tmp_path / "previews", scan, rotation)
    [box] = boxes_in_preview([word], entry)
    large = _webp(page_large_file(write_png(tmp_path / "scan.png", scan), 1, rotation,
                                  limits=LIMITS)).convert("L")
    scale = large.width / entry.width
    assert (large.size, entry.width) == ((LARGE_WIDTH, 1600), 1200)
    on_large = tuple(round(edge * scale) for edge in _edges(box))
    assert _close(on_large, (1700, 200, 1900, 360), slack=4)
    assert _close(_ink(large), on_large, slack=4)


def test_a_large_image_is_of_the_page_asked_for_and_never_enlarged(tmp_path: Path) -> None:
    small, plain = Image.new("L", (900, 600), 255), Image.new("L", (900, 600), 255)
    ImageDraw.Draw(small).rectangle((100, 100, 299, 199), fill=0)
    path = write_tiff(tmp_path / "scan.tiff", [plain, small])
    large = _webp(page_large_file(path, 2, 0, limits=LIMITS)).convert("L")
    assert large.size == (900, 600)
    assert _close(_ink(large), (100, 100, 300, 200))


def test_a_text_layer_pages_large_image_has_its_characters_under_their_boxes(
        tmp_path: Path) -> None:
    path, page, entry = _digital_page(tmp_path)
    large = _webp(page_large_file(path, 1, 0, limits=LIMITS))
    assert large.mode == "RGB"  # in colour, as its preview: a red seal stays red
    # 7 inches at 300 dpi: the page's own size, short of LARGE_WIDTH, not enlarged.
    assert (large.width, entry.source_width) == (2100, 2100)
    assert abs(large.height - entry.height * large.width / entry.width) <= 1
    as_large = msgspec.structs.replace(entry, width=large.width, height=large.height)
    _assert_boxes_cover_ink(large.convert("L"), boxes_in_preview(page.words, as_large))


def test_a_large_image_keeps_the_pixel_cap_and_the_page_count(tmp_path: Path) -> None:
    path = write_png(tmp_path / "scan.png", Image.new("L", (2000, 1000), 255))
    tight = msgspec.structs.replace(LIMITS, max_image_pixels=1000)
    with pytest.raises(PermanentJobError) as bomb:
        page_large_file(path, 1, 0, limits=tight)
    with pytest.raises(PermanentJobError) as past:
        page_large_file(path, 2, 0, limits=LIMITS)
    assert (bomb.value.code, past.value.code) == ("pixel_bomb", "text_mismatch")


def test_tesseract_word_boxes_spell_the_text_and_cover_its_ink_in_the_preview(
        tmp_path: Path) -> None:
    """Tesseract gives a box per word (not per character), measured on the 300-dpi scan;
    scaled into the preview they spell the page's text and lie on its ink."""
    path = write_png(tmp_path / "scan.png", render_page(SIMPLIFIED_LINES[:3]))
    with PreviewWriter(tmp_path / "previews") as previews:
        [page] = list(extract_document(path, limits=LIMITS, engine=TesseractEngine(),
                                       previews=previews))
    [entry] = _manifest(tmp_path / "previews")
    assert page.method == "ocr"
    assert "".join(word.text for word in page.words) == "".join(page.text.split())
    assert len(page.words) < len("".join(page.text.split()))  # words, not characters
    assert (entry.width, entry.source_width) == (1200, 2100)
    preview = _opened(tmp_path / "previews" / preview_name(1))
    shown = [msgspec.to_builtins(box) for box in boxes_in_preview(page.words, entry)]
    assert boxes_without_ink(preview, shown) == []
    # Tesseract's boxes of Chinese words are loose (a character's box can be narrower
    # than its ink), so somewhat more ink is outside them than with PP-OCR's.
    assert ink_outside_boxes(preview, shown) < 0.1


def test_extraction_without_a_writer_makes_no_previews(tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf", [SIMPLIFIED_LINES[:2]])
    [page] = list(extract_document(path, limits=LIMITS, engine=TesseractEngine()))
    assert page.words  # the text layer's boxes are kept all the same
    assert list(tmp_path.iterdir()) == [path]


def test_deriving_an_old_document_makes_its_previews_and_its_text_layer_boxes(
        tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf",
                             [SIMPLIFIED_LINES[:2], SIMPLIFIED_LINES[2:4]])
    read_now = list(extract_document(path, limits=LIMITS, engine=TesseractEngine()))
    filed_long_ago = [msgspec.structs.replace(page, words=()) for page in read_now]
    with PreviewWriter(tmp_path / "previews") as previews:
        derived = list(derive_pages(path, limits=LIMITS, pages=filed_long_ago,
                                    previews=previews))
    assert derived == read_now
    # Listed, their images left to their first view as at ingest.
    assert [(entry.number, entry.on_view) for entry in _manifest(tmp_path / "previews")] == [
        (1, True), (2, True)]
    assert not (tmp_path / "previews" / thumbnail_name(2)).exists()


def test_deriving_turns_a_scan_as_its_current_reading_turned_it(tmp_path: Path) -> None:
    path = write_png(tmp_path / "scan.png", render_page(SIMPLIFIED_LINES[:2]))
    page = PageText(number=1, text="业主", confidence=90.0, method="ocr", language="chi_sim",
                    words=(), needs_review=False, rotation=180)
    with PreviewWriter(tmp_path / "previews") as previews:
        assert list(derive_pages(path, limits=LIMITS, pages=[page], previews=previews)) == [
            page]
    assert _manifest(tmp_path / "previews")[0].rotation == 180


def test_deriving_with_texts_of_other_pages_fails_saying_so(tmp_path: Path) -> None:
    path = write_png(tmp_path / "scan.png", render_page(SIMPLIFIED_LINES[:2]))
    pages = [PageText(number=n, text="", confidence=0.0, method="ocr", language=None,
                      words=(), needs_review=True) for n in (1, 2)]
    with PreviewWriter(tmp_path / "previews") as previews, pytest.raises(
            PermanentJobError) as refused:
        list(derive_pages(path, limits=LIMITS, pages=pages, previews=previews))
    assert refused.value.code == "text_mismatch"


def _webp(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


def _on_view(path: Path, entry: PagePreview) -> Image.Image:
    """The page's preview as its first view makes it."""
    return _webp(page_preview_files(path, entry.number, limits=LIMITS).preview).convert("L")


def _pdf_of_one_page(path: Path, points: tuple[float, float]) -> Path:
    """A one-page PDF ``points`` in size with a line of text across its top."""
    pdf = FPDF(unit="pt", format=points)
    pdf.add_font("noto", fname=str(NOTO_SANS_CJK), collection_font_number=2)  # SC
    pdf.set_font("noto", size=12)
    pdf.add_page()
    pdf.text(10, 30, SIMPLIFIED_LINES[0][:8])
    pdf.output(str(path))
    return path


def _ink(image: Image.Image) -> tuple[int, int, int, int]:
    box = image.convert("L").point(lambda value: 255 if value < INK else 0).getbbox()
    assert box is not None
    return box


def _edges(box: PageBox) -> tuple[int, int, int, int]:
    return box.left, box.top, box.left + box.width, box.top + box.height


def _close(found: tuple[int, ...], expected: tuple[int, ...], *, slack: int = 2) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(found, expected, strict=True))


def _assert_boxes_cover_ink(preview: Image.Image, boxes: list[PageBox]) -> None:
    shown = [msgspec.to_builtins(box) for box in boxes]
    assert boxes_without_ink(preview, shown) == []
    assert ink_outside_boxes(preview, shown) < 0.02


async def test_a_preview_deleted_by_hand_is_missing_not_filed_before_previews(
        tmp_path: Path) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    previews = DerivedPreviews(store)
    sha256 = "a" * 64
    _write(tmp_path / "previews", Image.new("L", (800, 1000), 255))
    await previews.save(sha256, tmp_path / "previews")
    await store.delete(page_image_key(sha256, 1, "preview"))
    with pytest.raises(NotFound) as image:
        await previews.image(sha256, 1, "preview")
    await store.delete(previews_key(sha256))
    with pytest.raises(NotFound) as listed:
        await previews.pages(sha256)
    await store.delete(page_image_key(sha256, 1, "thumbnail"))
    with pytest.raises(NotFound) as never:
        await previews.pages(sha256)
    assert (image.value.code, listed.value.code, never.value.code) == (
        "preview_missing", "preview_missing", "no_preview")
    assert "archive derive --missing" in image.value.detail
