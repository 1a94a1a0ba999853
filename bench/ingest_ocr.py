"""Ingest benchmark: accuracy and speed of the whole pipeline, PP-OCR and Tesseract side by
side, against raw Tesseract.

Renders a corpus of Chinese pages from known text (Simplified and Traditional, 200 and 300
dpi, mild rotation, blur and noise) as scanned PDFs, multi-page TIFFs and JPEGs, plus pages
written by hand (a brush face with jitter, blue ink on ruled paper, as JPEG) and digital
PDFs; ingests it through a real archive server (embedded: SQLite, directory store, one
extraction process per core) over HTTP, once per OCR engine (``ARCHIVE_OCR_ENGINE``
``ppocr``, then ``tesseract``, told the script in the metadata); and reports:

- per format, script and dpi: character error rate against the known text, plain (width
  folded, whitespace ignored) and folded as search sees text (Traditional to Simplified,
  punctuation dropped), for each engine in ingest and for raw ``tesseract`` told the
  right language;
- per format: pages per minute end to end (upload to job ``done``) for each engine, and
  raw ``tesseract`` run one process per core with ``OMP_THREAD_LIMIT=1`` on the same page
  images, with the ratios; and the CPU seconds a page costs each engine alone (in
  process, one thread) and raw ``tesseract``, which a busy machine hardly moves;
- digital PDFs in pages per second end to end;
- peak memory of an extraction process per engine, and of decoding a long PDF against a
  short one (pages are decoded one at a time, so it should not grow with the page count).

Run: ``.venv/bin/python bench/ingest_ocr.py [--pages-per-format 12] [--digital-pages 500]``;
``--only digital`` runs the digital-PDF row alone (no OCR); ``--only pdf``, ``tiff``,
``jpeg`` or ``hand`` runs that format alone; ``--engine`` runs one engine only.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.common.contracts.ingest import JobView
from services.ingest.extraction import OcrEngine, OcrLanguage, PageImage, TesseractEngine
from services.ingest.extraction.images import ocr_pixels
from services.ingest.extraction.ppocr import PpOcrEngine
from tests.fixtures.app import launch_archive_server
from tests.support.cer import character_error_rate, folded_error_rate
from tests.support.jobs import finished_jobs_of
from tests.support.rendering import (
    LINES,
    Script,
    render_handwritten_page,
    render_page,
    sensor_noise,
    write_digital_pdf,
    write_jpeg,
    write_scanned_pdf,
    write_tiff,
)

MODEL: dict[Script, OcrLanguage] = {"simplified": "chi_sim", "traditional": "chi_tra"}
CORES = os.cpu_count() or 1
T = TypeVar("T")
PAGES_PER_FILE = {"pdf": 2, "tiff": 2, "jpeg": 1, "hand": 1}
ENGINES = ("ppocr", "tesseract")


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
    dpi: int
    pages: list[Page] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)


def degraded_page(index: int, script: Script, rng: random.Random, *, dpi: int
                  ) -> tuple[str, Image.Image]:
    """Known text on a page scanned at ``dpi``, slightly rotated, blurred, noisy."""
    lines = LINES[script]
    shift = index % len(lines)
    chosen = list(lines[shift:] + lines[:shift])
    page = render_page(chosen, script=script, dpi=dpi)
    page = page.rotate(rng.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC,
                       expand=True, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7) * dpi / 300))
    page = ImageChops.add(page, sensor_noise(page.size, rng, sigma=18), scale=1.0, offset=-128)
    page.info["dpi"] = (dpi, dpi)
    return "\n".join(chosen), page


def handwritten_page(index: int, script: Script, *, dpi: int) -> tuple[str, Image.Image]:
    """Six lines of known text written by hand (``render_handwritten_page``)."""
    lines = LINES[script]
    shift = index % len(lines)
    chosen = list(lines[shift:] + lines[:shift])[:6]
    page, _ = render_handwritten_page(chosen, script=script, dpi=dpi, seed=index)
    return "\n".join(chosen), page


def corpus(root: Path, pages_per_format: int, kinds: list[str], seed: int = 7
           ) -> list[Document]:
    """Documents of each kind: the scripts alternate, and 200 and 300 dpi every second pair."""
    rng = random.Random(seed)
    documents: list[Document] = []
    counter = 0
    for kind in kinds:
        per_file = PAGES_PER_FILE[kind]
        for number in range(pages_per_format // per_file):
            script: Script = "simplified" if number % 2 == 0 else "traditional"
            dpi = 200 if number % 4 < 2 else 300
            document = Document(kind=kind, script=script, dpi=dpi,
                                path=root / f"{kind}-{number}.{'jpeg' if kind == 'hand' else kind}")
            images: list[Image.Image] = []
            for _ in range(per_file):
                text, image = (handwritten_page(counter, script, dpi=dpi) if kind == "hand"
                               else degraded_page(counter, script, rng, dpi=dpi))
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
        write_jpeg(document.path, images[0], quality=85 if kind == "jpeg" else 90)
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


def raw_tesseract(documents: list[Document]) -> tuple[dict[str, str], float]:
    """Each page image read by ``tesseract -l <model>``, one process per core, and the CPU
    seconds the commands took (each one's own, from ``wait4``)."""
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def read(item: tuple[Document, Page]) -> tuple[str, float]:
        document, page = item
        process = subprocess.Popen(
            ["tesseract", str(page.image), "stdout", "-l", MODEL[document.script]],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment)
        assert process.stdout is not None
        text = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise RuntimeError(f"tesseract failed on {page.image} ({process.returncode})")
        return text, usage.ru_utime + usage.ru_stime

    with ThreadPoolExecutor(CORES) as pool:
        results = list(pool.map(read, _pages(documents)))
    return (_by_document(documents, [text for text, _ in results]),
            sum(cpu for _, cpu in results))


def engine_cpu_per_page(engine: str, documents: list[Document]) -> float:
    """The engine alone: mean CPU seconds a page takes it, one process per core, one
    thread each, models loaded before timing. CPU time, unlike pages per minute, hardly
    moves when other work shares the machine."""
    items = [(engine, str(page.image), MODEL[document.script])
             for document, page in _pages(documents)]
    with ProcessPoolExecutor(CORES, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_engine_cpu, items[:CORES]))
        seconds = list(pool.map(_engine_cpu, items))
    return sum(seconds) / len(seconds)


