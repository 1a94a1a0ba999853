"""Pages of PDF documents with pypdfium2: the text layer where it is usable, else an image.

pypdfium2 rather than pdfplumber: it reads a page's text about 50× faster, and none of
pdfplumber's layout analysis (tables, columns) is needed to index or show page text.
A text-layer page comes with a box per character, in the pixels of the page as rendered
at ``RENDER_DPI`` (what OCR would have read); its preview is rendered on its first view
(``render_preview``), not while it is read.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NoReturn

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from services.common.errors import PermanentJobError
from services.ingest.extraction.engine import PageImage
from services.ingest.extraction.images import ocr_pixels, refuse_pixel_bomb
from services.ingest.extraction.models import WordBox
from services.ingest.extraction.pasted_images import PastedImage, pasted_images
from services.ingest.extraction.previews import PREVIEW_WIDTH, preview_size
from services.ingest.extraction.text_layer import reads_as_language

RENDER_DPI = 300
_POINTS_PER_INCH = 72
# Colour spaces whose raw samples are what the page shows. Others (notably image masks,
# reported as unknown) are painted through a fill colour, so their raw bitmap is inverted.
_PLAIN_COLOURSPACES = frozenset({
    pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB,
    pdfium_c.FPDF_COLORSPACE_CALGRAY, pdfium_c.FPDF_COLORSPACE_CALRGB,
    pdfium_c.FPDF_COLORSPACE_ICCBASED, pdfium_c.FPDF_COLORSPACE_INDEXED,
})
_PIL_BITMAP_FORMATS = frozenset({
    pdfium_c.FPDFBitmap_Gray, pdfium_c.FPDFBitmap_BGR,
    pdfium_c.FPDFBitmap_BGRx, pdfium_c.FPDFBitmap_BGRA,
})
# A scan fills its page; allow for a scanner's rounding of the page size.
_FULL_PAGE_TOLERANCE = 0.02
# A scan carrying a few words of real text (a stamp, a page number) still needs OCR.
_MIN_TEXT_OVER_SCAN = 50
_LARGE_IMAGE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class TextLayer:
    """A page's own text, good enough to use without OCR: ``words`` has a box per
    character (their texts in order are ``text`` without whitespace; empty if the text
    layer's characters do not spell its text) in the pixels of the page rendered at
    ``RENDER_DPI``, which is ``size``; ``pasted``: images pasted on the page, whose
    writing the text layer does not hold, for OCR (``pasted_images``)."""

    text: str
    words: tuple[WordBox, ...]
    size: tuple[int, int]
    pasted: tuple[PastedImage, ...] = ()


class PdfPages:
    """An opened PDF; ``pages()`` reads one page at a time and closes it before the next."""

    def __init__(self, pdf: Any, *, max_image_pixels: int, max_page_text_chars: int,
                 max_document_text_chars: int) -> None:
        self._pdf = pdf  # pypdfium2 is untyped
        self._max_image_pixels = max_image_pixels
        self._max_page_text_chars = max_page_text_chars
        self._text_chars_left = max_document_text_chars

    @property
    def page_count(self) -> int:
        return len(self._pdf)

    def pages(self) -> Iterator[TextLayer | PageImage]:
        """Each page's text layer, or its image for OCR. Raises ``PermanentJobError``."""
        for number in range(1, self.page_count + 1):
            yield self.page(number)

    def page(self, number: int) -> TextLayer | PageImage:
        """Page ``number``'s text layer, or its image for OCR, as ``pages`` has it."""
        with _reading(page=number):
            page = _turned_upright(self._pdf, number, _flattened(self._pdf, number))
            try:
                return self._content(page, number)
            finally:
                page.close()

    def _content(self, page: Any, number: int) -> TextLayer | PageImage:
        textpage = page.get_textpage()
        try:
            text = self._capped_text_of(textpage, number)
            if _is_usable(text, unmapped=_unmapped_characters(textpage),
                          over_scan=_has_large_image(page)):
                return self._text_layer(page, textpage, text, number)
        finally:
            textpage.close()
        return _sole_scan(page, number, self._max_image_pixels) or _render(
            page, number, self._max_image_pixels
        )

    def _capped_text_of(self, textpage: Any, number: int) -> str:
        """The page's text layer; ``text_layer_too_large`` past a cap, counted before the
        text is read (a text layer is not bounded by what the page shows)."""
        chars = textpage.count_chars()
        self._text_chars_left -= chars
        if chars > self._max_page_text_chars:
            _refuse_text_layer(f"page {number}'s text layer holds {chars} characters, "
                               f"more than a page shows ({self._max_page_text_chars})",
                               page=number)
        if self._text_chars_left < 0:
            _refuse_text_layer(f"by page {number} the text layers hold more characters "
                               "than the limit for one document", page=number)
        text: str = textpage.get_text_range()
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()

    def _text_layer(self, page: Any, textpage: Any, text: str, number: int) -> TextLayer:
        size = _rendered_size(page)
        to_pixels = _page_to_pixels(page, size)
        words = character_boxes(textpage, to_pixels, size)
        if "".join(word.text for word in words) != "".join(text.split()):
            words = ()  # boxes that do not spell the text would mark the wrong characters
        pasted = pasted_images(page, textpage, to_pixels, size, dpi=RENDER_DPI,
                               page_box=_visible_box(page),
                               max_image_pixels=self._max_image_pixels, number=number)
        return TextLayer(text=text, words=words, size=size, pasted=pasted)


def _flattened(pdf: Any, number: int) -> Any:
    """Page ``number`` of ``pdf`` with its annotations drawn into its content, as a reader
    sees them (and as its preview renders them): a filled form field's value and a
    stamp's words are then in its text layer, and a stamp's image on it. The document is
    changed in memory only; the original is never written."""
    page = pdf[number - 1]
    if pdfium_c.FPDFPage_GetAnnotCount(page) == 0:
        return page
    flattened = pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY)
    if flattened != pdfium_c.FLATTEN_SUCCESS:
        return page  # nothing drawn (links, notes without appearance): read as it is
    page.close()  # PDFium's page is stale once flattened: load it again
    return pdf[number - 1]


