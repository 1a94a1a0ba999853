"""Benchmark the search index backends on synthetic Chinese letters.

    .venv/bin/python bench/search_index.py --docs 100000            # both backends
    .venv/bin/python bench/search_index.py --docs 5000 --backends tantivy
    .venv/bin/python bench/search_index.py --es-url http://localhost:9200 --backends elasticsearch

Letters are generated deterministically (``--seed``): a few hundred characters each, about
one in five in Traditional script, with unit codes, phone numbers, ticket numbers,
amounts and dates. Each backend indexes them in batches (``--batch``) through the
``SearchIndex`` protocol, then answers ``--queries`` queries without and with filters
(category + year): typical ones (words, phrases, single characters, unit codes, phone
and ticket numbers), or with ``--kind descriptive`` descriptions of the letters in other
words, which no letter holds whole, so every search adds partial matches.
``protocol search`` is end to end through the protocol: query, facets, and the hits
with their highlights. For Tantivy the engine is also timed alone, query by query
beside the protocol search: ``engine query`` is the top-hits search with its count
(the full matches, then the partial ones when few hold every word, with their
proximity), ``engine query + facets`` adds the facet aggregation. ``osmem`` starts
osmem-server (in memory); ``elasticsearch`` needs ``--es-url``. Prints a markdown
table, then the slowest protocol searches. ``--cpu`` times the searches in the process's
CPU time instead of wall time, for a machine other work shares.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import opencc

from services.common.models import CATEGORIES, SECURITY_LEVELS
from services.search.index.elasticsearch_index import ElasticsearchIndex
from services.search.index.models import AccessFilter, IndexedDocument
from services.search.index.protocol import SearchIndex
from services.search.index.tantivy_index import TantivyIndex
from services.search.index.tantivy_search import facet_counts, find_matches
from services.search.query import SearchQuery

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
SENTENCES = [
    "{unit}卫生间漏水，已影响楼下住户，请尽快派人检修。",
    "电梯在{floor}层经常停运，噪音很大，希望物业处理。",
    "本月物业管理费{amount}元已缴纳，收据编号{ticket}。",
    "拟于{day}起进行二次装修，施工单位为{name}装饰公司，请审批。",
    "紧急联系人{name}先生，电话{phone}，请登记备案。",
    "报修单号{ticket}，维修人员已上门，问题已经解决。",
    "停车位申请已提交，车牌号粤B{digits}，请安排。",
    "业主投诉夜间施工噪音，影响休息，要求物业协调。",
    "门禁卡遗失，申请补办一张，费用{amount}元。",
    "空调外机安装位置不符合规定，请于{day}前整改。",
    "中国人寿保险的工作人员将于{day}上门拜访。",
    "来自外国的客人将入住{unit}，请前台做好登记。",
    "水电费账单有误，请核对{day}的抄表记录。",
    "公司文件：关于加强消防安全管理的通知，请各部门遵照执行。",
    "押金{amount}元将在退租后三十日内退还。",
]
OPENINGS = ["尊敬的物业管理处：", "致客户服务中心：", "您好！", "物业公司："]
QUERIES = [
    "维修", "漏水", "电梯", "噪音", "装修", "停车位", "押金", "中国人", '"二次装修"', "修",
    "水", "投诉 噪音", "消防安全", "退租", "門禁", "維修 漏水",
]
DESCRIPTIONS = [
    "卫生间漏水检修", "电梯停运噪音", "物业管理费收据", "二次装修审批施工", "紧急联系人电话登记",
    "报修维修人员上门", "停车位申请车牌", "夜间施工噪音投诉", "门禁卡补办费用", "空调外机位置整改",
    "保险人员上门拜访", "外国客人入住登记", "水电费抄表核对", "消防安全管理通知", "退租押金退还",
    "廣告水牌更換", "中央空调改造", "装修押金退款申请", "业主投诉电梯异响", "車位續租",
]
"""Descriptions of these letters in other words (a word they do not use, words between or
in another order, the other script): no letter holds one whole, so every search of them
adds partial matches, most of them over thousands of letters."""


def _unit(rng: random.Random) -> str:
    return f"{rng.choice('ABCDEF')}-{rng.randint(1, 30):02d}{rng.randint(1, 8):02d}"


def _sentence(rng: random.Random, unit: str, year: int) -> str:
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    return rng.choice(SENTENCES).format(
        unit=unit, floor=rng.randint(1, 30), amount=f"{rng.randint(100, 20000):,}",
        ticket=f"WX{year}-{rng.randint(1, 9999):04d}", day=f"{day:%Y年%m月%d日}",
        name=rng.choice(SURNAMES) + rng.choice(SURNAMES),
        phone=f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
        digits=f"{rng.randint(0, 99999):05d}",
    )


def letters(count: int, seed: int) -> list[IndexedDocument]:
    rng = random.Random(seed)
    to_traditional = opencc.OpenCC("s2t")
    out = []
    for number in range(count):
        unit, year = _unit(rng), rng.randint(2010, 2025)
        body = rng.choice(OPENINGS) + "".join(
            _sentence(rng, unit, year) for _ in range(rng.randint(8, 16)))
        body += f"此致 敬礼！ {rng.choice(SURNAMES)}先生 {unit}"
        if rng.random() < 0.2:
            body = to_traditional.convert(body)
        category = rng.choice(CATEGORIES)
        out.append(IndexedDocument(
            document_id=f"doc-{number:07d}", archive_no=f"{year}-{category}-{unit}-{number:05d}",
            title=body[len(OPENINGS[0]):][:12], body=body, household=unit, category=category,
            filed_at=date(year, 1, 1) + timedelta(days=rng.randrange(365)),
            security=rng.choices(SECURITY_LEVELS, [90, 8, 2])[0],
            personal_info=rng.random() < 0.05, version=number + 1,
        ))
    return out


Kind = Literal["typical", "descriptive"]


def _queries(count: int, seed: int, docs: list[IndexedDocument], kind: Kind = "typical"
             ) -> list[str]:
    """``typical``: words, phrases, single characters, unit codes and ticket numbers;
    ``descriptive``: ``DESCRIPTIONS``, the partial-match path."""
    rng = random.Random(seed + 1)
    if kind == "descriptive":
        return [rng.choice(DESCRIPTIONS) for _ in range(count)]
    extra: list[Callable[[], str]] = [
        lambda: rng.choice(docs).household or "A-0101",
        lambda: f"WX{rng.randint(2010, 2025)}-{rng.randint(1, 9999):04d}",
        lambda: rng.choice(QUERIES),
    ]
    return [rng.choice(extra)() for _ in range(count)]


ACCESS = AccessFilter(clearance="confidential")
clock = time.perf_counter
"""What searches are timed with: wall time, or (``--cpu``) this process's CPU time."""
PROTOCOL = "protocol search (+ 20 hits, snippets)"
Timed = Callable[[SearchQuery], Awaitable[float]]
"""Runs one query one way and returns how long the timed part took, in seconds."""


