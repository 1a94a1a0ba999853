"""OcrEngines that break their worker process, for the ingest worker's fault tests.

They are pickled into spawned extraction processes, so they live in an importable module.
"""

from __future__ import annotations

import os
import signal
import time

from services.common.errors import DependencyUnavailable
from services.ingest.extraction import OcrLanguage, OcrReading, PageImage


class ProcessKillingEngine:
    """Kills the process it runs in, as a segfault in a native library would."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")


class HangingEngine:
    """Ignores its page timeout and never answers."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        time.sleep(3600)
        raise AssertionError("unreachable")


class MissingEngine:
    """Cannot load its model, as Tesseract without its language data."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        raise DependencyUnavailable("no model to read with", code="ocr_engine_missing")
