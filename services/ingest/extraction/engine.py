"""The OCR engine seam, and its Tesseract implementation.

Engines raise these, and nothing else, for a page they cannot read:

    PermanentJobError, code:
      ocr_timeout       the page took longer than ``timeout_s``; the engine was stopped
      ocr_failed        the engine gave up on the page (its message is kept)
      ocr_bad_output    the engine's output could not be understood
    DependencyUnavailable   the engine or a model is missing (not installed); retrying
                            may help (code ``ocr_engine_missing``)

An engine that crashes takes its extraction process with it; the pool reports that as
``ExtractionDied`` and the job is tried again (``services.ingest.pool``).
"""

from __future__ import annotations

import functools
import itertools
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from PIL import Image, ImageFilter

from services.common.errors import DependencyUnavailable, PermanentJobError
from services.ingest.extraction.cjk import remove_cjk_spaces
from services.ingest.extraction.columns import Box, reading_order
from services.ingest.extraction.models import (
    OcrLanguage,
    OcrReading,
    Rotation,
    TextLine,
    WordBox,
)
from services.ingest.extraction.skew import levelled, levelling_turn, reading_unlevelled
from services.ingest.extraction.turns import read_turned, read_upright

if TYPE_CHECKING:
    from tesserocr import PyTessBaseAPI

# Tesseract's SetImage: 0 is one bit per pixel, packed, most significant bit first, 1 white;
# Pillow's mode "1" rows are packed the same way.
_BYTES_PER_PIXEL = {"1": 0, "L": 1, "RGB": 3}
OCR_PIXEL_MODES = tuple(_BYTES_PER_PIXEL)


TESSERACT_ASSUMED_DPI = 300
"""What Tesseract is told of a page whose file stated no resolution: told less than its
print's, its layout analysis may break large print into pieces (two lines of a 300-dpi
slip told 121 came back as six); told 300 of a 150-dpi page, it reads it the same."""


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page as pixels ready for OCR: ``pixels`` in mode ``1``, ``L`` or ``RGB``, scanned
    (or rendered) at ``dpi``; ``assumed``: the file stated no resolution, and ``dpi`` is
    what its width would be as a page of A4 (``images.page_dpi``)."""

    pixels: Image.Image
    dpi: int
    assumed: bool = False

    @property
    def tesseract_dpi(self) -> int:
        """What Tesseract is told (OCR and its orientation detection, OSD)."""
        return TESSERACT_ASSUMED_DPI if self.assumed else self.dpi


class OcrEngine(Protocol):
    """Reads the text on a page image (OCR).

    Contract:
    - Runs in a child process (an extraction worker, one per core), which may keep loaded
      models between pages and documents as a cache; a reading never depends on an
      earlier one. It mutates nothing outside its process.
    - A pure function of ``(page, language)``: the same image and language give the same
      reading, so a job retried after a crash gives the same text.
    - Never runs past ``timeout_s`` per page: it stops its work and raises
      ``PermanentJobError(code="ocr_timeout")``. An engine that ignores this hangs its
      worker until the job lease expires.
    - Failures are raised as the errors listed in this module's docstring. The caller
      validates the returned ``OcrReading`` and treats nonsense as ``ocr_bad_output``.
    """

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        """The text and word boxes on ``page`` read with ``language``'s model."""
        ...