def _turned_upright(pdf: Any, number: int, page: Any) -> Any:
    """Page ``number`` of ``pdf`` (``page``) with its ``/Rotate`` turn drawn into its
    content, as a reader sees it, and no turn left: a page stored turned (scanners and
    office software write an upright landscape page as a portrait one turned a quarter)
    then has its text read as a page drawn upright is. PDFium reads a turned page's text
    in the page's own frame, so that characters placed one by one on a page turned 270°
    came one a line. The document is changed in memory only; the original is never
    written."""
    turn = page.get_rotation()
    if turn == 0:
        return page
    left, bottom, right, top = _visible_box(page)
    # Page space → the upright page's, its origin at the bottom left corner a reader sees.
    a, b, c, d, e, f = {90: (0, -1, 1, 0, -bottom, right), 180: (-1, 0, 0, -1, right, top),
                        270: (0, 1, -1, 0, top, -left)}[turn]
    width, height = page.get_size()
    pdfium_c.FPDFPage_TransFormWithClip(page, pdfium_c.FS_MATRIX(a, b, c, d, e, f), None)
    page.set_rotation(0)
    page.set_mediabox(0, 0, width, height)
    page.set_cropbox(0, 0, width, height)
    page.close()  # PDFium's page is stale once changed: load it again
    return pdf[number - 1]


def _rendered_size(page: Any) -> tuple[int, int]:
    """The page's size in pixels at ``RENDER_DPI``, as the PDF shows it (turned by its
    ``/Rotate``)."""
    width_pt, height_pt = page.get_size()
    return (max(1, round(width_pt * RENDER_DPI / _POINTS_PER_INCH)),
            max(1, round(height_pt * RENDER_DPI / _POINTS_PER_INCH)))


def _refuse_text_layer(reason: str, *, page: int) -> NoReturn:
    raise PermanentJobError(f"{reason}: the PDF is not a record of pages a person reads; "
                            "print it to a PDF again or scan the paper",
                            code="text_layer_too_large", extra={"page": page})


@contextmanager
def open_pdf(path: Path, *, max_image_pixels: int, max_page_text_chars: int,
             max_document_text_chars: int) -> Iterator[PdfPages]:
    """Open the PDF at ``path``; its pages' text layers are refused past the caps.

    Raises ``PermanentJobError`` (``encrypted_pdf``, ``corrupt_pdf``)."""
    pdf = _opened(path)
    try:
        yield PdfPages(pdf, max_image_pixels=max_image_pixels,
                       max_page_text_chars=max_page_text_chars,
                       max_document_text_chars=max_document_text_chars)
    finally:
        pdf.close()


