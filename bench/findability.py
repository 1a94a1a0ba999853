"""Findability benchmark: does a person's description of a paper find it, after real ingest?

Generates ``--docs`` archive papers (letters, forms, contracts and notices of the archive's
categories, in both scripts: ``tests/support/documents.py``) and files them as a cabinet
would arrive: noisy scans at 200 or 300 dpi as grey PNG, colour JPEG, grey TIFF and
colour scanned PDF, and digital PDFs. Each is uploaded through a real archive server
(one process, embedded SQLite and directory store, one OCR process per core) with its
household, category, a generic title (``报修单``, ``函件``) and no language hint, for
each index backend: Tantivy, and the Elasticsearch API served by osmem-server. Then each
paper's description, the words a person would type (some absent from the paper, in
another order, sometimes in the other script), goes to ``GET /search/documents``.

Reports, per backend, recall@5 (the paper among the first 5 hits) and MRR (1/rank within
the first 20, else 0); beside it, recall@5 with ties: the paper also counts as found when
every hit ranked above it is a paper that holds every word of the description the paper
itself holds (the cabinet has several complaints about the same late refuse collection,
in the same sentences, and a description that names no person cannot tell them apart;
no ranking can, so their order among themselves is not a miss). ``--misses`` lists the
descriptions that missed, with what came first; per format, how many OCR pages were read
with their own script's model, and the character error rate of ingest (no hint) against
raw ``tesseract`` told the right script (``bench/ingest_ocr.py``'s baseline, on the same
page pixels).

Run: ``.venv/bin/python bench/findability.py [--docs 150] [--seed 13]
[--backends tantivy,elasticsearch] [--engine ppocr|tesseract] [--misses]``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from osmem_server import OsmemServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest_ocr import (
    CORES,
    Document,
    Page,
    _pixels_as_stored,
    _tesseract_version,
    mean_cer,
    mean_folded_cer,
    raw_tesseract,
)
from services.common.text import fold, folded_tokens
from services.ingest.extraction.cjk import script_evidence
from tests.fixtures.app import ArchiveServer, launch_archive_server
from tests.fixtures.elasticsearch import CompatibilityProxy
from tests.support.documents import ArchivePaper, paper
from tests.support.jobs import finished_jobs_of
from tests.support.rendering import (
    render_page,
    scanned,
    write_digital_pdf,
    write_jpeg,
    write_png,
    write_scanned_pdf,
    write_tiff,
)

KINDS = ("png", "jpeg", "tiff", "pdf", "digital")
COLOUR = {"jpeg", "pdf"}
LINES_PER_PAGE = 12
TOP = 5
DEPTH = 20


@dataclass
class Filed:
    """A generated paper, the file it became, and what became of it in the archive."""

    paper: ArchivePaper
    document: Document
    dpi: int
    document_id: str = ""
    pages: tuple[dict[str, Any], ...] = ()

    @property
    def ingested_text(self) -> str:
        return "\n".join(page["text"] for page in self.pages)


def cabinet(root: Path, count: int, seed: int) -> list[Filed]:
    """``count`` papers, each filed as the next of ``KINDS``, pages scanned at 200 or 300
    dpi; made one process per core, each paper from a seed of its own."""
    with ProcessPoolExecutor(CORES) as pool:
        return list(pool.map(_filed, [(root, number, seed) for number in range(count)]))


def _filed(job: tuple[Path, int, int]) -> Filed:
    root, number, seed = job
    rng = random.Random(f"{seed}-{number}")
    kind = KINDS[number % len(KINDS)]
    sheet = paper(rng, length="long" if rng.random() < 0.8 else "short")
    chunks = [sheet.lines[start : start + LINES_PER_PAGE]
              for start in range(0, len(sheet.lines), LINES_PER_PAGE)]
    if kind in ("png", "jpeg"):
        chunks = [sheet.lines]
    dpi = rng.choice((200, 300))
    document = Document(kind=kind, script=sheet.script,
                        path=root / f"{number:04d}-{kind}.{_suffix(kind)}", dpi=dpi)
    if kind == "digital":
        write_digital_pdf(document.path, chunks, script=sheet.script)
        document.pages = [Page(text="\n".join(chunk), image=document.path) for chunk in chunks]
    else:
        images = [scanned(render_page(chunk, script=sheet.script, dpi=dpi), rng,
                          colour=kind in COLOUR) for chunk in chunks]
        _write_scan(document, images, chunks)
    return Filed(paper=sheet, document=document, dpi=dpi)


def _suffix(kind: str) -> str:
    return "pdf" if kind == "digital" else kind


def _write_scan(document: Document, images: list[Any], chunks: list[tuple[str, ...]]) -> None:
    """Write the scan, and for each page a copy of its pixels for raw tesseract to read."""
    for index, (image, chunk) in enumerate(zip(images, chunks, strict=True)):
        copy = document.path.with_name(f"{document.path.stem}-page{index}.png")
        # A copy: saving leaves its settings on the image, which breaks the TIFF after it.
        image.copy().save(copy, dpi=image.info["dpi"], compress_level=1)
        document.pages.append(Page(text="\n".join(chunk), image=copy))
    if document.kind == "png":
        write_png(document.path, images[0])
    elif document.kind == "jpeg":
        write_jpeg(document.path, images[0], quality=80)
        document.pages[0].image = document.path
    elif document.kind == "tiff":
        write_tiff(document.path, images)
    else:
        write_scanned_pdf(document.path, images)
        _pixels_as_stored(document)


@contextmanager
def served(backend: str, root: Path, engine: str) -> Iterator[ArchiveServer]:
    """A real archive server on ``backend``'s index (osmem behind the compatibility proxy,
    as the search end-to-end tests run it), reading scans with ``engine``."""
    settings: dict[str, Any] = {"ocr_workers": CORES, "ocr_engine": engine}
    osmem = proxy = None
    if backend == "elasticsearch":
        osmem = OsmemServer.start(addr="127.0.0.1:0")
        proxy = CompatibilityProxy(osmem.url)
        proxy.start()
        settings["elasticsearch_url"] = proxy.url
    archive = launch_archive_server(root / backend, **settings)
    try:
        yield archive
    finally:
        archive.server.stop()
        if proxy is not None and osmem is not None:
            proxy.stop()
            osmem.close()


def file_cabinet(client: httpx.Client, cabinet_: list[Filed]) -> float:
    """Upload every paper without a language hint and wait for its job; the seconds taken.
    Fills each ``Filed``'s document id and extracted pages."""
    started = time.perf_counter()
    pending: dict[str, Filed] = {}
    for item in cabinet_:
        metadata = {"household": item.paper.household, "category": item.paper.topic.category,
                    "title": item.paper.topic.title, "filed_at": item.paper.filed_at.isoformat()}
        path = item.document.path
        response = client.post("/ingest/documents",
                               data={"metadata": json.dumps(metadata, ensure_ascii=False)},
                               files={"file": (path.name, path.read_bytes())})
        response.raise_for_status()
        pending[response.json()["job_id"]] = item
    for job in finished_jobs_of(client, list(pending)):
        item = pending[job.job_id]
        if job.status == "failed":
            raise RuntimeError(f"{item.document.path.name}: {job.error}")
        item.document_id = job.document_id
    seconds = time.perf_counter() - started
    for item in cabinet_:
        body = client.get(f"/ingest/documents/{item.document_id}/text").json()
        item.pages = tuple(body["pages"])
    return seconds


