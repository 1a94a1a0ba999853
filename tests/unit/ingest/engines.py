"""OcrEngine implementations for tests: one that records, and ones that fail (OCRmyPDF style).

Faulty *executables* go through the real ``TesseractEngine``, so its handling of a child
that crashes, hangs or writes garbage is what is tested; faulty *engines* return readings
that break the contract, to test the caller's validation.
"""

from __future__ import annotations

import stat
from pathlib import Path

from services.ingest.extraction import OcrEngine, OcrLanguage, OcrReading, PageImage, WordBox


class RecordingEngine:
    """Passes every page to ``inner`` and records the languages it was asked for."""

    def __init__(self, inner: OcrEngine) -> None:
        self.inner = inner
        self.languages: list[OcrLanguage] = []

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        self.languages.append(language)
        return self.inner.read(page, language=language, timeout_s=timeout_s)


class OverconfidentEngine:
    """Returns a word with a confidence of 250 out of 100."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        word = WordBox(text="维修", confidence=250.0, left=0, top=0, width=10, height=10)
        return OcrReading(text="维修", words=(word,))


class NegativeBoxEngine:
    """Returns a word whose box has a negative width."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        word = WordBox(text="维修", confidence=90.0, left=5, top=5, width=-3, height=10)
        return OcrReading(text="维修", words=(word,))


class BadUtf8Engine:
    """Returns text decoded with ``surrogateescape`` from bytes that are not UTF-8."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        return OcrReading(text=b"\xff\xfe\xe7\xbb".decode("utf-8", errors="surrogateescape"))


FAULTY_TESSERACTS = {
    # kills itself like a segfaulting tesseract
    "crashing": "kill -SEGV $$\n",
    # never finishes; runs sleep as a child so the whole process group must be killed
    "hanging": "cat > /dev/null\nsleep 60\necho never\n",
    # exits with an error message, as tesseract does for a missing language model
    "failing": "cat > /dev/null\n"
    "echo \"Failed loading language 'chi_sim'\" >&2\nexit 1\n",
    # writes bytes that are not UTF-8
    "garbling": "cat > /dev/null\nprintf 'level\\tpage_num\\n\\377\\376\\375'\n",
    # writes UTF-8 that is not tesseract's TSV
    "babbling": "cat > /dev/null\necho 'Estimating resolution as 300'\n",
}


def write_recording_tesseract(directory: Path) -> Path:
    """An executable standing in for ``tesseract`` that keeps its arguments in ``args`` and a
    copy of the image file it was given in ``page`` (both in ``directory``), and reads no
    words."""
    path = directory / "tesseract-recording"
    path.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$@\" > '{directory / 'args'}'\n"
        f"cp \"$1\" '{directory / 'page'}'\n"
        "printf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\t"
        "top\\twidth\\theight\\tconf\\ttext\\n'\n",
        encoding="utf-8",
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def write_faulty_tesseract(directory: Path, fault: str) -> Path:
    """An executable standing in for ``tesseract`` that behaves as ``FAULTY_TESSERACTS[fault]``."""
    path = directory / f"tesseract-{fault}"
    path.write_text("#!/bin/sh\n" + FAULTY_TESSERACTS[fault], encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path