def render_preview(path: Path, number: int, *, max_image_pixels: int,
                   max_width: int = PREVIEW_WIDTH) -> Image.Image:
    """Page ``number`` of the PDF at ``path`` rendered in colour (a red seal matters to a
    reader) directly at its preview's size: the size ``PreviewWriter.defer`` listed for
    it (or, with ``max_width``, its large image's). Raises ``PermanentJobError``
    (``encrypted_pdf``, ``corrupt_pdf``, ``pixel_bomb``)."""
    pdf = _opened(path)
    try:
        if not 1 <= number <= len(pdf):
            raise PermanentJobError(f"the PDF has {len(pdf)} pages, not a page {number}",
                                    code="corrupt_pdf", extra={"page": number})
        with _reading(page=number):
            page = pdf[number - 1]
            try:
                width, height = preview_size(_rendered_size(page), 0, max_width=max_width)
                refuse_pixel_bomb(width, height, limit=max_image_pixels, page=number)
                bitmap = page.render(scale=width / page.get_size()[0])
                # pypdfium2 rounds the bitmap's sides up: at most a pixel more than listed.
                rendered: Image.Image = bitmap.to_pil().crop((0, 0, width, height))
            finally:
                page.close()
    finally:
        pdf.close()
    return rendered


def _opened(path: Path) -> Any:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        # PDFium keeps its last error per process and sets it only on some failures: a
        # PDF it refuses without setting one (one of no pages) reports the error of an
        # earlier document, such as an encrypted one read by the same worker before.
        said_password = exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD,
                                         pdfium_c.FPDF_ERR_SECURITY)
        if said_password and _declares_encryption(path):
            raise PermanentJobError(
                "the PDF is encrypted and needs a password to open; "
                "upload a copy saved without a password",
                code="encrypted_pdf",
            ) from exc
        why = ("PDFium could not read its structure"
               if said_password or exc.err_code == pdfium_c.FPDF_ERR_SUCCESS else str(exc))
        raise PermanentJobError(
            f"the PDF cannot be opened, it is corrupt or truncated ({why}); "
            "upload the original file again",
            code="corrupt_pdf",
        ) from exc


_ENCRYPT_KEY = b"/Encrypt"
_SCAN_CHUNK = 1 << 20


def _declares_encryption(path: Path) -> bool:
    """Whether the PDF's trailer (or cross-reference stream, never compressed) names an
    ``/Encrypt`` dictionary, as every encrypted PDF's must."""
    tail = b""
    with path.open("rb") as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            if _ENCRYPT_KEY in tail + chunk:
                return True
            tail = chunk[-(len(_ENCRYPT_KEY) - 1):]
    return False


@contextmanager
def _reading(*, page: int) -> Iterator[None]:
    try:
        yield
    except pdfium.PdfiumError as exc:
        raise PermanentJobError(
            f"page {page} of the PDF cannot be read, the file is corrupt ({exc}); "
            "upload the original file again",
            code="corrupt_pdf", extra={"page": page},
        ) from exc


def _is_usable(text: str, *, unmapped: int, over_scan: bool) -> bool:
    """A text layer that reads as language (not a broken font map's garbage, which OCR
    reads instead: ``text_layer``), and, over a scan, more than a stamp's few words."""
    if not reads_as_language(text, unmapped=unmapped, over_scan=over_scan):
        return False
    return not over_scan or sum(1 for ch in text if not ch.isspace()) >= _MIN_TEXT_OVER_SCAN


def _unmapped_characters(textpage: Any) -> int:
    """How many of the page's characters PDFium found no Unicode for in their font (a
    CJK font without a ToUnicode map gives its glyph codes instead)."""
    return sum(pdfium_c.FPDFText_HasUnicodeMapError(textpage, index) == 1
               for index in range(textpage.count_chars()))


def _has_large_image(page: Any) -> bool:
    page_area = _area(_visible_box(page))
    return any(
        _area(image.get_bounds()) >= page_area * _LARGE_IMAGE_SHARE
        for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
    )


def _sole_scan(page: Any, number: int, max_image_pixels: int) -> PageImage | None:
    """The page's image at its native resolution, when the page is nothing but one upright
    image filling it; ``None`` otherwise (the page is then rendered)."""
    # Anything else on the page (a redaction box, an annotation) must reach OCR as drawn.
    if page.get_rotation() != 0 or pdfium_c.FPDFPage_GetAnnotCount(page) != 0:
        return None
    objects = list(islice(page.get_objects(max_depth=0), 2))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    image = objects[0]
    matrix = image.get_matrix()
    upright = matrix.b == 0 and matrix.c == 0 and matrix.a > 0 and matrix.d > 0
    if not upright or not _fills(image.get_bounds(), _visible_box(page)):
        return None
    if image.get_metadata().colorspace not in _PLAIN_COLOURSPACES:
        return None
    width_px, height_px = image.get_px_size()
    refuse_pixel_bomb(width_px, height_px, limit=max_image_pixels, page=number)
    bitmap = image.get_bitmap(render=False)
    if bitmap.format not in _PIL_BITMAP_FORMATS:
        return None
    # to_pil() may share the bitmap's PDFium-owned buffer; copy before the bitmap is freed.
    pixels = ocr_pixels(bitmap.to_pil().copy())
    dpi = round(width_px * _POINTS_PER_INCH / matrix.a)
    return PageImage(pixels=pixels, dpi=dpi)


