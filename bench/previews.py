"""Page previews benchmark: what making a page's preview and thumbnail costs in the
extraction process, and what they weigh.

Renders the ingest benchmark's corpus (``bench/ingest_ocr.py``: scanned PDFs, multi-page
TIFFs, JPEGs and pages written by hand, Simplified and Traditional, 200 and 300 dpi, with
blur and noise) and digital PDFs (the ingest benchmark's, three lines a page, and full
pages of 30 lines), then extracts every document in process, one process
per core and one thread each (the OCR engine's models loaded before timing), twice:
without previews and with a ``PreviewWriter``, alternately, so both see the same load.
It reports per format the CPU seconds a page costs each way (CPU time, unlike wall time,
hardly moves when other work shares the machine), the difference (what the previews
cost), and the bytes of a page's preview and thumbnail.

A digital PDF's page (text layer) only has its preview listed at ingest; its images are
made on its first view (``page_preview_files``). The digital rows therefore show what
listing costs, and a second table what a first view costs in CPU (render at preview
size, encode the preview and thumbnail), per page, for the same digital PDFs.
``--digital-only`` skips the scanned formats (no OCR engine is loaded).

``--choices`` times, on one noisy 300-dpi page, the settings the preview's encoder was
chosen from (resampling filter × WebP method): CPU ms and KB.

Run: ``.venv/bin/python bench/previews.py [--pages-per-format 12] [--engine ppocr]
[--digital-pages 200] [--digital-only] [--choices]``.
"""

from __future__ import annotations

import argparse
import functools
import io
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest_ocr import CORES, PAGES_PER_FILE, _digital_pdf, corpus, degraded_page
from services.ingest.extraction import (
    ExtractionLimits,
    OcrEngine,
    PreviewWriter,
    TesseractEngine,
    extract_document,
    page_preview_files,
)
from services.ingest.extraction.ppocr import PpOcrEngine
from services.ingest.extraction.previews import (
    PREVIEW_QUALITY,
    PREVIEW_WIDTH,
    preview_name,
    thumbnail_name,
)
from tests.support.rendering import LINES, write_digital_pdf

ENGINES = ("ppocr", "tesseract")


@dataclass(frozen=True)
class Run:
    """One document extracted once: CPU seconds, pages, and preview bytes (0 without)."""

    cpu_s: float
    pages: int
    preview_bytes: int
    thumbnail_bytes: int


@functools.cache
def _engine(name: str) -> OcrEngine:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    return PpOcrEngine() if name == "ppocr" else TesseractEngine()


def extract(item: tuple[str, str, bool]) -> Run:
    """Runs in a worker process: extract one document, with previews or without."""
    engine_name, path, previews = item
    engine = _engine(engine_name)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        started = time.process_time()
        if previews:
            with PreviewWriter(directory) as writer:
                pages = list(extract_document(Path(path), limits=ExtractionLimits(),
                                              engine=engine, previews=writer))
        else:
            pages = list(extract_document(Path(path), limits=ExtractionLimits(),
                                          engine=engine))
        cpu_s = time.process_time() - started
        return Run(cpu_s=cpu_s, pages=len(pages),
                   preview_bytes=_sizes(directory, preview_name, len(pages)),
                   thumbnail_bytes=_sizes(directory, thumbnail_name, len(pages)))


def _sizes(directory: Path, name: Callable[[int], str], pages: int) -> int:
    return sum((directory / name(number)).stat().st_size
               for number in range(1, pages + 1) if (directory / name(number)).exists())


def first_view(path: str) -> tuple[float, int, int]:
    """Runs in a worker process: every page of a digital PDF made as on its first view;
    CPU seconds, pages, and the bytes of the previews."""
    pages = len(pdfium.PdfDocument(path))
    started = time.process_time()
    made = [page_preview_files(Path(path), number, limits=ExtractionLimits())
            for number in range(1, pages + 1)]
    return time.process_time() - started, pages, sum(len(m.preview) for m in made)


