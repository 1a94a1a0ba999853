"""Do synonyms find the paper a person describes in other words, and cost the others nothing?

    .venv/bin/python bench/synonyms.py                    # 1 500 papers, Tantivy
    .venv/bin/python bench/synonyms.py --docs 3000 --seed 7

Generates ``--docs`` papers of the archive's categories (``tests/support/documents.py``:
letters, forms, contracts and notices, half in Traditional script, each with the
description a person would type) and indexes them as digital documents (no OCR) in a
Tantivy index. Two sets of queries go to ``TantivyIndex.search`` twice, without synonyms
and with the default groups (``services.search.synonyms``):

- **as described**: each paper's own description (some of its words, sometimes one it
  does not use, sometimes in the other script), what findability.py asks;
- **in other words**: the descriptions that hold a word of a group, with that word
  written as another word of its group (漏水 → 渗水, 物业管理费 → 管理费, 电梯 → 升降机),
  as a clerk or a Hong Kong office would write it.

Recall@5: a paper on the described paper's subject among the first 5 hits (the generator
writes a subject's papers in the same words: which of them comes first is a tie); MRR:
1/rank of the first such paper within the first 20, else 0; the mean number of hits; the
protocol search's CPU time per query.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from services.common.text import fold
from services.search.index.models import AccessFilter, IndexedDocument
from services.search.index.tantivy_index import TantivyIndex
from services.search.query import SearchQuery
from services.search.synonyms import DEFAULT_GROUPS, DEFAULT_SYNONYMS, NO_SYNONYMS, Synonyms
from tests.support.documents import ArchivePaper, paper

ACCESS = AccessFilter(clearance="confidential")


def documents(papers: list[ArchivePaper]) -> list[IndexedDocument]:
    return [IndexedDocument(
        document_id=f"d{number:05d}", archive_no=f"2024-{item.topic.category}-{number:05d}",
        title=item.topic.title, body=item.text, household=item.household,
        category=item.topic.category, filed_at=item.filed_at, security="ordinary",
        personal_info=False, version=1) for number, item in enumerate(papers)]


def in_other_words(description: str, rng: random.Random) -> str | None:
    """The description with one word of a group written as another of its group, or None
    when it holds none."""
    folded = fold(description)
    present = [group for group in DEFAULT_GROUPS
               if any(word in folded for word in group)]
    if not present:
        return None
    group = rng.choice(present)
    word = max((word for word in group if word in folded), key=len)
    return folded.replace(word, rng.choice([other for other in group if other != word]), 1)


async def measure(index: TantivyIndex, queries: list[tuple[str, str]], synonyms: Synonyms,
                  subject_of: dict[str, str]) -> tuple[float, float, float, float]:
    """Recall@5, MRR (first 20), mean hits and median CPU ms of ``queries`` (id, text). A
    hit counts when it is a paper on the described one's subject: the generator writes
    a subject's papers in the same words, so which of them ranks first is a tie."""
    index.synonyms = synonyms
    found_at5, ranks, totals, times = 0, [], [], []
    for document_id, q in queries:
        started = time.process_time()
        result = await index.search(SearchQuery(q=q, size=20), ACCESS)
        times.append((time.process_time() - started) * 1000)
        subjects = [subject_of[hit.document_id] for hit in result.hits]
        wanted = subject_of[document_id]
        found_at5 += wanted in subjects[:5]
        ranks.append(1 / (subjects.index(wanted) + 1) if wanted in subjects else 0.0)
        totals.append(result.total)
    return (found_at5 / len(queries), statistics.mean(ranks), statistics.mean(totals),
            statistics.median(times))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    papers = [paper(rng) for _ in range(args.docs)]
    docs = documents(papers)
    subject_of = {doc.document_id: item.topic.subject for doc, item in zip(docs, papers,
                                                                          strict=True)}
    described = [(doc.document_id, item.description) for doc, item in zip(docs, papers,
                                                                           strict=True)]
    other = [(document_id, q) for document_id, q in
             ((document_id, in_other_words(q, rng)) for document_id, q in described) if q]
    with tempfile.TemporaryDirectory() as directory:
        index = TantivyIndex(Path(directory) / "index")
        await index.ensure()
        for start in range(0, len(docs), 1000):
            await index.upsert(docs[start:start + 1000])
        print(f"{len(docs)} papers; {len(described)} descriptions, {len(other)} of them "
              "in other words\n")
        print("| queries | synonyms | queries | recall@5 | MRR (first 20) | mean hits | "
              "median CPU ms |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for name, queries in (("as described", described), ("in other words", other)):
            for label, synonyms in (("none", NO_SYNONYMS), ("default groups", DEFAULT_SYNONYMS)):
                recall, mrr, hits, cpu = await measure(index, queries, synonyms, subject_of)
                print(f"| {name} | {label} | {len(queries)} | {recall:.2f} | {mrr:.3f} | "
                      f"{hits:.1f} | {cpu:.2f} |")
        await index.close()


if __name__ == "__main__":
    asyncio.run(main())