@functools.cache
def _engine(name: str) -> OcrEngine:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    return PpOcrEngine() if name == "ppocr" else TesseractEngine()


def _engine_cpu(item: tuple[str, str, OcrLanguage]) -> float:
    name, path, model = item
    with Image.open(path) as image:
        page = PageImage(pixels=ocr_pixels(image), dpi=round(image.info.get("dpi", (300,))[0]))
        started = time.process_time()
        _engine(name).read(page, language=model, timeout_s=600)
        return time.process_time() - started


def _pages(documents: list[Document]) -> list[tuple[Document, Page]]:
    return [(document, page) for document in documents for page in document.pages]


def _by_document(documents: list[Document], texts: list[str]) -> dict[str, str]:
    """Each document's text from the texts of ``_pages(documents)``, in that order."""
    joined: dict[str, list[str]] = {}
    for (document, _), text in zip(_pages(documents), texts, strict=True):
        joined.setdefault(str(document.path), []).append(text)
    return {path: "\n".join(parts) for path, parts in joined.items()}


def mean_cer(documents: list[Document], texts: dict[str, str]) -> float:
    rates = [character_error_rate(d.text, texts[str(d.path)], fold_width=True)
             for d in documents]
    return sum(rates) / len(rates)


def mean_folded_cer(documents: list[Document], texts: dict[str, str]) -> float:
    """CER as search sees text: Traditional folded to Simplified, punctuation dropped."""
    rates = [folded_error_rate(d.text, texts[str(d.path)]) for d in documents]
    return sum(rates) / len(rates)


# The process's own peak, from /proc: getrusage's ru_maxrss survives exec on Linux, so a
# fresh ``python -c`` reported this benchmark's own peak (it is large: the corpus).
_PEAK_RSS_KB = ("print(next(int(line.split()[1]) for line in open('/proc/self/status') "
                "if line.startswith('VmHWM')))")