def query_params(q: str, number: int, *, filtered: bool) -> dict[str, Any]:
    """Query ``number`` of the run: plain, or filtered by category + year."""
    if not filtered:
        return {"q": q}
    return {"q": q, "category": CATEGORIES[number % len(CATEGORIES)],
            "year": 2010 + number % 16}


def _tantivy_engine(index: TantivyIndex) -> dict[str, Timed]:
    """The engine calls ``TantivyIndex.search`` makes, timed without the Python around them."""
    async def engine_query(query: SearchQuery) -> float:
        searcher, terms = index.searcher(), query.terms(index.synonyms)
        started = clock()
        find_matches(searcher, query, terms, ACCESS, index.synonyms)
        return clock() - started

    async def engine_query_and_facets(query: SearchQuery) -> float:
        searcher, terms = index.searcher(), query.terms(index.synonyms)
        started = clock()
        found = find_matches(searcher, query, terms, ACCESS, index.synonyms)
        facet_counts(searcher, found.counted)
        return clock() - started

    return {"engine query (top 20 + count)": engine_query,
            "engine query + facets": engine_query_and_facets}


def _protocol(index: SearchIndex) -> Timed:
    async def protocol_search(query: SearchQuery) -> float:
        started = clock()
        await index.search(query, ACCESS)
        return clock() - started

    return protocol_search