def _render(page: Any, number: int, max_image_pixels: int) -> PageImage:
    scale = RENDER_DPI / _POINTS_PER_INCH
    width_pt, height_pt = page.get_size()
    refuse_pixel_bomb(
        math.ceil(width_pt * scale), math.ceil(height_pt * scale),
        limit=max_image_pixels, page=number,
    )
    bitmap = page.render(scale=scale, grayscale=True)
    pixels = ocr_pixels(bitmap.to_pil().copy())
    return PageImage(pixels=pixels, dpi=RENDER_DPI)


PagePoint = Callable[[float, float], tuple[float, float]]
"""A point in PDF page space (points, y up) → pixels of the page as rendered."""
# FPDF_PageToDevice answers in whole pixels: ask it on a grid this much finer.
_DEVICE_OVERSAMPLING = 64
_AFFINE_SPAN = 1000.0


def _page_to_pixels(page: Any, size: tuple[int, int]) -> PagePoint:
    """PDFium's own mapping of page space onto the page rendered at ``size`` (its crop
    box, and its ``/Rotate`` turn, as rendering applies them), as an affine map."""
    x_out, y_out = ctypes.c_int(), ctypes.c_int()
    grid = (size[0] * _DEVICE_OVERSAMPLING, size[1] * _DEVICE_OVERSAMPLING)

    def device(x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(page, 0, 0, grid[0], grid[1], 0, x, y, x_out, y_out)
        return x_out.value / _DEVICE_OVERSAMPLING, y_out.value / _DEVICE_OVERSAMPLING

    origin_x, origin_y = device(0.0, 0.0)
    right_x, right_y = device(_AFFINE_SPAN, 0.0)
    up_x, up_y = device(0.0, _AFFINE_SPAN)
    ax, ay = (right_x - origin_x) / _AFFINE_SPAN, (right_y - origin_y) / _AFFINE_SPAN
    bx, by = (up_x - origin_x) / _AFFINE_SPAN, (up_y - origin_y) / _AFFINE_SPAN
    return lambda x, y: (origin_x + ax * x + bx * y, origin_y + ay * x + by * y)


def character_boxes(textpage: Any, to_pixels: PagePoint, size: tuple[int, int]
                    ) -> tuple[WordBox, ...]:
    """A box per visible character of the text layer, in the order of its text, in the
    pixels ``to_pixels`` maps onto (kept inside ``size``)."""
    width, height = size
    boxes: list[WordBox] = []
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        character = chr(code) if code <= _MAX_CODE_POINT else "\ufffd"
        if character.isspace():
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        corners = [to_pixels(x, y) for x in (left, right) for y in (bottom, top)]
        x0 = min(max(math.floor(min(x for x, _ in corners)), 0), width)
        y0 = min(max(math.floor(min(y for _, y in corners)), 0), height)
        x1 = min(max(math.ceil(max(x for x, _ in corners)), x0), width)
        y1 = min(max(math.ceil(max(y for _, y in corners)), y0), height)
        boxes.append(WordBox(text=character, confidence=100.0, left=x0, top=y0,
                             width=x1 - x0, height=y1 - y0))
    return tuple(boxes)


_MAX_CODE_POINT = 0x10FFFF

Box = tuple[float, float, float, float]
"""left, bottom, right, top in PDF points."""


def _visible_box(page: Any) -> Box:
    # get_bbox() is the crop box clipped to the media box as PDFium resolves them, inherited
    # boxes included; get_cropbox() reads only the page's own dictionary and falls back to Letter.
    box: Box = page.get_bbox()
    return box


def _fills(bounds: Box, page_box: Box) -> bool:
    slack_x = (page_box[2] - page_box[0]) * _FULL_PAGE_TOLERANCE
    slack_y = (page_box[3] - page_box[1]) * _FULL_PAGE_TOLERANCE
    slacks = (slack_x, slack_y, slack_x, slack_y)
    return all(
        abs(edge - page_edge) <= slack
        for edge, page_edge, slack in zip(bounds, page_box, slacks, strict=True)
    )


def _area(box: Box) -> float:
    return max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0)
