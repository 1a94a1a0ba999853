"""Ingest benchmark: accuracy and speed of the whole pipeline against raw Tesseract and OCRmyPDF.

Renders a corpus of Chinese pages from known text (Simplified and Traditional, 200 and 300
dpi, mild rotation, blur and noise) as scanned PDFs, multi-page TIFFs and JPEGs, plus
digital PDFs; ingests it through a real archive server (embedded: SQLite, directory
store, one extraction process per core) over HTTP; and reports per format:

- character error rate (CER, whitespace ignored, width folded) against the known text,
  for ingest, raw ``tesseract`` told the right language, and OCRmyPDF told the language;
- pages per minute end to end (upload to job ``done``), as a ratio to raw ``tesseract``
  run one process per core with ``OMP_THREAD_LIMIT=1`` on the same page images, and to
  OCRmyPDF run one process per core (``--jobs 1``) on the same files;
- digital PDFs in pages per second end to end;
- peak memory of extraction over a long PDF against a short one (pages are decoded one
  at a time, so it should not grow with the page count).

Run: ``.venv/bin/python bench/ingest_ocr.py [--pages-per-format 12] [--digital-pages 500]``;
``--only digital`` runs the digital-PDF row alone (no OCR, no Tesseract needed); ``--only
pdf``, ``tiff`` or ``jpeg`` runs that format's row alone.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.cli.ingest import finished_jobs
from services.ingest.extraction import OcrLanguage
from services.ingest.extraction.engine import find_tessdata, loaded_model
from tests.fixtures.app import launch_archive_server
from tests.support.cer import character_error_rate
from tests.support.rendering import (
    LINES,
    Script,
    render_page,
    write_digital_pdf,
    write_jpeg,
    write_scanned_pdf,
    write_tiff,
)

MODEL: dict[Script, OcrLanguage] = {"simplified": "chi_sim", "traditional": "chi_tra"}
CORES = os.cpu_count() or 1
T = TypeVar("T")
PAGES_PER_FILE = {"pdf": 2, "tiff": 2, "jpeg": 1}


@dataclass
class Page:
    text: str
    image: Path
    """A lossless copy of the page as scanned (the JPEG itself for JPEG files)."""


@dataclass
class Document:
    kind: str
    script: Script
    path: Path
    pages: list[Page] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)


def degraded_page(index: int, script: Script, rng: random.Random) -> tuple[str, Image.Image]:
    """Known text on a page scanned at 200 or 300 dpi, slightly rotated, blurred, noisy."""
    lines = LINES[script]
    shift = index % len(lines)
    chosen = list(lines[shift:] + lines[:shift])
    dpi = 300 if index % 2 else 200
    page = render_page(chosen, script=script, dpi=dpi)
    page = page.rotate(rng.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC,
                       expand=True, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7) * dpi / 300))
    noise = Image.effect_noise(page.size, 18)
    page = ImageChops.add(page, noise, scale=1.0, offset=-128)
    page.info["dpi"] = (dpi, dpi)
    return "\n".join(chosen), page


def corpus(root: Path, pages_per_format: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    documents: list[Document] = []
    counter = 0
    for kind, per_file in PAGES_PER_FILE.items():
        for number in range(pages_per_format // per_file):
            script: Script = "simplified" if number % 2 == 0 else "traditional"
            document = Document(kind=kind, script=script,
                                path=root / f"{kind}-{number}.{kind}")
            images: list[Image.Image] = []
            for _ in range(per_file):
                text, image = degraded_page(counter, script, rng)
                counter += 1
                lossless = root / f"page-{counter}.png"
                image.copy().save(lossless, dpi=image.info["dpi"])
                images.append(image)
                document.pages.append(Page(text=text, image=lossless))
            _write(kind, document, images)
            documents.append(document)
    return documents


def _write(kind: str, document: Document, images: list[Image.Image]) -> None:
    if kind == "pdf":
        write_scanned_pdf(document.path, images)
        _pixels_as_stored(document)
    elif kind == "tiff":
        write_tiff(document.path, images)
    else:
        write_jpeg(document.path, images[0], quality=85)
        document.pages[0].image = document.path


def _pixels_as_stored(document: Document) -> None:
    """Pillow stores a PDF's page images JPEG-compressed: give the other readers the
    pixels as stored, not the lossless originals, so everyone reads the same pages."""
    pdf = pdfium.PdfDocument(document.path)
    try:
        for index, page in enumerate(document.pages):
            image = next(iter(pdf[index].get_objects()))
            pixels = image.get_bitmap(render=False).to_pil().copy()
            dpi = round(pixels.width * 72 / image.get_matrix().a)
            pixels.save(page.image, dpi=(dpi, dpi))
    finally:
        pdf.close()


def timed(run: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def raw_tesseract(documents: list[Document]) -> dict[str, str]:
    """Each page image read by ``tesseract -l <model>``, one process per core."""
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def read(item: tuple[Document, Page]) -> str:
        document, page = item
        return subprocess.run(
            ["tesseract", str(page.image), "stdout", "-l", MODEL[document.script]],
            capture_output=True, text=True, env=environment, check=True).stdout

    with ThreadPoolExecutor(CORES) as pool:
        return _by_document(documents, list(pool.map(read, _pages(documents))))


def _pages(documents: list[Document]) -> list[tuple[Document, Page]]:
    return [(document, page) for document in documents for page in document.pages]


def _by_document(documents: list[Document], texts: list[str]) -> dict[str, str]:
    """Each document's text from the texts of ``_pages(documents)``, in that order."""
    joined: dict[str, list[str]] = {}
    for (document, _), text in zip(_pages(documents), texts, strict=True):
        joined.setdefault(str(document.path), []).append(text)
    return {path: "\n".join(parts) for path, parts in joined.items()}