class TesseractEngine:
    """``OcrEngine`` running Tesseract 5 inside the extraction process, through its C API
    (tesserocr).

    Each process loads a model the first time a page needs it and keeps it for the pages
    and documents that follow: starting the ``tesseract`` command for every page cost
    ~120 ms of its ~500 ms (loading the model, mostly), and the same pages read ~40%
    faster in process with identical text. Reading leaves nothing behind in the model
    (each page's results are cleared), so a page reads the same whatever came before it.
    OpenMP is limited to one thread: with one process per core, more only contend
    (measured with the command: 2.1 s a page with OpenMP, 0.9 s without).

    The page is handed over as raw pixels (no encoding). Grey and colour pages are
    smoothed first (``denoised``); the image is never resized. Models come from
    ``tessdata``, by default ``TESSDATA_PREFIX`` or the first of ``TESSDATA_DIRS`` that
    exists.

    A page photographed askew (more than ``skew.MIN_TILT_DEG``) is levelled before it is
    read, which Tesseract does not do beyond a scanner's degree or two (``skew``); its
    boxes are put back on the page as given.

    Tesseract does not turn a page: one scanned upside down or turned a quarter
    counter-clockwise reads as nonsense, one turned a quarter clockwise as columns of
    vertical text. How the page lies is decided as for every engine (``turns``): a doubtful
    reading asks Tesseract's orientation detection (OSD, ``page_orientation``), or, when it
    cannot tell, reads the page turned, and the more confident reading is kept with its
    ``rotation``. Boxes are in the pixels of the page as given either way. The page's
    orientation is kept for the next reading of the same page (the document's other
    Chinese model, or ``eng``), which reads it turned at once.
    """

    def __init__(self, *, tessdata: Path | None = None) -> None:
        self._tessdata = tessdata
        self._last_page: tuple[PageImage, Rotation] | None = None

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        tessdata = self._tessdata or find_tessdata()
        api = loaded_model(tessdata, language)
        pixels = denoised(page.pixels)
        if pixels.mode not in OCR_PIXEL_MODES:
            raise ValueError(f"page pixels must be in mode 1, L or RGB, not {pixels.mode}")
        started = time.monotonic()

        def recognised(image: Image.Image) -> tuple[OcrLanguage, OcrReading]:
            turn = levelling_turn(image)
            if not turn:
                return language, _recognise(api, image, page.tesseract_dpi, started=started,
                                            timeout_s=timeout_s)
            level = levelled(image, turn)
            reading = _recognise(api, level, page.tesseract_dpi, started=started,
                                 timeout_s=timeout_s)
            return language, reading_unlevelled(reading, turn, level.size, image.size)

        if self._last_page is not None and self._last_page[0] is page:
            return read_turned(pixels, recognised, self._last_page[1])[1]
        _, reading = read_upright(pixels, recognised, orientation=lambda: page_orientation(
            tessdata, pixels, page.tesseract_dpi))
        self._last_page = (page, reading.rotation)
        return reading


OSD_MIN_CHARACTERS = 50
"""Tesseract's ``min_characters_to_try``: OSD tells a page on which it finds half as many
characters (connected shapes at least 10 px tall, no more than twice as long as wide), and
looks at up to five times as many."""

OSD_MIN_CHARACTERS_LINE = 18
"""``min_characters_to_try`` when OSD asks again about a page it could not tell: one line
of at least 9 characters (a slip, or one column of vertical text), which it tells as it
tells a page. Measured on rendered slips turned each way and columns of 9-19 characters:
the same turns as three copies of the line side by side (the same characters, scored three
times) at a third of the time, 0.02-0.05 s."""


def page_orientation(tessdata: Path, pixels: Image.Image, dpi: int) -> Rotation | None:
    """How far ``pixels`` must be turned (degrees clockwise) to stand upright, as Tesseract's
    OSD finds it; ``None`` when it cannot tell (a line of fewer than 9 characters). When a
    page has too few characters for OSD (a slip, one column of vertical text), it is asked
    again with fewer (``OSD_MIN_CHARACTERS_LINE``). Either engine asks it about a doubtful
    page (``turns.read_upright``).

    OSD's own confidence is not used: on short Chinese pages it says 0.3-3 for turns it
    got right (its documentation calls 15 reasonably confident), so the reading of the
    turned page is what decides. It has no timeout of its own; it takes under 2 s on a
    full page."""
    api = loaded_orientation_model(tessdata)
    try:
        _set_page(api, pixels, dpi)
        found = api.DetectOrientationScript()
        if found is None:
            api.SetVariable("min_characters_to_try", str(OSD_MIN_CHARACTERS_LINE))
            found = api.DetectOrientationScript()
    except RuntimeError as exc:
        raise PermanentJobError(f"tesseract failed to tell how the page lies: {exc}",
                                code="ocr_failed") from exc
    finally:
        api.SetVariable("min_characters_to_try", str(OSD_MIN_CHARACTERS))
        api.Clear()
    if found is None:
        return None
    # OSD says how far the page as given is turned clockwise; undoing it is the rest.
    return cast("Rotation", (360 - int(found["orient_deg"])) % 360)


def _set_page(api: PyTessBaseAPI, pixels: Image.Image, dpi: int) -> None:
    bytes_per_pixel = _BYTES_PER_PIXEL[pixels.mode]
    row_bytes = (pixels.width + 7) // 8 if bytes_per_pixel == 0 else (
        pixels.width * bytes_per_pixel)
    api.SetImageBytes(pixels.tobytes(), pixels.width, pixels.height, bytes_per_pixel,
                      row_bytes)
    api.SetSourceResolution(dpi)


def _recognise(api: PyTessBaseAPI, pixels: Image.Image, dpi: int, *, started: float,
               timeout_s: float) -> OcrReading:
    """``pixels`` read by ``api``'s model, within ``timeout_s`` of ``started``."""
    left_s = timeout_s - (time.monotonic() - started)
    try:
        _set_page(api, pixels, dpi)
        if left_s <= 0 or not api.Recognize(timeout=max(1, round(left_s * 1000))):
            raise _unfinished(time.monotonic() - started, timeout_s)
        tsv = api.GetTSVText(0)
    except UnicodeDecodeError as exc:
        raise PermanentJobError(
            f"tesseract wrote text that is not UTF-8 ({exc.reason} at byte {exc.start})",
            code="ocr_bad_output",
        ) from exc
    except RuntimeError as exc:
        raise PermanentJobError(f"tesseract failed on the page: {exc}",
                                code="ocr_failed") from exc
    finally:
        api.Clear()
    return parse_tsv(tsv)


