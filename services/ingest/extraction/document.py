"""Extraction of one document, page by page: the function an ingest worker calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, TypeVar

import msgspec

from services.common.contracts.ingest import OcrEngineName
from services.common.errors import PermanentJobError
from services.ingest.extraction.cjk import remove_cjk_spaces
from services.ingest.extraction.engine import OcrEngine, PageImage
from services.ingest.extraction.images import open_raster
from services.ingest.extraction.language import LanguageChooser
from services.ingest.extraction.models import (
    ExtractionLimits,
    MediaType,
    OcrLanguage,
    OcrReading,
    PageText,
    Rotation,
    TextLine,
    WordBox,
)
from services.ingest.extraction.pasted_images import PastedImage
from services.ingest.extraction.pdf import TextLayer, open_pdf, render_preview
from services.ingest.extraction.ppocr import PpOcrEngine, PpOcrReader
from services.ingest.extraction.previews import (
    LARGE_WIDTH,
    PreviewFiles,
    PreviewWriter,
    encoded,
    encoded_large,
    preview_image,
)
from services.ingest.extraction.review import needs_review
from services.ingest.extraction.sniffing import read_media_type

TEXT_LAYER_CONFIDENCE = 100.0


class _PageSource(Protocol):
    @property
    def page_count(self) -> int: ...

    def pages(self) -> Iterator[TextLayer | PageImage]: ...

    def page(self, number: int) -> TextLayer | PageImage: ...


class _PageReader(Protocol):
    def read(self, page: PageImage) -> tuple[OcrLanguage, OcrReading]: ...


def extract_document(
    path: Path,
    *,
    limits: ExtractionLimits,
    engine: OcrEngine,
    language: OcrLanguage | None = None,
    previews: PreviewWriter | None = None,
    on_page_count: Callable[[int], None] | None = None,
) -> Iterator[PageText]:
    """The text of each page of the original at ``path``, yielded as each page is done,
    each page's preview written to ``previews`` from the image already decoded for it (a
    text-layer page's only listed there, made on its first view: ``page_preview_files``).

    Blocking and CPU-bound: call it in a worker process, never on an event loop. The caller
    runs one such process per core (e.g. a ``ProcessPoolExecutor`` sized to the cores, or
    one ``archive worker`` per core); each engine uses one thread per page.
    ``on_page_count`` is told how many pages there are once the document is opened.
    Pages are decoded one at a time, so a 500-page PDF never has more than one page image
    in memory. ``language`` overrides Tesseract's per-document choice of model (PP-OCR
    reads every script with one model and needs none).

    The type is told from the content (PDF, TIFF, PNG, JPEG, HEIC), never from the file name.
    Raises, before the first page:
      ``UnsupportedMediaType``                    content of any other type
      ``PermanentJobError`` ``too_many_pages``    more pages than ``limits.max_pages``
      ``PermanentJobError`` ``no_pages``          a document without pages
      ``PermanentJobError`` ``encrypted_pdf``, ``corrupt_pdf``, ``corrupt_image``, ``pixel_bomb``
    and while iterating, for the page concerned (its number in ``extra["page"]``):
      ``PermanentJobError`` ``corrupt_pdf``, ``corrupt_image``, ``pixel_bomb``,
      ``text_layer_too_large`` (past ``limits.max_page_text_chars`` on a page or
      ``max_document_text_chars`` in all), or the engine's ``ocr_timeout``,
      ``ocr_failed``, ``ocr_bad_output``
      ``DependencyUnavailable`` the OCR engine is not installed (retrying later may help)
    """
    media_type = read_media_type(path)
    with _open_pages(path, media_type, limits) as document:
        _check_page_count(document, limits)
        if on_page_count is not None:
            on_page_count(document.page_count)
        reader, engine_name = _page_reader(engine, hint=language, limits=limits)
        for number, content in enumerate(document.pages(), start=1):
            if isinstance(content, TextLayer):
                page = _text_layer_page(number, content, limits)
                if content.pasted:
                    page = _with_pasted_images(page, content.pasted, reader=reader,
                                               engine_name=engine_name, limits=limits)
            else:
                page = _ocr_page(number, content, reader=reader, engine_name=engine_name,
                                 limits=limits)
            if previews is not None:
                _write_preview(previews, number, content, page.rotation)
            yield page


def derive_pages(path: Path, *, limits: ExtractionLimits, pages: Iterable[PageText],
                 previews: PreviewWriter) -> Iterator[PageText]:
    """For a document extracted before previews existed: each page's preview written to
    ``previews`` (turned as its reading in ``pages``, the current text, says; a text-layer
    page's only listed, made on its first view as at ingest), and each of
    ``pages`` yielded back, a text-layer page without character boxes given its text
    layer's. No OCR: the text is not read again.

    Raises what ``extract_document`` raises before and while decoding pages, and
    ``PermanentJobError`` ``text_mismatch`` when ``pages`` are not the original's pages.
    """
    media_type = read_media_type(path)
    with _open_pages(path, media_type, limits) as document:
        _check_page_count(document, limits)
        known = iter(pages)
        for number, content in enumerate(document.pages(), start=1):
            page = next(known, None)
            if page is None or page.number != number:
                raise _text_mismatch(number)
            _write_preview(previews, number, content, page.rotation)
            if isinstance(content, TextLayer) and page.method == "text_layer" and (
                    not page.words and _spells(content, page.text)):
                page = msgspec.structs.replace(page, words=content.words)
            yield page
        if next(known, None) is not None:
            raise _text_mismatch(document.page_count + 1)


def _check_page_count(document: _PageSource, limits: ExtractionLimits) -> None:
    page_count = document.page_count
    if page_count > limits.max_pages:
        raise PermanentJobError(
            f"the document has {page_count} pages, more than the limit of "
            f"{limits.max_pages} (ARCHIVE_MAX_PAGES); split it and upload the parts",
            code="too_many_pages", extra={"pages": page_count},
        )
    if page_count == 0:
        raise PermanentJobError(
            "the document has no pages; upload the original file again", code="no_pages"
        )


def _write_preview(previews: PreviewWriter, number: int, content: TextLayer | PageImage,
                   rotation: Rotation) -> None:
    if isinstance(content, PageImage):
        previews.write(number, content.pixels, rotation=rotation)
    else:
        # A text-layer page's preview costs ten times its reading; most are never viewed.
        previews.defer(number, content.size)


def page_preview_files(path: Path, number: int, *, limits: ExtractionLimits) -> PreviewFiles:
    """The preview and thumbnail of page ``number`` of the PDF at ``path``, a page whose
    preview was listed ``on_view`` (its text layer was read): rendered at preview size,
    upright as the PDF shows it. Blocking (pdfium is not thread-safe: one call at a time
    in a process). Raises ``PermanentJobError`` as ``render_preview``."""
    return encoded(render_preview(path, number, max_image_pixels=limits.max_image_pixels))


def page_large_file(path: Path, number: int, rotation: Rotation, *,
                    limits: ExtractionLimits) -> bytes:
    """Page ``number`` of the original at ``path`` at most ``LARGE_WIDTH`` wide (never
    enlarged), as WebP: what a person enlarging the page past its preview is shown. Made
    from what its preview was made from, so it is the preview larger and its boxes,
    scaled, stay on their words: a scan's page image decoded as when it was read, turned
    ``rotation`` as its reading turned it; a text-layer page rendered at that size, in
    colour. Blocking, and a page image in memory (within ``limits``): one call at a
    time in a process (pdfium is not thread-safe). Raises ``PermanentJobError`` as
    ``extract_document`` for that page, and ``text_mismatch`` past the original's pages."""
    with _open_pages(path, read_media_type(path), limits) as document:
        if not 1 <= number <= document.page_count:
            raise _text_mismatch(number)
        content = document.page(number)
    if isinstance(content, TextLayer):
        return encoded_large(render_preview(path, number, max_width=LARGE_WIDTH,
                                            max_image_pixels=limits.max_image_pixels))
    return encoded_large(preview_image(content.pixels, rotation, max_width=LARGE_WIDTH))


def _spells(layer: TextLayer, text: str) -> bool:
    return bool(layer.words) and (
        "".join(word.text for word in layer.words) == "".join(text.split()))


def _text_mismatch(number: int) -> PermanentJobError:
    return PermanentJobError(
        f"the stored page texts do not match the original's pages (page {number}); "
        "read the document again with 'archive reocr'", code="text_mismatch",
        extra={"page": number})


def _page_reader(engine: OcrEngine, *, hint: OcrLanguage | None,
                 limits: ExtractionLimits) -> tuple[_PageReader, OcrEngineName]:
    if isinstance(engine, PpOcrEngine):
        return PpOcrReader(engine, timeout_s=limits.page_timeout_s), "ppocr"
    return LanguageChooser(engine, hint=hint, timeout_s=limits.page_timeout_s,
                           languages=limits.languages), "tesseract"


def _open_pages(path: Path, media_type: MediaType, limits: ExtractionLimits
                ) -> AbstractContextManager[_PageSource]:
    if media_type == "application/pdf":
        return open_pdf(path, max_image_pixels=limits.max_image_pixels,
                        max_page_text_chars=limits.max_page_text_chars,
                        max_document_text_chars=limits.max_document_text_chars)
    return open_raster(path, media_type, max_image_pixels=limits.max_image_pixels)


def break_long_lines(text: str, max_line_chars: int) -> str:
    """``text`` with every line longer than ``max_line_chars`` broken into lines of that
    length (derived text is searched and cut into snippets line by line)."""
    if all(len(line) <= max_line_chars for line in text.split("\n")):
        return text
    return "\n".join(
        line[start:start + max_line_chars]
        for line in text.split("\n")
        for start in range(0, max(len(line), 1), max_line_chars)
    )


def _text_layer_page(number: int, layer: TextLayer, limits: ExtractionLimits) -> PageText:
    return PageText(
        number=number, text=break_long_lines(layer.text, limits.max_line_chars),
        confidence=TEXT_LAYER_CONFIDENCE, method="text_layer", language=None,
        words=layer.words, needs_review=False,
    )


def _with_pasted_images(
    page: PageText, pasted: tuple[PastedImage, ...], *, reader: _PageReader,
    engine_name: OcrEngineName, limits: ExtractionLimits,
) -> PageText:
    """``page`` (read from its text layer) with the writing OCR reads on the images pasted
    on it (a scanned receipt in a letter) after its text, their boxes and lines put where
    each image lies on the page, and the page's confidence and review theirs."""
    texts, words, lines = [page.text], list(page.words), list(page.lines)
    confidences = []
    for image in pasted:
        _, reading = _read(page.number, image.image, reader)
        text = remove_cjk_spaces(reading.text).strip()
        if not text or reading.mean_confidence < limits.low_confidence * _PHOTO_SHARE:
            continue
        texts.append(text)
        words += [_moved(word, image) for word in reading.words]
        lines += [_moved(line, image) for line in reading.lines]
        confidences.append(reading.mean_confidence)
    if not confidences:
        return page
    text = break_long_lines("\n".join(texts), limits.max_line_chars)
    if not page.words or "".join(word.text for word in words) != "".join(text.split()):
        words = []  # boxes that do not spell the text would mark the wrong characters
    confidence = round(min(confidences), 2)
    return msgspec.structs.replace(
        page, text=text, words=tuple(words), lines=tuple(lines), confidence=confidence,
        engine=engine_name,
        needs_review=needs_review(confidence, lines, low_confidence=limits.low_confidence))


# A photo pasted in a report (a leaking pipe) reads as nothing, or as a stray character at a
# confidence of 6 (Tesseract): a reading under half the review threshold is no writing.
_PHOTO_SHARE = 0.5
_Box = TypeVar("_Box", WordBox, TextLine)


def _moved(box: _Box, image: PastedImage) -> _Box:
    return msgspec.structs.replace(box, left=box.left + image.left, top=box.top + image.top)


def _read(number: int, page: PageImage, reader: _PageReader) -> tuple[OcrLanguage, OcrReading]:
    try:
        return reader.read(page)
    except PermanentJobError as exc:
        raise PermanentJobError(
            f"page {number}: {exc.detail}", code=exc.code, extra={**exc.extra, "page": number}
        ) from exc


def _ocr_page(
    number: int, page: PageImage, *, reader: _PageReader, engine_name: OcrEngineName,
    limits: ExtractionLimits,
) -> PageText:
    language, reading = _read(number, page, reader)
    confidence = round(reading.mean_confidence, 2)
    return PageText(
        number=number,
        text=break_long_lines(remove_cjk_spaces(reading.text).strip(), limits.max_line_chars),
        confidence=confidence,
        method="ocr",
        language=language,
        words=reading.words,
        needs_review=needs_review(confidence, reading.lines,
                                  low_confidence=limits.low_confidence),
        lines=reading.lines,
        engine=engine_name,
        rotation=reading.rotation,
    )
