"""Does a typed word find the letters where it stands as a word first, not the letters
where its two characters stand across two words (业主 in 物业主任)?

    .venv/bin/python bench/words.py --cpu                      # 3 000 letters, Tantivy
    .venv/bin/python bench/words.py --cpu --backends tantivy,osmem
    PYTHONPATH=<a checkout of the release before> .venv/bin/python bench/words.py --cpu

Letters of a property company are generated (``--seed``): an opening, sentences that hold
none of the measured words, and, at random, a sentence in which one of ``WORDS`` stands
as a word (the letter is about it: relevant), sentences in which a word's characters
stand across two words (``STRADDLES``: 物业主任, 物业主管, 联合同意, 不同意见, 漏水管道,
业主任何…; not relevant), and a signature, most often the 物业主任's. One letter in five is
in Traditional script. Which words each sentence holds as words is written beside it,
and checked against jieba's dictionary (``--check``; the sentences where the two disagree
are listed: 排水管理由工程部负责 is cut 排水管/理由, so it holds 水管 by the dictionary,
a segmenter's mistake kept on purpose). Each word is searched as a clerk types it, and
the first 5 and 10 hits are scored: precision@5/@10 (relevant hits among them), with
the total hits (recall: every letter holding the word's two characters is found, before
and after). Also: index time per letter (CPU with ``--cpu``), the Tantivy index's size,
and the protocol search's p50/p95 over every word, five times.

The script uses only what the release before the words fields had, so the same script
measures "before" with that release on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import opencc

from services.search.index.elasticsearch_index import ElasticsearchIndex
from services.search.index.models import AccessFilter, IndexedDocument
from services.search.index.protocol import SearchIndex
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery

ACCESS = AccessFilter(clearance="secret")
WORDS = ["业主", "主任", "合同", "同意", "门禁", "水管", "物业", "维修", "安全", "费用", "停车",
         "车位", "天花", "住户", "公告", "报修", "押金", "会议", "空调", "租金", "电费",
         "通知", "管道", "意见"]
# Sentences in which words stand as words: (text, the WORDS it holds as words).
ABOUT: list[tuple[str, set[str]]] = [
    ("请各位业主于本月底前缴清费用。", {"业主", "费用"}),
    ("经查，该业主已按期缴费。", {"业主"}),
    ("办公室主任将于下周约见住户。", {"主任", "住户"}),
    ("双方签订的租赁合同已到期。", {"合同"}),
    ("本公司同意贵户的装修申请。", {"同意"}),
    ("门禁系统将于周三升级。", {"门禁"}),
    ("厨房水管爆裂，已关闭总阀。", {"水管"}),
    ("本物业实行封闭式管理。", {"物业"}),
    ("电梯维修期间请走楼梯。", {"维修"}),
    ("请注意用电安全，勿私拉电线。", {"安全"}),
    ("地下车库禁止停车超过七日。", {"停车"}),
    ("车位租期为一年。", {"车位"}),
    ("卫生间天花出现霉斑。", {"天花"}),
    ("公告栏张贴的公告已更新。", {"公告"}),
    ("住户可通过热线报修。", {"住户", "报修"}),
    ("装修押金将于验收后退还。", {"押金"}),
    ("本次会议讨论外墙翻新。", {"会议"}),
    ("空调外机须安装在指定位置。", {"空调"}),
    ("商铺租金按季度缴纳。", {"租金"}),
    ("本月电费较上月上涨。", {"电费"}),
    ("请留意楼层通知。", {"通知"}),
    ("地下管道已疏通。", {"管道"}),
    ("如有意见请书面提出。", {"意见"}),
]
# Sentences in which a word's characters stand across two words.
STRADDLES: list[tuple[str, set[str]]] = [
    ("本函经物业主管审核。", {"物业"}),
    ("经全体委员联合同意，决议生效。", {"同意"}),
    ("会上存在不同意见，留待再议。", {"意见"}),
    ("漏水管道已更换。", {"管道"}),
    ("各位业主任何时候均可来电。", {"业主"}),
    ("请配合同事完成登记。", set()),
    ("贵重财物业已登记在册。", set()),
    ("保安全天巡逻。", set()),
    ("收费用途已公示。", set()),
    ("列车位于站台东侧。", set()),
    ("今天花费较多。", set()),
    ("居住户籍证明已提交。", set()),
    ("办公告知书已发。", set()),
    ("汇报修缮进度。", set()),
    ("抵押金额另计。", set()),
    ("社会议题不在此列。", set()),
    ("高空调查已完成。", set()),
    ("出租金额由双方商定。", set()),
    ("用电费用按表计收。", {"费用"}),
    ("交通知识讲座改期。", set()),
    ("出门禁止吸烟。", set()),
    ("暂停车辆进出。", set()),
    ("排水管理由工程部负责。", set()),
]
FILLER = [
    "来函收悉。", "特此函告。", "现将有关情况说明如下。", "感谢您的理解与支持。",
    "请于三日内回复。", "如需帮助请致电客服中心。", "附件两份。", "以上情况属实。",
    "敬请知悉。", "此事已转交相关部门跟进。",
]
SIGNATURES: list[tuple[str, set[str]]] = [
    ("物业主任 {name}", {"物业", "主任"}), ("物业主管 {name}", {"物业"}),
    ("管理处 {name}", set()),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"

Letter = tuple[IndexedDocument, set[str]]


def letters(count: int, seed: int) -> list[Letter]:
    """Letters and, for each, the WORDS it holds as words (what it is about)."""
    rng = random.Random(seed)
    to_traditional = opencc.OpenCC("s2t")
    out = []
    for number in range(count):
        parts = [rng.choice(FILLER) for _ in range(rng.randint(3, 6))]
        about: set[str] = set()
        if rng.random() < 0.3:
            text, held = rng.choice(ABOUT)
            parts.insert(rng.randrange(len(parts)), text)
            about |= held
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            text, held = rng.choice(STRADDLES)
            parts.insert(rng.randrange(len(parts)), text)
            about |= held
        name = rng.choice(SURNAMES) + rng.choice(SURNAMES)
        signature, held = rng.choices(SIGNATURES, [6, 2, 2])[0]
        about |= held
        body = "尊敬的客户：" + "".join(parts) + signature.format(name=name)
        if rng.random() < 0.2:
            body = to_traditional.convert(body)
        out.append((IndexedDocument(
            document_id=f"w-{number:06d}", archive_no=f"2024-correspondence-A-{number:05d}",
            title="来函" if rng.random() < 0.7 else signature.split()[0] + "函",
            body=body, household="A-1201", category="correspondence",
            filed_at=date(2024, 1, 1) + timedelta(days=rng.randrange(365)),
            security="ordinary", personal_info=False, version=number + 1), about))
    return out


def check() -> list[str]:
    """The sentences whose declared words jieba's dictionary cuts otherwise."""
    import jieba

    segmenter = jieba.Tokenizer()
    disagreements = []
    for text, held in [*ABOUT, *STRADDLES, *((s.format(name="王李"), h) for s, h in SIGNATURES)]:
        cut = set(segmenter.cut_for_search(text, HMM=False))
        inside = {word for word in WORDS if word in text}
        if {word for word in inside if word in cut} != held:
            disagreements.append(f"{text}: declared {sorted(held)}, dictionary "
                                 f"{sorted(word for word in inside if word in cut)}")
    return disagreements


