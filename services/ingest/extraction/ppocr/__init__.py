"""PP-OCRv6 small, the archive's default OCR engine (``ARCHIVE_OCR_ENGINE=ppocr``).

PaddleOCR's current models run on onnxruntime on the CPU, one thread per extraction
process. Per page: the page is shrunk for text detection (``detection``); the lines'
orientation decides how the page lies and the lines are put in reading order
(``layout``); each line is cut out deskewed and read, in batches of similar width, with a
box per character from the recogniser's alignment and a confidence per line
(``recognition``); each line is kept in its own script (``script``). The model files
come from a pinned PyPI package (``models``).
"""

from services.ingest.extraction.ppocr.engine import PpOcrEngine, PpOcrReader
from services.ingest.extraction.ppocr.models import MODEL_PACKAGE, find_model_files

__all__ = ["MODEL_PACKAGE", "PpOcrEngine", "PpOcrReader", "find_model_files"]