TESSDATA_DIRS = (
    Path("/usr/share/tesseract-ocr/5/tessdata"),  # Debian and Ubuntu
    Path("/usr/share/tessdata"),  # Fedora, Arch
    Path("/usr/local/share/tessdata"),  # built from source
)


def find_tessdata() -> Path:
    """The directory of Tesseract's models: ``TESSDATA_PREFIX`` if set, else the first of
    ``TESSDATA_DIRS`` that exists. Raises ``DependencyUnavailable`` if there is none."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    for directory in [Path(prefix)] if prefix else TESSDATA_DIRS:
        if directory.is_dir():
            return directory
    raise DependencyUnavailable(
        f"no Tesseract models in {prefix or ', '.join(map(str, TESSDATA_DIRS))}; "
        f"{_INSTALL_HINT}", code="ocr_engine_missing",
    )


def require_models(languages: Iterable[str], *, tessdata: Path | None = None) -> Path:
    """The directory holding Tesseract's model of each of ``languages`` (``osd`` too, as
    named), checked by its file: at start-up, so that a wrong ``TESSDATA_PREFIX`` stops
    the start saying so rather than failing every upload after five attempts each, as if
    the documents were at fault. Raises ``DependencyUnavailable`` (``ocr_engine_missing``)."""
    directory = tessdata or find_tessdata()
    missing = [language for language in languages
               if not (directory / f"{language}.traineddata").is_file()]
    if missing:
        raise DependencyUnavailable(
            f"no Tesseract model {', '.join(map(repr, missing))} in {directory}; "
            f"{_INSTALL_HINT} ('osd' comes with Debian's tesseract-ocr)",
            code="ocr_engine_missing")
    return directory


_INSTALL_HINT = (
    "install Tesseract 5's chi_sim and chi_tra models (Debian: tesseract-ocr-chi-sim, "
    "tesseract-ocr-chi-tra) or set TESSDATA_PREFIX to the directory that holds them"
)


@functools.cache
def loaded_model(tessdata: Path, language: OcrLanguage) -> PyTessBaseAPI:
    """Tesseract with ``language``'s model from ``tessdata``, loaded once per process.
    Raises ``DependencyUnavailable`` (``ocr_engine_missing``) if it cannot be loaded."""
    # Imported here, after this line: OpenMP reads the limit once, when the library loads.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import tesserocr
    except ImportError as exc:
        raise DependencyUnavailable(
            f"cannot load Tesseract's library ({exc}); reinstall the archive's Python "
            "packages ('make setup')", code="ocr_engine_missing",
        ) from exc
    try:
        return tesserocr.PyTessBaseAPI(path=f"{tessdata}{os.sep}", lang=language)
    except RuntimeError as exc:
        raise DependencyUnavailable(
            f"cannot load the Tesseract model {language!r} from {tessdata}; {_INSTALL_HINT}",
            code="ocr_engine_missing",
        ) from exc


@functools.cache
def loaded_orientation_model(tessdata: Path) -> PyTessBaseAPI:
    """Tesseract's orientation and script detection (the ``osd`` model, which Debian's
    tesseract-ocr installs) from ``tessdata``, loaded once per process. Raises
    ``DependencyUnavailable`` (``ocr_engine_missing``) if it cannot be loaded."""
    import tesserocr

    try:
        return tesserocr.PyTessBaseAPI(path=f"{tessdata}{os.sep}", lang="osd",
                                       psm=tesserocr.PSM.OSD_ONLY)
    except RuntimeError as exc:
        raise DependencyUnavailable(
            f"cannot load Tesseract's orientation model 'osd' from {tessdata}; install "
            "it (Debian: tesseract-ocr) or set TESSDATA_PREFIX to the directory that holds "
            "it", code="ocr_engine_missing",
        ) from exc


def _unfinished(elapsed_s: float, timeout_s: float) -> PermanentJobError:
    if elapsed_s >= timeout_s:
        return PermanentJobError(
            f"OCR of the page took longer than {timeout_s:g} s and was stopped; "
            "raise ARCHIVE_PAGE_TIMEOUT_S or split the document",
            code="ocr_timeout",
        )
    return PermanentJobError("tesseract could not read the page (it gave up early)",
                             code="ocr_failed")


_TSV_COLUMNS = 12
_WORD_LEVEL = "5"


def parse_tsv(tsv: str) -> OcrReading:
    """An ``OcrReading`` from the rows of Tesseract's TSV (``GetTSVText``: no header line):
    lines in reading order (``columns``), their words joined by spaces, lines by newlines
    and paragraphs by a blank line. Raises ``PermanentJobError(ocr_bad_output)``.

    Tesseract's own layout analysis finds columns of running text, but it takes a table's
    columns for columns too and read a table of charges date by date, then item by item
    (71 % of a wide table's characters out of place): its lines are put in the order
    both engines read a page, so a row is read across and columns one after the other."""
    found: dict[tuple[str, str, str], list[WordBox]] = {}
    for number, row in enumerate(tsv.splitlines(), start=1):
        fields = row.split("\t")
        if len(fields) != _TSV_COLUMNS:
            raise PermanentJobError(
                f"tesseract TSV line {number} has {len(fields)} columns, not {_TSV_COLUMNS}",
                code="ocr_bad_output",
            )
        if fields[0] != _WORD_LEVEL or not fields[11].strip():
            continue
        found.setdefault((fields[2], fields[3], fields[4]), []).append(_word(fields, number))
    pieces = [(key[:2], piece) for key, line in found.items() for piece in _pieces(line)]
    order = reading_order([_box(piece) for _, piece in pieces])
    lines: list[str] = []
    text_lines: list[TextLine] = []
    words: list[WordBox] = []
    paragraphs: set[tuple[str, str]] = set()
    for group in order:
        group_paragraphs = {pieces[index][0] for index in group}
        if lines and not group_paragraphs & paragraphs:
            lines.append("")
        paragraphs = group_paragraphs
        lines.append(" ".join(word.text for index in group for word in pieces[index][1]))
        for index in group:
            text_lines.append(_line(pieces[index][1]))
            words.extend(pieces[index][1])
    return OcrReading(text="\n".join(lines), words=tuple(words), lines=tuple(text_lines))


LINE_BREAK_GAP = 1.5
"""A gap between two words of one of Tesseract's lines, in the line's heights, that parts
it into pieces read as lines of their own (a word's space is a third of a height): on a
short page it ran a line of each column into one, across a gutter three heights wide."""


def _pieces(line: list[WordBox]) -> list[list[WordBox]]:
    """``line`` parted where its words lie ``LINE_BREAK_GAP`` line heights apart or more."""
    height = max(word.height for word in line)
    pieces = [[line[0]]]
    for before, word in itertools.pairwise(line):
        if word.left - (before.left + before.width) >= LINE_BREAK_GAP * height:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return pieces


def _box(words: list[WordBox]) -> Box:
    return (min(word.left for word in words), min(word.top for word in words),
            max(word.left + word.width for word in words),
            max(word.top + word.height for word in words))


def _line(words: list[WordBox]) -> TextLine:
    """A line of Tesseract's words: its box holds theirs, its confidence is their mean."""
    left, top, right, bottom = (round(edge) for edge in _box(words))
    return TextLine(
        text=remove_cjk_spaces(" ".join(word.text for word in words)),
        confidence=round(sum(word.confidence for word in words) / len(words), 2),
        left=left, top=top, width=right - left, height=bottom - top,
    )


def _word(fields: list[str], number: int) -> WordBox:
    try:
        left, top, width, height = (int(value) for value in fields[6:10])
        confidence = float(fields[10])
    except ValueError as exc:
        raise PermanentJobError(
            f"tesseract TSV line {number} has a non-numeric box or confidence",
            code="ocr_bad_output",
        ) from exc
    # Tesseract marks a word it could not score with -1; that is no confidence at all.
    return WordBox(
        text=fields[11].strip(), confidence=max(confidence, 0.0),
        left=left, top=top, width=width, height=height,
    )


def denoised(pixels: Image.Image) -> Image.Image:
    """``pixels`` smoothed with a small centre-weighted kernel (5×5, ``SMOOTH_MORE``) if grey
    or colour; bilevel pages as they are.

    Tesseract binarises a page with one global Otsu threshold, so a scanner's grain
    survives as specks of ink; beside a line's last characters they make it misread the
    word or drop it (``业主姓名张伟先生`` read as ``】Je``). Measured on the ingest
    benchmark's noisy 200/300-dpi pages (360 pages, 3 corpus seeds): CER 0.30% → 0.10%,
    OCRmyPDF 0.22%. A 3×3 box blur did as well there but turned clean 7-point text at
    150 dpi into errors; this kernel did not. It costs ~30 ms a page, and tesseract is no
    slower on the smoothed page.
    """
    if pixels.mode == "1":
        return pixels
    return pixels.filter(ImageFilter.SMOOTH_MORE)
