"""Page text from an original (PDF, TIFF, PNG, JPEG, HEIC): framework-free, blocking.

An ingest worker calls ``extract_document`` once per document, in a process of its own
(one per core), with the configured ``OcrEngine``: ``PpOcrEngine`` (PP-OCRv6 small, the
default, ``ppocr``) or ``TesseractEngine``. Per page it SHALL:

1. tell the type from the content (``sniffing``), refusing anything else;
2. refuse documents over ``ExtractionLimits`` (pages, pixels) before decoding a page;
3. use a PDF page's own text when it is usable, without OCR (``pdf``);
4. otherwise hand the page image to the ``OcrEngine`` uncompressed: a scan's embedded
   image at its native resolution, else the page rendered at 300 dpi (``pdf``, ``images``);
5. with PP-OCR, read it with the one model that reads every script; with Tesseract, with
   the document's Chinese model, chosen on its first Chinese page, or ``eng`` for
   mostly-English pages (``language``), and remove the spaces Tesseract puts between CJK
   characters (``cjk``);
6. yield a ``PageText`` (text, confidence, method, language, word or character boxes,
   lines with their confidence, engine, ``needs_review``: a low mean or a doubtful line,
   ``review``); a text-layer page's boxes come
   from its characters (``pdf``);
7. when given a ``PreviewWriter``, write the page's preview and thumbnail, upright, from
   the image already decoded for it; a text-layer page's preview is only listed, and made
   on its first view (``page_preview_files``) (``previews``). ``derive_pages`` does only
   this for a document read before previews existed.

It MAY be stopped between pages; nothing it does outside its own process needs undoing.
"""

from services.common.contracts.ingest import OcrEngineName, PageBox
from services.ingest.extraction.cjk import remove_cjk_spaces
from services.ingest.extraction.document import (
    derive_pages,
    extract_document,
    page_large_file,
    page_preview_files,
)
from services.ingest.extraction.engine import OcrEngine, PageImage, TesseractEngine, require_models
from services.ingest.extraction.models import (
    ExtractionLimits,
    ExtractionMethod,
    MediaType,
    OcrLanguage,
    OcrReading,
    PageText,
    Rotation,
    TextLine,
    WordBox,
    placed_words,
)
from services.ingest.extraction.previews import (
    PagePreview,
    PreviewFiles,
    PreviewWriter,
    boxes_in_preview,
)
from services.ingest.extraction.review import doubtful_lines
from services.ingest.extraction.sniffing import read_media_type, sniff_media_type

__all__ = [
    "ExtractionLimits",
    "ExtractionMethod",
    "MediaType",
    "OcrEngine",
    "OcrEngineName",
    "OcrLanguage",
    "OcrReading",
    "PageBox",
    "PageImage",
    "PagePreview",
    "PageText",
    "PreviewFiles",
    "PreviewWriter",
    "Rotation",
    "TesseractEngine",
    "TextLine",
    "WordBox",
    "boxes_in_preview",
    "derive_pages",
    "doubtful_lines",
    "extract_document",
    "page_large_file",
    "page_preview_files",
    "placed_words",
    "read_media_type",
    "remove_cjk_spaces",
    "require_models",
    "sniff_media_type",
]