def tesseract_in_process(documents: list[Document]) -> tuple[dict[str, str], float]:
    """Each page image read by Tesseract's C API (tesserocr), one process per core, each
    model loaded once per process (the engine ingest runs, without the rest of ingest),
    and the seconds the reading took once the processes had their models."""
    items = [(str(page.image), MODEL[document.script]) for document, page in _pages(documents)]
    with ProcessPoolExecutor(CORES, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_load_models) as pool:
        list(pool.map(tesseract_read_file, items[:CORES]))
        texts, seconds = timed(lambda: list(pool.map(tesseract_read_file, items)))
    return _by_document(documents, texts), seconds


def _load_models() -> None:
    for model in MODEL.values():
        loaded_model(find_tessdata(), model)


def tesseract_read_file(item: tuple[str, OcrLanguage]) -> str:
    path, model = item
    api = loaded_model(find_tessdata(), model)
    api.SetImageFile(path)
    text: str = api.GetUTF8Text()
    api.Clear()
    return text


def ocrmypdf(documents: list[Document], scratch: Path) -> dict[str, str]:
    """OCRmyPDF told the language, one process per core, text from its sidecar."""
    executable = shutil.which("ocrmypdf") or str(Path(sys.executable).parent / "ocrmypdf")

    def read(document: Document) -> str:
        sidecar = scratch / f"{document.path.name}.txt"
        command = [executable, "-q", "-l", MODEL[document.script], "--jobs", "1",
                   "--rasterizer", "pypdfium", "--output-type", "none",
                   "--sidecar", str(sidecar), str(document.path), "-"]
        if document.kind != "pdf":
            command[1:1] = ["--image-dpi", "300"]
        subprocess.run(command, capture_output=True, check=True,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        return sidecar.read_text(encoding="utf-8")

    with ThreadPoolExecutor(CORES) as pool:
        texts = list(pool.map(read, documents))
    return {str(d.path): text for d, text in zip(documents, texts, strict=True)}


def mean_cer(documents: list[Document], texts: dict[str, str]) -> float:
    rates = [character_error_rate(d.text, texts[str(d.path)], fold_width=True)
             for d in documents]
    return sum(rates) / len(rates)


def peak_memory_mb(path: Path) -> float:
    """Max RSS of a fresh process that decodes every page of ``path`` for OCR, in MB."""
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from services.ingest.extraction.pdf import open_pdf\n"
        "with open_pdf(Path(sys.argv[1]), max_image_pixels=10**9, max_page_text_chars=10**9,\n"
        "              max_document_text_chars=10**9) as pdf:\n"
        "    for page in pdf.pages(): pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    return int(out.stdout.strip()) / 1024


def memory_rows(root: Path) -> list[str]:
    page = render_page(LINES["simplified"])
    rows = []
    for count in (5, 500):
        path = write_scanned_pdf(root / f"long-{count}.pdf", [page] * count)
        rows.append(f"| scanned PDF, {count} pages, decoded page by page | "
                    f"{peak_memory_mb(path):.0f} MB peak RSS |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-per-format", type=int, default=12)
    parser.add_argument("--digital-pages", type=int, default=500)
    parser.add_argument("--only", choices=["digital", *PAGES_PER_FILE],
                        help="run only this row (digital: text-layer PDFs, no OCR)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        if args.only == "digital":
            report_digital(root, args.digital_pages)
        else:
            kinds = [args.only] if args.only else list(PAGES_PER_FILE)
            report(root, args.pages_per_format, args.digital_pages, kinds)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def report(root: Path, pages_per_format: int, digital_pages: int, kinds: list[str]) -> None:
    """The rows of ``kinds``; the digital and memory rows too when that is every format."""
    (root / "corpus").mkdir()
    documents = corpus(root / "corpus", pages_per_format)
    print(f"corpus: {sum(len(d.pages) for d in documents)} scanned pages, {CORES} cores, "
          f"tesseract {_tesseract_version()}", file=sys.stderr)
    archive = launch_archive_server(root / "server", ocr_workers=CORES)
    try:
        client = archive.client(archive.add_user("bench", "archivist"))
        _warm_up(client, documents[0])
        _warm_up(client, documents[1])
        print("| format | pages | CER ingest | CER ingest (no hint) | CER tesseract | "
              "CER OCRmyPDF | CER in-process | ingest pages/min | tesseract pages/min | "
              "OCRmyPDF pages/min | in-process pages/min | ingest ÷ tesseract | "
              "ingest ÷ OCRmyPDF | ingest ÷ in-process |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
              "| ---: | ---: | ---: |")
        for kind in kinds:
            print(_format_row(client, [d for d in documents if d.kind == kind], root))
        if len(kinds) < len(PAGES_PER_FILE):
            return
        print()
        print(_digital_row(client, root, digital_pages))
        print()
        for row in memory_rows(root):
            print(row)
    finally:
        archive.server.stop()


def _format_row(client: httpx.Client, group: list[Document], root: Path) -> str:
    pages = sum(len(d.pages) for d in group)
    scratch = Path(tempfile.mkdtemp(dir=root))
    ours_s, ours = file_and_wait(client, group, hint=True)
    # The same bytes would be deduplicated: re-encode a copy for the run without a hint.
    chosen = [_copy(d, root) for d in group]
    unhinted_s, unhinted = file_and_wait(client, chosen, hint=False)
    raw, raw_s = timed(lambda: raw_tesseract(group))
    other, other_s = timed(lambda: ocrmypdf(group, scratch))
    in_process, in_process_s = tesseract_in_process(group)
    per_min = [pages * 60 / seconds for seconds in (ours_s, raw_s, other_s, in_process_s)]
    return (f"| {group[0].kind} | {pages} | {mean_cer(group, ours):.2%} | "
            f"{mean_cer(chosen, unhinted):.2%} ({pages * 60 / unhinted_s:.0f}/min) | "
            f"{mean_cer(group, raw):.2%} | {mean_cer(group, other):.2%} | "
            f"{mean_cer(group, in_process):.2%} | "
            f"{per_min[0]:.0f} | {per_min[1]:.0f} | {per_min[2]:.0f} | {per_min[3]:.0f} | "
            f"{per_min[0] / per_min[1]:.2f} | {per_min[0] / per_min[2]:.2f} | "
            f"{per_min[0] / per_min[3]:.2f} |")


def _copy(document: Document, root: Path, *, padding: int = 1) -> Document:
    """The same pages in a file with different bytes (``padding`` trailing bytes the
    readers ignore; copies with different padding are different documents)."""
    path = root / f"copy-{padding}-{document.path.name}"
    data = document.path.read_bytes()
    path.write_bytes(data + (b"\n" if document.kind == "pdf" else b"\x00") * padding)
    return Document(kind=document.kind, script=document.script, path=path,
                    pages=document.pages)


def report_digital(root: Path, digital_pages: int) -> None:
    """The digital-PDF row alone, on a server of its own."""
    print(f"digital PDFs: {digital_pages} pages, {CORES} cores", file=sys.stderr)
    archive = launch_archive_server(root / "server", ocr_workers=CORES)
    try:
        client = archive.client(archive.add_user("bench", "archivist"))
        warm = [_digital_pdf(root / f"warm-{n}.pdf", f"warm-{n}", pages=2)
                for n in range(CORES)]
        file_and_wait(client, warm, hint=False)
        print(_digital_row(client, root, digital_pages))
    finally:
        archive.server.stop()


def _digital_pdf(path: Path, label: str, *, pages: int) -> Document:
    lines = LINES["simplified"]
    texts = [[f"第{label}-{n}页", *lines[n % 8:n % 8 + 2]] for n in range(pages)]
    return Document(kind="digital", script="simplified", path=write_digital_pdf(path, texts))


def _digital_row(client: httpx.Client, root: Path, total_pages: int) -> str:
    per_file = 100
    documents = [_digital_pdf(root / f"digital-{number}.pdf", str(number), pages=per_file)
                 for number in range(max(1, total_pages // per_file))]
    pages = per_file * len(documents)
    seconds, texts = file_and_wait(client, documents, hint=False)
    exact = all(texts[str(d.path)] for d in documents)
    return (f"| digital PDF | {pages} pages in {len(documents)} files | "
            f"{pages / seconds:.0f} pages/s end to end | text layer read: {exact} |")


def file_and_wait(client: httpx.Client, documents: list[Document], *, hint: bool
                  ) -> tuple[float, dict[str, str]]:
    """Upload every document, then wait for all their jobs: the seconds from the first
    upload to the last job's ``finished_at`` (the server's clock is this machine's, so a
    poll's sleep is not counted), and each document's text, fetched after the timing.

    Jobs are followed as ``archive ingest --wait`` follows them (``finished_jobs``):
    polling harder only takes CPU from the OCR processes on the same cores. ``hint``
    gives the OCR language in the metadata."""
    started = time.time()
    pending: dict[str, Document] = {}
    for document in documents:
        metadata = {"household": "A-1201", "category": "repair", "title": document.path.name,
                    "filed_at": "2024-05-18"}
        if hint:
            metadata["language"] = MODEL[document.script]
        response = client.post("/ingest/documents", data={"metadata": json.dumps(metadata)},
                               files={"file": (document.path.name, document.path.read_bytes())})
        response.raise_for_status()
        pending[response.json()["job_id"]] = document
    finished: dict[str, dict[str, Any]] = {}
    for job in finished_jobs(lambda job_id: client.get(f"/ingest/jobs/{job_id}").json(),
                             list(pending)):
        if job["status"] == "failed":
            raise RuntimeError(f"{pending[job['job_id']].path.name}: {job['error']}")
        finished[job["job_id"]] = job
    last_done = max(datetime.fromisoformat(job["finished_at"]).timestamp()
                    for job in finished.values())
    texts = {}
    for job_id, job in finished.items():
        pages = client.get(f"/ingest/documents/{job['document_id']}/text").json()["pages"]
        texts[str(pending[job_id].path)] = "\n".join(page["text"] for page in pages)
    return last_done - started, texts


def _warm_up(client: httpx.Client, document: Document) -> None:
    """Start every extraction process (one per core), with ``document``'s model loaded,
    before anything is timed: a server runs for months, so their start-up is no part of
    its throughput."""
    copies = [_copy(document, document.path.parent, padding=2 + n) for n in range(CORES)]
    file_and_wait(client, copies, hint=True)


def _tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True,
                         check=False)
    return (out.stdout or out.stderr).splitlines()[0].split()[-1]


if __name__ == "__main__":
    main()