def digital_documents(root: Path, digital_pages: int) -> dict[str, list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    per_file = 50
    files = range(max(1, digital_pages // per_file))
    return {
        "digital": [str(_digital_pdf(root / f"digital-{n}.pdf", str(n), pages=per_file).path)
                    for n in files],
        "digital, full pages": [
            str(write_digital_pdf(root / f"full-{n}.pdf", [_full_page(n, page)
                                                           for page in range(per_file)]))
            for n in files],
    }


def first_view_table(documents: dict[str, list[str]]) -> str:
    rows = ["| format | pages | first view CPU ms/page (render at preview size, encode "
            "preview and thumbnail) | preview KB/page |", "| --- | ---: | ---: | ---: |"]
    with ProcessPoolExecutor(CORES, mp_context=multiprocessing.get_context("spawn")) as pool:
        for kind, paths in documents.items():
            runs = list(pool.map(first_view, paths))
            pages = sum(run[1] for run in runs)
            rows.append(f"| {kind} | {pages} | {sum(run[0] for run in runs) * 1000 / pages:.0f}"
                        f" | {sum(run[2] for run in runs) / pages / 1024:.0f} |")
    return "\n".join(rows)


def cost_table(root: Path, engine: str, pages_per_format: int, digital_pages: int, *,
               digital_only: bool = False) -> str:
    kinds = [] if digital_only else list(PAGES_PER_FILE)
    scanned = corpus(root, pages_per_format, kinds) if kinds else []
    documents = {kind: [str(d.path) for d in scanned if d.kind == kind] for kind in kinds}
    documents.update(digital_documents(root, digital_pages))
    rows = ["| format | pages | CPU s/page without previews | with previews | previews cost "
            "ms/page | preview KB/page | thumbnail KB/page |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    with ProcessPoolExecutor(CORES, mp_context=multiprocessing.get_context("spawn")) as pool:
        warm = documents["jpeg" if kinds else "digital"][:CORES]
        list(pool.map(extract, [(engine, path, True) for path in warm]))
        for kind, paths in documents.items():
            items = [(engine, path, previews) for path in paths for previews in (False, True)]
            runs = list(pool.map(extract, items))
            without, with_previews = runs[0::2], runs[1::2]
            pages = sum(run.pages for run in without)
            plain = sum(run.cpu_s for run in without) / pages
            made = sum(run.cpu_s for run in with_previews) / pages
            preview_kb = sum(run.preview_bytes for run in with_previews) / pages / 1024
            thumbnail_kb = sum(run.thumbnail_bytes for run in with_previews) / pages / 1024
            rows.append(f"| {kind} | {pages} | {plain:.3f} | {made:.3f} | "
                        f"{(made - plain) * 1000:.0f} | {preview_kb:.0f} | "
                        f"{thumbnail_kb:.1f} |")
            print(rows[-1], file=sys.stderr)
    return "\n".join(rows)


FULL_PAGE_LINES = 30


def _full_page(document: int, page: int) -> list[str]:
    """A letter-sized page of the request's lines (7 × 10 inches, 30 lines of ~20
    characters), numbered so no two pages are alike."""
    lines = LINES["simplified"]
    return [f"第{document}-{page}页", *(lines[(page + n) % len(lines)]
                                       for n in range(FULL_PAGE_LINES - 1))]


FILTERS = {"bilinear": Image.Resampling.BILINEAR, "bicubic": Image.Resampling.BICUBIC,
           "lanczos": Image.Resampling.LANCZOS}
METHODS = (0, 2, 4)
REPEATS = 15


def choices_table() -> str:
    """The encoder settings tried, on one noisy 300-dpi page scaled to the preview."""
    _, page = degraded_page(0, "simplified", random.Random(7), dpi=300)
    size = (PREVIEW_WIDTH, round(page.height * PREVIEW_WIDTH / page.width))
    rows = [f"| filter | WebP method | CPU ms (scale + encode, {page.width}×{page.height} → "
            f"{size[0]}×{size[1]}, quality {PREVIEW_QUALITY}) | KB |",
            "| --- | ---: | ---: | ---: |"]
    for name, resampling in FILTERS.items():
        for method in METHODS:
            timings = []
            for _ in range(REPEATS):
                out = io.BytesIO()
                started = time.process_time()
                page.resize(size, resampling, reducing_gap=2.0).save(
                    out, format="WEBP", quality=PREVIEW_QUALITY, method=method)
                timings.append(time.process_time() - started)
            cpu_ms = min(timings) * 1000  # the least disturbed by other work
            rows.append(f"| {name} | {method} | {cpu_ms:.0f} | {len(out.getvalue()) / 1024:.0f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-per-format", type=int, default=12)
    parser.add_argument("--digital-pages", type=int, default=200)
    parser.add_argument("--engine", choices=ENGINES, default="ppocr")
    parser.add_argument("--digital-only", action="store_true",
                        help="only the digital PDFs' rows (no OCR), and their first views")
    parser.add_argument("--choices", action="store_true",
                        help="time the encoder settings instead")
    args = parser.parse_args()
    if args.choices:
        print(choices_table())
        return
    root = Path(tempfile.mkdtemp(prefix="bench-previews-"))
    try:
        print(f"{CORES} cores, engine {args.engine}", file=sys.stderr)
        print(cost_table(root, args.engine, args.pages_per_format, args.digital_pages,
                         digital_only=args.digital_only))
        print()
        print(first_view_table(digital_documents(root / "first-view", args.digital_pages)))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