async def _timed_queries(measures: dict[str, Timed], queries: list[str], *, filtered: bool
                         ) -> dict[str, list[float]]:
    """Milliseconds per query and measure; the measures of one query run back to back."""
    latencies: dict[str, list[float]] = {name: [] for name in measures}
    for number, q in enumerate(queries):
        query = SearchQuery(**query_params(q, number, filtered=filtered))
        for name, measure in measures.items():
            latencies[name].append(await measure(query) * 1000)
    return latencies


def percentiles(latencies: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49], cuts[94]


async def run(index: SearchIndex, docs: list[IndexedDocument], queries: list[str], batch: int,
              *, slowest: int) -> tuple[float, dict[str, list[float]]]:
    """Index ``docs``; (docs/s, ``{measure: [p50, p95, filtered p50, filtered p95]}``)."""
    await index.ensure()
    started = time.perf_counter()
    for start in range(0, len(docs), batch):
        await index.upsert(docs[start : start + batch])
    rate = len(docs) / (time.perf_counter() - started)
    measures = _tantivy_engine(index) if isinstance(index, TantivyIndex) else {}
    measures[PROTOCOL] = _protocol(index)
    table: dict[str, list[float]] = {name: [] for name in measures}
    for filtered in (False, True):
        latencies = await _timed_queries(measures, queries, filtered=filtered)
        for name, values in latencies.items():
            table[name].extend(percentiles(values))
        ranked = sorted(zip(latencies[PROTOCOL], queries, strict=True), reverse=True)
        print(f"  slowest {'filtered ' if filtered else ''}protocol searches (ms): "
              + ", ".join(f"{q} {ms:.1f}" for ms, q in ranked[:slowest]))
    await index.close()
    return rate, table


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--slowest", type=int, default=8,
                        help="how many of the slowest protocol searches to list")
    parser.add_argument("--backends", default="tantivy,osmem",
                        help="comma-separated: tantivy, osmem, elasticsearch")
    parser.add_argument("--es-url", help="a real Elasticsearch for the 'elasticsearch' backend")
    parser.add_argument("--kind", choices=["typical", "descriptive"], default="typical",
                        help="typical queries, or descriptions in other words (partial matches)")
    parser.add_argument("--cpu", action="store_true",
                        help="time searches in CPU time of this process, not wall time: the "
                             "work itself, when other work shares the machine")
    args = parser.parse_args()
    global clock
    if args.cpu:
        clock = time.process_time
    docs = letters(args.docs, args.seed)
    queries = _queries(args.queries, args.seed, docs, args.kind)
    mean_chars = statistics.mean(len(d.body) for d in docs)
    rows = []
    for backend in args.backends.split(","):
        print(f"indexing {len(docs)} letters (mean {mean_chars:.0f} chars) into {backend}…")
        rows.append((backend, *await _run_backend(backend, docs, queries, args)))
    print(f"\n{len(docs)} documents, {len(queries)} {args.kind} queries, batch {args.batch}, "
          f"{'CPU' if args.cpu else 'wall'} time\n")
    print("| backend | index docs/s | measure | p50 ms | p95 ms | filtered p50 ms "
          "| filtered p95 ms |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for backend, rate, table in rows:
        for name, cells in table.items():
            print(f"| {backend} | {rate:,.0f} | {name} | "
                  + " | ".join(f"{cell:.2f}" for cell in cells) + " |")


async def _run_backend(backend: str, docs: list[IndexedDocument], queries: list[str],
                       args: argparse.Namespace) -> tuple[float, dict[str, list[float]]]:
    if backend == "tantivy":
        with tempfile.TemporaryDirectory(prefix="bench-tantivy-") as directory:
            return await run(TantivyIndex(Path(directory)), docs, queries, args.batch,
                             slowest=args.slowest)
    if backend == "osmem":
        from osmem_server import OsmemServer

        from tests.fixtures.elasticsearch import osmem_client

        with OsmemServer.start(addr="127.0.0.1:0") as server:
            index = ElasticsearchIndex(osmem_client(server.url), alias="bench-documents")
            return await run(index, docs, queries, args.batch, slowest=args.slowest)
    if backend == "elasticsearch" and args.es_url:
        return await run(ElasticsearchIndex.from_url(args.es_url, alias="bench-documents"),
                         docs, queries, args.batch, slowest=args.slowest)
    raise SystemExit(f"unknown backend {backend!r} (or 'elasticsearch' without --es-url)")


if __name__ == "__main__":
    asyncio.run(main())