def peak_memory_mb(path: Path) -> float:
    """Max RSS of a fresh process that decodes every page of ``path`` for OCR, in MB."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from services.ingest.extraction.pdf import open_pdf\n"
        "with open_pdf(Path(sys.argv[1]), max_image_pixels=10**9, max_page_text_chars=10**9,\n"
        "              max_document_text_chars=10**9) as pdf:\n"
        "    for page in pdf.pages(): pass\n"
        f"{_PEAK_RSS_KB}\n")
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
    scan = write_scanned_pdf(root / "worker.pdf", [degraded_page(n, "traditional",
                                                                 random.Random(n), dpi=300)[1]
                                                   for n in range(4)])
    for engine in ENGINES:
        rows.append(f"| an extraction process reading 4 scanned pages with {engine} | "
                    f"{worker_memory_mb(scan, engine):.0f} MB peak RSS |")
    return rows


def worker_memory_mb(path: Path, engine: str) -> float:
    """Max RSS of a fresh process that extracts ``path`` with ``engine``, in MB: what one
    extraction worker holds (models, sessions, a page)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from services.common.config import load_settings\n"
        "from services.ingest.bootstrap import ocr_engine\n"
        "from services.ingest.extraction import ExtractionLimits, extract_document\n"
        "settings = load_settings({'ARCHIVE_OCR_ENGINE': sys.argv[2]}, env_file=None)\n"
        "for page in extract_document(Path(sys.argv[1]), limits=ExtractionLimits(),\n"
        "                             engine=ocr_engine(settings)): pass\n"
        f"{_PEAK_RSS_KB}\n")
    out = subprocess.run([sys.executable, "-c", code, str(path), engine], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parent.parent,
                         env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-per-format", type=int, default=12)
    parser.add_argument("--digital-pages", type=int, default=500)
    parser.add_argument("--engine", choices=ENGINES, action="append",
                        help="an OCR engine ingest runs (repeatable; default: both)")
    parser.add_argument("--only", choices=["digital", *PAGES_PER_FILE],
                        help="run only this row (digital: text-layer PDFs, no OCR)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        if args.only == "digital":
            report_digital(root, args.digital_pages)
        else:
            kinds = [args.only] if args.only else list(PAGES_PER_FILE)
            report(root, args.pages_per_format, args.digital_pages, kinds,
                   engines=tuple(args.engine or ENGINES))
    finally:
        shutil.rmtree(root, ignore_errors=True)


Texts = dict[str, str]


def report(root: Path, pages_per_format: int, digital_pages: int, kinds: list[str], *,
           engines: tuple[str, ...]) -> None:
    """The tables for ``kinds``; the digital and memory rows too when that is every format."""
    (root / "corpus").mkdir()
    documents = corpus(root / "corpus", pages_per_format, kinds)
    print(f"corpus: {sum(len(d.pages) for d in documents)} scanned pages, {CORES} cores, "
          f"tesseract {_tesseract_version()}", file=sys.stderr)
    groups = {kind: [d for d in documents if d.kind == kind] for kind in kinds}
    ingested: dict[str, dict[str, tuple[float, Texts]]] = {}
    for engine in engines:
        ingested[engine] = ingest_with(engine, groups, root)
    raw: dict[str, tuple[tuple[Texts, float], float]] = {
        kind: timed(lambda group=group: raw_tesseract(group))  # type: ignore[misc]
        for kind, group in groups.items()}
    raw_cpu = {kind: cpu / sum(len(d.pages) for d in groups[kind])
               for kind, ((_, cpu), _) in raw.items()}
    print(accuracy_table(groups, ingested,
                         {kind: texts for kind, ((texts, _), _) in raw.items()}))
    print()
    print(speed_table(groups, ingested, {kind: seconds for kind, (_, seconds) in raw.items()}))
    print()
    print(cpu_table(groups, engines, raw_cpu))
    if len(kinds) < len(PAGES_PER_FILE):
        return
    print()
    report_digital(root, digital_pages)
    print()
    for row in memory_rows(root):
        print(row)


def ingest_with(engine: str, groups: dict[str, list[Document]], root: Path
                ) -> dict[str, tuple[float, Texts]]:
    """Each format's documents filed through a server that reads with ``engine``: the
    seconds it took and the texts."""
    archive = launch_archive_server(root / f"server-{engine}", ocr_workers=CORES,
                                    ocr_engine=engine)
    try:
        client = archive.client(archive.add_user("bench", "archivist"))
        first = next(iter(groups.values()))
        for document in first[:2]:
            _warm_up(client, document)
        return {kind: file_and_wait(client, group, hint=True) for kind, group in groups.items()}
    finally:
        archive.server.stop()


def accuracy_table(groups: dict[str, list[Document]],
                   ingested: dict[str, dict[str, tuple[float, Texts]]],
                   raw: dict[str, Texts]) -> str:
    engines = list(ingested)
    header = ["format", "script", "dpi", "pages"]
    for engine in [*engines, "raw tesseract"]:
        header += [f"CER {engine}", f"folded CER {engine}"]
    rows = ["| " + " | ".join(header) + " |",
            "| --- | --- | ---: | ---: |" + " ---: |" * (len(header) - 4)]
    for kind, group in groups.items():
        for script in ("simplified", "traditional"):
            for dpi in (200, 300):
                part = [d for d in group if d.script == script and d.dpi == dpi]
                if not part:
                    continue
                cells = [kind, script, str(dpi), str(sum(len(d.pages) for d in part))]
                for texts in [*(ingested[engine][kind][1] for engine in engines), raw[kind]]:
                    cells += [f"{mean_cer(part, texts):.2%}", f"{mean_folded_cer(part, texts):.2%}"]
                rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def speed_table(groups: dict[str, list[Document]],
                ingested: dict[str, dict[str, tuple[float, Texts]]],
                raw_seconds: dict[str, float]) -> str:
    engines = list(ingested)
    header = ["format", "pages", *(f"{engine} pages/min" for engine in engines),
              "raw tesseract pages/min", *(f"{engine} ÷ raw tesseract" for engine in engines)]
    rows = ["| " + " | ".join(header) + " |",
            "| --- |" + " ---: |" * (len(header) - 1)]
    for kind, group in groups.items():
        pages = sum(len(d.pages) for d in group)
        raw = pages * 60 / raw_seconds[kind]
        speeds = [pages * 60 / ingested[engine][kind][0] for engine in engines]
        cells = [kind, str(pages), *(f"{speed:.0f}" for speed in speeds), f"{raw:.0f}",
                 *(f"{speed / raw:.2f}" for speed in speeds)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def cpu_table(groups: dict[str, list[Document]], engines: tuple[str, ...],
              raw_cpu: dict[str, float]) -> str:
    header = ["format", *(f"{engine} CPU s/page" for engine in engines),
              "raw tesseract CPU s/page", *(f"{engine} ÷ raw tesseract, by CPU"
                                            for engine in engines)]
    rows = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    for kind, group in groups.items():
        cpu = [engine_cpu_per_page(engine, group) for engine in engines]
        cells = [kind, *(f"{seconds:.2f}" for seconds in cpu), f"{raw_cpu[kind]:.2f}",
                 *(f"{raw_cpu[kind] / seconds:.2f}" for seconds in cpu)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _copy(document: Document, root: Path, *, padding: int = 1) -> Document:
    """The same pages in a file with different bytes (``padding`` trailing bytes the
    readers ignore; copies with different padding are different documents)."""
    path = root / f"copy-{padding}-{document.path.name}"
    data = document.path.read_bytes()
    path.write_bytes(data + (b"\n" if document.kind == "pdf" else b"\x00") * padding)
    return Document(kind=document.kind, script=document.script, path=path, dpi=document.dpi,
                    pages=document.pages)


def report_digital(root: Path, digital_pages: int) -> None:
    """The digital-PDF row alone, on a server of its own."""
    print(f"digital PDFs: {digital_pages} pages, {CORES} cores", file=sys.stderr)
    archive = launch_archive_server(root / "server-digital", ocr_workers=CORES)
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
    return Document(kind="digital", script="simplified", dpi=0,
                    path=write_digital_pdf(path, texts))


def _digital_row(client: httpx.Client, root: Path, total_pages: int) -> str:
    per_file = 100
    documents = [_digital_pdf(root / f"digital-{number}.pdf", str(number), pages=per_file)
                 for number in range(max(1, total_pages // per_file))]
    pages = per_file * len(documents)
    cpu_before = _server_cpu_s()
    seconds, texts = file_and_wait(client, documents, hint=False)
    cpu_s = _server_cpu_s() - cpu_before
    exact = all(texts[str(d.path)] for d in documents)
    first, again = _first_views(client, documents[0], FIRST_VIEWS)
    return (f"| digital PDF | {pages} pages in {len(documents)} files | "
            f"{pages / seconds:.0f} pages/s end to end | "
            f"{cpu_s * 1000 / pages:.1f} ms CPU/page (server and its processes, "
            f"uploads and text fetches included) | text layer read: {exact} | "
            f"page preview first view {first:.0f} ms, then {again:.0f} ms (median of "
            f"{FIRST_VIEWS} pages of a {per_file}-page file) |")


FIRST_VIEWS = 20


def _first_views(client: httpx.Client, document: Document, count: int
                 ) -> tuple[float, float]:
    """Median wall ms of the first request of a page's preview (rendered from the
    original and stored) and of the next (read from the store), over ``count`` pages."""
    originals = client.get("/ingest/jobs/", params={"limit": 100}).json()
    document_id = next(job["document_id"] for job in originals
                       if job["document_id"] and job["sha256"] == _sha256(document.path))
    first, again = [], []
    for number in range(1, count + 1):
        url = f"/ingest/documents/{document_id}/pages/{number}/preview"
        for timings in (first, again):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(first), statistics.median(again)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _server_cpu_s() -> float:
    """CPU seconds so far of this process (the server runs in it, beside the bench's
    client) and every process below it (the extraction processes), read from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks

    def ours(pid: int) -> bool:
        while pid > 1:
            if pid == os.getpid():
                return True
            pid = parents.get(pid, 0)
        return False

    return sum(seconds for pid, seconds in cpu.items() if ours(pid))


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
    finished: dict[str, JobView] = {}
    for job in finished_jobs_of(client, list(pending)):
        if job.status == "failed":
            raise RuntimeError(f"{pending[job.job_id].path.name}: {job.error}")
        finished[job.job_id] = job
    last_done = max(job.finished_at.timestamp() for job in finished.values()
                    if job.finished_at is not None)
    texts = {}
    for job_id, job in finished.items():
        pages = client.get(f"/ingest/documents/{job.document_id}/text").json()["pages"]
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
