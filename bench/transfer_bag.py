"""Transfer bag benchmark: a transfer out's BagIt bag downloaded from the staff pages (one
tar, streamed) beside the same bag written by ``archive transfer`` into a directory.

Files ``--documents`` originals of ``--size-mb`` random bytes each (stored and registered
as ingest does, so no OCR runs) in a real archive server (embedded: SQLite, directory
store, in this process), records one transfer out of them all, then fetches its bag both
ways as the archivist: through ``/ui/handovers/transfers/{id}/bag.tar`` in a signed-in
session (the tar read and thrown away as it comes) and with the CLI's ``export`` into a
new directory. Reports seconds, MB/s and the growth of this process's resident memory
above what it was before each fetch (sampled every 10 ms, after the pages were read once):
the server streams, so it should not grow with the size of an original or of the bag.

Run: ``.venv/bin/python bench/transfer_bag.py [--documents 8] [--size-mb 64]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.cli.client import Api
from services.cli.transfer import export
from services.common.clock import FixedClock
from services.common.contracts.operations import Transfer
from tests.e2e.retention.support import START, Archive
from tests.fixtures.app import launch_archive_server
from tests.support.pages import signed_in

MB = 1024 * 1024


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measured(fetch: Callable[[], int]) -> tuple[int, float, int]:
    """Bytes fetched, seconds, and the peak resident growth while ``fetch`` ran."""
    baseline, peak, done = resident_bytes(), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], resident_bytes())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        size = fetch()
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
    return size, elapsed, max(0, peak[0] - baseline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=8)
    parser.add_argument("--size-mb", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        clock = FixedClock(START)
        server = launch_archive_server(root / "data", clock=clock)
        try:
            archive = Archive.open(server, clock)
            documents = [archive.file(household="A-1201", title=f"原件 {number}",
                                      content=b"%PDF-1.7\n" + os.urandom(args.size_mb * MB))
                         for number in range(args.documents)]
            with archive.as_("wang") as client:
                response = client.post("/registry/transfers", json={
                    "documents": [document["document_id"] for document in documents],
                    "recipient": "新物业公司档案室", "reason": "基准测试"})
            response.raise_for_status()
            transfer = response.json()
            with closing(signed_in(server.url, "wang")) as browser:  # pages warmed up
                browser.get("/ui/handovers").raise_for_status()

            def page() -> int:
                size = 0
                with closing(signed_in(server.url, "wang")) as browser, browser.stream(
                        "GET", f"/ui/handovers/transfers/{transfer['transfer_id']}/bag.tar"
                ) as streamed:
                    streamed.raise_for_status()
                    for piece in streamed.iter_raw():
                        size += len(piece)
                return size

            def cli() -> int:
                with Api(server.url, server.tokens["wang"]) as api:
                    out = export(api, msgspec.convert(transfer, Transfer), root / "bag",
                                 source_organization="基准")
                return sum(path.stat().st_size for path in out.rglob("*") if path.is_file())

            rows = [("pages: tar streamed (`bag.tar`)", *measured(page)),
                    ("CLI: directory (`archive transfer`)", *measured(cli))]
        finally:
            server.server.stop()
    print(f"\n{args.documents} originals of {args.size_mb} MB\n")
    print("| fetched as | bag MB | seconds | MB/s | resident growth MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, size, seconds, growth in rows:
        print(f"| {name} | {size / MB:.0f} | {seconds:.1f} | {size / MB / seconds:.0f} "
              f"| {growth / MB:.0f} |")


if __name__ == "__main__":
    main()