def _size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


async def measure(index: SearchIndex, corpus: list[Letter], clock: object, *,
                  size_of: Path | None) -> dict[str, object]:
    timer = time.process_time if clock == "cpu" else time.perf_counter
    await index.ensure()
    docs = [doc for doc, _ in corpus]
    started = timer()
    for start in range(0, len(docs), 500):
        await index.upsert(docs[start : start + 500])
    per_doc_ms = (timer() - started) * 1000 / len(docs)
    relevant = {doc.document_id: about for doc, about in corpus}
    to_simplified = opencc.OpenCC("t2s")
    simplified = [to_simplified.convert(doc.body) for doc in docs]
    holding = {word: sum(word in body for body in simplified) for word in WORDS}
    rows, latencies = [], []
    for word in WORDS:
        result = await index.search(SearchQuery(q=word, size=10), ACCESS)
        ids = [hit.document_id for hit in result.hits]
        rows.append((word, sum(word in relevant[i] for i in ids[:5]) / min(5, len(ids) or 1),
                     sum(word in relevant[i] for i in ids[:10]) / min(10, len(ids) or 1),
                     sum(word in about for about in relevant.values()), result.total,
                     holding[word]))
    for _ in range(5):
        for word in WORDS:
            started = timer()
            await index.search(SearchQuery(q=word, size=20), ACCESS)
            latencies.append((timer() - started) * 1000)
    cuts = statistics.quantiles(latencies, n=100)
    size = _size(size_of) if size_of else None
    await index.close()
    return {"rows": rows, "per_doc_ms": per_doc_ms, "p50": cuts[49], "p95": cuts[94],
            "size": size}


async def run_backend(backend: str, corpus: list[Letter], clock: str) -> dict[str, object]:
    if backend == "tantivy":
        with tempfile.TemporaryDirectory(prefix="bench-words-") as directory:
            return await measure(TantivyIndex(Path(directory)), corpus, clock,
                                 size_of=Path(directory))
    from osmem_server import OsmemServer

    from tests.fixtures.elasticsearch import osmem_client

    with OsmemServer.start(addr="127.0.0.1:0") as server:
        return await measure(ElasticsearchIndex(osmem_client(server.url), alias="bench-words"),
                             corpus, clock, size_of=None)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backends", default="tantivy", help="comma-separated: tantivy, osmem")
    parser.add_argument("--cpu", action="store_true", help="CPU time of this process")
    parser.add_argument("--check", action="store_true",
                        help="check the declared words against jieba's dictionary")
    args = parser.parse_args()
    if args.check:
        print("\n".join(check()) or "the dictionary agrees with every sentence")
    corpus = letters(args.docs, args.seed)
    for backend in args.backends.split(","):
        found = await run_backend(backend, corpus, "cpu" if args.cpu else "wall")
        rows = found["rows"]
        assert isinstance(rows, list)
        print(f"\n{backend}: {args.docs} letters; index {found['per_doc_ms']:.2f} ms/letter"
              f"{' CPU' if args.cpu else ''}; size "
              f"{found['size'] / 1e6 if found['size'] else float('nan'):.2f} MB; search p50 "
              f"{found['p50']:.2f} ms, p95 {found['p95']:.2f} ms\n")
        print("| word | P@5 | P@10 | letters about it | hits | letters holding its characters |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for word, p5, p10, about, total, holding in rows:
            print(f"| {word} | {p5:.2f} | {p10:.2f} | {about} | {total} | {holding} |")
        print(f"| mean | {statistics.mean(r[1] for r in rows):.3f} | "
              f"{statistics.mean(r[2] for r in rows):.3f} | | | |")


if __name__ == "__main__":
    asyncio.run(main())
