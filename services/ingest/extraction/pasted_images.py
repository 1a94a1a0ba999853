"""Images pasted into a digital PDF's page: a scanned ID card, a signed or stamped receipt
placed in a letter made with Word. The page's text layer holds the letter's words and none
of the image's, so each such image is cut from the page, rendered, and read by OCR beside
the text layer (``document.extract_document``).

An image is taken as pasted when it covers at least ``MIN_PAGE_SHARE`` of the page (an ID
card at its size on A4 covers 7 %; a logo or a signature 1-3 %) and no more than
``MAX_LAYER_CHARACTERS_ON_IT`` characters of the text layer lie on it: a scanner's
"searchable PDF" draws its invisible text over its scan, and a letterhead printed as one
image behind the letter has the letter's text over it; both are read from their text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c

from services.ingest.extraction.engine import PageImage
from services.ingest.extraction.images import ocr_pixels, refuse_pixel_bomb

MIN_PAGE_SHARE = 0.05
MAX_LAYER_CHARACTERS_ON_IT = 5
_POINTS_PER_INCH = 72
_MAX_CODE_POINT = 0x10FFFF
# Forms inside forms looked into for an image: a stamp's appearance nests one or two.
_FORM_DEPTH = 3

Box = tuple[float, float, float, float]
"""left, bottom, right, top in PDF points."""
PagePoint = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class PastedImage:
    """A pasted image as the page shows it, rendered at ``image.dpi``, and where its top
    left corner lies in the pixels of the page rendered at that resolution."""

    image: PageImage
    left: int
    top: int


def pasted_images(page: Any, textpage: Any, to_pixels: PagePoint, size: tuple[int, int], *,
                  dpi: int, page_box: Box, max_image_pixels: int, number: int
                  ) -> tuple[PastedImage, ...]:
    """The images pasted on ``page`` (a PDFium page, whose text layer is ``textpage``),
    each cut from the page rendered at ``dpi`` (``size`` pixels; ``to_pixels`` maps page
    points onto them). Raises ``PermanentJobError(pixel_bomb)`` past ``max_image_pixels``."""
    large = [bounds for bounds in _image_bounds(page)
             if _area(bounds) >= _area(page_box) * MIN_PAGE_SHARE]
    if not large:
        return ()  # most pages: no character of the text layer need be placed
    characters = _character_centres(textpage)
    boxes = sorted(
        bounds for bounds in large
        if sum(1 for x, y in characters if _holds(bounds, x, y)) <= MAX_LAYER_CHARACTERS_ON_IT
    )
    if not boxes:
        return ()
    refuse_pixel_bomb(*size, limit=max_image_pixels, page=number)
    bitmap = page.render(scale=dpi / _POINTS_PER_INCH, grayscale=True)
    rendered = bitmap.to_pil()
    pasted = []
    for box in boxes:
        corners = [to_pixels(x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
        left = max(math.floor(min(x for x, _ in corners)), 0)
        top = max(math.floor(min(y for _, y in corners)), 0)
        right = min(math.ceil(max(x for x, _ in corners)), size[0])
        bottom = min(math.ceil(max(y for _, y in corners)), size[1])
        if right > left and bottom > top:
            region = ocr_pixels(rendered.crop((left, top, right, bottom)))
            pasted.append(PastedImage(image=PageImage(pixels=region, dpi=dpi),
                                      left=left, top=top))
    return tuple(pasted)


def _image_bounds(page: Any) -> set[Box]:
    """Where the page draws images, in page points: each image drawn on the page itself,
    and each form (an XObject: how a stamp's appearance is drawn once flattened) that draws
    one, whose own bounds are the page's (an image inside a form has only the form's)."""
    bounds: set[Box] = set()
    for drawn in page.get_objects(max_depth=0):
        if drawn.type == pdfium_c.FPDF_PAGEOBJ_IMAGE or (
                drawn.type == pdfium_c.FPDF_PAGEOBJ_FORM and _draws_image(drawn.raw)):
            left, bottom, right, top = drawn.get_bounds()
            bounds.add((left, bottom, right, top))
    return bounds


def _draws_image(form: Any, depth: int = _FORM_DEPTH) -> bool:
    for index in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        inner = pdfium_c.FPDFFormObj_GetObject(form, index)
        kind = pdfium_c.FPDFPageObj_GetType(inner)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE or (
                kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth > 1
                and _draws_image(inner, depth - 1)):
            return True
    return False


def _character_centres(textpage: Any) -> list[tuple[float, float]]:
    centres = []
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        if code <= _MAX_CODE_POINT and chr(code).isspace():
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        centres.append(((left + right) / 2, (bottom + top) / 2))
    return centres


def _holds(box: Box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _area(box: Box) -> float:
    return max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0)