def wait_until_indexed(client: httpx.Client, count: int, *, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while client.get("/search/documents", params={"size": 1}).json()["total"] < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"search did not index {count} documents in {timeout_s:g} s")
        time.sleep(0.5)


@dataclass(frozen=True)
class Ranked:
    """Where a paper came for its description, and the papers ranked above it."""

    place: int | None
    """1-based, within the first ``DEPTH`` hits; None: not among them."""
    ahead: tuple[Filed, ...]

    def found(self, within: int = TOP) -> bool:
        return self.place is not None and self.place <= within


def rank(client: httpx.Client, item: Filed, by_id: dict[str, Filed]) -> Ranked:
    """``item``'s place among the first ``DEPTH`` hits for its description."""
    response = client.get("/search/documents",
                          params={"q": item.paper.description, "size": DEPTH})
    response.raise_for_status()
    ids = [hit["document_id"] for hit in response.json()["hits"]]
    if item.document_id not in ids:
        return Ranked(None, tuple(by_id[i] for i in ids[:TOP] if i in by_id))
    place = ids.index(item.document_id) + 1
    return Ranked(place, tuple(by_id[i] for i in ids[: place - 1] if i in by_id))


def found_with_ties(item: Filed, ranked: Ranked) -> bool:
    """Among the first ``TOP``, or behind only papers the description fits as well: each
    holds every word of the description that ``item`` holds (words as search cuts them)."""
    if ranked.found():
        return True
    if ranked.place is None:
        return False
    held = _tokens(item.paper.description) & _tokens(item.paper.text)
    return all(held <= _tokens(other.paper.text) for other in ranked.ahead)


def _tokens(text: str) -> set[str]:
    return set(folded_tokens(fold(text)))


def has_absent_word(item: Filed) -> bool:
    text = fold(item.paper.text)
    return any(word in item.paper.description and fold(word) not in text
               for word in item.paper.topic.absent)


def in_other_script(item: Filed) -> bool:
    evidence = script_evidence(item.paper.description)
    other = evidence.traditional if item.paper.script == "simplified" else evidence.simplified
    return other > 0


