"""Benchmark the staff pages (``/ui/search``, the document page) over loopback HTTP.

    .venv/bin/python bench/staff_pages.py --docs 100000
    .venv/bin/python bench/staff_pages.py --docs 5000 --queries 100

Fills a Tantivy index with the synthetic letters of ``bench/search_index.py`` (same
``--seed``, as ``bench/search_api.py`` does), serves it with the whole archive in one
process (``archive serve``: every service and the pages), signs a confidential-cleared
staff member in through the sign-in form and times, for the same queries:
``GET /search/documents`` (the API the page calls), ``GET /ui/search`` as a whole page,
and as the htmx partial that typing fetches. Then it files a few digital PDFs (text
layers, no OCR, each with its page previews and boxes) and times their document page
with a query to mark: record and permissions (one registry call), the page text and the
page's boxes (ingest); the history is a partial the page loads after it, not timed here.
Last the workflow pages: a staff member asks for ``--loans`` digital loans of those
documents, and their department head's loans page (``/ui/loans``: the inbox of all of
them, their own loans, the register, notifications), the count every page loads
(``/ui/badges``: the registry's counts of the requests and corrections awaiting me and of
my unread notifications) and the yearly statistics page with its five SVG charts are timed.

Wall-clock percentiles depend on what else the machine runs; the CPU time per request
(``time.process_time`` of this one process, which holds the server and the client, over
the requests) does much less, and is printed beside them. Also prints each page's weight
(HTML, CSS and script it loads). Prints markdown tables.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.search_api import fill_and_time_bare
from bench.search_index import _queries, letters, percentiles, query_params
from tests.e2e.ingest.support import wait_for_job
from tests.fixtures.app import PASSWORD, ArchiveServer, launch_archive_server
from tests.support.rendering import LINES, write_digital_pdf

WARM_UP = 20
DOCUMENT_PAGES = 5
PARTIAL = {"HX-Request": "true", "HX-Target": "results"}
ASSETS = re.compile(r'(?:src|href)="(/ui/static/[^"]+)"')


def timed(call: Callable[[], httpx.Response], count: int) -> dict[str, float]:
    latencies = []
    cpu_started = time.process_time()
    for _ in range(count):
        began = time.perf_counter()
        call().raise_for_status()
        latencies.append((time.perf_counter() - began) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / count
    p50, p95 = percentiles(latencies)
    return {"p50": p50, "p95": p95, "cpu": cpu_ms}


def time_queries(client: httpx.Client, path: str, queries: list[str], *,
                 headers: dict[str, str] | None = None) -> dict[str, float]:
    params = [query_params(q, number, filtered=False) for number, q in enumerate(queries)]
    for number in range(min(WARM_UP, len(params))):
        client.get(path, params=_page_params(params[number]), headers=headers)
    position = iter(range(len(params)))
    return timed(lambda: client.get(path, params=_page_params(params[next(position)]),
                                    headers=headers), len(params))


def _page_params(params: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in params.items() if key in ("q", "sort", "page")}


def sign_in(url: str, username: str = "bench") -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    login = client.get("/ui/login")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', login.text)
    assert csrf is not None
    signed = client.post("/ui/login", data={"username": username, "password": PASSWORD,
                                            "_csrf_token": csrf.group(1), "next": "/ui/search"})
    assert signed.status_code == 303, signed.text
    return client


def file_documents(api: httpx.Client, directory: Path) -> list[str]:
    ids = []
    for number in range(DOCUMENT_PAGES):
        pdf = write_digital_pdf(directory / f"letter-{number}.pdf",
                                [LINES["simplified"][:4], LINES["traditional"][4:8]])
        meta = {"household": "A-1201", "category": "repair", "title": f"维修申请 {number}",
                "filed_at": "2024-05-18"}
        answer = api.post("/ingest/documents", data={"metadata": json.dumps(meta)},
                          files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")})
        ids.append(str(wait_for_job(api, answer.json()["job_id"])["document_id"]))
    return ids


def time_workflow_pages(archive: ArchiveServer, pages: httpx.Client, ids: list[str],
                        loans: int) -> dict[str, dict[str, float]]:
    """The loans page of a department head with ``loans`` requests waiting, the count
    every page loads, and the statistics page (the bench archivist's)."""
    staff = archive.add_user("bench-staff", "staff", clearance="confidential",
                             department="customer_service")
    archive.add_user("bench-head", "manager", clearance="confidential",
                     department="customer_service")
    with archive.client(staff) as asking:
        for number in range(loans):
            asked = asking.post("/registry/loans", json={
                "documents": [ids[number % len(ids)]], "kind": "digital",
                "purpose": "核对", "reason": f"业主来电 {number}"})
            asked.raise_for_status()
    head = sign_in(archive.url, "bench-head")
    count = 5 * len(ids)
    rows = {}
    for name, client, path in (
            (f"GET /ui/loans ({loans} waiting)", head, "/ui/loans"),
            ("GET /ui/badges (every page)", head, "/ui/badges"),
            ("GET /ui/statistics", pages, "/ui/statistics")):
        for _ in range(WARM_UP):
            client.get(path)
        rows[name] = timed(lambda client=client, path=path: client.get(path), count)
    head.close()
    return rows


def weight(client: httpx.Client, path: str) -> int:
    """Bytes of HTML, CSS and script a page loads (images apart)."""
    page = client.get(path)
    page.raise_for_status()
    return len(page.content) + sum(len(client.get(asset).content)
                                   for asset in set(ASSETS.findall(page.text)))


def time_document_page(pages: httpx.Client, ids: list[str], views: int) -> dict[str, float]:
    """``GET /ui/documents/{id}?q=维修`` round the documents, ``views`` times each."""
    position = iter(range(views * len(ids) + WARM_UP))

    def document_page() -> httpx.Response:
        return pages.get(f"/ui/documents/{ids[next(position) % len(ids)]}",
                         params={"q": "维修"})

    for _ in range(WARM_UP):
        document_page()
    return timed(document_page, views * len(ids))


def time_document_page_alone(views: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-staff-pages-") as root:
        archive = launch_archive_server(Path(root) / "data")
        try:
            token = archive.add_user("bench", "archivist", clearance="confidential",
                                     department="archive")
            pages = sign_in(archive.url)
            with archive.client(token) as api:
                row = time_document_page(pages, file_documents(api, Path(root)), views)
            pages.close()
        finally:
            archive.server.stop()
    print("| request | p50 ms | p95 ms | CPU ms per request |\n| --- | ---: | ---: | ---: |")
    print(f"| GET /ui/documents/{{id}}?q=维修 | {row['p50']:.1f} | {row['p95']:.1f} "
          f"| {row['cpu']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--loans", type=int, default=100)
    parser.add_argument("--document-only", action="store_true",
                        help="time the document page alone (no index, no other page): "
                             "quick, to compare two versions")
    parser.add_argument("--views", type=int, default=10,
                        help="requests of the document page per document")
    args = parser.parse_args()
    if args.document_only:
        time_document_page_alone(args.views)
        return
    docs = letters(args.docs, args.seed)
    queries = _queries(args.queries, args.seed, docs, "typical")
    with tempfile.TemporaryDirectory(prefix="bench-staff-pages-") as root:
        data = Path(root) / "data"
        print(f"indexing {len(docs)} letters into tantivy…")
        asyncio.run(fill_and_time_bare(data / "index", docs, queries[:5], 1000))
        archive = launch_archive_server(data)
        try:
            token = archive.add_user("bench", "archivist", clearance="confidential",
                                     department="archive")
            pages = sign_in(archive.url)
            with archive.client(token) as api:
                rows = {
                    "GET /search/documents (the API)": time_queries(
                        api, "/search/documents", queries),
                    "GET /ui/search (whole page)": time_queries(pages, "/ui/search", queries),
                    "GET /ui/search (htmx partial)": time_queries(
                        pages, "/ui/search", queries, headers=PARTIAL),
                }
                ids = file_documents(api, Path(root))
                rows["GET /ui/documents/{id}?q=维修"] = time_document_page(pages, ids, 10)
                rows |= time_workflow_pages(archive, pages, ids, args.loans)
                weights = {
                    "sign-in": weight(httpx.Client(base_url=archive.url), "/ui/login"),
                    "search (20 hits)": weight(pages, f"/ui/search?q={queries[0]}"),
                    "household": weight(pages, "/ui/households/A-1201"),
                    "document": weight(pages, f"/ui/documents/{ids[0]}?q=维修"),
                    "statistics (5 charts)": weight(pages, "/ui/statistics"),
                }
            pages.close()
        finally:
            archive.server.stop()
    print(f"\n{len(docs)} documents, {len(queries)} typical queries\n")
    print("| request | p50 ms | p95 ms | CPU ms per request |")
    print("| --- | ---: | ---: | ---: |")
    for name, row in rows.items():
        print(f"| {name} | {row['p50']:.1f} | {row['p95']:.1f} | {row['cpu']:.1f} |")
    print("\n| page | HTML + CSS + script, KB |\n| --- | ---: |")
    for name, size in weights.items():
        print(f"| {name} | {size / 1024:.1f} |")


if __name__ == "__main__":
    main()
