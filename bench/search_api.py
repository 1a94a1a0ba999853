"""Benchmark the search service over HTTP against the bare index it wraps.

    .venv/bin/python bench/search_api.py --docs 100000
    .venv/bin/python bench/search_api.py --docs 5000 --queries 200

Fills a Tantivy index with the synthetic letters of ``bench/search_index.py`` (same
``--seed``), times the queries on the bare ``TantivyIndex`` (hits, facets, highlights),
then serves that index with the whole archive in one process (as ``archive serve`` does)
and times the same queries through ``GET /search/documents`` as a confidential-cleared
staff member: token check, the registry's access filter (cached per token for a few
seconds), the index query, and JSON over loopback HTTP. The difference is the search
service's overhead. ``--kind descriptive`` times descriptions of the letters in other
words instead (``bench/search_index.py``): every search adds partial matches. Prints a
markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from bench.search_index import _queries, letters, percentiles, query_params
from services.search.index.models import AccessFilter, IndexedDocument
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery
from tests.fixtures.app import launch_archive_server

ACCESS = AccessFilter(clearance="confidential")
WARM_UP = 20


async def fill_and_time_bare(directory: Path, docs: list[IndexedDocument],
                             queries: list[str], batch: int) -> dict[str, float]:
    index = TantivyIndex(directory)
    await index.ensure()
    started = time.perf_counter()
    for start in range(0, len(docs), batch):
        await index.upsert(docs[start : start + batch])
    results = {"rate": len(docs) / (time.perf_counter() - started)}
    for filtered in (False, True):
        latencies = []
        for number, q in enumerate(queries):
            query = SearchQuery(**query_params(q, number, filtered=filtered))
            began = time.perf_counter()
            await index.search(query, ACCESS)
            latencies.append((time.perf_counter() - began) * 1000)
        p50, p95 = percentiles(latencies)
        results.update({f"{'f' if filtered else ''}p50": p50,
                        f"{'f' if filtered else ''}p95": p95})
    await index.close()
    return results


def time_http(client: httpx.Client, queries: list[str]) -> dict[str, float]:
    results: dict[str, float] = {}
    for number, q in enumerate(queries[:WARM_UP]):
        client.get("/search/documents", params=query_params(q, number, filtered=False))
    for filtered in (False, True):
        latencies = []
        for number, q in enumerate(queries):
            params = query_params(q, number, filtered=filtered)
            began = time.perf_counter()
            response = client.get("/search/documents", params=params)
            latencies.append((time.perf_counter() - began) * 1000)
            response.raise_for_status()
        p50, p95 = percentiles(latencies)
        results.update({f"{'f' if filtered else ''}p50": p50,
                        f"{'f' if filtered else ''}p95": p95})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--kind", choices=["typical", "descriptive"], default="typical",
                        help="typical queries, or descriptions in other words (partial matches)")
    args = parser.parse_args()
    docs = letters(args.docs, args.seed)
    queries = _queries(args.queries, args.seed, docs, args.kind)
    with tempfile.TemporaryDirectory(prefix="bench-search-api-") as root:
        data = Path(root) / "data"
        print(f"indexing {len(docs)} letters into tantivy…")
        bare = asyncio.run(fill_and_time_bare(data / "index", docs, queries, args.batch))
        print("serving them through the search service…")
        archive = launch_archive_server(data)
        try:
            token = archive.add_user("bench", "staff", clearance="confidential")
            with archive.client(token) as client:
                http = time_http(client, queries)
        finally:
            archive.server.stop()
    print(f"\n{len(docs)} documents, {len(queries)} {args.kind} queries; indexing "
          f"{bare['rate']:,.0f} docs/s\n")
    print("| path | p50 ms | p95 ms | filtered p50 ms | filtered p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, row in (("bare TantivyIndex.search", bare), ("GET /search/documents", http)):
        print(f"| {name} | {row['p50']:.1f} | {row['p95']:.1f} | {row['fp50']:.1f} "
              f"| {row['fp95']:.1f} |")
    print(f"| service overhead (p50) | {http['p50'] - bare['p50']:.1f} | | "
          f"{http['fp50'] - bare['fp50']:.1f} | |")


if __name__ == "__main__":
    main()