def findability_row(backend: str, cabinet_: list[Filed], ranks: list[Ranked]) -> str:
    strict = [ranked.found() for ranked in ranks]
    tied = [found_with_ties(item, ranked) for item, ranked in zip(cabinet_, ranks, strict=True)]

    def recall(found: list[bool], selected: list[int]) -> str:
        hits = sum(1 for i in selected if found[i])
        return f"{hits / len(selected):.2f} ({hits}/{len(selected)})" if selected else "–"

    everything = list(range(len(cabinet_)))
    absent = [i for i in everything if has_absent_word(cabinet_[i])]
    other = [i for i in everything if in_other_script(cabinet_[i])]
    mrr = sum(1 / r.place for r in ranks if r.place) / len(ranks)
    missing = sum(1 for r in ranks if r.place is None)
    return (f"| {backend} | {len(ranks)} | {recall(strict, everything)} | "
            f"{recall(tied, everything)} | {mrr:.3f} | {recall(strict, absent)} | "
            f"{recall(strict, other)} | {missing} |")


def misses(cabinet_: list[Filed], ranks: list[Ranked]) -> Iterator[str]:
    """A line per description that missed (with ties counted), and what came first."""
    for item, ranked in zip(cabinet_, ranks, strict=True):
        if found_with_ties(item, ranked):
            continue
        first = "; ".join(f"{other.paper.topic.subject} ({other.paper.household})"
                          for other in ranked.ahead[:3]) or "nothing"
        yield (f"- {item.paper.description!r} for {item.paper.topic.subject} "
               f"({item.paper.household}, {item.document.kind}): place {ranked.place}; "
               f"first: {first}")


def format_rows(cabinet_: list[Filed], raw: dict[str, str]) -> list[str]:
    rows = []
    for kind in KINDS:
        group = [item for item in cabinet_ if item.document.kind == kind]
        if not group:
            continue
        documents = [item.document for item in group]
        ingested = {str(item.document.path): item.ingested_text for item in group}
        pages = [(item.document.script, page) for item in group for page in item.pages]
        ocr = [(script, page) for script, page in pages if page["method"] == "ocr"]
        own = sum(1 for script, page in ocr if _written_in(page["text"]) in (script, None))
        scanned = kind != "digital"
        raw_cer = f"{mean_cer(documents, raw):.2%}" if scanned else "–"
        raw_folded = f"{mean_folded_cer(documents, raw):.2%}" if scanned else "–"
        rows.append(f"| {kind} | {len(group)} | {len(pages)} | "
                    f"{f'{own}/{len(ocr)}' if ocr else '– (text layer)'} | "
                    f"{mean_cer(documents, ingested):.2%} | {raw_cer} | "
                    f"{mean_folded_cer(documents, ingested):.2%} | {raw_folded} |")
    return rows


def _written_in(text: str) -> str | None:
    """The script a page's text is in, by its one-script characters (None: no sign)."""
    evidence = script_evidence(text)
    if evidence.simplified == evidence.traditional:
        return None
    return "simplified" if evidence.simplified > evidence.traditional else "traditional"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=150)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--backends", default="tantivy,elasticsearch")
    parser.add_argument("--engine", choices=("ppocr", "tesseract"), default="ppocr",
                        help="ARCHIVE_OCR_ENGINE of the server (default: the default)")
    parser.add_argument("--misses", action="store_true",
                        help="list the descriptions that missed, and what came first")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-findability-"))
    try:
        (root / "cabinet").mkdir()
        cabinet_ = cabinet(root / "cabinet", args.docs, args.seed)
        scans = [item.document for item in cabinet_ if item.document.kind != "digital"]
        print(f"{len(cabinet_)} papers, {sum(len(d.pages) for d in scans)} scanned pages, "
              f"{CORES} cores, tesseract {_tesseract_version()}", file=sys.stderr)
        raw, _ = raw_tesseract(scans)
        findability: list[str] = []
        formats: list[str] = []
        missed: list[str] = []
        for backend in args.backends.split(","):
            with served(backend, root, args.engine) as archive:
                client = archive.client(archive.add_user("clerk", "archivist"))
                seconds = file_cabinet(client, cabinet_)
                reader = archive.client(archive.add_user("reader", "staff",
                                                         clearance="confidential"))
                wait_until_indexed(reader, len(cabinet_))
                by_id = {item.document_id: item for item in cabinet_}
                ranks = [rank(reader, item, by_id) for item in cabinet_]
            print(f"{backend} ({args.engine}): filed in {seconds:.0f} s", file=sys.stderr)
            findability.append(findability_row(backend, cabinet_, ranks))
            missed += [f"{backend}:", *misses(cabinet_, ranks)]
            if not formats:
                formats = format_rows(cabinet_, raw)
        print(f"| backend | queries | recall@{TOP} | recall@{TOP} with ties | "
              f"MRR (first {DEPTH}) | recall@{TOP}, a word the paper lacks | "
              f"recall@{TOP}, other script | not in first {DEPTH} |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        print("\n".join(findability))
        print()
        print(f"| format | papers | pages | OCR pages in their own script ({args.engine}) | "
              "CER ingest (no hint) | CER raw tesseract (told the script) | "
              "folded CER ingest | folded CER raw tesseract |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        print("\n".join(formats))
        if args.misses:
            print()
            print("\n".join(missed))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
