"""Page turn benchmark: the bytes a page turned on the document page reads from the object
store, for a long digital PDF, without and with the stored text's index
(``services/ingest/page_index.py``).

Writes a digital PDF of ``--pages`` full pages (30 lines of running text each, a text
layer, as a contract is), extracts it in process as ingest does (a box per character),
stores its text with ``DerivedText.save`` on a directory store that counts the bytes it
hands out, and turns to the first, the middle and the last page (``outlines_and_page``,
what ingest's ``GET …/reading`` reads). "Without" is the same text with its index deleted:
what a page turn read before indexes, and what a text stored before them reads once, at
its first turn (it is indexed then). The bytes are the store's answer, the same from S3.

Run: ``PYTHONPATH=. .venv/bin/python bench/page_turn.py [--pages 300]``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
import time
from pathlib import Path

import msgspec

from services.ingest.derived import DerivedText
from services.ingest.extraction import ExtractionLimits, TesseractEngine, extract_document
from services.ingest.models import pages_index_key, pages_key
from tests.support.counting_store import CountingStore
from tests.support.rendering import LINES, write_digital_pdf


def contract_pdf(path: Path, pages: int) -> Path:
    lines = [line for line in LINES["simplified"] for _ in range(4)][:30]
    return write_digital_pdf(path, [[f"第{number}页", *lines] for number in range(1, pages + 1)])


async def turns(derived: DerivedText, sha256: str, numbers: list[int]) -> list[tuple[int, float]]:
    store = derived.store
    assert isinstance(store, CountingStore)
    measured = []
    for number in numbers:
        before = store.read_bytes
        started = time.process_time()
        outlines, shown = await derived.outlines_and_page(sha256, number)
        assert shown is not None
        assert (shown.number, len(outlines) >= number) == (number, True)
        measured.append((store.read_bytes - before, time.process_time() - started))
    return measured


async def main(pages: int) -> None:
    with tempfile.TemporaryDirectory(prefix="page-turn-") as scratch:
        root = Path(scratch)
        pdf = contract_pdf(root / "contract.pdf", pages)
        stored = root / "pages.jsonl"
        with stored.open("wb") as out:
            for page in extract_document(pdf, limits=ExtractionLimits(),
                                         engine=TesseractEngine()):
                out.write(msgspec.json.encode(page) + b"\n")
        sha256 = hashlib.sha256(pdf.read_bytes()).hexdigest()
        store = CountingStore(root / "objects")
        derived = DerivedText(store)
        await derived.save(sha256, stored)
        size = await store.head(pages_key(sha256))
        index = await store.head(pages_index_key(sha256))
        assert size is not None
        assert index is not None
        numbers = [1, pages // 2, pages]
        print(f"{pages} pages: pages.jsonl {size.size / 1e6:.1f} MB, "
              f"pages.index.json {index.size / 1e3:.0f} kB, PDF {pdf.stat().st_size / 1e6:.1f} MB")
        with_index = await turns(derived, sha256, numbers)
        without = []
        for number in numbers:  # each turn indexes the text again: delete it first
            await store.delete(pages_index_key(sha256))
            without += await turns(derived, sha256, [number])
        print("| page | bytes read, without index | with index | CPU s without | with |")
        print("| --- | --- | --- | --- | --- |")
        for number, (old, new) in zip(numbers, zip(without, with_index, strict=True),
                                      strict=True):
            print(f"| {number} | {old[0]:,} | {new[0]:,} | {old[1]:.3f} | {new[1]:.3f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    asyncio.run(main(parser.parse_args().pages))
